"""Issue 14: the next step where the work is done. The sheet carries the phase's deadline and
申报 (or the verdict), behind a confirmation that lists what locks and what is missing; the home
pages start or open the sheets waiting for each role."""

from datetime import timedelta

import pytest
from django.urls import reverse

from campaigns.models import PhaseKind, State
from campaigns.workflow import today, transition
from scoring.entries import RawEntry
from scoring.models import SheetDraft
from scoring.services import score_sheet_save
from tests.campaigns.helpers import fill_sheet, open_phase, wuzhua_campaign


@pytest.fixture
def participant(cast):
    return wuzhua_campaign(cast).participants.get(branch=cast.branch)


def test_the_home_card_starts_the_sheet_and_shows_the_days_left(client_for, cast, participant):
    client = client_for(cast.users["branch_secretary"])
    home = client.get("/").content.decode()
    assert f"{today() + timedelta(days=1):%-m月%-d日}截止 · 剩 1 天" in home and "countdown-yellow" in home
    assert reverse("campaigns:action", args=[participant.pk, "start"]) in home
    answer = client.post(reverse("campaigns:action", args=[participant.pk, "start"]))
    participant.refresh_from_db()
    assert answer["Location"] == reverse("scoring:sheet_fill", args=[participant.self_sheet_id])
    home = client.get("/").content.decode()
    assert (
        'data-testid="task-sheet"' in home and reverse("scoring:sheet_fill", args=[participant.self_sheet_id]) in home
    )


def test_the_sheet_carries_the_deadline_and_申报_behind_a_confirmation(client_for, cast, participant):
    secretary = cast.users["branch_secretary"]
    client = client_for(secretary)
    transition(participant, "start", actor=secretary)
    participant.refresh_from_db()
    sheet = participant.self_sheet
    page = client.get(reverse("scoring:sheet_fill", args=[sheet.pk])).content.decode()
    assert "截止 · 剩 1 天" in page
    step_url = reverse("campaigns:step_confirm", args=[participant.pk, "self_assessment"])
    assert 'data-testid="sheet-next">申报…' in page

    # saving from the sheet with 申报… goes on to the confirmation, which names what is missing
    answer = client.post(
        reverse("scoring:sheet_fill", args=[sheet.pk]), {"1.1-value": "10", "next": "1", "revision": sheet.revision}
    )
    assert answer["Location"] == step_url
    confirm = client.get(step_url).content.decode()
    # 12 items: 1.1 typed; 2.1, 3.1 and 5.2 from the records
    assert "还有 8 项未填，不能申报" in confirm and 'data-testid="step-confirm"' not in confirm
    assert f"{reverse('scoring:sheet_fill', args=[sheet.pk])}#item-1.2" in confirm

    fill_sheet(sheet, secretary)
    confirm = client.get(step_url).content.decode()
    assert "12 项均已填写" in confirm and "整体锁定" in confirm and 'data-testid="step-confirm"' in confirm
    client.post(reverse("campaigns:action", args=[participant.pk, "submit"]))
    participant.refresh_from_db()
    assert participant.state == State.SUBMITTED
    # locked: no 申报 on the sheet any more, and the confirmation sends her back
    page = client.get(reverse("scoring:sheet_fill", args=[sheet.pk])).content.decode()
    assert "sheet-next" not in page
    assert client.get(step_url)["Location"] == reverse("campaigns:participant", args=[participant.pk])


def test_an_expired_phase_shows_as_overdue(client_for, cast, participant):
    secretary = cast.users["branch_secretary"]
    transition(participant, "start", actor=secretary)
    participant.refresh_from_db()
    phase = participant.campaign.phases.get(kind=PhaseKind.SELF_ASSESSMENT)
    phase.starts_on, phase.ends_on = today() - timedelta(days=20), today() - timedelta(days=3)
    phase.save()
    page = client_for(secretary).get(reverse("scoring:sheet_fill", args=[participant.self_sheet_id])).content.decode()
    assert (
        "截止 · 逾期 3 天" in page and "countdown-red" in page and "sheet-next" not in page
    )  # 申报 is closed with the phase


def test_the_township_opens_a_waiting_sheet_from_home_and_sees_the_changes_before_the_verdict(
    client_for, cast, participant
):
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    transition(participant, "start", actor=secretary)
    participant.refresh_from_db()
    fill_sheet(participant.self_sheet, secretary)
    transition(participant, "submit", actor=secretary)
    open_phase(participant.campaign, PhaseKind.VERIFICATION)
    client = client_for(staff)
    home = client.get("/").content.decode()
    open_url = reverse("campaigns:open_sheet", args=[participant.pk, "verification"])
    assert open_url in home and f'data-testid="task-open-{participant.pk}">验收' in home
    sheet_url = client.post(open_url)["Location"]
    participant.refresh_from_db()
    sheet = participant.verification_sheet
    assert sheet_url == reverse("scoring:sheet_fill", args=[sheet.pk]) and sheet.complete  # carried over
    score_sheet_save(sheet=sheet, raw={"1.1": RawEntry(value="8", reason="台账缺3月")}, actor=staff)
    confirm = client.get(reverse("campaigns:step_confirm", args=[participant.pk, "verification"])).content.decode()
    assert "与自评不同的 1 项" in confirm and "台账缺3月" in confirm
    assert 'value="records" id="m-records" checked' in confirm
    client.post(reverse("campaigns:action", args=[participant.pk, "pass"]), {"methods": ["records"]})
    participant.refresh_from_db()
    assert participant.state == State.VERIFIED
    page = client.get(reverse("campaigns:participant", args=[participant.pk])).content.decode()
    assert "理由：台账缺3月" in page and "只列出有改动的 1 项" in page


def test_a_resubmission_moves_the_carried_items_and_shows_the_verifier_what_changed(client_for, cast, participant):
    from campaigns.workflow import verification_open

    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    transition(participant, "start", actor=secretary)
    participant.refresh_from_db()
    fill_sheet(participant.self_sheet, secretary)  # full marks: 1.1 is 10 points of 10
    transition(participant, "submit", actor=secretary)
    open_phase(participant.campaign, PhaseKind.VERIFICATION)
    sheet = verification_open(participant, actor=staff)
    score_sheet_save(sheet=sheet, raw={"1.1": RawEntry(value="6", reason="记录缺两次")}, actor=staff)
    transition(participant, "return", actor=staff, data={"items": {"1.1": "补记录", "1.2": "核实分数"}})
    participant.refresh_from_db()
    own = participant.self_sheet
    own.refresh_from_db()
    score_sheet_save(
        sheet=own,
        raw={"1.1": RawEntry(value="8", reason="补了记录"), "1.2": RawEntry(value="5", reason="核实")},
        actor=secretary,
        revision=own.revision,
    )
    SheetDraft.objects.create(sheet=own, user=secretary, raw={"1.3": {"value": "x"}})
    transition(participant, "resubmit", actor=secretary)
    assert not SheetDraft.objects.filter(sheet=own).exists()  # nothing unsaved comes back onto a locked sheet
    entries = {e.item.code: e for e in sheet.entries.select_related("item")}
    assert entries["1.2"].points == 5 and entries["1.2"].carried  # followed the resubmission
    assert entries["1.1"].points == 6 and not entries["1.1"].carried  # the verifier's own entry stays
    page = client_for(staff).get(reverse("scoring:sheet_fill", args=[sheet.pk])).content.decode()
    assert "第2次申报（退回后重新申报）改动了 2 项" in page
    assert '<a href="#item-1.2">1.2</a>' in page
