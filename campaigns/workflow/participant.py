"""One participant's way through the assessment: ``transition()`` checks role, unit, phase
and state, runs the action's side effects and takes the step (``machine.take_step``) —
all in one transaction, so a failure half way changes nothing. Also the verification and
review sheets, and one branch's extension of a phase."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from common.dates import late_days, today
from inbox import services as inbox
from inbox.models import Kind
from scoring.models import ScoreSheet, Stage
from scoring.selectors import framework_spec
from scoring.services import score_sheet_create, sheet_entries, sheet_follow_basis
from scoring.sheet_xlsx import raw_value

from ..models import Participant, PhaseExtension, PhaseKind, State, Submission
from .machine import (
    COUNTY,
    ERROR_APPRAISAL,
    ERROR_COMMENT,
    ERROR_INCOMPLETE,
    ERROR_METHODS,
    ERROR_NO_REVIEW_SHEET,
    ERROR_NO_VERIFICATION_SHEET,
    ERROR_NOT_SAMPLED,
    ERROR_RETURN_ITEMS,
    ERROR_RETURN_REASON,
    ERROR_STATE,
    STAFF,
    TRANSITIONS,
    VERIFICATION_METHODS,
    WorkflowError,
    check_actor,
    check_phase,
    check_step_applies,
    phase_deadline,
    phase_of,
    record_event,
    require_comment,
    step_roles,
    take_step,
)


@transaction.atomic
def transition(participant: Participant, action: str, *, actor, comment: str = "", data: dict | None = None):
    """Perform ``action`` on ``participant`` or raise WorkflowError, changing nothing."""
    step = TRANSITIONS[action]
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("campaign__township", "branch")
        .get(pk=participant.pk)
    )
    check_actor(actor, step_roles(step, participant.campaign), step.label, participant)
    check_step_applies(action, participant.campaign, step.label)

    def prepare(row):
        check_phase(row.campaign, step.phases, step.label, participant=row)
        side_effects = _SIDE_EFFECTS.get(action, _nothing)
        return side_effects(row, actor=actor, comment=comment, data=dict(data or {})) or {}

    return take_step(participant, action, actor=actor, comment=comment, prepare=prepare)


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
    sheet.locked, sheet.editable_items, sheet.returned_reasons = True, None, {}
    sheet.save(update_fields=["locked", "editable_items", "returned_reasons"])
    sheet.drafts.all().delete()  # what could not be saved before 申报 is not put back after it
    late = {}
    if participant.submitted_at is None:
        participant.submitted_at = timezone.now()
        participant.submitted_on_time = today() <= phase_deadline(participant, PhaseKind.SELF_ASSESSMENT)
        # after the phase's end (only possible under an extension): kept in the history for good,
        # «逾期 N 天完成（已批准延期）», and in the reports
        phase_end = phase_of(participant.campaign, PhaseKind.SELF_ASSESSMENT).ends_on
        if today() > phase_end:
            late = {"late_days": late_days(today(), phase_end), "deadline": phase_end.isoformat()}
    changed = sorted(code for code, values in entries.items() if previous and previous.entries.get(code) != values)
    scored = [code for code in changed if _score_of(previous.entries.get(code)) != _score_of(entries[code])]
    if scored and participant.verification_sheet_id:
        # the verification sheet's carried-over items follow the resubmitted scores; the verifier's own stay
        sheet_follow_basis(sheet=participant.verification_sheet, codes=scored, actor=actor)
    return (
        {"changed_items": changed, "total": str(sheet.total), **late}
        if previous
        else {"total": str(sheet.total), **late}
    )


def _score_of(values: dict | None) -> tuple:
    """What a snapshot says an item scores (its comment aside)."""
    return ((values or {}).get("value"), (values or {}).get("veto"))


def _return(participant, *, actor, data, **kwargs):
    items = {code: (reason or "").strip() for code, reason in (data.get("items") or {}).items()}
    if not items:
        raise WorkflowError(ERROR_RETURN_ITEMS)
    codes = {item.code for item in participant.campaign.framework.items.all()}
    for code, reason in items.items():
        if code not in codes or not reason:
            raise WorkflowError(ERROR_RETURN_REASON.format(code=code))
    sheet = participant.self_sheet
    sheet.locked, sheet.editable_items, sheet.returned_reasons = False, sorted(items), items
    sheet.save(update_fields=["locked", "editable_items", "returned_reasons"])
    sheet.drafts.all().delete()
    inbox.send(
        Kind.RETURNED,
        title=f"{participant.campaign.title}：{participant.subject_label}的自评表被退回，请修改后重新申报",
        body="\n".join(f"{code}：{reason}" for code, reason in sorted(items.items())),
        url=reverse("scoring:sheet_fill", args=[sheet.pk]),
        key=f"returned:{participant.pk}:{participant.submissions.count()}",
        sender=actor,
        branches=[participant.branch_id],
    )
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
    check_actor(actor, {step.role}, step.label, participant)
    if participant.state != step.state:
        raise WorkflowError(
            ERROR_STATE.format(
                subject=participant.subject_label, state=participant.get_state_display(), action=step.label
            )
        )
    if step is REVIEW and not participant.sampled:
        raise WorkflowError(ERROR_NOT_SAMPLED.format(subject=participant.subject_label))
    check_phase(participant.campaign, (step.phase,), step.label, participant=participant)
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


def _confirm(participant, **kwargs):
    return {"total": str(participant.final_total)}


def _adjust(participant, *, comment, **kwargs):
    sheet = participant.review_sheet
    if sheet is None:
        raise WorkflowError(ERROR_NO_REVIEW_SHEET)
    _require_complete(sheet, "调整分数")
    require_comment(participant, comment=comment)
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
    "fail": lambda p, **kw: (require_comment(p, **kw), _verdict(p, **kw))[1],
    "recommend": _confirm,
    "confirm": lambda p, **kw: (_check_sampled(p), _confirm(p))[1],
    "adjust": lambda p, **kw: (_check_sampled(p), _adjust(p, **kw))[1],
    "reject": lambda p, **kw: (_check_sampled(p), require_comment(p, **kw))[1],
    "withdraw": require_comment,
}


# --- one branch's extension -------------------------------------------------------------------

EXTENSION_REASON_MAX = 300  # the column's length
ERROR_EXTENSION_REASON_LONG = "延长期限的原因不能超过 {limit} 个字（现为 {n} 个字）。"


@transaction.atomic
def phase_extend(participant: Participant, *, phase_kind: str, until: date, reason: str, actor) -> PhaseExtension:
    check_actor(actor, {STAFF, COUNTY}, "延长期限", participant)
    if not reason.strip():
        raise WorkflowError(ERROR_COMMENT)
    if len(reason.strip()) > EXTENSION_REASON_MAX:
        raise WorkflowError(ERROR_EXTENSION_REASON_LONG.format(limit=EXTENSION_REASON_MAX, n=len(reason.strip())))
    phase = phase_of(participant.campaign, phase_kind)
    if phase is None or until <= phase.ends_on:
        raise WorkflowError("延长后的日期应晚于该阶段的截止日期。")
    extension = PhaseExtension.objects.create(
        participant=participant, phase_kind=phase_kind, until=until, reason=reason.strip(), granted_by=actor
    )
    record_event(
        participant,
        "extend",
        actor=actor,
        comment=reason.strip(),
        data={"phase": phase.title, "until": until.isoformat()},
    )
    return extension
