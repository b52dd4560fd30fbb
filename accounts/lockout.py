"""django-axes, counting failures in a window: 5 failed logins within 15 minutes
(AXES_FAILURE_WINDOW) lock for 30 minutes (AXES_COOLOFF_TIME), the account and,
separately, the address.

A whole township often sits behind one NAT address; the account rule
(AXES_FAILURE_LIMIT) protects each account, the address rule
(AXES_ADDRESS_FAILURE_LIMIT, by default the same 5) stops one machine trying
many accounts. A county whose townships share addresses may raise the latter.

axes itself keeps one running count per record, reset only when the record
expires; its failure log keeps each failure's time, which is what a window needs."""

from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from django.conf import settings
from django.db.models import Q
from django.utils import timezone


def lock_end(times: list[datetime], limit: int) -> datetime | None:
    """When the lock the failures at ``times`` (ascending) impose ends: 30 minutes after the
    failure that made ``limit`` within the window; None if they never did."""
    window, lock = settings.AXES_FAILURE_WINDOW, settings.AXES_COOLOFF_TIME
    end = None
    for i in range(limit - 1, len(times)):
        if times[i] - times[i - limit + 1] <= window:
            end = times[i] + lock
    return end


def _times(field: str, value, now: datetime) -> list[datetime]:
    since = now - settings.AXES_FAILURE_WINDOW - settings.AXES_COOLOFF_TIME
    return list(
        AccessFailureLog.objects.filter(**{field: value}, attempt_time__gte=since)
        .order_by("attempt_time")
        .values_list("attempt_time", flat=True)
    )


def locked(field: str, now: datetime | None = None) -> list[tuple[str, datetime]]:
    """The accounts (``username``) or addresses (``ip_address``) locked now, with when each lock ends."""
    now = now or timezone.now()
    limit = settings.AXES_FAILURE_LIMIT if field == "username" else settings.AXES_ADDRESS_FAILURE_LIMIT
    since = now - settings.AXES_FAILURE_WINDOW - settings.AXES_COOLOFF_TIME
    by_value: dict[str, list[datetime]] = {}
    rows = AccessFailureLog.objects.filter(attempt_time__gte=since).exclude(**{f"{field}__isnull": True})
    for value, when in rows.order_by("attempt_time").values_list(field, "attempt_time"):
        by_value.setdefault(value, []).append(when)
    found = []
    for value, times in by_value.items():
        end = lock_end(times, limit)
        if value and end is not None and end > now:
            found.append((value, end))
    return sorted(found)


# axes keeps the name a login was tried with in a 255-character column: a longer one (nobody's
# name: ours are at most 150) is kept as its first 255 characters, the same whenever it is tried,
# so it still counts towards its own lock, instead of failing the login page on PostgreSQL
USERNAME_KEPT = 255


def client_username(request, credentials=None) -> str | None:
    """The name a login was tried with, as axes records and counts it (AXES_USERNAME_CALLABLE)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        name = credentials.get(field)
    else:
        name = getattr(request, "data", request.POST).get(field)
    return name[:USERNAME_KEPT] if isinstance(name, str) else name


class LockoutHandler(AxesDatabaseHandler):
    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # axes asks for the count before it logs this failure: count it as well
        if request is not None:
            request.branchwork_failing = True
        try:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        finally:
            if request is not None:
                request.branchwork_failing = False

    def get_failures(self, request, credentials=None) -> int:
        """AXES_FAILURE_LIMIT while the account or the address is locked, else 0."""
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        rules = (
            ("username", get_client_username(request, credentials), settings.AXES_FAILURE_LIMIT),
            ("ip_address", getattr(request, "axes_ip_address", None), settings.AXES_ADDRESS_FAILURE_LIMIT),
        )
        for field, value, limit in rules:
            if not value:
                continue
            times = _times(field, value, now)
            if getattr(request, "branchwork_failing", False):
                times.append(now)
            end = lock_end(times, limit)
            if end is not None and end > now:
                return settings.AXES_FAILURE_LIMIT
        return 0

    def remove_out_of_limit_failure_logs(self, *, username, limit=None) -> int:
        """Called by axes after each failure. axes would cap the log per account by deleting rows in
        no particular order (the newest might go); the window needs only the last 45 minutes, and the
        audit trail keeps every failure for good, so older rows are dropped and the log stays small."""
        cutoff = timezone.now() - 2 * (settings.AXES_FAILURE_WINDOW + settings.AXES_COOLOFF_TIME)
        count, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
        return count

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False) -> int:
        """Unlocking an account forgets its failures, and only its own: the address they came from
        keeps them against its own lock (a single address trying one account stays locked when the
        account's owner is let back in); unlocking an address likewise leaves the accounts' counts.
        axes' own records are removed as axes does."""
        count = super().reset_attempts(ip_address=ip_address, username=username, ip_or_username=ip_or_username)
        if ip_or_username:
            AccessFailureLog.objects.filter(Q(ip_address=ip_address) | Q(username=username)).delete()
        elif username and ip_address:
            AccessFailureLog.objects.filter(username=username, ip_address=ip_address).delete()
        elif username:
            AccessFailureLog.objects.filter(username=username).update(username=None)
        elif ip_address:
            AccessFailureLog.objects.filter(ip_address=ip_address).update(ip_address=None)
        return count
