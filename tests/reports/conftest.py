import pytest

from campaigns.models import PhaseKind
from campaigns.services import campaign_create
from campaigns.workflow import transition, verification_open
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework
from tests.campaigns.helpers import fill_sheet, open_phase


@pytest.fixture
def report_campaign(cast):
    """A 五好 campaign with both branches of the township verified: 法泥村 at full
    marks, 新寨村 with 2 points off on the township's sheet."""
    load_builtin_frameworks()
    campaign = campaign_create(
        kind="wuhao",
        year=2026,
        title="2026年关兴镇“五好党支部”创建",
        framework=Framework.objects.get(code="wuhao"),
        branches=[cast.branch, cast.sibling_branch],
        actor=cast.users["township_staff"],
    )
    staff = cast.users["township_staff"]
    open_phase(campaign, PhaseKind.SELF_ASSESSMENT)
    for participant in campaign.participants.all():
        transition(participant, "start", actor=staff)
        participant.refresh_from_db()
        fill_sheet(participant.self_sheet, staff)
        transition(participant, "submit", actor=staff)
    open_phase(campaign, PhaseKind.VERIFICATION)
    for participant in campaign.participants.all():
        off = 2 if participant.branch == cast.sibling_branch else 0
        fill_sheet(verification_open(participant, actor=staff), staff, points_off=off)
        transition(participant, "pass", actor=staff, data={"methods": ["records"]})
    return campaign
