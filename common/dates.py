"""Today, as the people using the product count it."""

from datetime import date

from django.utils import timezone


def today() -> date:
    """Today's date in the project's time zone (Asia/Shanghai), never the server's.

    Every rule that counts days (deadlines, overdue items, phases, the month under way)
    asks this, so a test fixes the clock in one place (time-machine patches what it reads)."""
    return timezone.localdate()
