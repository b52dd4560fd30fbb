"""Setting up campaigns. State changes of participants live in the workflow package (campaigns/workflow/)."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from branches.models import Branch, Member
from branches.scoping import Role, unit_owner
from common.dates import today

from .models import Campaign, Milestone, Participant, Phase
from .plans import (
    PHASE_TEMPLATES,
    PlannedMilestone,
    PlannedPhase,
    milestone_moved,
    phase_plan,
    phase_proposal,
    schedule_errors,
)
from .workflow import may_manage_phase, phase_manager_role

__all__ = [
    "PHASE_TEMPLATES",
    "MilestoneChange",
    "PhaseChange",
    "campaign_create",
    "phase_plan",
    "phase_proposal",
    "phase_move",
    "phase_schedule_save",
    "schedule_after",
]

ERROR_FRAMEWORK_KIND = "所选考核标准不属于“{kind}”类别。"
ERROR_BRANCH_OUTSIDE = "所选党支部不在您的管理范围内。"
ERROR_NO_BRANCHES = "请至少选择一个参加的党支部。"
ERROR_PHASE_NOT_YOURS = "“{phase}”阶段由{manager}安排，您不能修改。"
ERROR_PHASE_KINDS = "阶段与该类活动的实施方案不符，请重新打开本页。"
ERROR_COUNTY_ALWAYS_REVIEWS = "县委组织部组织的活动由县委组织部复核，不能取消复核。"


@transaction.atomic
def campaign_create(
    *,
    kind,
    year,
    title,
    framework,
    branches,
    actor,
    publicity_days=5,
    sample_rate=0.3,
    sample_min_per_township=1,
    objection_contact="",
    county_review=True,
    phases: list[PlannedPhase] | None = None,
) -> Campaign:
    """A campaign of the actor's unit, its phases and their milestones, and one participant per
    branch (or per member, where the framework scores members). The phases are ``phases`` (the
    creation form's, as the organiser accepted or edited them) or else the kind's seed plan as
    ``phase_proposal`` moves it for today, so that no phase is over at creation. A township's
    campaign may go without the county's re-check: then it has no review phase and the township
    publishes and names."""
    if framework.kind != kind:
        raise ValueError(ERROR_FRAMEWORK_KIND.format(kind=framework.get_kind_display()))
    branches = list(branches)
    if not branches:
        raise ValueError(ERROR_NO_BRANCHES)
    visible = set(Branch.objects.visible_to(actor).filter(pk__in=[b.pk for b in branches]).values_list("pk", flat=True))
    if len(visible) != len(branches):
        raise ValueError(ERROR_BRANCH_OUTSIDE)
    owner = unit_owner(actor)
    if not county_review and "township" not in owner:
        raise ValueError(ERROR_COUNTY_ALWAYS_REVIEWS)
    if phases is None:
        phases = phase_proposal(kind, year, county_review=county_review, on=today())
    if [p.kind for p in phases] != [p.kind for p in phase_plan(kind, year, county_review=county_review)]:
        raise ValueError(ERROR_PHASE_KINDS)
    if errors := schedule_errors(phases):
        raise ValueError(errors[0][2])
    campaign = Campaign.objects.create(
        kind=kind,
        year=year,
        title=title,
        framework=framework,
        created_by=actor,
        publicity_days=publicity_days,
        sample_rate=sample_rate,
        sample_min_per_township=sample_min_per_township,
        objection_contact=objection_contact,
        county_review=county_review,
        **owner,
    )
    for position, planned in enumerate(phases):
        phase = Phase.objects.create(
            campaign=campaign,
            kind=planned.kind,
            title=planned.title,
            starts_on=planned.starts_on,
            ends_on=planned.ends_on,
            position=position,
        )
        Milestone.objects.bulk_create(
            Milestone(phase=phase, title=m.title, due_on=m.due_on, actor=m.actor, position=index)
            for index, m in enumerate(planned.milestones)
        )
    if framework.subject == "member":
        members = Member.objects.filter(branch__in=branches).order_by("branch_id", "pk")
        participants = [Participant(campaign=campaign, branch_id=m.branch_id, member=m) for m in members]
    else:
        participants = [Participant(campaign=campaign, branch=b) for b in branches]
    Participant.objects.bulk_create(participants)
    return campaign


@dataclass(frozen=True)
class MilestoneChange:
    """A milestone as the phase page sends it: an existing one (``pk``) changed or deleted, or a new one."""

    pk: int | None
    title: str
    due_on: date
    actor: str
    delete: bool = False


@dataclass(frozen=True)
class PhaseChange:
    phase: Phase
    title: str
    starts_on: date
    ends_on: date
    milestones: tuple[MilestoneChange, ...] = ()


def schedule_after(campaign: Campaign, changes: list[PhaseChange]) -> list[PlannedPhase]:
    """The campaign's whole calendar as it would be once ``changes`` are saved: the phases they
    leave alone as they are, with their milestones."""
    by_phase = {change.phase.pk: change for change in changes}
    calendar = []
    for phase in campaign.phases.prefetch_related("milestones"):
        milestones = {m.pk: PlannedMilestone(m.title, m.due_on, m.actor) for m in phase.milestones.all()}
        change = by_phase.get(phase.pk)
        if change is None:
            calendar.append(
                PlannedPhase(phase.kind, phase.title, phase.starts_on, phase.ends_on, tuple(milestones.values()))
            )
            continue
        added = []
        for m in change.milestones:
            if m.pk is not None and m.delete:
                milestones.pop(m.pk, None)
            elif m.pk is not None:
                milestones[m.pk] = PlannedMilestone(m.title, m.due_on, m.actor)
            elif not m.delete:
                added.append(PlannedMilestone(m.title, m.due_on, m.actor))
        calendar.append(
            PlannedPhase(phase.kind, change.title, change.starts_on, change.ends_on, (*milestones.values(), *added))
        )
    return calendar


@transaction.atomic
def phase_schedule_save(*, campaign: Campaign, actor, changes: list[PhaseChange]) -> None:
    """Saves the dates and milestones of the phases ``actor`` manages (``workflow.may_manage_phase``),
    all or nothing: a phase someone else manages, a milestone outside its phase, a phase ending
    before it starts or starting before the one before it ends refuses the whole change (ValueError,
    the message in Chinese) and nothing is saved."""
    for change in changes:
        if change.phase.campaign_id != campaign.pk or not may_manage_phase(actor, campaign, change.phase.kind):
            raise ValueError(
                ERROR_PHASE_NOT_YOURS.format(
                    phase=change.phase.title, manager=phase_manager_label(campaign, change.phase.kind)
                )
            )
    if errors := schedule_errors(schedule_after(campaign, changes)):
        raise ValueError(errors[0][2])
    for change in changes:
        Phase.objects.filter(pk=change.phase.pk).update(
            title=change.title, starts_on=change.starts_on, ends_on=change.ends_on
        )
        existing = Milestone.objects.filter(phase=change.phase)
        position = max(existing.values_list("position", flat=True), default=-1) + 1
        for m in change.milestones:
            if m.pk is not None and m.delete:
                existing.filter(pk=m.pk).delete()
            elif m.pk is not None:
                existing.filter(pk=m.pk).update(title=m.title, due_on=m.due_on, actor=m.actor)
            elif not m.delete:
                Milestone.objects.create(
                    phase=change.phase, title=m.title, due_on=m.due_on, actor=m.actor, position=position
                )
                position += 1


def phase_move(*, phase: Phase, starts_on: date, ends_on: date) -> None:
    """Moves ``phase`` to new dates and its milestones with it (by as many days as its start, kept inside it)."""
    offset = starts_on - phase.starts_on
    for milestone in phase.milestones.all():
        milestone.due_on = milestone_moved(milestone.due_on, offset, starts_on, ends_on)
        milestone.save(update_fields=["due_on"])
    phase.starts_on, phase.ends_on = starts_on, ends_on
    phase.save(update_fields=["starts_on", "ends_on"])


def phase_manager_label(campaign: Campaign, kind: str) -> str:
    """Who manages the phase, as a user reads it: 县委组织部 or 乡镇党委."""
    return "县委组织部" if phase_manager_role(campaign, kind) == Role.COUNTY_REVIEWER else "乡镇党委"
