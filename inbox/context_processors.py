from .services import unread_count


def inbox(request):
    """The unread count in the top bar: one query a page, for a signed-in person only."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    return {"inbox_unread": unread_count(user)}
