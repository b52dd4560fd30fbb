"""Today, as the people using the product count it."""

from datetime import date

from django.utils import timezone

from common.numbers import plain_int


def today() -> date:
    """Today's date in the project's time zone (Asia/Shanghai), never the server's.

    Every rule that counts days (deadlines, overdue items, phases, the month under way)
    asks this, so a test fixes the clock in one place (time-machine patches what it reads)."""
    return timezone.localdate()


def recent_years() -> list[int]:
    """The years a records page offers: the last two and this one."""
    this = today().year
    return [this - 2, this - 1, this]


def requested_year(request) -> int:
    """The ``?year=`` a page was asked for, this year when absent or out of range (never an error)."""
    year = plain_int(request.GET.get("year", ""), max_digits=4)
    this = today().year
    return year if year is not None and 2000 <= year <= this + 1 else this


ERROR_YEAR_NOT_SHOWN = "未保存：没有看到页面所示的年度，请重新打开本页、选定年度后再保存。"


def posted_year(request) -> int | None:
    """The ``?year=`` a form was shown for, as given; None when absent or out of range. A save uses
    this, never ``requested_year``'s fallback: a page opened in December and sent in January (or a
    tampered year) must not write to another year."""
    year = plain_int(request.GET.get("year", ""), max_digits=4)
    return year if year is not None and 2000 <= year <= today().year + 1 else None


def demo_year(on: date | None = None) -> int:
    """The year the demo county is assessing on ``on`` (today by default): the year under way from
    November, when the year-end self-assessments open, and until then the year before.

    The demo's records run from 1 January of that year up to today, so its campaigns and their
    sheets always have ten months or more of records behind them, whatever the date."""
    on = on or today()
    return on.year if on.month >= 11 else on.year - 1
