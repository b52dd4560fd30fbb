from .models import Kind, Message


def home_card(user, limit: int = 5) -> dict:
    """The 工作台's message card: the latest unread messages, 催办 first, and how many are unread."""
    unread = Message.objects.visible_to(user).unread()
    urges = list(unread.filter(kind=Kind.URGE).select_related("sender")[:limit])
    others = list(unread.exclude(kind=Kind.URGE)[: max(0, limit - len(urges))])
    return {"urges": urges, "latest": others, "unread": unread.count()}
