"""Reads for the board: which unit a user's board shows (through the one scoping rule), and the
board itself — every branch's facts fetched once for this year and once for last year, then
grouped in Python, so the page costs the same number of queries for 10 branches or 1,000."""

from dataclasses import dataclass, field
from datetime import date

from django.http import Http404

from branches.models import Branch, County, Township
from branches.scoping import unit_scope
from common.dates import today as local_today
from common.numbers import plain_int
from scoring.facts import Period, facts_for_branches

from .board import UnitRows, board_rows, branch_rows, county_boards
from .services import target_plan_ensure

ERROR_NO_UNIT = "没有可查看的目标任务。"
ERROR_TOWNSHIP = "乡镇不存在或不在您的管理范围内。"

COUNTY, TOWNSHIP, BRANCH = "county", "township", "branch"


@dataclass
class BoardUnit:
    level: str  # county / township / branch
    county: County
    township: Township | None = None
    branch: Branch | None = None
    townships: list = field(default_factory=list)  # those a county reviewer may pick


def _seen_whole(user, model, **lookups):
    """Units all of which lies under the user's unit (a secretary sees their township, not all of it)."""
    return model.objects.filter(unit_scope(user, **lookups))


def board_unit(user, wanted_township: str | None = None) -> BoardUnit:
    """The unit of the user's board: a township the user sees whole when one is asked for (else 404);
    without one, the county for those who see it whole, else their township, else their branch."""
    townships = Township.objects.visible_to(user).select_related("county").order_by("name")
    whole_townships = _seen_whole(user, Township, county="county", township="pk", branch=None)
    if wanted_township:
        pk = plain_int(wanted_township)
        township = townships.filter(pk=pk).first() if pk else None
        if township is None:
            raise Http404(ERROR_TOWNSHIP)
        if whole_townships.filter(pk=township.pk).exists():
            county_whole = _seen_whole(user, County, county="pk", township=None, branch=None).filter(
                pk=township.county_id
            )
            picks = list(townships.filter(county=township.county)) if county_whole.exists() else []
            return BoardUnit(TOWNSHIP, township.county, township=township, townships=picks)
    county = _seen_whole(user, County, county="pk", township=None, branch=None).order_by("name").first()
    if county is not None:
        return BoardUnit(COUNTY, county, townships=list(townships.filter(county=county)))
    township = whole_townships.select_related("county").order_by("name").first()
    if township is not None:
        return BoardUnit(TOWNSHIP, township.county, township=township)
    branch = Branch.objects.visible_to(user).select_related("township__county").order_by("name").first()
    if branch is None:
        raise Http404(ERROR_NO_UNIT)
    return BoardUnit(BRANCH, branch.township.county, township=branch.township, branch=branch)


def scoped_unit(*, county_id: int | None = None, township_id: int | None = None) -> BoardUnit:
    """The unit a document job already scoped (its parameters were fixed from what the requester sees)."""
    if township_id:
        township = Township.objects.select_related("county").get(pk=township_id)
        return BoardUnit(TOWNSHIP, township.county, township=township)
    county = County.objects.get(pk=county_id)
    return BoardUnit(COUNTY, county, townships=list(Township.objects.filter(county=county).order_by("name")))


def unit_branches(unit: BoardUnit, visible=None):
    """The branches the unit's board counts, among ``visible`` (the user's; all for a job already scoped)."""
    branches = (visible if visible is not None else Branch.objects.all()).select_related("township")
    if unit.level == BRANCH:
        return branches.filter(pk=unit.branch.pk)
    if unit.level == TOWNSHIP:
        return branches.filter(township=unit.township)
    return branches.filter(township__county=unit.county)


@dataclass
class Board:
    unit: BoardUnit
    year: int
    plan: object
    targets: list
    total: UnitRows | None = None  # the township's rows, or the county's total
    townships: list[UnitRows] = field(default_factory=list)  # the county's, side by side
    own: list = field(default_factory=list)  # a branch's own results (target, this year, last year)

    @property
    def county_rows(self) -> list[tuple]:
        """Per target: the county's row and each township's, side by side."""
        if self.total is None or not self.townships:
            return []
        return [
            (row, [(unit.unit, unit.rows[index]) for unit in self.townships])
            for index, row in enumerate(self.total.rows)
        ]

    @property
    def title(self) -> str:
        name = {COUNTY: self.unit.county, TOWNSHIP: self.unit.township, BRANCH: self.unit.branch}[self.unit.level]
        return f"{name}·{self.year}年目标任务看板"


def board(unit: BoardUnit, branches, year: int, *, today: date | None = None) -> Board:
    """The board of ``unit`` for ``year`` over ``branches``: the plan (made on first need), then
    two calls for the facts, whatever the number of branches."""
    today = today or local_today()
    plan = target_plan_ensure(county=unit.county, year=year)
    targets = list(plan.targets.all())
    branches = list(branches.order_by("name"))
    ids = [b.pk for b in branches]
    facts = facts_for_branches(ids, Period.year(year), today=today)
    last_facts = facts_for_branches(ids, Period.year(year - 1), today=today)
    result = Board(unit, year, plan, targets)
    if unit.level == BRANCH:
        result.own = branch_rows(targets, unit.branch, facts, last_facts)
    elif unit.level == TOWNSHIP:
        result.total = UnitRows(unit.township, board_rows(targets, branches, facts, last_facts))
    else:
        result.total, result.townships = county_boards(targets, unit.townships, branches, facts, last_facts)
    return result
