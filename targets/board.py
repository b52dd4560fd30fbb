"""The board's arithmetic, pure: from targets, branches and their facts to figures.

A target counts the branches it concerns (村党支部 only where it says so); a branch meets it when
its fact compares with the threshold as the target says; a branch whose fact is not recorded
(None) does not meet it and is shown as 未填报. The figure is met ÷ counted, and the target is
reached when that share compares with the target's share as it says. No query here: the
selectors fetch the facts once a year for every branch and hand them in."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from branches.models import BranchKind
from scoring.facts import GRID_STATUS_WORDS

NOT_RECORDED = "未填报"

_COMPARE = {
    "gte": lambda value, bar: value >= bar,
    "gt": lambda value, bar: value > bar,
    "lte": lambda value, bar: value <= bar,
}


@dataclass(frozen=True)
class BranchResult:
    branch: object
    value: Decimal | None
    source: str
    met: bool
    fact: str = ""

    @property
    def shown(self) -> str:
        if self.value is None:
            return NOT_RECORDED
        # a status (“一肩挑”, “三链建设”) in its words, as the facts grid shows it
        words = GRID_STATUS_WORDS.get(self.fact, {})
        return words.get(int(self.value), f"{self.value.normalize():,f}")


@dataclass
class Figure:
    """How many of the branches a target counts meet it."""

    met: int
    counted: int
    reached: bool | None  # None: no branch to count
    missing: list[BranchResult] = field(default_factory=list)

    @property
    def percent(self) -> Decimal | None:
        if not self.counted:
            return None
        return (Decimal(100 * self.met) / self.counted).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def verdict(self) -> str:
        return {True: "达标", False: "未达标", None: "无可统计支部"}[self.reached]


@dataclass
class TargetRow:
    target: object
    this_year: Figure
    last_year: Figure | None


def counts(target, branch) -> bool:
    """Whether ``target`` counts ``branch`` at all."""
    return not target.villages_only or branch.kind == BranchKind.VILLAGE


def branch_result(target, branch, facts: dict) -> BranchResult:
    fact = facts.get(target.fact)
    value = fact.value if fact is not None else None
    source = fact.source if fact is not None else ""
    met = value is not None and _COMPARE[target.comparison](value, target.threshold)
    return BranchResult(branch, value, source, met, target.fact)


def share_reached(target, met: int, counted: int) -> bool | None:
    """Compared exactly (met × 100 against share × counted), so 8 of 9 is not rounded up to a target of 89 %."""
    if not counted:
        return None
    return _COMPARE[target.share_comparison](Decimal(100 * met), target.share * counted)


def figure(target, branches: Iterable, facts: dict) -> Figure:
    """``target``'s figure over ``branches`` with ``facts`` (branch id → fact name → FactValue)."""
    results = [branch_result(target, b, facts.get(b.pk, {})) for b in branches if counts(target, b)]
    met = sum(1 for r in results if r.met)
    missing = sorted((r for r in results if not r.met), key=lambda r: (r.value is not None, r.branch.name))
    return Figure(met, len(results), share_reached(target, met, len(results)), missing)


def board_rows(targets: Iterable, branches: Iterable, facts: dict, last_facts: dict | None) -> list[TargetRow]:
    """Each target's figure this year and, with ``last_facts``, last year (by this year's targets)."""
    branches = list(branches)
    return [
        TargetRow(t, figure(t, branches, facts), figure(t, branches, last_facts) if last_facts is not None else None)
        for t in targets
    ]


@dataclass
class UnitRows:
    """One unit's board: a township, or the county as a whole."""

    unit: object
    rows: list[TargetRow]


def county_boards(targets, townships, branches, facts: dict, last_facts: dict) -> tuple[UnitRows, list[UnitRows]]:
    """The county's total and each township's rows, from one set of facts per year."""
    targets, branches = list(targets), list(branches)
    by_township: dict[int, list] = {}
    for branch in branches:
        by_township.setdefault(branch.township_id, []).append(branch)
    total = UnitRows(None, board_rows(targets, branches, facts, last_facts))
    return total, [UnitRows(t, board_rows(targets, by_township.get(t.pk, []), facts, last_facts)) for t in townships]


def branch_rows(targets, branch, facts: dict, last_facts: dict) -> list[tuple]:
    """One branch against each target it counts: (target, this year's result, last year's)."""
    return [
        (t, branch_result(t, branch, facts.get(branch.pk, {})), branch_result(t, branch, last_facts.get(branch.pk, {})))
        for t in targets
        if counts(t, branch)
    ]
