"""The assessment workflow: one state machine for a participant in a campaign.

``TRANSITIONS`` is the whole machine. ``transition()`` is the only code that
changes a participant's state: it checks role, unit, phase and state, runs
the action's side effects, and records who did what, when, from, to and why —
all in one transaction, so a failure half way changes nothing.
"""

import math
import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from branches.scoping import Role
from common.dates import today
from scoring.models import ScoreSheet, Stage
from scoring.selectors import framework_spec
from scoring.services import score_sheet_create, sheet_entries
from scoring.sheet_xlsx import raw_value

from .models import Campaign, Objection, Participant, Phase, PhaseExtension, PhaseKind, State, Submission, Transition

STAFF, COUNTY, SECRETARY = Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER, Role.BRANCH_SECRETARY

VERIFICATION_METHODS = {
    "report": "听取汇报",
    "records": "查阅资料/会议记录",
    "site": "实地察看",
    "interviews": "座谈走访",
    "appraisal": "群众测评",
}


@dataclass(frozen=True)
class Rule:
    label: str
    sources: frozenset
    target: str
    roles: frozenset
    phases: tuple


def _rule(label, sources, target, roles, *phases):
    return Rule(label, frozenset(sources), target, frozenset(roles), phases)


TRANSITIONS: dict[str, Rule] = {
    "start": _rule("开始自评", {State.NOT_STARTED}, State.DRAFTING, {SECRETARY, STAFF}, PhaseKind.SELF_ASSESSMENT),
    "submit": _rule("申报", {State.DRAFTING}, State.SUBMITTED, {SECRETARY, STAFF}, PhaseKind.SELF_ASSESSMENT),
    # a returned sheet is revised while the township is verifying
    "resubmit": _rule(
        "修改后重新申报",
        {State.RETURNED},
        State.SUBMITTED,
        {SECRETARY, STAFF},
        PhaseKind.SELF_ASSESSMENT,
        PhaseKind.VERIFICATION,
    ),
    "return": _rule("退回修改", {State.SUBMITTED}, State.RETURNED, {STAFF}, PhaseKind.VERIFICATION),
    "pass": _rule("验收通过", {State.SUBMITTED}, State.VERIFIED, {STAFF}, PhaseKind.VERIFICATION),
    "fail": _rule("验收不通过", {State.SUBMITTED}, State.FAILED, {STAFF}, PhaseKind.VERIFICATION),
    "recommend": _rule("推荐至县委组织部", {State.VERIFIED}, State.RECOMMENDED, {STAFF}, PhaseKind.VERIFICATION),
    "confirm": _rule("复核确认", {State.RECOMMENDED}, State.REVIEWED, {COUNTY}, PhaseKind.REVIEW),
    "adjust": _rule("复核调整分数", {State.RECOMMENDED}, State.REVIEWED, {COUNTY}, PhaseKind.REVIEW),
    "reject": _rule("复核不予通过", {State.RECOMMENDED}, State.REJECTED, {COUNTY}, PhaseKind.REVIEW),
    "publicize": _rule("公示", {State.REVIEWED}, State.PUBLICIZED, {COUNTY}, PhaseKind.PUBLICITY),
    "withdraw": _rule("异议成立，取消", {State.PUBLICIZED}, State.WITHDRAWN, {COUNTY}, PhaseKind.PUBLICITY),
    "name": _rule("命名", {State.PUBLICIZED}, State.NAMED, {COUNTY}, PhaseKind.NAMING),
}

ERROR_STATE = "「{subject}」当前为「{state}」，不能{action}。"
ERROR_ROLE = "您的角色不能{action}。"
ERROR_UNIT = "「{subject}」不在您的管理范围内。"
ERROR_PHASE = "「{phase}」阶段（{start}至{end}）未开放，今天不能{action}。"
ERROR_NO_PHASE = "本活动没有设置「{phase}」阶段，不能{action}。"
ERROR_INCOMPLETE = "评分表尚有 {count} 项未填，不能{action}。"
ERROR_RETURN_ITEMS = "退回时请至少选择一个需要修改的评分项，并逐项写明原因。"
ERROR_RETURN_REASON = "评分项 {code} 需要写明退回原因。"
ERROR_NO_VERIFICATION_SHEET = "请先打开并填写验收评分表。"
ERROR_METHODS = "请选择本次验收采用的方式。"
ERROR_APPRAISAL = "选择了群众测评，请填写满意、基本满意、不满意的人数。"
ERROR_NO_REVIEW_SHEET = "调整分数前请先填写复核评分表。"
ERROR_COMMENT = "请写明理由。"
ERROR_NOT_SAMPLED = "「{subject}」未被抽中复核，将在结束复核时按推荐确认。"
ERROR_ALREADY_SAMPLED = "本活动已于 {when} 抽样，抽样结果不能重抽。"
ERROR_NOT_YET_SAMPLED = "请先抽样。"
ERROR_SAMPLED_OPEN = "还有 {count} 个抽中的单位未复核，不能结束复核。"
ERROR_REVIEW_OPEN = "还有 {count} 个推荐单位未完成复核，不能开始公示。"
ERROR_PUBLICITY_RUNNING = "公示期至 {end} 结束，公示期满后才能命名。"
ERROR_OBJECTIONS_OPEN = "还有 {count} 件异议未处理，不能命名。"
ERROR_NOTHING = "没有可以{action}的单位。"


class WorkflowError(Exception):
    """A refused action; the message is for the user and nothing was changed."""


# --- checks -------------------------------------------------------------------------------------------


def _phase(campaign: Campaign, kind: str) -> Phase | None:
    return next((p for p in campaign.phases.all() if p.kind == kind), None)


def phase_open(campaign, kind, *, participant=None, on: date | None = None) -> bool:
    on = on or today()
    phase = _phase(campaign, kind)
    if phase is None:
        return False
    if phase.starts_on <= on <= phase.ends_on:
        return True
    if participant is not None:
        return participant.extensions.filter(phase_kind=kind, until__gte=on).exists() and on >= phase.starts_on
    return False


def _check_phase(campaign, kinds, action_label, *, participant=None):
    if any(phase_open(campaign, kind, participant=participant) for kind in kinds):
        return
    phase = _phase(campaign, kinds[0])
    if phase is None:
        raise WorkflowError(ERROR_NO_PHASE.format(phase=PhaseKind(kinds[0]).label, action=action_label))
    raise WorkflowError(
        ERROR_PHASE.format(
            phase=phase.title,
            start=f"{phase.starts_on:%Y-%m-%d}",
            end=f"{phase.ends_on:%Y-%m-%d}",
            action=action_label,
        )
    )


def _check_actor(actor, roles, label, participant_or_none=None, campaign=None):
    if not (actor.is_superuser or actor.role in roles):
        raise WorkflowError(ERROR_ROLE.format(action=label))
    if participant_or_none is not None:
        if not Participant.objects.visible_to(actor).filter(pk=participant_or_none.pk).exists():
            raise WorkflowError(ERROR_UNIT.format(subject=participant_or_none.subject_label))
    if campaign is not None and not actor.is_superuser:
        county_id = campaign.county_id or campaign.township.county_id
        if actor.role == COUNTY and actor.county_id != county_id:
            raise WorkflowError(ERROR_UNIT.format(subject=campaign.title))


def allowed_actions(participant: Participant, actor) -> list[str]:
    """The actions ``actor`` may take on ``participant`` now (for the buttons)."""
    actions = []
    for action, rule in TRANSITIONS.items():
        if participant.state not in rule.sources or not (actor.is_superuser or actor.role in rule.roles):
            continue
        if action in ("confirm", "adjust", "reject") and not participant.sampled:
            continue
        if action in ("publicize", "withdraw", "name"):
            continue  # campaign-level steps
        if any(phase_open(participant.campaign, kind, participant=participant) for kind in rule.phases):
            actions.append(action)
    return actions


# --- the one way state changes ------------------------------------------------------------------


@transaction.atomic
def transition(participant: Participant, action: str, *, actor, comment: str = "", data: dict | None = None):
    """Perform ``action`` on ``participant`` or raise WorkflowError, changing nothing."""
    rule = TRANSITIONS[action]
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("campaign__township", "branch")
        .get(pk=participant.pk)
    )
    _check_actor(actor, rule.roles, rule.label, participant)
    if participant.state not in rule.sources:
        raise WorkflowError(
            ERROR_STATE.format(
                subject=participant.subject_label, state=participant.get_state_display(), action=rule.label
            )
        )
    _check_phase(participant.campaign, rule.phases, rule.label, participant=participant)
    data = dict(data or {})
    recorded = _SIDE_EFFECTS.get(action, _nothing)(participant, actor=actor, comment=comment, data=data) or {}
    from_state = participant.state
    participant.state = rule.target
    participant.save()
    return Transition.objects.create(
        participant=participant,
        action=action,
        from_state=from_state,
        to_state=rule.target,
        actor=actor,
        comment=comment,
        data=recorded,
    )


def _record_event(participant, action, *, actor, comment="", data=None):
    """An event that does not change state (sampling, an extension, an objection)."""
    return Transition.objects.create(
        participant=participant,
        action=action,
        from_state=participant.state,
        to_state=participant.state,
        actor=actor,
        comment=comment,
        data=data or {},
    )


def _nothing(participant, **kwargs):
    return {}


def _require_complete(sheet: ScoreSheet, label: str):
    if not sheet.complete:
        unfilled = sheet.verdict.get("unfilled", 0)
        raise WorkflowError(ERROR_INCOMPLETE.format(count=unfilled, action=label))


def _start(participant, *, actor, **kwargs):
    campaign = participant.campaign
    participant.self_sheet = score_sheet_create(
        framework=campaign.framework,
        branch=participant.branch,
        member=participant.member,
        stage=Stage.SELF_ASSESSMENT,
        year=campaign.year,
        actor=actor,
    )
    return {}


def snapshot(sheet: ScoreSheet) -> dict:
    """The sheet's entries as the plain values a person typed, for keeping and comparing."""
    spec = framework_spec(sheet.framework)
    entries = sheet_entries(sheet)
    return {
        item.code: {
            "value": raw_value(item.method, entries.get(item.code)),
            "veto": bool(entries.get(item.code) and entries[item.code].veto_triggered),
            "comment": entries[item.code].comment if item.code in entries else "",
        }
        for item in spec.items()
    }


def _submit(participant, *, actor, **kwargs):
    sheet = participant.self_sheet
    _require_complete(sheet, "申报")
    previous = participant.submissions.order_by("-number").first()
    entries = snapshot(sheet)
    Submission.objects.create(
        participant=participant,
        number=(previous.number + 1) if previous else 1,
        entries=entries,
        total=sheet.total,
        submitted_by=actor,
    )
    sheet.locked, sheet.editable_items = True, None
    sheet.save(update_fields=["locked", "editable_items"])
    if participant.submitted_at is None:
        participant.submitted_at = timezone.now()
        phase = _phase(participant.campaign, PhaseKind.SELF_ASSESSMENT)
        extension = participant.extensions.filter(phase_kind=PhaseKind.SELF_ASSESSMENT).order_by("-until").first()
        deadline = max(phase.ends_on, extension.until) if extension else phase.ends_on
        participant.submitted_on_time = today() <= deadline
    changed = sorted(code for code, values in entries.items() if previous and previous.entries.get(code) != values)
    return {"changed_items": changed, "total": str(sheet.total)} if previous else {"total": str(sheet.total)}


def _return(participant, *, actor, data, **kwargs):
    items = {code: (reason or "").strip() for code, reason in (data.get("items") or {}).items()}
    if not items:
        raise WorkflowError(ERROR_RETURN_ITEMS)
    codes = {item.code for item in participant.campaign.framework.items.all()}
    for code, reason in items.items():
        if code not in codes or not reason:
            raise WorkflowError(ERROR_RETURN_REASON.format(code=code))
    sheet = participant.self_sheet
    sheet.locked, sheet.editable_items = False, sorted(items)
    sheet.save(update_fields=["locked", "editable_items"])
    return {"items": items}


@dataclass(frozen=True)
class StageSheet:
    """A scoring stage after self-assessment: who opens its sheet, when, and beside what."""

    label: str
    role: str
    state: str
    phase: str
    stage: str
    attribute: str
    basis: str


VERIFICATION = StageSheet(
    "验收", STAFF, State.SUBMITTED, PhaseKind.VERIFICATION, Stage.VERIFICATION, "verification_sheet", "self_sheet"
)
REVIEW = StageSheet(
    "复核", COUNTY, State.RECOMMENDED, PhaseKind.REVIEW, Stage.REVIEW, "review_sheet", "verification_sheet"
)


@transaction.atomic
def _stage_sheet_open(participant: Participant, step: StageSheet, *, actor) -> ScoreSheet:
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    _check_actor(actor, {step.role}, step.label, participant)
    if participant.state != step.state:
        raise WorkflowError(
            ERROR_STATE.format(
                subject=participant.subject_label, state=participant.get_state_display(), action=step.label
            )
        )
    if step is REVIEW and not participant.sampled:
        raise WorkflowError(ERROR_NOT_SAMPLED.format(subject=participant.subject_label))
    _check_phase(participant.campaign, (step.phase,), step.label, participant=participant)
    sheet = getattr(participant, step.attribute)
    if sheet is None:
        campaign = participant.campaign
        sheet = score_sheet_create(
            framework=campaign.framework,
            branch=participant.branch,
            member=participant.member,
            stage=step.stage,
            basis=getattr(participant, step.basis),
            year=campaign.year,
            actor=actor,
        )
        setattr(participant, step.attribute, sheet)
        participant.save(update_fields=[step.attribute])
    return sheet


def verification_open(participant: Participant, *, actor) -> ScoreSheet:
    """Township staff open the verification sheet beside the self-assessment."""
    return _stage_sheet_open(participant, VERIFICATION, actor=actor)


def review_open(participant: Participant, *, actor) -> ScoreSheet:
    """The county opens a re-scoring sheet for a sampled recommendation, beside the verification."""
    return _stage_sheet_open(participant, REVIEW, actor=actor)


def _verdict(participant, *, actor, data, **kwargs):
    sheet = participant.verification_sheet
    if sheet is None:
        raise WorkflowError(ERROR_NO_VERIFICATION_SHEET)
    _require_complete(sheet, "作出验收结论")
    methods = [m for m in data.get("methods") or [] if m in VERIFICATION_METHODS]
    if not methods:
        raise WorkflowError(ERROR_METHODS)
    counts = [data.get(k) for k in ("satisfied", "basic", "unsatisfied")]
    if "appraisal" in methods:
        if any(c is None or int(c) < 0 for c in counts):
            raise WorkflowError(ERROR_APPRAISAL)
        participant.appraisal_satisfied, participant.appraisal_basic, participant.appraisal_unsatisfied = map(
            int, counts
        )
    participant.verification_methods = methods
    sheet.locked = True
    sheet.save(update_fields=["locked"])
    participant.final_total, participant.final_grade = sheet.total, sheet.grade
    return {"methods": [VERIFICATION_METHODS[m] for m in methods], "total": str(sheet.total), "grade": sheet.grade}


def _require_comment(participant, *, comment, **kwargs):
    if not comment.strip():
        raise WorkflowError(ERROR_COMMENT)
    return {}


def _confirm(participant, **kwargs):
    return {"total": str(participant.final_total)}


def _adjust(participant, *, comment, **kwargs):
    sheet = participant.review_sheet
    if sheet is None:
        raise WorkflowError(ERROR_NO_REVIEW_SHEET)
    _require_complete(sheet, "调整分数")
    _require_comment(participant, comment=comment)
    sheet.locked = True
    sheet.save(update_fields=["locked"])
    old = participant.final_total
    participant.final_total, participant.final_grade = sheet.total, sheet.grade
    return {"old_total": str(old), "new_total": str(sheet.total), "grade": sheet.grade}


def _check_sampled(participant):
    if not participant.sampled:
        raise WorkflowError(ERROR_NOT_SAMPLED.format(subject=participant.subject_label))


_SIDE_EFFECTS = {
    "start": _start,
    "submit": _submit,
    "resubmit": _submit,
    "return": _return,
    "pass": _verdict,
    "fail": lambda p, **kw: (_require_comment(p, **kw), _verdict(p, **kw))[1],
    "recommend": _confirm,
    "confirm": lambda p, **kw: (_check_sampled(p), _confirm(p))[1],
    "adjust": lambda p, **kw: (_check_sampled(p), _adjust(p, **kw))[1],
    "reject": lambda p, **kw: (_check_sampled(p), _require_comment(p, **kw))[1],
    "withdraw": _require_comment,
}


# --- one branch's extension -------------------------------------------------------------------


@transaction.atomic
def phase_extend(participant: Participant, *, phase_kind: str, until: date, reason: str, actor) -> PhaseExtension:
    _check_actor(actor, {STAFF, COUNTY}, "延长期限", participant)
    if not reason.strip():
        raise WorkflowError(ERROR_COMMENT)
    phase = _phase(participant.campaign, phase_kind)
    if phase is None or until <= phase.ends_on:
        raise WorkflowError("延长后的日期应晚于该阶段的截止日期。")
    extension = PhaseExtension.objects.create(
        participant=participant, phase_kind=phase_kind, until=until, reason=reason.strip(), granted_by=actor
    )
    _record_event(
        participant,
        "extend",
        actor=actor,
        comment=reason.strip(),
        data={"phase": phase.title, "until": until.isoformat()},
    )
    return extension


# --- campaign-level steps of the county ---------------------------------------------------------


def draw_sample(recommended: list[Participant], *, rate, minimum: int, seed: str) -> list[int]:
    """Reproducible sample: per township, max(minimum, ceil(rate × n)) of its
    recommendations (at most all), drawn with a generator seeded by ``seed``
    and the township, from the participants in id order."""
    by_township: dict[int, list[int]] = {}
    for participant in sorted(recommended, key=lambda p: p.pk):
        by_township.setdefault(participant.branch.township_id, []).append(participant.pk)
    chosen = []
    for township_id, ids in sorted(by_township.items()):
        size = min(len(ids), max(minimum, math.ceil(float(rate) * len(ids))))
        chosen += random.Random(f"{seed}:{township_id}").sample(ids, size)
    return sorted(chosen)


def _campaign_locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update(of=("self",)).select_related("township").get(pk=campaign.pk)


@transaction.atomic
def review_sample(campaign: Campaign, *, actor, seed: str | None = None) -> list[Participant]:
    """Draw and record the county's sample of the recommendations (once)."""
    campaign = _campaign_locked(campaign)
    _check_actor(actor, {COUNTY}, "抽样", campaign=campaign)
    _check_phase(campaign, (PhaseKind.REVIEW,), "抽样")
    if campaign.sampled_at:
        raise WorkflowError(
            ERROR_ALREADY_SAMPLED.format(when=timezone.localtime(campaign.sampled_at).strftime("%Y-%m-%d %H:%M"))
        )
    recommended = list(campaign.participants.filter(state=State.RECOMMENDED).select_related("branch"))
    if not recommended:
        raise WorkflowError(ERROR_NOTHING.format(action="抽样"))
    campaign.sample_seed = seed or secrets.token_hex(8)
    campaign.sampled_at = timezone.now()
    campaign.save(update_fields=["sample_seed", "sampled_at"])
    chosen = set(
        draw_sample(
            recommended, rate=campaign.sample_rate, minimum=campaign.sample_min_per_township, seed=campaign.sample_seed
        )
    )
    sampled = [p for p in recommended if p.pk in chosen]
    Participant.objects.filter(pk__in=chosen).update(sampled=True)
    for participant in sampled:
        _record_event(participant, "sampled", actor=actor, data={"seed": campaign.sample_seed})
    return sampled


@transaction.atomic
def review_close(campaign: Campaign, *, actor) -> int:
    """Confirm every recommendation that was not sampled; returns how many."""
    campaign = _campaign_locked(campaign)
    _check_actor(actor, {COUNTY}, "结束复核", campaign=campaign)
    if not campaign.sampled_at:
        raise WorkflowError(ERROR_NOT_YET_SAMPLED)
    open_sampled = campaign.participants.filter(state=State.RECOMMENDED, sampled=True).count()
    if open_sampled:
        raise WorkflowError(ERROR_SAMPLED_OPEN.format(count=open_sampled))
    count = 0
    for participant in campaign.participants.filter(state=State.RECOMMENDED, sampled=False):
        _campaign_step(participant, "confirm", actor, "未抽中复核，按乡镇推荐确认。")
        count += 1
    return count


def _campaign_step(participant, action, actor, comment):
    """A campaign-level step applied to one participant: same rule table, same record."""
    rule = TRANSITIONS[action]
    from_state = participant.state
    participant.state = rule.target
    if action == "name":
        participant.named_on = today()
    participant.save()
    Transition.objects.create(
        participant=participant,
        action=action,
        from_state=from_state,
        to_state=rule.target,
        actor=actor,
        comment=comment,
        data={"total": str(participant.final_total)},
    )


@transaction.atomic
def publicity_start(campaign: Campaign, *, actor) -> int:
    campaign = _campaign_locked(campaign)
    rule = TRANSITIONS["publicize"]
    _check_actor(actor, rule.roles, rule.label, campaign=campaign)
    _check_phase(campaign, rule.phases, rule.label)
    pending = campaign.participants.filter(state=State.RECOMMENDED).count()
    if pending:
        raise WorkflowError(ERROR_REVIEW_OPEN.format(count=pending))
    participants = list(campaign.participants.filter(state__in=rule.sources))
    if not participants:
        raise WorkflowError(ERROR_NOTHING.format(action="公示"))
    campaign.publicity_starts_on = today()
    campaign.publicity_ends_on = today() + timedelta(days=campaign.publicity_days)
    campaign.save(update_fields=["publicity_starts_on", "publicity_ends_on"])
    for participant in participants:
        _campaign_step(
            participant, "publicize", actor, f"公示 {campaign.publicity_days} 天，至 {campaign.publicity_ends_on}。"
        )
    return len(participants)


@transaction.atomic
def objection_record(participant: Participant, *, content: str, contact: str, received_on: date, actor) -> Objection:
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    _check_actor(actor, {COUNTY}, "登记异议", participant)
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
    _record_event(participant, "objection", actor=actor, comment=content.strip())
    return objection


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
        raise WorkflowError(ERROR_PUBLIC_CLOSED.format(body=campaign.county or campaign.township))
    objection = Objection.objects.create(
        participant=participant,
        content=content.strip(),
        contact=contact.strip(),
        received_on=today(),
        channel=Objection.Channel.ONLINE,
        recorded_by=None,
    )
    _record_event(participant, "objection", actor=None, comment=f"公示页面网上反映：{content.strip()}")
    return objection


@transaction.atomic
def objection_resolve(objection: Objection, *, upheld: bool, note: str, actor) -> Objection:
    objection = Objection.objects.select_for_update(of=("self",)).select_related("participant").get(pk=objection.pk)
    participant = objection.participant
    _check_actor(actor, {COUNTY}, "处理异议", participant)
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
        _record_event(participant, "objection_dismissed", actor=actor, comment=note.strip())
    return objection


@transaction.atomic
def naming(campaign: Campaign, *, actor) -> int:
    campaign = _campaign_locked(campaign)
    rule = TRANSITIONS["name"]
    _check_actor(actor, rule.roles, rule.label, campaign=campaign)
    _check_phase(campaign, rule.phases, rule.label)
    if campaign.publicity_ends_on is None or today() <= campaign.publicity_ends_on:
        end = campaign.publicity_ends_on or "—"
        raise WorkflowError(ERROR_PUBLICITY_RUNNING.format(end=end))
    open_objections = Objection.objects.filter(
        participant__campaign=campaign, resolution=Objection.Resolution.OPEN
    ).count()
    if open_objections:
        raise WorkflowError(ERROR_OBJECTIONS_OPEN.format(count=open_objections))
    participants = list(campaign.participants.filter(state__in=rule.sources))
    if not participants:
        raise WorkflowError(ERROR_NOTHING.format(action="命名"))
    for participant in participants:
        _campaign_step(participant, "name", actor, f"{campaign.title}：命名。")
    return len(participants)
