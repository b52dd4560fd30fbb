from datetime import timedelta
from decimal import Decimal

from campaigns.workflow import today
from scoring.entries import RawEntry
from scoring.selectors import framework_spec
from scoring.services import score_sheet_save


def open_phase(campaign, kind):
    """Move the campaign's calendar so that today falls in phase ``kind``:
    earlier phases are over, later ones have not begun."""
    phases = list(campaign.phases.order_by("position"))
    index = next(i for i, p in enumerate(phases) if p.kind == kind)
    for i, phase in enumerate(phases):
        offset = (i - index) * 10
        phase.starts_on = today() + timedelta(days=offset - 1)
        phase.ends_on = today() + timedelta(days=offset + 1)
        phase.save()


def full_marks_raw(sheet, points_off=Decimal(0)):
    """What a person types for full marks, less ``points_off`` on the first graded item that has them."""
    raw = {}
    for item in framework_spec(sheet.framework).items():
        value = {"met": "是", "graded": str(item.points), "deduction": "0", "bonus": "0", "veto": ""}[item.method]
        if points_off and item.method == "graded" and item.points >= points_off:
            value, points_off = str(item.points - points_off), Decimal(0)
        raw[item.code] = RawEntry(value=value, reason="与台账核对")
    return raw


def fill_sheet(sheet, actor, points_off=Decimal(0)):
    sheet.refresh_from_db()
    score_sheet_save(sheet=sheet, raw=full_marks_raw(sheet, points_off), actor=actor)
    sheet.refresh_from_db()
    return sheet


def submitted(participant, secretary):
    """The participant's self-assessment started, filled at full marks and submitted by ``secretary``."""
    from campaigns.workflow import transition

    transition(participant, "start", actor=secretary)
    participant.refresh_from_db()
    fill_sheet(participant.self_sheet, secretary)
    transition(participant, "submit", actor=secretary)
    participant.refresh_from_db()
    return participant


def wuzhua_campaign(cast):
    """The township's “五抓五提升” campaign for 法泥村 and 新寨村, its self-assessment open."""
    from campaigns.models import PhaseKind
    from campaigns.services import campaign_create
    from scoring.builtin import load_builtin_frameworks
    from scoring.models import Framework

    load_builtin_frameworks()
    campaign = campaign_create(
        kind="wuzhua",
        year=2026,
        title="2026年“五抓五提升”行动",
        framework=Framework.objects.get(code="wuzhua"),
        branches=[cast.branch, cast.sibling_branch],
        actor=cast.users["township_staff"],
    )
    open_phase(campaign, PhaseKind.SELF_ASSESSMENT)
    return campaign
