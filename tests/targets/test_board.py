"""The board's figures worked out by hand for a small township, the pure arithmetic at its edges,
and the page's cost whatever the number of branches."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import Branch, BranchKind
from scoring.facts import FactValue
from targets.board import NOT_RECORDED, figure

from .conftest import YEAR


def _figures(response):
    rows = response.context["board"].total.rows
    return {
        row.target.fact + ("_50k" if row.target.fact == "collective_income" else ""): (
            row.this_year.met,
            row.this_year.counted,
            row.this_year.percent,
            row.this_year.reached,
            sorted(r.branch.name[:3] for r in row.this_year.missing),
        )
        for row in rows
    }


def test_it_works_out_every_target_of_a_township_as_by_hand(client_for, cast, township_year):
    """关兴镇, 2025, seen on 15 March 2026 (the fixture's table). Villages only: A 法泥村, B 新寨村,
    C 坡脚村, D 高坡村; all branches: the four and E 城关社区.

    - stable income ≥ 1 元, ≥ 90 %: A min(30,000, 36,500) = 30,000 ✓, B 12,000 ✓, C 20,000 ✓,
      D 2024 未填报 ✗ → 3 of 4 villages = 75 % < 90 % → 未达标 (E 100,000 not counted: a community)
    - income ≥ 50,000, > 45 %: A 36,500 ✗, B 60,000 ✓, C 50,000 ✓ (≥), D 80,000 ✓ → 3/4 = 75 % > 45 % → 达标
    - 三链建设 done (2), ≥ 70 %: A ✓, B ✓, C 推进中 (1) ✗, D 未填报 ✗ → 2/4 = 50 % → 未达标
    - 一肩挑 done (2), ≥ 25 %: A ✓, B 计划 (1) ✗, C 未实行 (0) ✗, D 未填报 ✗ → 1/4 = 25 % ≥ 25 % → 达标
    - 后备干部 ≥ 1:2, 100 %: A 6 ÷ 3 = 2 ✓, B 5 ÷ 3 = 1.67 ✗, C 4 ÷ 2 = 2 ✓, D 两委 未填报 ✗ → 2/4 = 50 % → 未达标
    - 积极分子 ≥ 2, 100 % of villages (各村党支部): A 2 ✓, B 1 ✗, C 3 ✓, D 0 ✗ → 2/4 = 50 % → 未达标 (E's 2 not counted)
    - 发展党员 ≥ 1, 100 % of villages: A 1 ✓, B 0 ✗, C 1 ✓, D 0 ✗ → 2/4 = 50 % → 未达标 (E not counted)
    - 主题党日 missing ≤ 0, 100 %: A 0 ✓, B 1 ✗, C 0 ✓, D 12 ✗, E 0 ✓ → 3/5 = 60 % → 未达标
    - 党务村务公开 missing ≤ 0, 100 % of villages: A ✓, B ✓, C 1 quarter ✗, D 4 ✗ → 2/4 = 50 % → 未达标
    - 党费 short ≤ 0, 100 %: A 0 ✓, B 0 (no member) ✓, C 李明 short in December ✗, D ✓, E ✓ → 4/5 = 80 % → 未达标
    """
    response = client_for(cast.users["township_staff"]).get(reverse("targets:board"), {"year": YEAR})
    assert response.status_code == 200
    assert response.context["unit"].level == "township"
    figures = _figures(response)
    assert figures == {
        "collective_income_stable": (3, 4, Decimal("75.0"), False, ["高坡村"]),
        "collective_income_50k": (3, 4, Decimal("75.0"), True, ["法泥村"]),
        "three_chains": (2, 4, Decimal("50.0"), False, ["坡脚村", "高坡村"]),
        "one_shoulder": (1, 4, Decimal("25.0"), True, ["坡脚村", "新寨村", "高坡村"]),
        "reserve_cadre_ratio": (2, 4, Decimal("50.0"), False, ["新寨村", "高坡村"]),
        "activists_cultivated": (2, 4, Decimal("50.0"), False, ["新寨村", "高坡村"]),
        "members_developed": (2, 4, Decimal("50.0"), False, ["新寨村", "高坡村"]),
        "theme_days_missing": (3, 5, Decimal("60.0"), False, ["新寨村", "高坡村"]),
        "affairs_disclosures_missing": (2, 4, Decimal("50.0"), False, ["坡脚村", "高坡村"]),
        "members_dues_short": (4, 5, Decimal("80.0"), False, ["坡脚村"]),
    }
    rows = {row.target.fact: row for row in response.context["board"].total.rows}
    # last year by the same targets: no income of 2023, no theme day in 2024
    assert (rows["collective_income_stable"].last_year.met, rows["collective_income_stable"].last_year.counted) == (
        0,
        4,
    )
    assert (rows["theme_days_missing"].last_year.met, rows["theme_days_missing"].last_year.counted) == (0, 5)
    # an unrecorded fact is a miss shown as 未填报, with its source
    stable_missing = rows["collective_income_stable"].this_year.missing[0]
    assert stable_missing.value is None and stable_missing.shown == NOT_RECORDED
    assert "尚未填报" in stable_missing.source
    body = response.content.decode()
    assert "未填报" in body and reverse("home:branch", args=[township_year["D"].pk]) in body
    assert "75%" in body and "3/4" in body


def test_the_county_sees_its_townships_side_by_side_and_the_total(client_for, cast, township_year):
    """煤山镇's one village (那姑村) records nothing: the county's income ≥ 5万 is 3 of 5 villages = 60 %."""
    response = client_for(cast.users["county_reviewer"]).get(reverse("targets:board"), {"year": YEAR})
    board = response.context["board"]
    assert response.context["unit"].level == "county"
    assert [unit.unit.name for unit in board.townships] == ["关兴镇", "煤山镇"]
    income = next(row for row in board.total.rows if row.target.fact == "collective_income")
    assert (income.this_year.met, income.this_year.counted, income.this_year.percent) == (3, 5, Decimal("60.0"))
    meishan = next(unit for unit in board.townships if unit.unit.name == "煤山镇")
    meishan_income = next(row for row in meishan.rows if row.target.fact == "collective_income")
    assert (meishan_income.this_year.met, meishan_income.this_year.counted) == (0, 1)
    # the county picks a township: that township's board, with a way back to the county
    one = client_for(cast.users["county_reviewer"]).get(
        reverse("targets:board"), {"year": YEAR, "township": cast.township.pk}
    )
    assert one.context["unit"].level == "township" and one.context["unit"].townships


def _target(**kwargs):
    values = {
        "fact": "x",
        "comparison": "gte",
        "threshold": Decimal(1),
        "share_comparison": "gte",
        "share": Decimal(90),
        "villages_only": False,
    }
    return SimpleNamespace(**(values | kwargs))


def _branches(n, kind=BranchKind.VILLAGE):
    return [SimpleNamespace(pk=i, name=f"{i}村", kind=kind) for i in range(n)]


@pytest.mark.parametrize(
    "share_comparison, share, met, counted, reached",
    [
        ("gte", Decimal(90), 9, 10, True),  # 90 % ≥ 90 %
        ("gt", Decimal(90), 9, 10, False),  # 90 % is not > 90 %
        ("gte", Decimal(89), 8, 9, False),  # 88.89 %, not rounded up to 89 %
        ("gte", Decimal(100), 0, 0, None),  # nothing to count
    ],
)
def test_the_share_is_compared_exactly(share_comparison, share, met, counted, reached):
    target = _target(share_comparison=share_comparison, share=share)
    branches = _branches(counted)
    facts = {b.pk: {"x": FactValue(Decimal(1) if b.pk < met else Decimal(0), "")} for b in branches}
    result = figure(target, branches, facts)
    assert (result.met, result.counted, result.reached) == (met, counted, reached)


def test_a_branch_is_compared_as_the_target_says_and_unrecorded_misses():
    branches = _branches(4)
    facts = {
        0: {"x": FactValue(Decimal(0), "")},
        1: {"x": FactValue(Decimal(1), "")},
        2: {"x": FactValue(None, "未填报")},
        3: {},
    }
    assert figure(_target(comparison="lte", threshold=Decimal(0)), branches, facts).met == 1
    assert figure(_target(comparison="gt", threshold=Decimal(0)), branches, facts).met == 1
    at_least = figure(_target(comparison="gte", threshold=Decimal(0)), branches, facts)
    assert at_least.met == 2 and [r.shown for r in at_least.missing] == [NOT_RECORDED, NOT_RECORDED]
    # villages only: a community is not counted at all
    mixed = branches + _branches(1, BranchKind.COMMUNITY)
    assert figure(_target(villages_only=True), mixed, facts).counted == 4


def _board_queries(client, n, township):
    from branches.models import Member

    branches = Branch.objects.bulk_create(Branch(township=township, name=f"批量{n}-{i}村党支部") for i in range(n))
    # a member in each: the 党费 fact reads the members
    Member.objects.bulk_create(
        Member(branch=b, name="党员", gender="M", birth_year=1970, joined_on=date(2000, 1, 1)) for b in branches
    )
    client.get(reverse("targets:board"), {"year": YEAR})  # the year's plan is made on first need
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("targets:board"), {"year": YEAR})
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_for_10_branches_as_for_1000(client_for, cast, on_the_day):
    from tests.factories import TownshipFactory, township_staff

    small, large = TownshipFactory(county=cast.county, name="小镇"), TownshipFactory(county=cast.county, name="大镇")
    few = _board_queries(client_for(township_staff(small)), 10, small)
    many = _board_queries(client_for(township_staff(large)), 1000, large)
    assert few == many


def test_the_county_board_costs_the_same_for_10_branches_as_for_1000(client, db, on_the_day):
    """Two counties of one township each, 10 and 1,000 branches: the county's page, townships side by side."""
    from tests.factories import CountyFactory, TownshipFactory, county_reviewer

    counts = []
    for n in (10, 1000):
        county = CountyFactory(name=f"{n}县")
        township = TownshipFactory(county=county, name=f"{n}镇")
        client.force_login(county_reviewer(county, username=f"county{n}"))
        counts.append(_board_queries(client, n, township))
    assert counts[0] == counts[1]
