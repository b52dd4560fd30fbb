from django.db.models import Case, IntegerField, Value, When

from .models import Kind, Message


def home_card(user, limit: int = 5) -> dict:
    """The 工作台's message card: the latest unread messages, 催办 first, in one query (the unread
    count is the top bar's, ``inbox_unread``)."""
    latest = list(
        Message.objects.visible_to(user)
        .unread()
        .annotate(urge_first=Case(When(kind=Kind.URGE, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .select_related("sender")
        .order_by("urge_first", "-created_at", "-pk")[:limit]
    )
    return {
        "urges": [m for m in latest if m.kind == Kind.URGE],
        "latest": [m for m in latest if m.kind != Kind.URGE],
        "any": bool(latest),
    }
