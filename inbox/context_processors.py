from django.utils.functional import SimpleLazyObject

from .services import unread_count


def inbox(request):
    """The unread count in the top bar: one query a page, for a signed-in person only, counted when a
    template first shows it and once a request however many templates the page renders."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    if not hasattr(request, "inbox_unread"):
        request.inbox_unread = SimpleLazyObject(lambda: unread_count(user))
    return {"inbox_unread": request.inbox_unread}
