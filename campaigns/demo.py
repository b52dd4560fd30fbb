"""A campaign in progress for the demo county, so every role finds work waiting.

Its phases follow the 五好 plan's order, moved so that today falls in the
self-assessment and the verification phases (they overlap, as they do where
the township verifies early submitters while others still assess). It assesses
the demo year (``common.dates.demo_year``), whose records the demo holds.
"""

import random
from datetime import timedelta

from django.db import transaction

from branches.models import Branch, User
from common.dates import demo_year, today
from scoring.entries import RawEntry
from scoring.models import Framework
from scoring.selectors import framework_spec
from scoring.services import score_sheet_save, sheet_entries

from .models import Campaign, PhaseKind
from .services import campaign_create, phase_move
from .workflow import transition


def title() -> str:
    return f"{demo_year()}年关兴镇“五好党支部”创建（演示）"


def standardization_title() -> str:
    return f"{demo_year()}年关兴镇党支部建设标准化对标创建（演示）"


SCHEDULE = {  # days from today: (start, end)
    PhaseKind.PREPARATION: (-200, -31),
    PhaseKind.SELF_ASSESSMENT: (-30, 7),
    PhaseKind.VERIFICATION: (-3, 20),
    PhaseKind.REVIEW: (21, 30),
    PhaseKind.PUBLICITY: (31, 37),
    PhaseKind.NAMING: (38, 45),
}


def _typed_entries(sheet, rng) -> dict[str, RawEntry]:
    """What a secretary typed: mostly good marks, a few gaps, with reasons where the record disagrees."""
    raw = {}
    filled = set(sheet_entries(sheet))
    for item in framework_spec(sheet.framework).items():
        if item.code in filled:
            continue  # the branch's records already decided it
        if item.method == "met":
            value = "是" if rng.random() < 0.85 else "否"
        elif item.method == "graded":
            steps = int(item.points / item.effective_step)
            value = str(item.effective_step * rng.randint(max(0, steps - 2), steps))
        elif item.method == "deduction":
            value = str(rng.choice((0, 0, 0, 1, 2)))
        else:
            value = "0" if item.method == "bonus" else ""
        raw[item.code] = RawEntry(value=value)
    return raw


@transaction.atomic
def seed_demo_campaign() -> bool:
    if Campaign.objects.filter(title=title()).exists():
        return False
    staff = User.objects.get(username="guanxing")
    branches = list(Branch.objects.filter(township=staff.township).order_by("name"))
    campaign = campaign_create(
        kind="wuhao",
        year=demo_year(),
        title=title(),
        framework=Framework.objects.filter(code="wuhao").latest("version"),
        branches=branches,
        actor=staff,
        objection_contact="关兴镇党建办 电话 0000-1234567",
    )
    for phase in campaign.phases.all():
        start, end = SCHEDULE[phase.kind]
        phase_move(phase=phase, starts_on=today() + timedelta(days=start), ends_on=today() + timedelta(days=end))
    rng = random.Random("2026年关兴镇“五好党支部”创建（演示）")  # the first demo's draws, whatever the year
    # 法泥村 is left for the demo secretary; of the others, four have submitted and two are drafting.
    others = [p for p in campaign.participants.select_related("branch") if p.branch.name != "法泥村党支部"]
    for index, participant in enumerate(others[:6]):
        transition(participant, "start", actor=staff)
        participant.refresh_from_db()
        score_sheet_save(sheet=participant.self_sheet, raw=_typed_entries(participant.self_sheet, rng), actor=staff)
        if index < 4:
            transition(participant, "submit", actor=staff)
    return True


@transaction.atomic
def seed_demo_standardization() -> bool:
    """A 标准化 campaign in self-assessment: 法泥村's sheet is open, its linked items
    filled from the branch's records (the demo secretary's way in)."""
    if Campaign.objects.filter(title=standardization_title()).exists():
        return False
    staff = User.objects.get(username="guanxing")
    campaign = campaign_create(
        kind="standardization",
        year=demo_year(),
        title=standardization_title(),
        framework=Framework.objects.filter(code="standardization").latest("version"),
        branches=Branch.objects.filter(township=staff.township, kind="village").order_by("name"),
        actor=staff,
        objection_contact="关兴镇党建办 电话 0000-1234567",
    )
    for phase in campaign.phases.all():
        start, end = SCHEDULE[phase.kind]
        phase_move(phase=phase, starts_on=today() + timedelta(days=start), ends_on=today() + timedelta(days=end))
    secretary = User.objects.filter(username="fani").first()
    for participant in campaign.participants.select_related("branch"):
        if participant.branch.name == "法泥村党支部" and secretary is not None:
            transition(participant, "start", actor=secretary)
    return True
