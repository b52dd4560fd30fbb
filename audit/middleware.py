from django.core.exceptions import PermissionDenied
from django.http import Http404


class AuditDenialMiddleware:
    """A signed-in user refused an object (another unit's: 404) or an action (403) leaves a record;
    the request is known to records made without one (``audit.services.current_request``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from audit.services import current_request

        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)

    def process_exception(self, request, exception):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and isinstance(exception, Http404 | PermissionDenied):
            from audit.models import AuditEvent
            from audit.services import audit_record

            status = 404 if isinstance(exception, Http404) else 403
            audit_record(
                request,
                AuditEvent.DENIED,
                repr_text=f"{request.method} {request.path}"[:500],
                detail={"status": status, "reason": str(exception)[:200]},
            )
        return None
