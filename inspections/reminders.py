"""Ledger items in the daily reminders (``inbox.reminders``): due in three days → the branch;
overdue → the township, and the branch while it has not reported, once per deadline. Two queries whatever the size."""

from datetime import date, timedelta

from django.urls import reverse

from inbox.models import Kind
from inbox.reminders import DAYS_AHEAD
from inbox.services import Note

from .models import LedgerItem, LedgerStatus


def ledger_reminders(on: date):
    columns = ("pk", "branch_id", "branch__township_id", "problem", "deadline")
    due = LedgerItem.objects.exclude(status=LedgerStatus.CLOSED).filter(deadline=on + timedelta(days=DAYS_AHEAD))
    for pk, branch_id, _township_id, problem, deadline in due.values_list(*columns).iterator(chunk_size=2000):
        yield Note(
            kind=Kind.LEDGER_DUE,
            title=f"整改事项 {deadline.month}月{deadline.day}日到期（还有 {DAYS_AHEAD} 天）：{problem[:40]}",
            url=reverse("inspections:ledger_item", args=[pk]),
            key=f"ledger_due:{pk}:{deadline:%Y%m%d}",
            branches=frozenset([branch_id]),
        )
    # overdue: the branch while it has not reported its rectification, the township until it closes the item
    overdue = LedgerItem.objects.overdue(on).values_list(*columns, "status")
    for pk, branch_id, township_id, problem, deadline, status in overdue.iterator(chunk_size=2000):
        yield Note(
            kind=Kind.LEDGER_OVERDUE,
            title=f"整改事项已逾期（{deadline.month}月{deadline.day}日到期）：{problem[:40]}",
            url=reverse("inspections:ledger_item", args=[pk]),
            key=f"ledger_overdue:{pk}:{deadline:%Y%m%d}",
            branches=frozenset([branch_id] if status == LedgerStatus.OPEN else []),
            townships=frozenset([township_id]),
        )
