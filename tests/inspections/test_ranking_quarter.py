"""季度排名 opens on the latest quarter that has a ranking, not on an empty current quarter;
any other quarter can still be chosen."""

import pytest
from django.urls import reverse

from common.dates import today
from tests.inspections.test_inspections import _round, branches, checklist  # noqa: F401  (fixtures)


def _shown(client, query=""):
    response = client.get(reverse("inspections:ranking") + query)
    assert response.status_code == 200
    return response.context["township"], response.context["year"], response.context["quarter"], response


def test_it_opens_on_the_latest_quarter_with_a_ranking(client_for, cast, checklist, branches):  # noqa: F811
    _round(cast, checklist, branches, year=2025, quarter=4)
    _round(cast, checklist, branches, year=2026, quarter=2)
    _round(cast, checklist, branches, year=2026, quarter=3, close=False)  # still open: no ranking yet
    client = client_for(cast.users["township_staff"])

    township, year, quarter, response = _shown(client)
    assert (township, year, quarter) == (cast.township, 2026, 2)
    assert len(response.context["rows"]) == 6
    assert "关兴镇2026年第2季度" in response.content.decode()


def test_another_quarter_can_still_be_chosen(client_for, cast, checklist, branches):  # noqa: F811
    _round(cast, checklist, branches, year=2026, quarter=1, scores=[0, 1, 2, 3, 4, 5])
    _round(cast, checklist, branches, year=2026, quarter=2)
    client = client_for(cast.users["township_staff"])

    township, year, quarter, response = _shown(client, f"?township={cast.township.pk}&year=2026&quarter=1")
    assert (year, quarter) == (2026, 1)
    assert [row["position"] for row in response.context["rows"]] == [1, 2, 3, 4, 5, 6]
    _, year, quarter, response = _shown(client, "?year=2025&quarter=4")  # chosen, even when empty
    assert (year, quarter) == (2025, 4) and response.context["rows"] == []


def test_the_county_opens_on_the_township_ranked_last(client_for, cast, checklist, branches):  # noqa: F811
    """关兴镇 ranked 2026 Q1, 煤山镇 2026 Q2: the county, choosing no township, opens on 煤山镇's Q2;
    choosing 关兴镇, on its own latest quarter."""
    _round(cast, checklist, branches, year=2026, quarter=1)
    _round(cast, checklist, [cast.neighbour_branch], year=2026, quarter=2, staff=cast.users["other_township_staff"])
    client = client_for(cast.users["county_reviewer"])

    assert _shown(client)[:3] == (cast.neighbour_township, 2026, 2)
    assert _shown(client, f"?township={cast.township.pk}")[:3] == (cast.township, 2026, 1)


@pytest.mark.parametrize("role", ["township_staff", "branch_secretary"])
def test_with_no_ranking_anywhere_it_opens_on_the_current_quarter(client_for, cast, role):
    day = today()
    township, year, quarter, _ = _shown(client_for(cast.users[role]))
    assert (township, year, quarter) == (cast.township, day.year, (day.month - 1) // 3 + 1)


def test_a_ranking_outside_the_users_townships_is_not_chosen(client_for, cast, checklist):  # noqa: F811
    _round(cast, checklist, [cast.neighbour_branch], year=2026, quarter=2, staff=cast.users["other_township_staff"])
    day = today()
    township, year, quarter, _ = _shown(client_for(cast.users["township_staff"]))
    assert (township, year, quarter) == (cast.township, day.year, (day.month - 1) // 3 + 1)


@pytest.mark.parametrize(
    "query", ["?year=abc", "?quarter=9", "?year=20266&quarter=1", "?township=x", "?year=%EF%BC%92"]
)
def test_a_bad_quarter_in_the_address_opens_a_page_not_an_error(cast, client_for, query):
    assert client_for(cast.users["township_staff"]).get(reverse("inspections:ranking") + query).status_code == 200


def test_publishing_without_a_real_quarter_is_refused_in_chinese(cast, client_for):
    client = client_for(cast.users["township_staff"])
    answer = client.post(
        reverse("inspections:ranking_publish"), {"township": cast.township.pk, "year": "x", "quarter": "1"}, follow=True
    )
    assert answer.status_code == 200 and "未公布：没有看到要公布的年度和季度" in answer.content.decode()
