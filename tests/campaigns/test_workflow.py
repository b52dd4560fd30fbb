"""The assessment workflow: every transition checked for role, unit, phase and
state; refused actions change nothing."""

from datetime import timedelta
from decimal import Decimal as D

import pytest

from campaigns.models import Objection, Participant, PhaseKind, State, Transition
from campaigns.services import campaign_create
from campaigns.workflow import (
    WorkflowError,
    draw_sample,
    naming,
    objection_record,
    objection_resolve,
    phase_extend,
    publicity_start,
    review_close,
    review_open,
    review_sample,
    today,
    transition,
    verification_open,
)
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework
from scoring.services import SheetEntryErrors, SheetLocked, StaleSheet, score_sheet_recompute, score_sheet_save
from tests.campaigns.helpers import fill_sheet, open_phase, submitted, wuzhua_campaign


@pytest.fixture
def campaign(cast):
    return wuzhua_campaign(cast)


@pytest.fixture
def participant(campaign, cast):
    return campaign.participants.get(branch=cast.branch)


def _submitted(participant, cast):
    return submitted(participant, cast.users["branch_secretary"])


def _refused(participant, action, actor, message_part, **kwargs):
    before = (participant.state, Transition.objects.count())
    with pytest.raises(WorkflowError) as refused:
        transition(participant, action, actor=actor, **kwargs)
    assert message_part in str(refused.value)
    participant.refresh_from_db()
    assert (participant.state, Transition.objects.count()) == before


def test_phases_are_prefilled_from_the_seed(cast):
    """Next year's plan is all ahead: the seed's dates as they are (a past year's would be moved, test_phase_plans)."""
    load_builtin_frameworks()
    campaign = campaign_create(
        kind="wuhao",
        year=today().year + 1,
        title="五好",
        framework=Framework.objects.get(code="wuhao"),
        branches=[cast.branch],
        actor=cast.users["township_staff"],
    )
    phases = [(p.title, f"{p.starts_on:%m-%d}", f"{p.ends_on:%m-%d}") for p in campaign.phases.all()]
    assert phases[:3] == [
        ("组织实施、集中创建", "04-20", "09-30"),
        ("自查自评、整改提升", "10-01", "10-31"),
        ("整体考评、总结验收", "11-01", "11-30"),
    ]
    assert campaign.township == cast.township and campaign.participants.count() == 1


def test_submit_locks_the_sheet_and_records_the_step(participant, cast):
    participant = _submitted(participant, cast)
    assert participant.state == State.SUBMITTED and participant.submitted_on_time
    assert participant.self_sheet.locked
    with pytest.raises(SheetLocked):
        score_sheet_save(sheet=participant.self_sheet, raw={}, actor=cast.users["branch_secretary"])
    steps = list(participant.transitions.values_list("action", "from_state", "to_state", "actor__username"))
    assert steps == [
        ("start", "not_started", "drafting", "secretary"),
        ("submit", "drafting", "submitted", "secretary"),
    ]
    assert participant.submissions.get().number == 1


def test_an_incomplete_sheet_cannot_be_submitted(participant, cast):
    transition(participant, "start", actor=cast.users["branch_secretary"])
    participant.refresh_from_db()
    _refused(participant, "submit", cast.users["branch_secretary"], "评分表尚有 9 项未填，不能申报。")


@pytest.mark.parametrize(
    "who,message",
    [
        ("county_reviewer", "您的角色不能开始自评。"),
        ("other_branch_secretary", "“法泥村党支部”不在您的管理范围内。"),
        ("other_township_staff", "“法泥村党支部”不在您的管理范围内。"),
    ],
)
def test_wrong_role_or_unit_is_refused(participant, cast, who, message):
    _refused(participant, "start", cast.users[who], message)


def test_wrong_phase_is_refused_and_an_extension_opens_it_for_one_branch(participant, campaign, cast):
    open_phase(campaign, PhaseKind.VERIFICATION)
    _refused(participant, "start", cast.users["branch_secretary"], "“总结提高·自查自评”阶段")
    phase_extend(
        participant,
        phase_kind=PhaseKind.SELF_ASSESSMENT,
        until=today() + timedelta(days=3),
        reason="书记住院，延期三天",
        actor=cast.users["township_staff"],
    )
    transition(participant, "start", actor=cast.users["branch_secretary"])
    participant.refresh_from_db()
    assert participant.state == State.DRAFTING
    sibling = campaign.participants.get(branch=cast.sibling_branch)
    _refused(sibling, "start", cast.users["other_branch_secretary"], "阶段")
    assert participant.transitions.filter(action="extend", comment="书记住院，延期三天").exists()


def test_an_extension_reason_over_its_limit_is_refused_naming_it(participant, campaign, cast):
    with pytest.raises(WorkflowError, match="延长期限的原因不能超过 300 个字（现为 301 个字）"):
        phase_extend(
            participant,
            phase_kind=PhaseKind.SELF_ASSESSMENT,
            until=today() + timedelta(days=3),
            reason="延" * 301,
            actor=cast.users["township_staff"],
        )
    assert not participant.extensions.exists()


def test_wrong_state_is_refused(participant, cast):
    _refused(participant, "submit", cast.users["branch_secretary"], "当前为“未开始”，不能申报。")
    _refused(participant, "recommend", cast.users["township_staff"], "当前为“未开始”，不能推荐至县委组织部。")


def test_return_unlocks_only_the_named_items_and_resubmission_shows_the_changes(participant, campaign, cast):
    participant = _submitted(participant, cast)
    open_phase(campaign, PhaseKind.VERIFICATION)
    staff = cast.users["township_staff"]
    _refused(participant, "return", staff, "退回时请至少选择一个需要修改的评分项")
    _refused(participant, "return", staff, "评分项 1.1 需要写明退回原因。", data={"items": {"1.1": " "}})
    transition(participant, "return", actor=staff, data={"items": {"1.1": "学习记录不全，请补充佐证"}})
    participant.refresh_from_db()
    sheet = participant.self_sheet
    assert participant.state == State.RETURNED and sheet.editable_items == ["1.1"] and not sheet.locked
    assert sheet.returned_reasons == {"1.1": "学习记录不全，请补充佐证"}

    secretary = cast.users["branch_secretary"]
    from scoring.entries import RawEntry

    with pytest.raises(SheetEntryErrors) as refused:
        score_sheet_save(sheet=sheet, raw={"1.2": RawEntry(value="1")}, actor=secretary)
    assert refused.value.errors == {"1.2": "该项未被退回修改，不能更改。"}
    score_sheet_save(sheet=sheet, raw={"1.1": RawEntry(value="9", comment="已补学习记录")}, actor=secretary)
    transition(participant, "resubmit", actor=secretary)
    participant.refresh_from_db()
    assert participant.state == State.SUBMITTED
    assert participant.transitions.last().data["changed_items"] == ["1.1"]
    sheet.refresh_from_db()
    assert sheet.returned_reasons == {}  # answered by the resubmission; the transition keeps them
    first, second = participant.submissions.all()
    assert first.entries["1.1"]["value"] == "10" and second.entries["1.1"]["value"] == "9"


def _verified(participant, campaign, cast, *, recommend=True):
    open_phase(campaign, PhaseKind.VERIFICATION)
    staff = cast.users["township_staff"]
    sheet = verification_open(participant, actor=staff)
    fill_sheet(sheet, staff)
    transition(participant, "pass", actor=staff, data={"methods": ["report", "records"]})
    if recommend:
        transition(participant, "recommend", actor=staff)
    participant.refresh_from_db()
    return participant


def test_verdict_needs_a_complete_verification_sheet_and_methods(participant, campaign, cast):
    participant = _submitted(participant, cast)
    open_phase(campaign, PhaseKind.VERIFICATION)
    staff = cast.users["township_staff"]
    _refused(participant, "pass", staff, "请先打开并填写验收评分表。")
    sheet = verification_open(participant, actor=staff)
    # it opens with the self-assessment's entries; an item the verifier empties must be filled again
    assert sheet.complete and sheet.entries.filter(carried=True).count() == sheet.entries.count()
    sheet.entries.filter(item__code=sheet.entries.first().item.code).delete()
    score_sheet_recompute(sheet)
    _refused(participant, "pass", staff, "评分表尚有 1 项未填，不能作出验收结论。")
    fill_sheet(sheet, staff)
    _refused(participant, "pass", staff, "请选择本次验收采用的方式。", data={})
    _refused(participant, "pass", staff, "选择了群众测评，请填写", data={"methods": ["appraisal"]})
    transition(
        participant,
        "pass",
        actor=staff,
        data={
            "methods": ["site", "appraisal"],
            "satisfied": 40,
            "basic": 8,
            "unsatisfied": 2,
        },
    )
    participant.refresh_from_db()
    assert (participant.appraisal_satisfied, participant.appraisal_basic, participant.appraisal_unsatisfied) == (
        40,
        8,
        2,
    )
    assert participant.final_total == sheet.total == D(100)


def test_two_verifiers_saving_at_once_lose_nothing(participant, campaign, cast):
    from scoring.entries import RawEntry
    from tests.factories import township_staff

    participant = _submitted(participant, cast)
    open_phase(campaign, PhaseKind.VERIFICATION)
    first, second = cast.users["township_staff"], township_staff(cast.township, username="staff2", full_name="钱验收")
    sheet = verification_open(participant, actor=first)
    seen = sheet.revision  # both opened the page at this revision
    score_sheet_save(sheet=sheet, raw={"1.1": RawEntry(value="8", reason="台账不全")}, actor=first, revision=seen)
    with pytest.raises(StaleSheet) as refused:
        score_sheet_save(sheet=sheet, raw={"1.1": RawEntry(value="6", reason="缺记录")}, actor=second, revision=seen)
    assert "已于" in str(refused.value) and "请刷新页面" in str(refused.value)
    assert sheet.entries.get(item__code="1.1").points == 8


def test_sampling_is_reproducible_and_per_township():
    class P:
        def __init__(self, pk, township):
            self.pk, self.branch = pk, type("B", (), {"township_id": township})()

    pool = [P(i, 1 + i % 2) for i in range(1, 21)]  # 10 in each of two townships
    first = draw_sample(pool, rate=D("0.3"), minimum=1, seed="abc")
    assert first == draw_sample(list(reversed(pool)), rate=D("0.3"), minimum=1, seed="abc")
    assert len(first) == 6 and len([pk for pk in first if 1 + pk % 2 == 1]) == 3
    assert draw_sample(pool, rate=D("0.3"), minimum=1, seed="other") != first
    assert len(draw_sample(pool[:2], rate=D("0.1"), minimum=1, seed="x")) == 2  # at least one per township


def test_county_review_publicity_and_naming(participant, campaign, cast):
    county = cast.users["county_reviewer"]
    sibling = campaign.participants.get(branch=cast.sibling_branch)
    for p in (participant, sibling):
        _submitted(p, cast) if p is participant else _submitted_other(p, cast)
    for p in (participant, sibling):
        _verified(Participant.objects.get(pk=p.pk), campaign, cast)

    open_phase(campaign, PhaseKind.REVIEW)
    with pytest.raises(WorkflowError):
        review_sample(campaign, actor=cast.users["other_county_reviewer"])
    campaign.sample_rate = D("0.5")
    campaign.sample_min_per_township = 1
    campaign.save()
    sampled = review_sample(campaign, actor=county, seed="fixed-seed")
    assert len(sampled) == 1
    with pytest.raises(WorkflowError, match="不能重抽"):
        review_sample(campaign, actor=county)
    chosen = sampled[0]
    other = sibling if chosen.pk == participant.pk else participant
    with pytest.raises(WorkflowError, match="还有 1 个抽中的单位未复核"):
        review_close(campaign, actor=county)
    _refused(Participant.objects.get(pk=other.pk), "confirm", county, "未被抽中复核")

    sheet = review_open(chosen, actor=county)
    fill_sheet(sheet, county, points_off=D(5))
    transition(chosen, "adjust", actor=county, comment="实地察看，集体经济项目未见收益")
    chosen.refresh_from_db()
    assert chosen.state == State.REVIEWED and chosen.final_total == D(95)
    assert chosen.transitions.last().data == {"old_total": "100.00", "new_total": "95.00", "grade": "优秀"}
    assert review_close(campaign, actor=county) == 1

    open_phase(campaign, PhaseKind.PUBLICITY)
    assert publicity_start(campaign, actor=county) == 2
    objection = objection_record(
        chosen, content="该村党员活动室长期锁门", contact="", received_on=today(), actor=county
    )
    open_phase(campaign, PhaseKind.NAMING)
    campaign.refresh_from_db()
    campaign.publicity_ends_on = today() - timedelta(days=1)
    campaign.save()
    with pytest.raises(WorkflowError, match="还有 1 件异议未处理"):
        naming(campaign, actor=county)
    open_phase(campaign, PhaseKind.PUBLICITY)
    objection_resolve(objection, upheld=False, note="经核实，活动室按时开放", actor=county)
    assert Objection.objects.get().resolution == "dismissed"
    open_phase(campaign, PhaseKind.NAMING)
    assert naming(campaign, actor=county) == 2
    assert set(campaign.participants.values_list("state", flat=True)) == {State.NAMED}


def _submitted_other(participant, cast):
    transition(participant, "start", actor=cast.users["other_branch_secretary"])
    participant.refresh_from_db()
    fill_sheet(participant.self_sheet, cast.users["other_branch_secretary"])
    transition(participant, "submit", actor=cast.users["other_branch_secretary"])


def test_an_upheld_objection_withdraws_the_branch(participant, campaign, cast):
    county = cast.users["county_reviewer"]
    _verified(_submitted(participant, cast), campaign, cast)
    open_phase(campaign, PhaseKind.REVIEW)
    [sampled] = review_sample(campaign, actor=county, seed="s")  # the only recommendation: always drawn
    transition(sampled, "confirm", actor=county)
    assert review_close(campaign, actor=county) == 0
    open_phase(campaign, PhaseKind.PUBLICITY)
    publicity_start(campaign, actor=county)
    objection = objection_record(
        Participant.objects.get(pk=participant.pk), content="材料造假", contact="", received_on=today(), actor=county
    )
    objection_resolve(objection, upheld=True, note="经查属实", actor=county)
    participant.refresh_from_db()
    assert participant.state == State.WITHDRAWN
    assert participant.transitions.last().comment == "异议成立：经查属实"


def test_a_member_framework_assesses_each_member_the_same_way(cast):
    load_builtin_frameworks()
    campaign = campaign_create(
        kind="chuangxian",
        year=2026,
        title="创先争优·优秀共产党员",
        framework=Framework.objects.get(code="chuangxian-member"),
        branches=[cast.branch],
        actor=cast.users["township_staff"],
    )
    open_phase(campaign, PhaseKind.SELF_ASSESSMENT)
    [participant] = campaign.participants.all()
    assert participant.member == cast.member and participant.subject_label == "法泥村党支部 张三"
    transition(participant, "start", actor=cast.users["branch_secretary"])
    participant.refresh_from_db()
    assert participant.self_sheet.member == cast.member
    fill_sheet(participant.self_sheet, cast.users["branch_secretary"])
    transition(participant, "submit", actor=cast.users["branch_secretary"])
    participant.refresh_from_db()
    assert participant.state == State.SUBMITTED and participant.self_sheet.total == 100


def test_a_returned_sheet_shows_each_reason_at_its_top_and_beside_its_item(participant, campaign, cast, client_for):
    participant = _submitted(participant, cast)
    open_phase(campaign, PhaseKind.VERIFICATION)
    transition(
        participant,
        "return",
        actor=cast.users["township_staff"],
        data={"items": {"1.1": "学习记录不全，请补充佐证", "2.1": "收入台账与报表不一致"}},
    )
    participant.refresh_from_db()
    from django.urls import reverse

    page = client_for(cast.users["branch_secretary"]).get(
        reverse("scoring:sheet_fill", args=[participant.self_sheet_id])
    )
    html = page.content.decode()
    assert "镇党委退回修改以下 2 项" in html
    assert html.count("学习记录不全，请补充佐证") == 2  # at the top, and beside item 1.1
    assert 'data-testid="returned-2.1">退回原因：收入台账与报表不一致' in html
