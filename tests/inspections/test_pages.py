"""Inspection pages: scoping and constant query counts."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import LedgerItem, LedgerStatus
from inspections.services import ledger_item_create
from tests.factories import BranchFactory
from tests.inspections.test_inspections import _round, branches, checklist  # noqa: F401  (fixtures)


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_ranking_page_queries_do_not_grow_with_branches(client_for, cast, checklist, branches):  # noqa: F811
    _round(cast, checklist, branches)
    client = client_for(cast.users["township_staff"])
    url = f"{reverse('inspections:ranking')}?township={cast.township.pk}&year=2026&quarter=1"
    few, response = _count(client, url)
    assert len(response.context["rows"]) == 6
    _round(cast, checklist, [BranchFactory(township=cast.township) for _ in range(20)])
    many, response = _count(client, url)
    assert len(response.context["rows"]) == 26 and many == few
    html = response.content.decode()
    assert html.count("后3位</span>") == 3


def test_ledger_page_queries_do_not_grow_and_overdue_shows(client_for, cast):
    staff = cast.users["township_staff"]
    client = client_for(staff)

    def add(n, days):
        for _ in range(n):
            ledger_item_create(
                branch=BranchFactory(township=cast.township),
                problem="记录不全",
                task="补齐记录",
                responsible="书记",
                deadline=date.today() + timedelta(days=days),
                actor=staff,
            )

    add(3, -2)
    few, response = _count(client, reverse("inspections:ledger"))
    add(30, 5)
    many, response = _count(client, reverse("inspections:ledger"))
    assert many == few
    assert sum(row["overdue"] for row in response.context["per_branch"]) == 3
    assert LedgerItem.objects.filter(status=LedgerStatus.OPEN).count() == 33


def test_ledger_and_rounds_are_scoped(client_for, cast, checklist, branches):  # noqa: F811
    _round(cast, checklist, branches)
    staff = cast.users["township_staff"]
    item = ledger_item_create(
        branch=cast.branch, problem="缺记录", task="补记录", responsible="书记", deadline=date.today(), actor=staff
    )
    url = reverse("inspections:ledger_item", args=[item.pk])
    assert client_for(cast.users["branch_secretary"]).get(url).status_code == 200
    for role in ("other_branch_secretary", "other_township_staff", "other_county_reviewer"):
        assert client_for(cast.users[role]).get(url).status_code == 404
    other = client_for(cast.users["other_township_staff"])
    assert other.get(reverse("inspections:rounds")).context["rounds"].count() == 0
    secretary = client_for(cast.users["branch_secretary"])
    assert secretary.get(reverse("inspections:round_new")).status_code == 403
    response = secretary.post(url, {"action": "close", "text": ""}, follow=True)
    assert "您不能销号" in response.content.decode()
