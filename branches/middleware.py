"""Two rules every signed-in request passes through."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from .passwords import password_expired

# what a user whose password must change may still reach
PASSWORD_CHANGE_PATHS = ("password_change", "password_change_done", "logout")


class PasswordPolicyMiddleware:
    """Until a password set by an administrator, or one older than the
    policy allows, is changed, the user reaches only the password page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and password_expired(user):
            allowed = {reverse(name) for name in PASSWORD_CHANGE_PATHS}
            if request.path not in allowed:
                messages.warning(
                    request,
                    "首次登录或密码已到期，请先修改密码。"
                    if user.must_change_password
                    else "密码已超过规定的使用期限，请先修改密码。",
                )
                return redirect("password_change")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for a signed-in user are never kept by the browser or a proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class AuditDenialMiddleware:
    """A signed-in user refused an object (another unit's: 404) or an action (403) leaves a record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and isinstance(exception, Http404 | PermissionDenied):
            from .audit import audit_record
            from .models import AuditEvent

            status = 404 if isinstance(exception, Http404) else 403
            audit_record(
                request,
                AuditEvent.DENIED,
                repr_text=f"{request.method} {request.path}"[:500],
                detail={"status": status, "reason": str(exception)[:200]},
            )
        return None


class ClientAddressMiddleware:
    """The client's address, once, for the audit trail, login locks and rate limits.

    Behind nginx (BEHIND_PROXY=true) it is the X-Real-IP header nginx sets;
    otherwise the connection's address. A client's own X-Forwarded-For is
    dropped either way, so nobody can write another address into the trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        real = request.META.pop("HTTP_X_REAL_IP", "")
        request.META.pop("HTTP_X_FORWARDED_FOR", None)
        if settings.BEHIND_PROXY and real:
            request.META["REMOTE_ADDR"] = real.strip()
        return self.get_response(request)
