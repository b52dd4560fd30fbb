from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from branches.models import Branch, Township
from branches.scoping import Role
from branches.signals import facts_changed
from records.models import (
    Absence,
    Appraisal,
    BranchDocument,
    MemberDeed,
    OrganisationalLife,
    Pledge,
    PledgeStatus,
    PointsRule,
    SolvedProblem,
)

from ..photos import photos_store

ERROR_RECORD_OUTSIDE = "只能为本单位的党支部记录。"


ERROR_LIFE_MEMBER = "参加或缺席人员中有不属于该党支部的党员。"


ERROR_LIFE_BOTH = "同一名党员不能既参加又缺席。"


ERROR_LIFE_NOT_YET = "会议召开时尚未入党的党员不记缺席。"
ERROR_LIFE_LEFT = "会议召开时已离开本支部的党员不记参加或缺席。"


ERROR_MEMBER_ELSEWHERE = "所选党员不属于该党支部。"


ERROR_CONFIRM_ROLE = "只有本支部书记可以确认党员的办实事和服务记录。"


ERROR_COMMENT_ROLE = "只有镇党委工作人员和县委组织部可以作领导点评。"


ERROR_POINTS_ROLE = "只有镇党委工作人员可以设置本镇的党员量化积分规则。"


ERROR_PLEDGE_NOTE = "请写明践诺情况（做了什么、何时完成）。"


ERROR_PLEDGE_REASON = "未兑现的承诺请写明原因。"


ERROR_PLEDGE_STATUS = "请选择“已践诺”或“未兑现”。"


ERROR_PLEDGE_CLOSED = "该承诺已标记为“{status}”，不能再次标记。"


ERROR_APPRAISAL_COUNTS = "满意、基本满意、不满意票数之和（{valid}）不能超过发放的测评表份数（{forms}）。"


ERROR_APPRAISAL_EMPTY = "有效测评表为 0 份，无法计算满意率。"


def _require_recorder(actor, branch: Branch) -> None:
    """Records are kept by the branch's secretary and its township's staff, for that branch only."""
    if not MemberDeed.objects.role_may_edit(actor) or not (
        Branch.objects.visible_to(actor).filter(pk=branch.pk).exists()
    ):
        raise PermissionDenied(ERROR_RECORD_OUTSIDE)


def _require_member(branch: Branch, member) -> None:
    if member is not None and member.branch_id != branch.pk:
        raise ValueError(ERROR_MEMBER_ELSEWHERE)


def _attach(record, branch: Branch, photos, actor) -> None:
    if photos:
        record.photos.add(*photos_store(branch=branch, uploads=photos, actor=actor))


@transaction.atomic
def organisational_life_record(
    *, branch: Branch, kind, held_on, topic, attendees, absences=None, absence_note="", minutes="", photos=(), actor
):
    """Record a meeting once, when it happens; every score sheet linked to it reads it from here.
    `absences` maps each absent member to an AbsenceReason."""
    _require_recorder(actor, branch)
    attendees = list(attendees)
    absences = dict(absences or {})
    if any(member.branch_id != branch.pk for member in [*attendees, *absences]):
        raise ValueError(ERROR_LIFE_MEMBER)
    if set(attendees) & set(absences):
        raise ValueError(ERROR_LIFE_BOTH)
    if any(member.joined_on > held_on for member in absences):
        raise ValueError(ERROR_LIFE_NOT_YET)
    if any(member.left_on and member.left_on <= held_on for member in [*attendees, *absences]):
        raise ValueError(ERROR_LIFE_LEFT)
    record = OrganisationalLife.objects.create(
        branch=branch,
        kind=kind,
        held_on=held_on,
        topic=topic.strip(),
        absence_note=absence_note.strip(),
        minutes=minutes.strip(),
        recorded_by=actor,
    )
    record.attendees.set(attendees)
    for member, reason in absences.items():  # one by one (a branch has tens): the audit trail sees each
        Absence.objects.create(life=record, member=member, reason=reason)
    _attach(record, branch, photos, actor)
    facts_changed.send(sender=OrganisationalLife, branch=branch, year=held_on.year, actor=actor)
    return record


@transaction.atomic
def deed_record(*, branch: Branch, member, kind, done_on, description, beneficiary, photos=(), actor):
    """A member's deed or service; it counts (facts, points) once the branch secretary confirms it."""
    _require_recorder(actor, branch)
    _require_member(branch, member)
    deed = MemberDeed.objects.create(
        branch=branch,
        member=member,
        kind=kind,
        done_on=done_on,
        description=description.strip(),
        beneficiary=beneficiary.strip(),
        recorded_by=actor,
    )
    _attach(deed, branch, photos, actor)
    return deed


@transaction.atomic
def deed_confirm(deed: MemberDeed, *, actor) -> bool:
    """The secretary confirms a deed; only then it counts for facts and points. False if it already was."""
    if not (actor.is_superuser or (actor.role == Role.BRANCH_SECRETARY and actor.branch_id == deed.branch_id)):
        raise PermissionDenied(ERROR_CONFIRM_ROLE)
    # the row is locked and saved (not a bulk update), so the audit trail records who confirmed it
    deed = MemberDeed.objects.select_for_update().get(pk=deed.pk)
    updated = deed.confirmed_at is None
    if updated:
        deed.confirmed_by, deed.confirmed_at = actor, timezone.now()
        deed.save(update_fields=["confirmed_by", "confirmed_at"])
        facts_changed.send(sender=MemberDeed, branch=deed.branch, year=deed.done_on.year, actor=actor)
    return bool(updated)


@transaction.atomic
def points_rule_save(*, township: Township, kind, points: Decimal, yearly_cap: Decimal, actor) -> PointsRule:
    if not (actor.is_superuser or (actor.role == Role.TOWNSHIP_STAFF and actor.township_id == township.pk)):
        raise PermissionDenied(ERROR_POINTS_ROLE)
    rule, _ = PointsRule.objects.update_or_create(
        township=township, kind=kind, defaults={"points": points, "yearly_cap": yearly_cap, "updated_by": actor}
    )
    return rule


@transaction.atomic
def problem_record(*, branch: Branch, category, title, solved_on, description="", photos=(), actor) -> SolvedProblem:
    _require_recorder(actor, branch)
    problem = SolvedProblem.objects.create(
        branch=branch,
        category=category,
        title=title.strip(),
        solved_on=solved_on,
        description=description.strip(),
        recorded_by=actor,
    )
    _attach(problem, branch, photos, actor)
    facts_changed.send(sender=SolvedProblem, branch=branch, year=solved_on.year, actor=actor)
    return problem


@transaction.atomic
def pledge_record(*, branch: Branch, member, year: int, content, actor) -> Pledge:
    _require_recorder(actor, branch)
    _require_member(branch, member)
    pledge = Pledge.objects.create(branch=branch, member=member, year=year, content=content.strip(), recorded_by=actor)
    facts_changed.send(sender=Pledge, branch=branch, year=year, actor=actor)
    return pledge


@transaction.atomic
def pledge_resolve(pledge: Pledge, *, status, note, resolved_on, photos=(), actor) -> Pledge:
    """Mark a pledge kept (践诺, with what was done) or not kept (with the reason). Once only: the mark stays readable."""
    _require_recorder(actor, pledge.branch)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.status != PledgeStatus.OPEN:
        raise ValueError(ERROR_PLEDGE_CLOSED.format(status=pledge.get_status_display()))
    if status not in (PledgeStatus.KEPT, PledgeStatus.NOT_KEPT):
        raise ValueError(ERROR_PLEDGE_STATUS)
    if not note.strip():
        raise ValueError(ERROR_PLEDGE_NOTE if status == PledgeStatus.KEPT else ERROR_PLEDGE_REASON)
    pledge.status, pledge.status_note, pledge.resolved_on = status, note.strip(), resolved_on
    pledge.save(update_fields=["status", "status_note", "resolved_on"])
    _attach(pledge, pledge.branch, photos, actor)
    facts_changed.send(sender=Pledge, branch=pledge.branch, year=pledge.year, actor=actor)
    return pledge


@transaction.atomic
def pledge_comment(pledge: Pledge, *, comment, actor) -> Pledge:
    """领导点评 by township staff (or the county)."""
    if not (
        actor.is_superuser
        or (
            actor.role in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER)
            and Pledge.objects.visible_to(actor).filter(pk=pledge.pk).exists()
        )
    ):
        raise PermissionDenied(ERROR_COMMENT_ROLE)
    pledge.leader_comment, pledge.commented_by, pledge.commented_at = comment.strip(), actor, timezone.now()
    pledge.save(update_fields=["leader_comment", "commented_by", "commented_at"])
    return pledge


@transaction.atomic
def appraisal_record(
    *, branch: Branch, member, held_on, forms, satisfied, basically_satisfied, dissatisfied, note="", actor
) -> Appraisal:
    _require_recorder(actor, branch)
    _require_member(branch, member)
    valid = satisfied + basically_satisfied + dissatisfied
    if valid > forms:
        raise ValueError(ERROR_APPRAISAL_COUNTS.format(valid=valid, forms=forms))
    if valid == 0:
        raise ValueError(ERROR_APPRAISAL_EMPTY)
    appraisal = Appraisal.objects.create(
        branch=branch,
        member=member,
        held_on=held_on,
        forms=forms,
        satisfied=satisfied,
        basically_satisfied=basically_satisfied,
        dissatisfied=dissatisfied,
        note=note.strip(),
        recorded_by=actor,
    )
    if member is None:
        facts_changed.send(sender=Appraisal, branch=branch, year=held_on.year, actor=actor)
    return appraisal


@transaction.atomic
def document_record(*, branch: Branch, kind, year: int, title="", photos=(), actor) -> BranchDocument:
    """Keep a standing document once for the year; every sheet of that year that asks for it follows."""
    _require_recorder(actor, branch)
    document = BranchDocument.objects.create(
        branch=branch, kind=kind, year=year, title=title.strip(), recorded_by=actor
    )
    _attach(document, branch, photos, actor)
    facts_changed.send(sender=BranchDocument, branch=branch, year=year, actor=actor)
    return document
