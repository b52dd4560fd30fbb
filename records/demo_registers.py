"""A year and more of the registers behind the counted targets for the demo county's branches:
发展党员纪实 (the demo year's 预备党员 already on the roll, with the way they came, and the
applicants, activists and prospects behind them), the 后备干部库, 党费 month by month since
January of the year before, and each village's year (“一肩挑”, “三链建设”, 两委, funds) for the
demo year and the one before. Some branches fall short of each target, as real ones do, and a
few have not yet entered last month's 党费 (法泥村 among them: the demo secretary's task)."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from branches.models import Branch, BranchKind, Gender, Post, Township, User
from branches.scoping import Role
from common.dates import demo_year
from common.dates import today as local_today
from records.models import (
    BranchYear,
    DuesPayment,
    Education,
    OneShoulder,
    Recruit,
    ReserveCadre,
    ThreeChains,
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何罗高林"
GIVEN = "建国华明丽芳军勇强伟静敏涛磊洋艳娟霞平刚"
# 农村党员 pay 0.2 元 a month; members with a salary (村干部) more
DUES = [Decimal("0.20")] * 8 + [Decimal("2.00"), Decimal("5.00")]
# the demo villages' secretaries find last month's 党费 waiting to be entered
DUES_NOT_YET_ENTERED = {"法泥村党支部", "那姑村党支部"}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _on(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


@transaction.atomic
def seed_demo_registers(township: Township) -> int:
    """The registers of every branch of ``township``; returns the rows created (0 if present)."""
    branches = list(township.branches.order_by("name"))
    if Recruit.objects.filter(branch__in=branches).exists() or DuesPayment.objects.filter(branch__in=branches).exists():
        return 0
    staff = User.objects.filter(role=Role.TOWNSHIP_STAFF, township=township).first()
    today = local_today()
    year = demo_year(today)
    created = 0
    for branch in branches:
        recorder = User.objects.filter(branch=branch).first() or staff
        rng = random.Random(f"registers{branch.name}")
        created += _dues(branch, rng, recorder, today, year)
        if branch.kind != BranchKind.VILLAGE:
            continue
        cadres = rng.choice((5, 5, 6, 7))
        created += _years(branch, rng, recorder, year, cadres)
        created += _reserves(branch, rng, recorder, today, year, cadres)
        created += _recruits(branch, rng, recorder, today, year)
    return created


def _years(branch: Branch, rng: random.Random, recorder, year: int, cadres: int) -> int:
    """The year before and the demo year: “一肩挑” spreads, “三链建设” is mostly done, funds mostly at standard."""
    rows = []
    shoulder_before = rng.random() < 0.15
    chains_before = rng.random() < 0.55
    for y, shoulder_done, chains_done in (
        (year - 1, shoulder_before, chains_before),
        (year, shoulder_before or rng.random() < 0.2, chains_before or rng.random() < 0.4),
    ):
        rows.append(
            BranchYear(
                branch=branch,
                year=y,
                one_shoulder=OneShoulder.DONE
                if shoulder_done
                else (OneShoulder.PLANNED if rng.random() < 0.5 else OneShoulder.NOT),
                three_chains=ThreeChains.DONE
                if chains_done
                else (ThreeChains.UNDER_WAY if rng.random() < 0.7 else ThreeChains.NOT),
                cadres=cadres,
                office_funds=Decimal(41000 if rng.random() < 0.85 else 35000),
                cadre_pay=Decimal(24000 if rng.random() < 0.9 else 22000),
                group_cadre_pay=Decimal(8500),
                updated_by=recorder,
            )
        )
    BranchYear.objects.bulk_create(rows)
    return len(rows)


def _reserves(branch: Branch, rng: random.Random, recorder, today: date, year: int, cadres: int) -> int:
    """A pool of reserve cadres, at 1:2 in most villages; one or two taken out (chosen as cadres)."""
    size = cadres * 2 if rng.random() < 0.65 else cadres * 2 - rng.randint(2, 5)
    rows, seen = [], set()
    while len(rows) < size + 1:
        name, birth_year = _name(rng), rng.randint(1985, 2002)
        if (name, birth_year) in seen:
            continue
        seen.add((name, birth_year))
        added_on = _on(rng, date(year - 1, 3, 1), min(today, date(year, 6, 30)))
        rows.append(
            ReserveCadre(
                branch=branch,
                name=name,
                gender=Gender.FEMALE if rng.random() < 0.35 else Gender.MALE,
                birth_year=birth_year,
                education=rng.choice(Education.values[1:]),
                is_member=rng.random() < 0.4,
                added_on=added_on,
                note=rng.choice(("协助村务监督", "跟班学习村务管理", "负责产业项目台账", "协助网格管理")),
                recorded_by=recorder,
            )
        )
    # the first one was chosen as a village cadre: out of the pool, the row kept
    rows[0].removed_on = min(today, rows[0].added_on + timedelta(days=200))
    ReserveCadre.objects.bulk_create(rows)
    return len(rows)


def _recruits(branch: Branch, rng: random.Random, recorder, today: date, year: int) -> int:
    """The way the demo year's 预备党员 came (already on the roll), and the people behind them."""
    rows = []
    for member in branch.members.filter(post=Post.PROBATIONARY, joined_on__year=year):
        prospect_on = member.joined_on - timedelta(days=rng.randint(90, 150))
        activist_on = prospect_on - timedelta(days=rng.randint(370, 420))
        rows.append(
            Recruit(
                branch=branch,
                name=member.name,
                gender=member.gender,
                birth_year=member.birth_year,
                applied_on=activist_on - timedelta(days=rng.randint(60, 120)),
                activist_on=activist_on,
                prospect_on=prospect_on,
                probationary_on=member.joined_on,
                member=member,
                recorded_by=recorder,
            )
        )
    # a person appears once in the county's 发展党员 register
    taken = {(m.name, m.birth_year) for m in branch.members.all()} | set(
        Recruit.objects.filter(branch__township__county_id=branch.township.county_id).values_list("name", "birth_year")
    )
    # 0–3 activists under cultivation (2 are due), a prospect now and then, and new applicants
    stages = ["activist"] * rng.choice((1, 2, 2, 3)) + ["prospect"] * rng.choice((0, 0, 1)) + ["applicant"] * 2
    for stage in stages:
        name, birth_year = _name(rng), rng.randint(1985, 2004)
        if (name, birth_year) in taken:
            continue
        taken.add((name, birth_year))
        applied_on = _on(rng, date(year - 1, 3, 1), min(today, date(year, 9, 30)))
        recruit = Recruit(
            branch=branch,
            name=name,
            gender=Gender.FEMALE if rng.random() < 0.4 else Gender.MALE,
            birth_year=birth_year,
            applied_on=applied_on,
            recorded_by=recorder,
        )
        if stage in ("activist", "prospect"):
            recruit.activist_on = min(today, applied_on + timedelta(days=rng.randint(30, 90)))
        if stage == "prospect":
            recruit.activist_on = date(year - 1, 3, 10)
            recruit.applied_on = date(year - 1, 1, 5)
            recruit.prospect_on = min(today, date(year, 4, 15))
        rows.append(recruit)
    Recruit.objects.bulk_create(rows)
    return len(rows)


def _dues(branch: Branch, rng: random.Random, recorder, today: date, year: int) -> int:
    """Every month over since January of the year before: most members pay in full, a few miss a month;
    the demo villages have not yet entered last month."""
    months = [
        date(y, m, 1)
        for y in (year - 1, year)
        for m in range(1, 13)
        if date(y, m, 1) < today.replace(day=1)  # months over
    ]
    if branch.name in DUES_NOT_YET_ENTERED and months:
        months = months[:-1]
    careless = rng.random() < 0.3  # a branch where someone falls behind
    rows = []
    for member in branch.members.all():
        due = rng.choice(DUES)
        for month in months:
            if member.joined_on > (month + timedelta(days=31)).replace(day=1) - timedelta(days=1):
                continue
            if member.left_on and member.left_on < month:
                continue
            paid = Decimal(0) if careless and month.year == year and rng.random() < 0.02 else due
            rows.append(
                DuesPayment(branch=branch, member=member, month=month, due=due, paid=paid, recorded_by=recorder)
            )
    DuesPayment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
