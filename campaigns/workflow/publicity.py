"""Publicity (公示) and naming: the county puts the reviewed units on public notice, objections
are registered (or raised on the public page) and resolved, and once the notice has run the
county names the units still on it. A township campaign run without the county's re-check is
published and named by the township itself, from what it verified (``publisher_role``)."""

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from common.dates import today
from inbox import services as inbox
from inbox.models import Kind

from ..models import Campaign, Objection, Participant, State
from .machine import (
    ERROR_COMMENT,
    ERROR_NOTHING,
    ERROR_OBJECTIONS_OPEN,
    ERROR_PUBLICITY_RUNNING,
    ERROR_REVIEW_OPEN,
    ERROR_STATE,
    ERROR_VERIFICATION_OPEN,
    TRANSITIONS,
    WorkflowError,
    campaign_level_step,
    campaign_locked,
    check_actor,
    check_phase,
    publisher_role,
    record_event,
    step_roles,
)
from .participant import transition


@transaction.atomic
def publicity_start(campaign: Campaign, *, actor) -> int:
    campaign = campaign_locked(campaign)
    action = "publicize" if campaign.county_review else "publicize_verified"
    step = TRANSITIONS[action]
    check_actor(actor, step_roles(step, campaign), step.label, campaign=campaign)
    check_phase(campaign, step.phases, step.label)
    if campaign.county_review:
        pending = campaign.participants.filter(state=State.RECOMMENDED).count()
        error = ERROR_REVIEW_OPEN
    else:  # the township publishes once it has decided on every sheet submitted to it
        pending = campaign.participants.filter(state__in=(State.SUBMITTED, State.RETURNED)).count()
        error = ERROR_VERIFICATION_OPEN
    if pending:
        raise WorkflowError(error.format(count=pending))
    participants = list(campaign.participants.filter(state__in=step.sources))
    if not participants:
        raise WorkflowError(ERROR_NOTHING.format(action="公示"))
    campaign.publicity_starts_on = today()
    campaign.publicity_ends_on = today() + timedelta(days=campaign.publicity_days)
    campaign.save(update_fields=["publicity_starts_on", "publicity_ends_on"])
    for participant in participants:
        campaign_level_step(
            participant, action, actor, f"公示 {campaign.publicity_days} 天，至 {campaign.publicity_ends_on}。"
        )
    return len(participants)


@transaction.atomic
def objection_record(participant: Participant, *, content: str, contact: str, received_on: date, actor) -> Objection:
    participant = Participant.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=participant.pk)
    check_actor(actor, {publisher_role(participant.campaign)}, "登记异议", participant)
    if participant.state != State.PUBLICIZED:
        raise WorkflowError(
            ERROR_STATE.format(
                subject=participant.subject_label, state=participant.get_state_display(), action="登记异议"
            )
        )
    if not content.strip():
        raise WorkflowError("请填写异议内容。")
    objection = Objection.objects.create(
        participant=participant,
        content=content.strip(),
        contact=contact.strip(),
        received_on=received_on,
        recorded_by=actor,
    )
    record_event(participant, "objection", actor=actor, comment=content.strip())
    _tell_of_objection(objection)
    return objection


def _tell_of_objection(objection: Objection) -> None:
    """The county that re-checks (or publishes) and the branch's township hear of a new objection."""
    participant = objection.participant
    campaign = participant.campaign
    township_id = participant.branch.township_id
    county_id = campaign.county_id or participant.branch.township.county_id
    channel = "公示页面网上反映" if objection.channel == Objection.Channel.ONLINE else "登记"
    inbox.send(
        Kind.OBJECTION,
        title=f"{campaign.title}：对{participant.subject_label}的公示异议（{channel}）",
        body=objection.content,
        url=reverse("campaigns:participant", args=[participant.pk]),
        key=f"objection:{objection.pk}",
        townships=[township_id],
        counties=[county_id],
    )


ERROR_PUBLIC_CLOSED = "公示期已结束或尚未开始，不能在网上反映异议；如有情况请直接与{body}联系。"
ERROR_PUBLIC_NOT_LISTED = "所选对象不在本次公示名单中。"


@transaction.atomic
def objection_submit_public(participant: Participant, *, content: str, contact: str) -> Objection:
    """An objection raised on the public notice, without a login: only about a unit on the
    list, only while the notice runs; the county sees it beside those it registered itself."""
    # the participant's row only (naming locks the campaign, then its participants: never the other way round)
    participant = Participant.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=participant.pk)
    campaign = participant.campaign
    if participant.state != State.PUBLICIZED:
        raise WorkflowError(ERROR_PUBLIC_NOT_LISTED)
    if not (campaign.publicity_starts_on and campaign.publicity_starts_on <= today() <= campaign.publicity_ends_on):
        raise WorkflowError(ERROR_PUBLIC_CLOSED.format(body=campaign.publisher_name))
    objection = Objection.objects.create(
        participant=participant,
        content=content.strip(),
        contact=contact.strip(),
        received_on=today(),
        channel=Objection.Channel.ONLINE,
        recorded_by=None,
    )
    record_event(participant, "objection", actor=None, comment=f"公示页面网上反映：{content.strip()}")
    _tell_of_objection(objection)
    return objection


@transaction.atomic
def objection_resolve(objection: Objection, *, upheld: bool, note: str, actor) -> Objection:
    objection = (
        Objection.objects.select_for_update(of=("self",)).select_related("participant__campaign").get(pk=objection.pk)
    )
    participant = objection.participant
    check_actor(actor, {publisher_role(participant.campaign)}, "处理异议", participant)
    if objection.resolution != Objection.Resolution.OPEN:
        raise WorkflowError("该异议已处理。")
    if not note.strip():
        raise WorkflowError(ERROR_COMMENT)
    objection.resolution = Objection.Resolution.UPHELD if upheld else Objection.Resolution.DISMISSED
    objection.resolution_note, objection.resolved_by, objection.resolved_at = note.strip(), actor, timezone.now()
    objection.save()
    if upheld:
        transition(participant, "withdraw", actor=actor, comment=f"异议成立：{note.strip()}")
    else:
        record_event(participant, "objection_dismissed", actor=actor, comment=note.strip())
    return objection


@transaction.atomic
def naming(campaign: Campaign, *, actor) -> int:
    campaign = campaign_locked(campaign)
    step = TRANSITIONS["name"]
    check_actor(actor, step_roles(step, campaign), step.label, campaign=campaign)
    check_phase(campaign, step.phases, step.label)
    if campaign.publicity_ends_on is None or today() <= campaign.publicity_ends_on:
        end = campaign.publicity_ends_on or "—"
        raise WorkflowError(ERROR_PUBLICITY_RUNNING.format(end=end))
    open_objections = Objection.objects.filter(
        participant__campaign=campaign, resolution=Objection.Resolution.OPEN
    ).count()
    if open_objections:
        raise WorkflowError(ERROR_OBJECTIONS_OPEN.format(count=open_objections))
    participants = list(campaign.participants.filter(state__in=step.sources))
    if not participants:
        raise WorkflowError(ERROR_NOTHING.format(action="命名"))
    for participant in participants:
        campaign_level_step(participant, "name", actor, f"{campaign.title}：命名。")
    return len(participants)
