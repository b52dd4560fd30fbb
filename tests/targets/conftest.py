"""A small township with known records for the board: 关兴镇 with four villages and a community,
its year 2025 seen from 15 March 2026 (every month and quarter of 2025 is over)."""

from datetime import date
from decimal import Decimal

import pytest

from branches.models import AnnualFigure, BranchKind
from records.models import DuesPayment, LifeKind, OneShoulder, OrganisationalLife, Recruit, ReserveCadre, ThreeChains
from records.services.registers import branch_year_save
from tests import clock
from tests.factories import BranchFactory, MemberFactory

YEAR = 2025
TODAY = date(2026, 3, 15)


@pytest.fixture
def on_the_day(time_machine):
    time_machine.move_to(clock.destination(TODAY.isoformat()), tick=True)
    return TODAY


def _income(branch, **by_year):
    for year, amount in by_year.items():
        AnnualFigure.objects.create(branch=branch, year=int(year[1:]), collective_income=Decimal(amount))


def _life(branch, actor, kind, days):
    OrganisationalLife.objects.bulk_create(
        OrganisationalLife(branch=branch, kind=kind, held_on=day, topic="学习", recorded_by=actor) for day in days
    )


def _recruits(branch, actor, *steps):
    # straight into the register: recruit_record would put a 预备党员 on the roll, who then owes 党费
    Recruit.objects.bulk_create(
        Recruit(
            branch=branch,
            name=f"{branch.name[:2]}{n}",
            gender="M",
            birth_year=1995,
            applied_on=date(2024, 1, 1),
            recorded_by=actor,
            **step,
        )
        for n, step in enumerate(steps)
    )


def _reserves(branch, actor, count):
    ReserveCadre.objects.bulk_create(
        ReserveCadre(
            branch=branch,
            name=f"{branch.name[:2]}后备{n}",
            gender="F",
            birth_year=1992,
            added_on=date(2025, 3, 1),
            recorded_by=actor,
        )
        for n in range(count)
    )


def _dues(branch, member, actor, months):
    DuesPayment.objects.bulk_create(
        DuesPayment(
            branch=branch, member=member, month=date(YEAR, m, 1), due=Decimal(2), paid=Decimal(2), recorded_by=actor
        )
        for m in months
    )


@pytest.fixture
def township_year(cast, on_the_day):
    """法泥村 (A), 新寨村 (B), 坡脚村 (C), 高坡村 (D) and 城关社区 (E, a community) in 关兴镇, 2025:

    | | A 法泥村 | B 新寨村 | C 坡脚村 | D 高坡村 | E 城关社区 |
    | income 2024 / 2025 | 30,000 / 36,500 | 12,000 / 60,000 | 20,000 / 50,000 | — / 80,000 | 100,000 / 100,000 |
    | 三链建设 | 已完成 | 已完成 | 推进中 | 未填报 | — |
    | 一肩挑 | 已实行 | 列入计划 | 未实行 | 未填报 | — |
    | 两委 / 后备干部 | 3 / 6 | 3 / 5 | 2 / 4 | 未填报 / 0 | — |
    | 积极分子 / 发展党员 | 2 / 1 | 1 / 0 | 3 / 1 | 0 / 0 | 2 / 0 |
    | 主题党日 | 12 月 | 11 月（缺12月） | 12 月 | 0 | 12 月 |
    | 党务、村务公开 | 4 季度 | 4 季度 | 3 季度 | 0 | 4 季度 |
    | 党费 | 张三 12 个月足额 | 无党员 | 李明 11 个月（缺12月） | 无党员 | 无党员 |
    """
    staff = cast.users["township_staff"]
    a, b = cast.branch, cast.sibling_branch
    c = BranchFactory(township=cast.township, name="坡脚村党支部")
    d = BranchFactory(township=cast.township, name="高坡村党支部")
    e = BranchFactory(township=cast.township, name="城关社区党支部", kind=BranchKind.COMMUNITY)

    _income(a, y2024=30000, y2025=36500)
    _income(b, y2024=12000, y2025=60000)
    _income(c, y2024=20000, y2025=50000)
    _income(d, y2025=80000)
    _income(e, y2024=100000, y2025=100000)

    branch_year_save(
        branch=a, year=YEAR, actor=staff, three_chains=ThreeChains.DONE, one_shoulder=OneShoulder.DONE, cadres=3
    )
    branch_year_save(
        branch=b, year=YEAR, actor=staff, three_chains=ThreeChains.DONE, one_shoulder=OneShoulder.PLANNED, cadres=3
    )
    branch_year_save(
        branch=c, year=YEAR, actor=staff, three_chains=ThreeChains.UNDER_WAY, one_shoulder=OneShoulder.NOT, cadres=2
    )
    _reserves(a, staff, 6)
    _reserves(b, staff, 5)
    _reserves(c, staff, 4)

    _recruits(
        a,
        staff,
        {"activist_on": date(2024, 6, 1), "prospect_on": date(2025, 2, 1), "probationary_on": date(2025, 8, 1)},
        {"activist_on": date(2025, 4, 1)},
    )
    _recruits(b, staff, {"activist_on": date(2025, 5, 1)})
    _recruits(
        c,
        staff,
        {"activist_on": date(2024, 9, 1), "prospect_on": date(2025, 3, 1), "probationary_on": date(2025, 10, 1)},
        {"activist_on": date(2025, 6, 1)},
        {"activist_on": date(2025, 7, 1)},
    )
    _recruits(e, staff, {"activist_on": date(2025, 1, 10)}, {"activist_on": date(2024, 12, 1)})

    months = [date(YEAR, m, 8) for m in range(1, 13)]
    _life(a, staff, LifeKind.THEME_DAY, months)
    _life(b, staff, LifeKind.THEME_DAY, months[:11])
    _life(c, staff, LifeKind.THEME_DAY, months)
    _life(e, staff, LifeKind.THEME_DAY, months)
    quarters = [date(YEAR, m, 20) for m in (3, 6, 9, 12)]
    for branch, held in ((a, quarters), (b, quarters), (c, quarters[:3]), (e, quarters)):
        _life(branch, staff, LifeKind.PARTY_AFFAIRS_DISCLOSURE, held)
        _life(branch, staff, LifeKind.VILLAGE_AFFAIRS_DISCLOSURE, held)

    _dues(a, cast.member, staff, range(1, 13))
    li = MemberFactory(branch=c, name="李明", joined_on=date(2010, 7, 1))
    _dues(c, li, staff, range(1, 12))
    return {"A": a, "B": b, "C": c, "D": d, "E": e}
