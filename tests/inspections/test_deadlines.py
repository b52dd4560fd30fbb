"""A ledger item's 整改时限 is checked as it is set: a day already gone (1900-01-01, yesterday)
is refused in Chinese, on the ledger form, on a finding put on the ledger, and when a verification
sheet's low items are put on the ledger; today and later are taken."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from common.dates import today
from inspections.models import Finding, InspectedBranch, LedgerItem
from inspections.services import InspectionError, ledger_from_sheet, ledger_item_create
from tests.inspections.test_inspections import _round, branches, checklist  # noqa: F401  (fixtures)

PAST_DAYS = [date(1900, 1, 1), today() - timedelta(days=1)]
REFUSED = f"整改时限不能早于今天（{today():%Y-%m-%d}）。"


def _ledger_post(cast, deadline):
    return {
        "branch": cast.branch.pk,
        "problem": "主题党日记录不全",
        "task": "补齐记录",
        "responsible": "徐书记",
        "deadline": deadline.isoformat(),
    }


@pytest.mark.parametrize("deadline", PAST_DAYS, ids=["1900-01-01", "yesterday"])
def test_the_ledger_form_refuses_a_deadline_already_gone(client_for, cast, deadline):
    staff = client_for(cast.users["township_staff"])

    response = staff.post(reverse("inspections:ledger_new"), _ledger_post(cast, deadline))

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not LedgerItem.objects.exists()


def test_the_ledger_form_takes_today(client_for, cast):
    staff = client_for(cast.users["township_staff"])

    staff.post(reverse("inspections:ledger_new"), _ledger_post(cast, today()))

    assert list(LedgerItem.objects.values_list("deadline", flat=True)) == [today()]


def test_a_finding_put_on_the_ledger_refuses_a_deadline_already_gone(client_for, cast, checklist, branches):  # noqa: F811
    inspected = InspectedBranch.objects.get(inspection_round=_round(cast, checklist, branches), branch=cast.branch)
    staff = client_for(cast.users["township_staff"])

    response = staff.post(
        reverse("inspections:finding_new", args=[inspected.pk]),
        {
            "description": "6月主题党日未开展",
            "category": "organisational_life",
            "severity": "serious",
            "task": "补开主题党日",
            "responsible": "徐书记",
            "deadline": "1900-01-01",
        },
    )

    assert REFUSED in response.content.decode()
    assert not Finding.objects.exists() and not LedgerItem.objects.exists()


@pytest.mark.parametrize("deadline", PAST_DAYS, ids=["1900-01-01", "yesterday"])
def test_the_service_refuses_it_whatever_calls_it(cast, deadline):
    with pytest.raises(InspectionError, match=REFUSED):
        ledger_item_create(
            branch=cast.branch,
            problem="缺记录",
            task="补记录",
            responsible="书记",
            deadline=deadline,
            actor=cast.users["township_staff"],
        )
    assert not LedgerItem.objects.exists()


def test_a_sheets_low_items_are_not_put_on_the_ledger_with_a_deadline_gone(cast, checklist, branches):  # noqa: F811
    inspection_round = _round(cast, checklist, branches, scores=[30, 0, 0, 0, 0, 0])
    sheet = InspectedBranch.objects.get(inspection_round=inspection_round, branch=cast.branch).sheet

    with pytest.raises(InspectionError, match=REFUSED):
        ledger_from_sheet(sheet=sheet, actor=cast.users["township_staff"], deadline=date(1900, 1, 1))
    assert not LedgerItem.objects.exists()
