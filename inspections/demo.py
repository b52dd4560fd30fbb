"""Inspections for the demo county: last quarter's round closed and its ranking
published, this quarter's round under way, and a few problems on the ledger.
Quarters count from today (``common.dates.today``)."""

import calendar
import random
from datetime import date, timedelta

from django.db import transaction

from branches.models import Branch, User
from common.dates import today
from scoring.entries import RawEntry
from scoring.models import Framework
from scoring.selectors import framework_spec
from scoring.services import score_sheet_save, sheet_entries

from .models import InspectionRound, LedgerItem, RoundKind
from .services import finding_record, notice_issue, ranking_publish, round_close, round_create

QUARTER_NAMES = "一二三四"


def _title(year: int, quarter: int) -> str:
    return f"{year}年第{QUARTER_NAMES[quarter - 1]}季度“三会一课”和主题党日督查（演示）"


def quarters(on: date | None = None) -> tuple[tuple[int, int], tuple[int, int]]:
    """(year, quarter) of the quarter before ``on`` (today) and of the one under way."""
    on = on or today()
    current = (on.year, (on.month - 1) // 3 + 1)
    last = (current[0], current[1] - 1) if current[1] > 1 else (current[0] - 1, 4)
    return last, current


def _inspect(sheet, rng, actor):
    raw = {}
    filled = set(sheet_entries(sheet))
    for item in framework_spec(sheet.framework).items():
        if item.code in filled:
            continue  # the branch's records already decided it
        if item.method == "deduction":
            raw[item.code] = RawEntry(value=str(rng.choice((0, 0, 1, 1, 2))))
        elif item.method == "graded":
            steps = int(item.points / item.effective_step)
            raw[item.code] = RawEntry(value=str(item.effective_step * rng.randint(steps // 2, steps)))
        else:
            raw[item.code] = RawEntry(value="是")
    score_sheet_save(sheet=sheet, raw=raw, actor=actor)


@transaction.atomic
def seed_demo_inspections() -> bool:
    (last_year, last_quarter), (year, quarter) = quarters()
    if InspectionRound.objects.filter(title=_title(last_year, last_quarter)).exists():
        return False
    staff = User.objects.get(username="guanxing")
    branches = list(Branch.objects.filter(township=staff.township, kind="village").order_by("name"))
    checklist = Framework.objects.filter(code="inspection-organisational-life").latest("version")
    rng = random.Random("2026年第三季度“三会一课”和主题党日督查（演示）")  # the first demo's draws, whatever the date
    last_month = 3 * last_quarter
    last = round_create(
        kind=RoundKind.QUARTERLY,
        title=_title(last_year, last_quarter),
        year=last_year,
        quarter=last_quarter,
        held_on=date(last_year, last_month, min(25, calendar.monthrange(last_year, last_month)[1])),
        inspectors="赵党建、镇纪委书记",
        checklist=checklist,
        branches=branches,
        actor=staff,
    )
    for inspected in last.inspected.select_related("sheet", "branch"):
        _inspect(inspected.sheet, rng, staff)
    worst = min(last.inspected.select_related("sheet", "branch"), key=lambda i: i.sheet.total)
    finding = finding_record(
        inspected=worst,
        description="7月、8月主题党日无活动记录，党员大会记录由他人代写",
        category="organisational_life",
        severity="serious",
        actor=staff,
        task="补齐记录并于下次主题党日作说明；书记作书面检查",
        responsible=f"{worst.branch.name}书记",
        deadline=today(),
    )
    # set at last quarter's round, its deadline has gone by since: the demo shows an overdue item
    # (a deadline is never set in the past, so it is moved back after the fact)
    LedgerItem.objects.filter(finding=finding).update(deadline=today() - timedelta(days=10))
    round_close(last, actor=staff)
    ranking = ranking_publish(township=staff.township, year=last_year, quarter=last_quarter, actor=staff)
    notice_issue(ranking=ranking, actor=staff)  # the quarter's 督查通报, with the committee's first 文号
    current = round_create(
        kind=RoundKind.QUARTERLY,
        title=_title(year, quarter),
        year=year,
        quarter=quarter,
        held_on=today(),
        inspectors="赵党建",
        checklist=checklist,
        branches=branches,
        actor=staff,
    )
    for inspected in list(current.inspected.select_related("sheet"))[: len(branches) // 2]:
        _inspect(inspected.sheet, rng, staff)
    return True
