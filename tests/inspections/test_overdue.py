"""One meaning of "overdue": a ledger item not yet closed whose deadline is before
today in Asia/Shanghai (not the server's date)."""

from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.urls import reverse

from common.dates import today
from inspections.models import LedgerItem, LedgerStatus
from inspections.services import ledger_item_create

# 17:00 UTC on 30 June is already 01:00 on 1 July in Shanghai
JUST_AFTER_MIDNIGHT_IN_SHANGHAI = datetime(2026, 6, 30, 17, 0, tzinfo=UTC)


@pytest.fixture
def items(cast):
    staff = cast.users["township_staff"]

    def item(deadline, status=LedgerStatus.OPEN):
        made = ledger_item_create(
            branch=cast.branch, problem="缺记录", task="补记录", responsible="书记", deadline=today(), actor=staff
        )
        # recorded while the deadline lay ahead (a past one is refused as it is set)
        LedgerItem.objects.filter(pk=made.pk).update(deadline=deadline, status=status)
        return made.pk

    return {
        "due_yesterday": item(date(2026, 6, 30)),
        "due_today": item(date(2026, 7, 1)),
        "submitted_late": item(date(2026, 6, 1), LedgerStatus.SUBMITTED),
        "closed_late": item(date(2026, 6, 1), LedgerStatus.CLOSED),
    }


def test_overdue_counts_by_shanghais_date(items):
    with mock.patch("django.utils.timezone.now", return_value=JUST_AFTER_MIDNIGHT_IN_SHANGHAI):
        overdue = set(LedgerItem.objects.overdue().values_list("pk", flat=True))
        marked = dict(LedgerItem.objects.with_overdue().values_list("pk", "is_overdue"))
    assert overdue == {items["due_yesterday"], items["submitted_late"]}
    assert {pk for pk, late in marked.items() if late} == overdue
    assert set(LedgerItem.objects.overdue(on=date(2026, 6, 30)).values_list("pk", flat=True)) == {
        items["submitted_late"]
    }


def test_the_ledger_pages_mark_the_same_items(cast, client_for, items):
    client = client_for(cast.users["township_staff"])
    with mock.patch("django.utils.timezone.now", return_value=JUST_AFTER_MIDNIGHT_IN_SHANGHAI):
        listing = client.get(reverse("inspections:ledger"))
        late = client.get(reverse("inspections:ledger_item", args=[items["due_yesterday"]]))
        on_time = client.get(reverse("inspections:ledger_item", args=[items["due_today"]]))
    assert [row["overdue"] for row in listing.context["per_branch"]] == [2]
    assert listing.content.decode().count("countdown-red") == 2
    assert "截止 · 逾期 1 天" in late.content.decode() and "countdown-red" not in on_time.content.decode()
    assert "截止 · 就在今天" in on_time.content.decode()
