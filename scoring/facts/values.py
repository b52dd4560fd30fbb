"""What facts are made of: the period they cover, a fact's value with where it comes from,
and a link to a record behind it."""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from records.models import LifeKind

# 三会一课 (seed 003, demonstration plan): how often each meeting is due.
MONTHLY_MEETINGS = (LifeKind.COMMITTEE_MEETING, LifeKind.GROUP_MEETING)
QUARTERLY_MEETINGS = (LifeKind.GENERAL_MEETING, LifeKind.PARTY_LECTURE)
THREE_ONE_KINDS = QUARTERLY_MEETINGS[:1] + MONTHLY_MEETINGS + QUARTERLY_MEETINGS[1:]


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

    def due_months(self, today: date) -> list[tuple[int, int]]:
        """The months of the period that are over by ``today``: a month still under way is not yet
        missed (a sheet filled on 1 December loses nothing for December)."""
        return [(y, m) for y, m in self.months() if date(y, m, calendar.monthrange(y, m)[1]) < today]


@dataclass(frozen=True)
class FactValue:
    value: Decimal | None
    source: str


@dataclass
class RecordLink:
    label: str
    url: str
    photos: list = field(default_factory=list)
