"""A year of plausible records for the demo township's branches: organisational
life every month (with a few months missed), members' deeds and services (some
not yet confirmed), problems solved, pledges and a round of mass appraisal.
They cover the demo year (``common.dates.demo_year``) from 1 January up to today,
so the secretary's gaps and the township's grid show what a real year looks like
whatever the date."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from branches.models import Branch, BranchKind, Township, User
from branches.scoping import Role
from common.dates import demo_year
from common.dates import today as local_today
from records.models import (
    Absence,
    AbsenceReason,
    Appraisal,
    BranchDocument,
    BranchYear,
    DeedKind,
    DocumentKind,
    LifeKind,
    MemberDeed,
    OneShoulder,
    OrganisationalLife,
    Pledge,
    PledgeStatus,
    PointsRule,
    ProblemCategory,
    SolvedProblem,
    ThreeChains,
)

# most absentees in a mountain village are away working
ABSENCE_REASONS = [AbsenceReason.AWAY] * 5 + [AbsenceReason.ILLNESS, AbsenceReason.LEAVE, AbsenceReason.FRAIL]
THEME_TOPICS = [
    "学习日：学习党章和党的二十届三中全会精神",
    "议事日：讨论村集体经济合作社分红方案",
    "奉献日：清理村道垃圾、疏通排水沟",
    "学习日：观看警示教育片",
    "议事日：讨论高标准农田建设占地补偿",
    "奉献日：为独居老人打扫院落",
    "学习日：“七一”重温入党誓词",
    "奉献日：防汛巡查和危旧房排查",
    "议事日：讨论秋收期间护林防火值守",
    "学习日：学习《中国共产党农村基层组织工作条例》",
    "奉献日：帮助脱贫户抢收玉米",
    "议事日：讨论年终述职评议安排",
]
DEEDS = [
    ("帮助代办养老保险认证", "三组独居老人户"),
    ("联系农技员指导马铃薯病害防治", "五组种植户"),
    ("协调修复灌溉水渠漏水点", "二组村民"),
    ("代购化肥并送货到户", "一组留守老人户"),
    ("帮助办理残疾人两项补贴", "四组残疾人家庭"),
    ("调解宅基地边界纠纷", "六组两户村民"),
]
SERVICES = [
    ("参加村道清扫志愿服务", "全村"),
    ("防汛值守志愿服务", "河道沿线农户"),
    ("一对一走访帮扶", "结对的高龄空巢户"),
    ("义务理发服务", "村幸福院老人"),
]
PROBLEMS = [
    (ProblemCategory.INFRASTRUCTURE, "硬化村组道路1.2公里，解决雨天出行难"),
    (ProblemCategory.INFRASTRUCTURE, "新打机井一眼，解决五组120户饮水难"),
    (ProblemCategory.GOVERNANCE, "成立红白理事会，制止大操大办"),
    (ProblemCategory.GOVERNANCE, "化解多年未决的草场边界纠纷"),
    (ProblemCategory.INFRASTRUCTURE, "安装太阳能路灯40盏"),
]
MEMBER_PLEDGES = [
    "带头发展中药材种植5亩，带动2户群众增收",
    "每月走访结对户不少于1次",
    "全年参加志愿服务不少于4次",
    "带头移风易俗，不大操大办",
    "帮助1户脱贫户稳定就业",
]
BRANCH_PLEDGE = "年内村集体经济收入达到10万元以上，完成村道硬化和人居环境整治"
MINUTES = "{topic}。书记主持，传达学习上级要求；与会党员逐一发言讨论，议定下一步工作并明确责任人。"
CLEANUP_TOPICS = ["清理村道和房前屋后垃圾", "疏通排水沟渠", "清除河道漂浮物", "整治柴草乱堆乱放"]
DISCLOSURES = [
    (LifeKind.PARTY_AFFAIRS_DISCLOSURE, "第{q}季度党务公开：党费收缴、发展党员和组织生活情况"),
    (LifeKind.VILLAGE_AFFAIRS_DISCLOSURE, "第{q}季度村务公开：惠民资金发放和项目建设情况"),
    (LifeKind.FINANCE_DISCLOSURE, "第{q}季度财务公开：村集体收支明细"),
]


def _day(year: int, month: int, rng: random.Random, today: date) -> date:
    day = date(year, month, rng.randint(5, 25))
    return min(day, today)


@transaction.atomic
def seed_demo_records(township: Township) -> int:
    """Records for the village branches of ``township`` in the demo year; returns the number created (0 if present)."""
    branches = list(township.branches.filter(kind=BranchKind.VILLAGE).order_by("name"))
    if OrganisationalLife.objects.filter(branch__in=branches).exists():
        return 0
    staff = User.objects.filter(role=Role.TOWNSHIP_STAFF, township=township).first()
    for kind, points, cap in ((DeedKind.DEED, 3, 15), (DeedKind.SERVICE, 1, 6), (DeedKind.PAIRING, 2, 8)):
        PointsRule.objects.get_or_create(
            township=township,
            kind=kind,
            defaults={"points": Decimal(points), "yearly_cap": Decimal(cap), "updated_by": staff},
        )
    today = local_today()
    year = demo_year(today)
    created = 0
    for branch in branches:
        created += _branch_records(branch, random.Random(f"records{branch.name}"), staff, today, year)
    return created


def _months(year: int, today: date) -> list[tuple[int, int]]:
    """(year, month) from January of ``year`` to the month under way."""
    return [(y, m) for y in range(year, today.year + 1) for m in range(1, 13) if (y, m) <= (today.year, today.month)]


def _branch_records(branch: Branch, rng: random.Random, staff, today: date, year: int) -> int:
    recorder = User.objects.filter(branch=branch).first() or staff
    members = list(branch.members.all())
    last_month = 12 if today.year > year else today.month  # the demo year's last month with records
    # one generator, drawn in this order: the records are the same on every run of the same day
    return (
        _life_records(branch, members, rng, recorder, today, year)
        + _deeds(branch, members, rng, recorder, today, year)
        + _problems(branch, rng, recorder, today, year, last_month)
        + _pledges(branch, members, rng, recorder, staff, today, year, last_month)
        + _appraisal(branch, staff, today, year)
        + _activities(branch, members, recorder, today, year)
        + _education(branch, recorder, today, year)
        + _documents(branch, recorder, today, year)
        + _village_year(branch, recorder, year)
    )


def _village_year(branch, recorder, year: int) -> int:
    """The village's year (“一肩挑”, “三链建设”, 两委, 运转经费), this one and the one before (its
    form pre-fills from it); most villages at the standard, some below it."""
    rng = random.Random(f"village_year{branch.name}")  # its own generator: the records above are unchanged
    rows = [
        BranchYear(
            branch=branch,
            year=y,
            one_shoulder=rng.choice([OneShoulder.DONE, OneShoulder.DONE, OneShoulder.PLANNED, OneShoulder.NOT]),
            three_chains=rng.choice([ThreeChains.DONE, ThreeChains.UNDER_WAY, ThreeChains.UNDER_WAY, ThreeChains.NOT]),
            cadres=rng.randint(5, 7),
            office_funds=Decimal(41000 if rng.random() < 0.8 else 35000),
            cadre_pay=Decimal(24000 if rng.random() < 0.8 else 21600),
            group_cadre_pay=Decimal(8500),
            updated_by=recorder,
        )
        for y in (year - 1, year)
    ]
    BranchYear.objects.bulk_create(rows)
    return len(rows)


EDUCATION = [
    (LifeKind.RELAY_STUDY, 3, 15, "传达学习全国两会精神和县委全会部署，研究本村落实措施"),
    (LifeKind.RELAY_STUDY, 9, 10, "传达学习上级关于秋季防火和乡村振兴的部署"),
    (LifeKind.CENTRAL_TRAINING, 5, 20, "参加镇党委组织的农村党员集中轮训"),
    (LifeKind.THEORY_TALK, 6, 28, "“七一”理论宣讲：党的创新理论进村入户"),
    (LifeKind.WINTER_TRAINING, 1, 12, "农村党员冬训：学习党的创新理论和惠农政策"),
    (LifeKind.SKILLS_TRAINING, 1, 14, "冬训实用技能培训：花椒修剪和病虫害防治"),
]


def _education(branch, recorder, today: date, year: int) -> int:
    """Members' education (传达学习, 轮训, 宣讲, 冬训 with practical skills); most branches keep most of it."""
    rng = random.Random(f"education{branch.name}")  # its own generator: the records above are unchanged
    records = [
        OrganisationalLife(branch=branch, kind=kind, held_on=date(year, month, day), topic=topic, recorded_by=recorder)
        for kind, month, day, topic in EDUCATION
        if date(year, month, day) <= today and rng.random() < 0.85
    ]
    OrganisationalLife.objects.bulk_create(records)
    return len(records)


def _documents(branch, recorder, today: date, year: int) -> int:
    """The year's standing documents (台账资料): a branch keeps most of what the standards ask for."""
    rng = random.Random(f"documents{branch.name}")
    keeps = 0.7 + rng.random() / 4
    documents = [
        BranchDocument(branch=branch, kind=kind, year=year, title=f"{branch.name}{year}年{label}", recorded_by=recorder)
        for kind, label in DocumentKind.choices
        if rng.random() < keeps
    ]
    BranchDocument.objects.bulk_create(documents)
    return len(documents)


def _life_records(branch, members, rng, recorder, today: date, year: int) -> int:
    """A year of 三会一课 and theme days, with attendance and reasons for absence."""
    # a branch misses a theme day now and then; the laggards more often
    miss_rate = rng.choice((0.0, 0.05, 0.1, 0.2))
    minutes_rng = random.Random(f"minutes{branch.name}")  # a generator of its own: the draws above stay as they were
    life, attendance = [], []
    for y, month in _months(year, today):
        under_way = (y, month) == (today.year, today.month)
        plan = [(LifeKind.THEME_DAY, THEME_TOPICS[month - 1]), (LifeKind.COMMITTEE_MEETING, f"{month}月支委会")]
        if rng.random() > 0.15:
            plan.append((LifeKind.GROUP_MEETING, f"{month}月党小组学习"))
        if month % 3 == 1:
            plan += [
                (LifeKind.GENERAL_MEETING, f"第{(month + 2) // 3}季度支部党员大会"),
                (LifeKind.PARTY_LECTURE, f"第{(month + 2) // 3}季度党课：书记讲党课"),
            ]
        if month == 2 and rng.random() > 0.2:
            plan.append((LifeKind.LIFE_MEETING, f"{y - 1}年度组织生活会暨民主评议党员"))
        for kind, topic in plan:
            if kind == LifeKind.THEME_DAY and not under_way and rng.random() < miss_rate:
                continue
            if under_way and kind == LifeKind.THEME_DAY and today.day < 15:
                continue
            held_on = _day(y, month, rng, today)
            due = [m for m in members if m.joined_on <= held_on]
            present = [m for m in due if rng.random() < 0.88]
            away = [(m, rng.choice(ABSENCE_REASONS)) for m in due if m not in present]
            record = OrganisationalLife(branch=branch, kind=kind, held_on=held_on, topic=topic, recorded_by=recorder)
            if minutes_rng.random() > 0.1:  # now and then the minutes are still on paper only
                record.minutes = MINUTES.format(topic=topic)
            life.append(record)
            attendance.append((present, away))
    OrganisationalLife.objects.bulk_create(life)
    through = OrganisationalLife.attendees.through
    through.objects.bulk_create(
        [
            through(organisationallife_id=record.pk, member_id=member.pk)
            for record, (present, _) in zip(life, attendance, strict=True)
            for member in present
        ]
    )
    Absence.objects.bulk_create(
        [
            Absence(life=record, member=member, reason=reason)
            for record, (_, away) in zip(life, attendance, strict=True)
            for member, reason in away
        ]
    )
    return len(life)


def _activities(branch, members, recorder, today: date, year: int) -> int:
    """What a branch records besides its meetings: 民主评议党员 with the life meeting, talks, a report to
    the members and the masses, the 双述双评, 一事一议, each quarter's three disclosures and the monthly
    clean-up; most branches keep most of them, none keeps them all."""
    rng = random.Random(f"activities{branch.name}")  # its own generator: the records above are unchanged
    keeps = rng.random()  # how well this branch keeps its records
    plan = []
    if rng.random() < 0.85:
        plan.append((LifeKind.MEMBER_APPRAISAL, date(year, 2, 20), f"{year - 1}年度民主评议党员"))
    if rng.random() < 0.8:
        plan += [
            (LifeKind.HEART_TO_HEART_TALK, date(year, 2, 10), "组织生活会前书记与支委、党员谈心谈话"),
            (LifeKind.HEART_TO_HEART_TALK, date(year, 8, 12), "书记与外出务工返乡党员谈心谈话"),
        ]
    if rng.random() < 0.75:
        plan.append(
            (LifeKind.DUAL_REVIEW, date(year, 1, 18), f"{year - 1}年度“双述双评”：书记述职述党建，党员群众评议")
        )
    if rng.random() < 0.7:
        plan.append((LifeKind.WORK_REPORT, date(year, 7, 8), "上半年村党支部向党员群众代表会议报告工作"))
    if rng.random() < 0.6:
        plan.append((LifeKind.ONE_MATTER_DISCUSSION, date(year, 4, 16), "“一事一议”：三组通组路硬化筹资筹劳"))
    for quarter in range(1, 5):
        for kind, topic in DISCLOSURES:
            if rng.random() < 0.9 + keeps / 10:  # a disclosure missed now and then
                plan.append((kind, date(year, 3 * quarter, 26), topic.format(q=quarter)))
    for month in range(1, 13):
        if rng.random() < 0.75 + keeps / 4:
            plan.append((LifeKind.ENVIRONMENT_CLEANUP, date(year, month, 12), rng.choice(CLEANUP_TOPICS)))
    records = [
        OrganisationalLife(branch=branch, kind=kind, held_on=held_on, topic=topic, recorded_by=recorder)
        for kind, held_on, topic in plan
        if held_on <= today
    ]
    for record in records:
        if record.kind == LifeKind.MEMBER_APPRAISAL:
            record.minutes = "党员个人总结、互评，群众代表参评，评定等次并公示结果。"
    OrganisationalLife.objects.bulk_create(records)
    present, away = [], []
    for record in records:
        if record.kind not in (LifeKind.MEMBER_APPRAISAL, LifeKind.ENVIRONMENT_CLEANUP):
            continue
        for member in (m for m in members if m.joined_on <= record.held_on):
            if rng.random() < 0.85:
                present.append(
                    OrganisationalLife.attendees.through(organisationallife_id=record.pk, member_id=member.pk)
                )
            elif record.kind == LifeKind.MEMBER_APPRAISAL:
                away.append(Absence(life=record, member=member, reason=rng.choice(ABSENCE_REASONS)))
    OrganisationalLife.attendees.through.objects.bulk_create(present)
    Absence.objects.bulk_create(away)
    return len(records)


def _deeds(branch, members, rng, recorder, today: date, year: int) -> int:
    """Members' deeds and services, the older ones confirmed by the secretary."""
    deeds = []
    for member in members:
        start = max(date(year, 1, 1), member.joined_on)
        if start > today:
            continue
        span = (today - start).days
        for _ in range(rng.choice((0, 1, 1, 1, 2))):
            what, whom = rng.choice(DEEDS)
            deeds.append((member, DeedKind.DEED, start + timedelta(days=rng.randint(0, span)), what, whom))
        for _ in range(rng.choice((0, 1, 2, 2, 3))):
            what, whom = rng.choice(SERVICES)
            kind = DeedKind.PAIRING if "帮扶" in what else DeedKind.SERVICE
            deeds.append((member, kind, start + timedelta(days=rng.randint(0, span)), what, whom))
    deed_rows = []
    for member, kind, done_on, what, whom in deeds:
        confirmed = (today - done_on).days > 20 or rng.random() < 0.5
        deed_rows.append(
            MemberDeed(
                branch=branch,
                member=member,
                kind=kind,
                done_on=done_on,
                description=what,
                beneficiary=whom,
                recorded_by=recorder,
                confirmed_by=recorder if confirmed else None,
                # two days later, and never after now
                confirmed_at=min(
                    timezone.make_aware(timezone.datetime.combine(done_on, timezone.datetime.min.time()))
                    + timedelta(days=2),
                    timezone.now(),
                )
                if confirmed
                else None,
            )
        )
    MemberDeed.objects.bulk_create(deed_rows)
    return len(deed_rows)


def _problems(branch, rng, recorder, today: date, year: int, last_month: int) -> int:
    problems = [
        SolvedProblem(
            branch=branch,
            category=category,
            title=title,
            solved_on=_day(year, rng.randint(3, max(3, last_month)), rng, today),
            description="村“两委”会议研究、党员大会决议后实施，群众代表验收。",
            recorded_by=recorder,
        )
        for category, title in rng.sample(PROBLEMS, rng.choice((0, 1, 2, 2, 3)))
    ]
    SolvedProblem.objects.bulk_create(problems)
    return len(problems)


def _pledges(branch, members, rng, recorder, staff, today: date, year: int, last_month: int) -> int:
    """The branch's pledge with a 领导点评, and most members' pledges, kept, open or not kept."""
    pledges = [Pledge(branch=branch, year=year, content=BRANCH_PLEDGE, recorded_by=recorder)]
    for member in members:
        if rng.random() < 0.08:
            continue  # a member who has not pledged yet
        status = rng.choices((PledgeStatus.KEPT, PledgeStatus.OPEN, PledgeStatus.NOT_KEPT), (6, 3, 1))[0]
        pledges.append(
            Pledge(
                branch=branch,
                member=member,
                year=year,
                content=rng.choice(MEMBER_PLEDGES),
                status=status,
                status_note={
                    PledgeStatus.KEPT: "已完成，群众代表签字确认",
                    PledgeStatus.NOT_KEPT: "外出务工半年，未能完成",
                }.get(status, ""),
                resolved_on=_day(year, rng.randint(5, max(5, last_month)), rng, today)
                if status != PledgeStatus.OPEN
                else None,
                recorded_by=recorder,
            )
        )
    pledges[0].leader_comment = "目标明确，措施具体，年底前逐项对账销号。"
    pledges[0].commented_by, pledges[0].commented_at = staff, timezone.now()
    Pledge.objects.bulk_create(pledges)
    return len(pledges)


def _appraisal(branch, staff, today: date, year: int) -> int:
    # an rng of its own: the draws above depend on today's date, the appraisal's counts do not
    rng = random.Random(f"appraisal{branch.name}")
    forms = rng.randint(30, 50)
    dissatisfied = rng.randint(0, 6)
    basically = rng.randint(2, 10)
    Appraisal.objects.create(
        branch=branch,
        held_on=_day(year, 6, rng, today),
        forms=forms,
        satisfied=forms - dissatisfied - basically - rng.randint(0, 2),
        basically_satisfied=basically,
        dissatisfied=dissatisfied,
        note="年中群众评议，党员、群众代表参评",
        recorded_by=staff,
    )
    return 1
