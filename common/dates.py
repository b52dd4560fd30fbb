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


# A deadline's colour: green with more than a week left, yellow within the last week, red once past.
DEADLINE_WARN_DAYS = 7


def deadline_state(deadline: date, on: date | None = None) -> tuple[str, int]:
    """(colour, days left) of ``deadline`` seen on ``on`` (today): "green" with more than
    DEADLINE_WARN_DAYS days left, "yellow" up to the last day, "red" once it has passed
    (days left then negative)."""
    days = (deadline - (on or today())).days
    if days < 0:
        return "red", days
    return ("yellow" if days <= DEADLINE_WARN_DAYS else "green"), days


def deadline_words(deadline: date, on: date | None = None) -> str:
    """The countdown in words, after the deadline's date: 剩 12 天, 就在今天, 逾期 3 天."""
    _, days = deadline_state(deadline, on)
    if days > 0:
        return f"剩 {days} 天"
    return "就在今天" if days == 0 else f"逾期 {-days} 天"


def late_days(done_on: date, deadline: date | None) -> int:
    """How many days after ``deadline`` the work was done (0 when on time or without a deadline)."""
    return max(0, (done_on - deadline).days) if deadline else 0
