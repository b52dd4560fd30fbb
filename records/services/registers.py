"""Writes to the registers behind the counted targets: 发展党员纪实, 后备干部, 党费, and a village's
year (“一肩挑”, “三链建设”, 两委 cadres, 村级组织运转经费). Each checks who writes, refuses bad input
with a Chinese message before anything is saved, and announces the changed facts so that open
score sheets follow."""

import calendar
from datetime import date
from decimal import Decimal

from django.db import transaction

from branches.models import Branch, Member, Post
from branches.signals import facts_changed
from common.dates import today as local_today
from records.models import (
    RECRUIT_STAGE_DATES,
    BranchYear,
    DuesPayment,
    Recruit,
    RecruitStage,
    ReserveCadre,
)

from . import _require_recorder

ERROR_STEP_BEFORE = "“{stage}”的日期（{on:%Y-%m-%d}）不能早于上一步“{previous}”的日期（{before:%Y-%m-%d}）。"
ERROR_STEP_MISSING = "请先填写“{previous}”的日期，再填写“{stage}”的日期。"
ERROR_STEP_FUTURE = "“{stage}”的日期（{on:%Y-%m-%d}）不能晚于今天。"
ERROR_STEP_DONE = "{name}已转为正式党员，发展程序已完成。"
ERROR_RECRUIT_TWICE = "{name}（{birth_year}年出生）已在{branch}的发展党员名册中，同一人只登记一次。"
ERROR_RECRUIT_TWICE_ELSEWHERE = "{name}（{birth_year}年出生）已在本县其他党支部的发展党员名册中，同一人只登记一次。"
ERROR_RECRUIT_MEMBER = "{name}（{birth_year}年出生）已是{branch}的党员，不需要再登记发展。"
ERROR_RECRUIT_BIRTH = "出生年份应在 1900 年到今年之间。"
ERROR_RECRUIT_AGE = "申请入党须年满十八岁：{name}递交申请时未满 18 岁。"
ERROR_RESERVE_TWICE = "{name}（{birth_year}年出生）已在本支部后备干部库中。"
ERROR_RESERVE_OUT = "出库日期不能早于入库日期（{added:%Y-%m-%d}），也不能晚于今天。"
ERROR_RESERVE_ALREADY_OUT = "{name}已于 {on:%Y-%m-%d} 出库。"
ERROR_DUES_MONTH = "月份不能晚于本月。"
ERROR_DUES_NOT_MEMBER = "{name}不是本支部党员。"
ERROR_DUES_BEFORE_JOINING = "{name} {joined:%Y年%m月}入党，不能登记 {month:%Y年%m月} 的党费。"
ERROR_DUES_AFTER_LEAVING = "{name} {left:%Y年%m月%d日}已离开本支部，不能登记 {month:%Y年%m月} 的党费。"
ERROR_DUES_NEGATIVE = "{name}：金额不能为负数。"
ERROR_DUES_TOO_LARGE = "{name}：金额不能超过 99999 元。"
ERROR_YEAR_RANGE = "年度应在 2000 年到明年之间。"
ERROR_YEAR_NEGATIVE = "“{label}”不能为负数。"

DUES_MAX = Decimal("99999")


def _check_dates(dates: dict[str, date | None]) -> None:
    """Steps in order, none missing before a later one, none after today."""
    today = local_today()
    previous, before, gap = None, None, None
    for stage, field in RECRUIT_STAGE_DATES.items():
        on = dates.get(field)
        if on is None:
            gap = gap or stage
            continue
        if gap is not None:
            raise ValueError(ERROR_STEP_MISSING.format(previous=gap.label, stage=stage.label))
        if on > today:
            raise ValueError(ERROR_STEP_FUTURE.format(stage=stage.label, on=on))
        if before is not None and on < before:
            raise ValueError(ERROR_STEP_BEFORE.format(stage=stage.label, on=on, previous=previous.label, before=before))
        previous, before = stage, on


def _join_roll(recruit: Recruit) -> None:
    """On 预备党员 the person goes on the branch's members (as 预备党员), on 转正 becomes an ordinary member."""
    if recruit.probationary_on and recruit.member_id is None:
        if Member.objects.filter(branch=recruit.branch, name=recruit.name, birth_year=recruit.birth_year).exists():
            raise ValueError(
                ERROR_RECRUIT_MEMBER.format(name=recruit.name, birth_year=recruit.birth_year, branch=recruit.branch)
            )
        recruit.member = Member.objects.create(
            branch=recruit.branch,
            name=recruit.name,
            gender=recruit.gender,
            birth_year=recruit.birth_year,
            joined_on=recruit.probationary_on,
            post=Post.PROBATIONARY,
        )
        recruit.save(update_fields=["member"])
    if recruit.full_on and recruit.member_id and recruit.member.post == Post.PROBATIONARY:
        recruit.member.post = Post.ORDINARY
        recruit.member.save(update_fields=["post"])


@transaction.atomic
def recruit_record(
    *,
    branch: Branch,
    name: str,
    gender: str,
    birth_year: int,
    applied_on: date,
    activist_on: date | None = None,
    prospect_on: date | None = None,
    probationary_on: date | None = None,
    full_on: date | None = None,
    actor,
) -> Recruit:
    """Put a person on the branch's 发展党员 register, with as many steps as they have taken (the
    back-log); a person appears once in the county, and a member already on the roll not at all."""
    _require_recorder(actor, branch)
    name = name.strip()
    if not 1900 <= birth_year <= local_today().year:
        raise ValueError(ERROR_RECRUIT_BIRTH)
    if applied_on.year - birth_year < 18:
        raise ValueError(ERROR_RECRUIT_AGE.format(name=name))
    dates = {
        "applied_on": applied_on,
        "activist_on": activist_on,
        "prospect_on": prospect_on,
        "probationary_on": probationary_on,
        "full_on": full_on,
    }
    _check_dates(dates)
    twin = (
        Recruit.objects.filter(branch__township__county_id=branch.township.county_id, name=name, birth_year=birth_year)
        .select_related("branch")
        .first()
    )
    if twin is not None:
        # the branch is named only to someone who sees it: nobody learns another township's applicants
        if Branch.objects.visible_to(actor).filter(pk=twin.branch_id).exists():
            raise ValueError(ERROR_RECRUIT_TWICE.format(name=name, birth_year=birth_year, branch=twin.branch))
        raise ValueError(ERROR_RECRUIT_TWICE_ELSEWHERE.format(name=name, birth_year=birth_year))
    if Member.objects.filter(branch=branch, name=name, birth_year=birth_year).exists():
        raise ValueError(ERROR_RECRUIT_MEMBER.format(name=name, birth_year=birth_year, branch=branch))
    recruit = Recruit.objects.create(
        branch=branch, name=name, gender=gender, birth_year=birth_year, recorded_by=actor, **dates
    )
    _join_roll(recruit)
    facts_changed.send(sender=Recruit, branch=branch, year=max(d for d in dates.values() if d).year, actor=actor)
    return recruit


@transaction.atomic
def recruit_advance(recruit: Recruit, *, on: date, actor) -> Recruit:
    """The next step of the way, dated ``on``: never before the step before it, never after today."""
    _require_recorder(actor, recruit.branch)
    recruit = Recruit.objects.select_for_update().select_related("branch").get(pk=recruit.pk)
    stage = recruit.next_stage
    if stage is None:
        raise ValueError(ERROR_STEP_DONE.format(name=recruit.name))
    dates = {field: getattr(recruit, field) for field in RECRUIT_STAGE_DATES.values()}
    dates[RECRUIT_STAGE_DATES[stage]] = on
    _check_dates(dates)
    setattr(recruit, RECRUIT_STAGE_DATES[stage], on)
    recruit.save(update_fields=[RECRUIT_STAGE_DATES[stage]])
    _join_roll(recruit)
    facts_changed.send(sender=Recruit, branch=recruit.branch, year=on.year, actor=actor)
    return recruit


@transaction.atomic
def reserve_cadre_record(
    *,
    branch: Branch,
    name: str,
    gender: str,
    birth_year: int,
    added_on: date,
    education: str = "",
    is_member: bool = False,
    note: str = "",
    actor,
) -> ReserveCadre:
    _require_recorder(actor, branch)
    name = name.strip()
    if not 1900 <= birth_year <= local_today().year:
        raise ValueError(ERROR_RECRUIT_BIRTH)
    if added_on > local_today():
        raise ValueError(ERROR_STEP_FUTURE.format(stage="入库", on=added_on))
    if ReserveCadre.objects.filter(branch=branch, name=name, birth_year=birth_year).exists():
        raise ValueError(ERROR_RESERVE_TWICE.format(name=name, birth_year=birth_year))
    cadre = ReserveCadre.objects.create(
        branch=branch,
        name=name,
        gender=gender,
        birth_year=birth_year,
        education=education,
        is_member=is_member,
        added_on=added_on,
        note=note.strip(),
        recorded_by=actor,
    )
    facts_changed.send(sender=ReserveCadre, branch=branch, year=added_on.year, actor=actor)
    return cadre


@transaction.atomic
def reserve_cadre_remove(cadre: ReserveCadre, *, on: date, actor) -> ReserveCadre:
    """Take a reserve cadre out of the pool (chosen as a cadre, moved away) from ``on``; the row stays."""
    _require_recorder(actor, cadre.branch)
    cadre = ReserveCadre.objects.select_for_update().get(pk=cadre.pk)
    if cadre.removed_on is not None:
        raise ValueError(ERROR_RESERVE_ALREADY_OUT.format(name=cadre.name, on=cadre.removed_on))
    if on < cadre.added_on or on > local_today():
        raise ValueError(ERROR_RESERVE_OUT.format(added=cadre.added_on))
    cadre.removed_on = on
    cadre.save(update_fields=["removed_on"])
    facts_changed.send(sender=ReserveCadre, branch=cadre.branch, year=on.year, actor=actor)
    return cadre


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def dues_members(branch: Branch, month: date):
    """The members who owe 党费 for ``month``: joined by its last day, not left before its first."""
    return (
        branch.members.filter(joined_on__lte=month_end(month))
        .exclude(left_on__lt=month)
        .order_by("joined_on", "name", "pk")
    )


@transaction.atomic
def dues_month_save(*, branch: Branch, month: date, amounts: dict, actor) -> int:
    """Save the month's 党费 of the branch at once: ``amounts`` maps each member to (due, paid).
    Every row is checked before any is written; a member left out keeps what was recorded.
    Returns how many rows changed."""
    _require_recorder(actor, branch)
    month = month.replace(day=1)
    if month > local_today().replace(day=1):
        raise ValueError(ERROR_DUES_MONTH)
    for member, (due, paid) in amounts.items():
        if member.branch_id != branch.pk:
            raise ValueError(ERROR_DUES_NOT_MEMBER.format(name=member.name))
        if member.joined_on > month_end(month):
            raise ValueError(ERROR_DUES_BEFORE_JOINING.format(name=member.name, joined=member.joined_on, month=month))
        if member.left_on is not None and member.left_on < month:
            raise ValueError(ERROR_DUES_AFTER_LEAVING.format(name=member.name, left=member.left_on, month=month))
        if due < 0 or paid < 0:
            raise ValueError(ERROR_DUES_NEGATIVE.format(name=member.name))
        if due > DUES_MAX or paid > DUES_MAX:
            raise ValueError(ERROR_DUES_TOO_LARGE.format(name=member.name))
    existing = {row.member_id: row for row in DuesPayment.objects.filter(branch=branch, month=month)}
    changed = 0
    for member, (due, paid) in amounts.items():
        row = existing.get(member.pk)
        if row is None:
            DuesPayment.objects.create(branch=branch, member=member, month=month, due=due, paid=paid, recorded_by=actor)
        elif (row.due, row.paid) != (due, paid):
            # saved row by row (a branch has tens): the audit trail keeps each earlier amount
            row.due, row.paid, row.recorded_by = due, paid, actor
            row.save(update_fields=["due", "paid", "recorded_by", "recorded_at"])
        else:
            continue
        changed += 1
    if changed:
        facts_changed.send(sender=DuesPayment, branch=branch, year=month.year, actor=actor)
    return changed


YEAR_FIELDS = ("one_shoulder", "three_chains", "cadres", "office_funds", "cadre_pay", "group_cadre_pay")


@transaction.atomic
def branch_year_save(*, branch: Branch, year: int, actor, **values) -> BranchYear:
    """Record the village's year (“一肩挑”, “三链建设”, 两委 cadres, funds); only the fields given change."""
    _require_recorder(actor, branch)
    if not 2000 <= year <= local_today().year + 1:
        raise ValueError(ERROR_YEAR_RANGE)
    for field, value in values.items():
        if field not in YEAR_FIELDS:
            raise TypeError(field)
        if isinstance(value, (int, Decimal)) and value < 0:
            raise ValueError(ERROR_YEAR_NEGATIVE.format(label=BranchYear._meta.get_field(field).verbose_name))
    record = BranchYear.objects.select_for_update().filter(branch=branch, year=year).first()
    if record is None:
        record = BranchYear(branch=branch, year=year)
    for field, value in values.items():
        setattr(record, field, value if value is not None else ("" if field in YEAR_FIELDS[:2] else None))
    record.updated_by = actor
    record.save()
    facts_changed.send(sender=BranchYear, branch=branch, year=year, actor=actor)
    return record


def last_year_values(branch: Branch, year: int) -> dict:
    """The latest earlier year's values, to pre-fill a new year's form (nobody types them twice)."""
    earlier = BranchYear.objects.filter(branch=branch, year__lt=year).order_by("-year").first()
    return {field: getattr(earlier, field) for field in YEAR_FIELDS} if earlier else {}


__all__ = [
    "RecruitStage",
    "branch_year_save",
    "dues_members",
    "dues_month_save",
    "last_year_values",
    "month_end",
    "recruit_advance",
    "recruit_record",
    "reserve_cadre_record",
    "reserve_cadre_remove",
]
