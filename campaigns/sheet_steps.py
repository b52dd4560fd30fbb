"""A participant's next step where the work is done: on the sheet itself.

The sheet page (scoring) shows what ``sheet_panel`` returns: the campaign, the current phase's
deadline and days left, and the button to the step that follows the sheet (申报 for the
self-assessment, the verdict for the verification sheet, the county's decision for the review
sheet). ``step_page`` is that step's confirmation: what will lock, what is still missing, and
what changed from the level below, before the one button that takes the step.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.urls import reverse

from common.dates import today
from scoring.hooks import SheetPanel
from scoring.models import ScoreSheet, Stage
from scoring.selectors import framework_spec
from scoring.services import entry_text, sheet_entries

from . import workflow
from .models import Participant, PhaseKind
from .workflow.machine import phase_deadline


@dataclass(frozen=True)
class SheetStep:
    attribute: str  # the participant's sheet of this stage
    phase: str
    actions: tuple[str, ...]  # the first one the user may take is offered
    label: str


STEPS = {
    Stage.SELF_ASSESSMENT: SheetStep("self_sheet", PhaseKind.SELF_ASSESSMENT, ("submit", "resubmit"), "申报…"),
    Stage.VERIFICATION: SheetStep("verification_sheet", PhaseKind.VERIFICATION, ("pass",), "作出验收结论…"),
    Stage.REVIEW: SheetStep("review_sheet", PhaseKind.REVIEW, ("confirm",), "作出复核结论…"),
}


def days_left(last_day: date | None, on: date | None = None) -> int | None:
    return None if last_day is None else (last_day - (on or today())).days


def participant_of(sheet: ScoreSheet) -> Participant | None:
    return (
        Participant.objects.filter(Q(self_sheet=sheet) | Q(verification_sheet=sheet) | Q(review_sheet=sheet))
        .select_related("campaign")
        .prefetch_related("campaign__phases", "extensions")
        .first()
    )


def next_action(participant: Participant, sheet: ScoreSheet, user) -> str:
    step = STEPS.get(sheet.stage)
    if step is None or getattr(participant, f"{step.attribute}_id") != sheet.pk:
        return ""
    allowed = workflow.allowed_actions(participant, user)
    return next((action for action in step.actions if action in allowed), "")


def sheet_panel(sheet: ScoreSheet, user) -> SheetPanel | None:
    """The campaign block on a participant's sheet (registered in ``CampaignsConfig.ready``)."""
    participant = participant_of(sheet)
    if participant is None:
        return None
    step = STEPS[sheet.stage]
    last_day = phase_deadline(participant, step.phase)
    action = next_action(participant, sheet, user)
    return SheetPanel(
        template="campaigns/_sheet_panel.html",
        context={
            "participant": participant,
            "phase": PhaseKind(step.phase).label,
            "deadline": last_day,
            "days_left": days_left(last_day),
            "resubmitted": resubmitted_changes(participant) if sheet.stage == Stage.VERIFICATION else [],
        },
        next_url=reverse("campaigns:step_confirm", args=[participant.pk, sheet.stage]) if action else "",
        next_label=step.label if action else "",
    )


def sheet_differences(sheet: ScoreSheet) -> list[dict]:
    """Where ``sheet`` says otherwise than the sheet below it, item by item, with the reason given."""
    if sheet is None or sheet.basis_id is None:
        return []
    below, here = sheet_entries(sheet.basis), sheet_entries(sheet)
    rows = []
    for item in framework_spec(sheet.framework).items():
        before, after = entry_text(below.get(item.code)), entry_text(here.get(item.code))
        if before != after:
            entry = here.get(item.code)
            rows.append(
                {"code": item.code, "before": before, "after": after, "reason": entry.override_reason if entry else ""}
            )
    return rows


def missing_items(sheet: ScoreSheet) -> list[str]:
    """The items not yet filled (the engine's count, by code)."""
    spec = framework_spec(sheet.framework)
    entries = sheet_entries(sheet)
    return [item.code for item in spec.items() if item.method != "veto" and entry_text(entries.get(item.code)) == ""]


def entry_origins(sheet: ScoreSheet) -> dict[str, int]:
    """How the sheet's entries came: carried over from the level below, stated in bulk per
    aspect, or entered (or decided by the records) item by item."""
    entries = list(sheet.entries.all())
    carried = sum(1 for e in entries if e.carried)
    affirmed = sum(1 for e in entries if e.affirmed)
    return {"carried": carried, "affirmed": affirmed, "own": len(entries) - carried - affirmed}


def resubmitted_changes(participant: Participant) -> list[dict]:
    """What the latest resubmission changed against the submission before it, item by item."""
    latest = list(participant.submissions.order_by("-number")[:2])
    if len(latest) < 2:
        return []
    after, before = latest[0].entries, latest[1].entries
    return [
        {"code": code, "before": before.get(code, {}).get("value", ""), "after": values.get("value", "")}
        for code, values in after.items()
        if before.get(code) != values
    ]
