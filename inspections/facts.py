"""The facts the inspections app holds about a branch, offered to score sheets through
``scoring.facts.registry`` (scoring sits on a lower floor and may not import this app):
problems on the ledger past their deadline, and quarters ranked in the bottom three."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q

from scoring.facts import FactValue, Period
from scoring.facts.values import BranchFacts

from .models import LedgerItem, LedgerItemQuerySet, LedgerStatus, RankingEntry


def ledger_facts(ids: list[int], period: Period, today: date) -> BranchFacts:
    """Problems whose deadline falls in the period and that went past it without being closed: still
    open after their deadline (the ledger's one meaning of overdue), or closed only after it; one query."""
    late = LedgerItemQuerySet.overdue_filter(today) | Q(status=LedgerStatus.CLOSED, closed_at__date__gt=F("deadline"))
    counts = {
        row["branch_id"]: row
        for row in LedgerItem.objects.filter(branch_id__in=ids, deadline__range=(period.start, period.end))
        .values("branch_id")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=late & ~Q(status=LedgerStatus.CLOSED)),
            late=Count("pk", filter=late),
        )
    }
    result = {}
    for branch_id in ids:
        row = counts.get(branch_id, {"n": 0, "overdue": 0, "late": 0})
        closed_late = row["late"] - row["overdue"]
        result[branch_id] = {
            # none on the ledger says nothing of the three lists: no value, the item is left to the filler
            "ledger_items": FactValue(
                Decimal(row["n"]) if row["n"] else None,
                f"问题台账：{period.label}列入台账的问题 {row['n']} 项，问题、任务、责任三张清单和整改措施由台账生成",
            ),
            "ledger_overdue": FactValue(
                Decimal(row["late"]),
                f"问题台账：{period.label}到期的问题 {row['n']} 项，逾期未销号 {row['overdue']} 项"
                + (f"、逾期后才销号 {closed_late} 项" if closed_late else ""),
            ),
        }
    return result


def ranking_facts(ids: list[int], period: Period, today: date) -> BranchFacts:
    """The quarters of the period in which the township's ranking put the branch in the bottom three; one query."""
    quarters = Q()
    for year, quarter in period.quarters():
        quarters |= Q(ranking__year=year, ranking__quarter=quarter)
    bottom = dict(
        RankingEntry.objects.filter(quarters, branch_id__in=ids, bottom_three=True)
        .values("branch_id")
        .annotate(n=Count("pk"))
        .values_list("branch_id", "n")
    )
    return {
        branch_id: {
            "ranked_bottom_three": FactValue(
                Decimal(bottom.get(branch_id, 0)),
                f"季度排名：{period.label}排名后3位被通报 {bottom.get(branch_id, 0)} 次",
            )
        }
        for branch_id in ids
    }
