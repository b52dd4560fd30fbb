"""django-axes with one change: an address may have its own failure limit.

A whole township often sits behind one NAT address; the account rule
(AXES_FAILURE_LIMIT) protects each account, the address rule
(AXES_ADDRESS_FAILURE_LIMIT, by default the same 5) stops one machine trying
many accounts. A county whose townships share addresses may raise the latter."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        # one group of attempts per AXES_LOCKOUT_PARAMETERS entry: the account's, then the address's
        by_account, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # the address's count, in units of the account limit, so axes' single limit applies to both
        scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.AXES_ADDRESS_FAILURE_LIMIT
        return max(by_account, scaled)
