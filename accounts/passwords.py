"""The password rules a 等保 2.0 assessment checks (GB/T 22239-2019, 身份鉴别):
long enough, at least three kinds of characters, not containing the user name,
not one of the user's last passwords, and (in production) changed every so many
days; each message in Chinese. OWASP ASVS advises against
composition and rotation rules; the assessment binds here (see README)."""

import re

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASSES = [
    ("大写字母", re.compile(r"[A-Z]")),
    ("小写字母", re.compile(r"[a-z]")),
    ("数字", re.compile(r"[0-9]")),
    ("符号", re.compile(r"[^A-Za-z0-9]")),
]


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, in Chinese: Django 5.2 changed the message and its zh_Hans catalogue lags (English on screen)."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


class UsernameValidator:
    """The user name, in any letter case, nowhere inside the password (``Gaopo2026!`` for ``gaopo``).
    Django's similarity check compares whole strings, so a name with a year and a symbol added passes it."""

    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        # user names are 3 characters or more (accounts' form); a shorter one would rule out too much
        if len(username) >= 3 and username.casefold() in password.casefold():
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self):
        return "密码不能包含登录名（不分大小写）。"


class CompositionValidator:
    """At least ``kinds`` of upper case, lower case, digits and symbols."""

    def __init__(self, kinds=3):
        self.kinds = kinds

    def validate(self, password, user=None):
        if sum(1 for _label, pattern in CLASSES if pattern.search(password)) < self.kinds:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.kinds} 种。"


class HistoryValidator:
    """Not one of the user's last ``count`` passwords (the current one among them)."""

    def __init__(self, count=5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or not user.pk:
            return
        from accounts.models import PasswordHistory

        # the history holds the current hash too (kept when it was set); older accounts have only the current one
        hashes = list(PasswordHistory.objects.filter(user=user).order_by("-pk").values_list("password", flat=True))
        if any(h and check_password(password, h) for h in (hashes[: self.count] or [user.password])):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        """Keep the new hash, so the next change can be checked against it; note when it changed and
        record it in the audit trail (Django calls this on every save of a new password, whatever the path)."""
        if user is None or not user.pk:
            return
        from accounts.models import PasswordHistory
        from accounts.services import password_set_record
        from branches.models import User

        password_set_record(user)
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).order_by("-pk").values_list("pk", flat=True)[self.count :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
        User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now())

    def get_help_text(self):
        return f"新密码不能与最近 {self.count} 次使用过的密码相同。"


def password_expired(user) -> bool:
    """Whether the user must change the password now: set by an administrator or
    an import, or older than PASSWORD_MAX_AGE_DAYS (0: never, as in demo mode)."""
    if user.must_change_password:
        return True
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    changed = user.password_changed_at or user.date_joined
    return (timezone.now() - changed).days >= days
