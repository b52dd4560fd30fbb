"""Linked items follow the branch's records on open sheets; a person may
override with a reason, and both show in the sheet's history."""

from datetime import date

import pytest

from common.dates import today
from records.models import LifeKind
from records.services import appraisal_record, organisational_life_record
from scoring.builtin import load_builtin_frameworks
from scoring.entries import RawEntry
from scoring.models import Framework, Stage
from scoring.services import SheetEntryErrors, score_sheet_create, score_sheet_save, sheet_entries

YEAR = today().year - 1  # a year that is over: each of its months without a theme day costs a point


@pytest.fixture
def sheet(cast):
    load_builtin_frameworks()
    return score_sheet_create(
        framework=Framework.objects.get(code="standardization"),
        branch=cast.branch,
        stage=Stage.SELF_ASSESSMENT,
        year=YEAR,
        actor=cast.users["branch_secretary"],
    )


def _theme_days(cast, months):
    for month in months:
        organisational_life_record(
            branch=cast.branch,
            kind=LifeKind.THEME_DAY,
            held_on=date(YEAR, month, 10),
            topic="主题党日",
            attendees=[cast.member],
            actor=cast.users["branch_secretary"],
        )


def test_an_open_sheet_follows_new_records_and_keeps_an_override(cast, sheet):
    missing = sheet_entries(sheet)["3.4.1"].occurrences
    assert missing > 0  # one deduction per month so far without a theme day
    assert "7.3.1" not in sheet_entries(sheet)  # no appraisal yet: left to the person scoring
    _theme_days(cast, range(1, 13))
    appraisal_record(
        branch=cast.branch,
        member=None,
        held_on=date(YEAR, 6, 1),
        forms=40,
        satisfied=27,
        basically_satisfied=3,
        dissatisfied=5,
        actor=cast.users["township_staff"],
    )
    entries = sheet_entries(sheet)
    assert entries["3.4.1"].occurrences == 0
    assert entries["7.3.1"].points == 8.5  # 85.7 % → the 85 % tier, 0.5 steps rounded down
    sheet.refresh_from_db()
    history = list(sheet.changes.filter(item_code="3.4.1").order_by("pk"))
    assert [(c.before, c.after) for c in history][-1] == ("扣分 1 次", "扣分 0 次")
    assert "每月都开展了主题党日" in history[-1].source

    secretary = cast.users["branch_secretary"]
    with pytest.raises(SheetEntryErrors) as refused:
        score_sheet_save(sheet=sheet, raw={"7.3.1": RawEntry(value="10")}, actor=secretary)
    assert "请写明修正说明" in refused.value.errors["7.3.1"]
    score_sheet_save(sheet=sheet, raw={"7.3.1": RawEntry(value="10", reason="复测满意率 96%")}, actor=secretary)
    override = sheet.changes.filter(item_code="7.3.1").latest("pk")
    assert (override.before, override.after, override.reason) == ("8.5 分", "10 分", "复测满意率 96%")
    # a later record no longer moves the overridden item
    appraisal_record(
        branch=cast.branch,
        member=None,
        held_on=date(YEAR, 9, 1),
        forms=40,
        satisfied=5,
        basically_satisfied=5,
        dissatisfied=30,
        actor=cast.users["township_staff"],
    )
    assert sheet_entries(sheet)["7.3.1"].points == 10


def test_a_submitted_sheet_does_not_move(cast, sheet):
    sheet.locked = True
    sheet.save()
    _theme_days(cast, range(1, 13))
    assert sheet_entries(sheet)["3.4.1"].occurrences > 0


def test_the_sheet_page_lists_the_records_behind_a_linked_item(cast, sheet, client_for):
    _theme_days(cast, [3])
    page = client_for(cast.users["branch_secretary"]).get(f"/scoring/sheets/{sheet.pk}/").content.decode()
    assert "依据的记录（1 条，作为本项佐证）" in page
    assert f"/branches/{cast.branch.pk}/life/?year={YEAR}#life-" in page
    assert "修改记录" in page


def test_the_verifier_sees_the_same_records_beside_the_self_assessment(cast, client_for):
    from campaigns.models import PhaseKind
    from campaigns.services import campaign_create
    from campaigns.workflow import transition, verification_open
    from tests.campaigns.helpers import fill_sheet, open_phase

    load_builtin_frameworks()
    campaign = campaign_create(
        kind="standardization",
        year=YEAR,
        title="标准化创建",
        framework=Framework.objects.get(code="standardization"),
        branches=[cast.branch],
        actor=cast.users["township_staff"],
    )
    open_phase(campaign, PhaseKind.SELF_ASSESSMENT)
    participant = campaign.participants.get(branch=cast.branch)
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    transition(participant, "start", actor=secretary)
    participant.refresh_from_db()
    _theme_days(cast, [3, 4])
    fill_sheet(participant.self_sheet, secretary)
    transition(participant, "submit", actor=secretary)
    participant.refresh_from_db()

    open_phase(campaign, PhaseKind.VERIFICATION)
    verification = verification_open(participant, actor=staff)
    assert verification.stage == Stage.VERIFICATION
    carried, own = sheet_entries(verification)["3.4.1"], sheet_entries(participant.self_sheet)["3.4.1"]
    # the verification sheet opens with the self-assessment's entry, marked, and the records beside it
    assert carried.carried and carried.occurrences == own.occurrences
    page = client_for(staff).get(f"/scoring/sheets/{verification.pk}/").content.decode()
    assert 'data-testid="carried-3.4.1">沿用自评' in page
    assert 'data-testid="implied-3.4.1">扣分 10 次' in page
    assert "依据的记录（2 条，作为本项佐证）" in page
    assert page.count(f"/branches/{cast.branch.pk}/life/?year={YEAR}#life-") >= 2
