"""Two rules every signed-in request passes through."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from accounts.passwords import password_expired

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
