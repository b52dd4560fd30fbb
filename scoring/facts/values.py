"""What facts are made of: the period they cover, a fact's value with where it comes from,
and a link to a record behind it."""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from records.models import LifeKind

# 三会一课 (seed 003, demonstration plan): how often each meeting is due.
MONTHLY_MEETINGS = (LifeKind.COMMITTEE_MEETING, LifeKind.GROUP_MEETING)
QUARTERLY_MEETINGS = (LifeKind.GENERAL_MEETING, LifeKind.PARTY_LECTURE)
THREE_ONE_KINDS = QUARTERLY_MEETINGS[:1] + MONTHLY_MEETINGS + QUARTERLY_MEETINGS[1:]
COMMITTEE_FROM_MEMBERS = 7  # 党员 7 人以上的党支部设立支部委员会; fewer elect only a secretary


def monthly_meetings_due(members: int, *, has_committee: bool | None, party_groups: int | None) -> tuple:
    """The monthly meetings a branch's structure makes due: 支委会 only where it has a committee
    (recorded, else 7 members or more), 党小组会 only where it has groups (unrecorded: it has)."""
    committee = has_committee if has_committee is not None else members >= COMMITTEE_FROM_MEMBERS
    groups = party_groups != 0
    return tuple(
        kind for kind, held in ((LifeKind.COMMITTEE_MEETING, committee), (LifeKind.GROUP_MEETING, groups)) if held
    )


def three_one_rule(monthly: tuple) -> str:
    """The rule the 三会一课 fact counts against, in words, for this branch's structure."""
    names = "、".join(LifeKind(kind).label for kind in monthly)
    rule = "支部党员大会、党课每季度1次" + (f"，{names}每月1次" if names else "")
    if LifeKind.COMMITTEE_MEETING not in monthly:
        rule += "；未设支委会"
    if LifeKind.GROUP_MEETING not in monthly:
        rule += "；未设党小组"
    return rule


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31), f"{year}年")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = 3 * quarter - 2
        last = first + 2
        return cls(
            date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]), f"{year}年第{quarter}季度"
        )

    def months(self) -> list[tuple[int, int]]:
        months, (y, m) = [], (self.start.year, self.start.month)
        while (y, m) <= (self.end.year, self.end.month):
            months.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return months

    def due_quarters(self, today: date) -> list[tuple[int, int]]:
        """(year, quarter) of the quarters of the period that are over by ``today``."""
        return sorted({(y, m // 3) for y, m in self.due_months(today) if m % 3 == 0})

    def quarters(self) -> list[tuple[int, int]]:
        """(year, quarter) of every quarter the period covers."""
        return sorted({(y, (m - 1) // 3 + 1) for y, m in self.months()})

    def due_months(self, today: date) -> list[tuple[int, int]]:
        """The months of the period that are over by ``today``: a month still under way is not yet
        missed (a sheet filled on 1 December loses nothing for December)."""
        return [(y, m) for y, m in self.months() if date(y, m, calendar.monthrange(y, m)[1]) < today]


@dataclass(frozen=True)
class FactValue:
    value: Decimal | None
    source: str


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent to one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def fmt(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


# every branch's facts of one family: branch id → fact name → value
BranchFacts = dict[int, dict[str, FactValue]]


@dataclass
class RecordLink:
    label: str
    url: str
    photos: list = field(default_factory=list)
