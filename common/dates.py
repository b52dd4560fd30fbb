"""Today, as the people using the product count it."""

from datetime import date

from django.utils import timezone


def today() -> date:
    """Today's date in the project's time zone (Asia/Shanghai), never the server's.

    Every rule that counts days (deadlines, overdue items, phases, the month under way)
    asks this, so a test fixes the clock in one place (time-machine patches what it reads)."""
    return timezone.localdate()


def demo_year(on: date | None = None) -> int:
    """The year the demo county is assessing on ``on`` (today by default): the year under way from
    November, when the year-end self-assessments open, and until then the year before.

    The demo's records run from 1 January of that year up to today, so its campaigns and their
    sheets always have ten months or more of records behind them, whatever the date."""
    on = on or today()
    return on.year if on.month >= 11 else on.year - 1
