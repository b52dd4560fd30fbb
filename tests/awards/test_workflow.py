"""A selection's way from nominations to commendation, and every bad input it refuses with a Chinese
message, saving nothing: a candidate outside the unit, twice, past a quota or the deadline; votes
beyond those present; objections outside the notice; a commendation too early or with an objection open."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from awards import services
from awards.models import AwardObjection, Nomination, NominationState, Selection, SelectionStep, Status, Subject
from awards.rules import Vote
from branches.models import Post
from common.dates import today
from tests.factories import MemberFactory, SelectionFactory


@pytest.fixture
def world(cast):
    """A county selection of 3 secretaries; 关兴镇 and 煤山镇 nominate; each branch has its secretary."""
    county, staff = cast.users["county_reviewer"], cast.users["township_staff"]
    selection = SelectionFactory(
        county=cast.county, created_by=county, nominators=[cast.township, cast.neighbour_township]
    )
    secretaries = {
        b.pk: MemberFactory(branch=b, post=Post.SECRETARY, name=f"{b.name[:3]}书记")
        for b in (cast.branch, cast.sibling_branch, cast.neighbour_branch, cast.far_branch)
    }
    return cast, selection, secretaries, county, staff


def _nominate(selection, member, actor, reason="带领群众发展集体经济，成效明显。"):
    return services.nomination_create(selection=selection, candidate_id=member.pk, reason=reason, actor=actor)


def _decided(world, *chosen_members):
    """All nominated; the committee (9, 7 present) chooses the given ones by 6 votes to 1."""
    cast, selection, secretaries, county, staff = world
    for branch in (cast.branch, cast.sibling_branch):
        _nominate(selection, secretaries[branch.pk], staff)
    chosen = {m.pk for m in chosen_members}
    votes = {
        n.pk: Vote(n.candidate_label, 6, 1, 0, chosen=n.member_id in chosen, reason="事迹突出")
        if n.member_id in chosen
        else Vote(n.candidate_label, 2, 5, 0)
        for n in selection.nominations.all()
    }
    services.selection_decide(
        selection=selection, met_on=today(), committee_size=9, present=7, votes=votes, actor=county
    )
    return selection


def test_township_staff_nominate_their_secretaries_with_a_reason(world):
    cast, selection, secretaries, county, staff = world
    nomination = _nominate(selection, secretaries[cast.branch.pk], staff)
    assert nomination.nominator_township == cast.township and nomination.branch == cast.branch
    assert SelectionStep.objects.filter(selection=selection, action="nominate").count() == 1


def test_it_refuses_another_townships_secretary(world):
    cast, selection, secretaries, county, staff = world
    with pytest.raises(services.AwardError, match="不在本单位范围内"):
        _nominate(selection, secretaries[cast.neighbour_branch.pk], staff)
    with pytest.raises(services.AwardError, match="不在本单位范围内"):
        _nominate(selection, secretaries[cast.far_branch.pk], staff)
    assert not Nomination.objects.exists()


def test_a_forged_candidate_id_in_the_post_is_refused_beside_the_field(world, client_for):
    cast, selection, secretaries, county, staff = world
    response = client_for(staff).post(
        reverse("awards:nominate", args=[selection.pk]),
        {"candidate": secretaries[cast.neighbour_branch.pk].pk, "reason": "带领群众发展集体经济，成效明显。"},
    )
    assert response.status_code == 400
    assert "所选对象不在本单位范围内，不能推荐。" in response.content.decode()
    assert not Nomination.objects.exists()


def test_a_member_who_is_not_a_secretary_is_refused(world):
    cast, selection, secretaries, county, staff = world
    with pytest.raises(services.AwardError, match="不在本单位范围内"):
        _nominate(selection, cast.member, staff)  # 张三, an ordinary member


def test_a_candidate_is_nominated_once(world):
    cast, selection, secretaries, county, staff = world
    _nominate(selection, secretaries[cast.branch.pk], staff)
    with pytest.raises(services.AwardError, match="已被推荐，不能重复推荐"):
        _nominate(selection, secretaries[cast.branch.pk], staff)
    assert selection.nominations.count() == 1


def test_a_nominating_unit_stops_at_its_quota(world):
    """限报 1 名: 关兴镇's second secretary is refused; 煤山镇 still has its one."""
    cast, selection, secretaries, county, staff = world
    Selection.objects.filter(pk=selection.pk).update(per_nominator_quota=1)
    _nominate(selection, secretaries[cast.branch.pk], staff)
    with pytest.raises(services.AwardError, match="已达每个推荐单位限报名额 1 名"):
        _nominate(selection, secretaries[cast.sibling_branch.pk], staff)
    _nominate(selection, secretaries[cast.neighbour_branch.pk], cast.users["other_township_staff"])
    assert selection.nominations.count() == 2


def test_nominations_close_at_the_deadline_and_only_nominators_nominate(world):
    cast, selection, secretaries, county, staff = world
    with pytest.raises(PermissionDenied):
        _nominate(selection, secretaries[cast.branch.pk], cast.users["branch_secretary"])
    Selection.objects.filter(pk=selection.pk).update(nomination_deadline=today() - timedelta(days=1))
    with pytest.raises(services.AwardError, match="推荐已于"):
        _nominate(selection, secretaries[cast.branch.pk], staff)


def test_a_township_selection_is_nominated_by_its_branches(cast):
    """关兴镇's own selection of branches: 法泥村's secretary nominates her branch, not 新寨村."""
    staff, secretary = cast.users["township_staff"], cast.users["branch_secretary"]
    selection = SelectionFactory(
        county=None, township=cast.township, subject=Subject.BRANCH, created_by=staff, nominators=[cast.branch]
    )
    with pytest.raises(services.AwardError, match="不在本单位范围内"):
        services.nomination_create(
            selection=selection, candidate_id=cast.sibling_branch.pk, reason="x" * 10, actor=secretary
        )
    nomination = services.nomination_create(
        selection=selection, candidate_id=cast.branch.pk, reason="班子团结，集体经济增长明显。", actor=secretary
    )
    assert nomination.nominator_branch == cast.branch and nomination.member is None


def test_a_selection_names_only_units_under_its_organiser(cast):
    with pytest.raises(services.AwardError, match="只能选择本单位所辖的单位"):
        services.selection_create(
            year=2026,
            title="评选",
            honour="优秀党支部书记",
            subject=Subject.SECRETARY,
            quota=3,
            per_nominator_quota=None,
            nomination_deadline=today(),
            publicity_days=5,
            objection_contact="",
            nominating_unit_ids=[cast.township.pk, cast.far_branch.township_id],
            actor=cast.users["county_reviewer"],
        )
    assert not Selection.objects.exists()


def test_the_decision_records_the_vote_and_puts_the_chosen_on_the_list(world):
    cast, selection, secretaries, county, staff = world
    _decided(world, secretaries[cast.branch.pk])
    selection.refresh_from_db()
    assert selection.status == Status.DECIDED and (selection.committee_size, selection.committee_present) == (9, 7)
    chosen = selection.nominations.get(state=NominationState.CHOSEN)
    assert (chosen.votes_for, chosen.votes_against, chosen.votes_abstain) == (6, 1, 0)
    assert chosen.decision_reason == "事迹突出"
    assert selection.nominations.get(state=NominationState.NOT_CHOSEN).votes_for == 2


@pytest.mark.parametrize(
    "size, present, vote, message",
    [
        (9, 7, (5, 2, 1), "超过实到人数 7"),  # 5 + 2 + 1 = 8 > 7
        (9, 10, (6, 1, 0), "不能超过应到人数"),  # 10 present of 9
        (9, 4, (4, 0, 0), "须超过应到人数（9）的半数"),  # 4 × 2 = 8 ≤ 9
    ],
)
def test_votes_beyond_those_present_save_nothing(world, size, present, vote, message):
    cast, selection, secretaries, county, staff = world
    nomination = _nominate(selection, secretaries[cast.branch.pk], staff)
    votes = {nomination.pk: Vote(nomination.candidate_label, *vote, chosen=True, reason="事迹突出")}
    with pytest.raises(services.AwardError, match=message):
        services.selection_decide(
            selection=selection, met_on=today(), committee_size=size, present=present, votes=votes, actor=county
        )
    selection.refresh_from_db()
    nomination.refresh_from_db()
    assert selection.status == Status.NOMINATING and selection.committee_size is None
    assert nomination.votes_for is None and nomination.state == NominationState.NOMINATED


def test_more_chosen_than_the_quota_is_refused(world):
    """名额 1: two chosen with 6 of 7 votes each is refused (2 > 1), nothing saved."""
    cast, selection, secretaries, county, staff = world
    Selection.objects.filter(pk=selection.pk).update(quota=1)
    with pytest.raises(services.AwardError, match="拟表彰 2 名，超过本次评选名额 1 名"):
        _decided(world, secretaries[cast.branch.pk], secretaries[cast.sibling_branch.pk])
    assert not selection.nominations.exclude(state=NominationState.NOMINATED).exists()


def test_the_decision_form_refuses_huge_numbers_beside_the_field(world, client_for):
    cast, selection, secretaries, county, staff = world
    nomination = _nominate(selection, secretaries[cast.branch.pk], staff)
    response = client_for(county).post(
        reverse("awards:decide", args=[selection.pk]),
        {
            "met_on": today().isoformat(),
            "committee_size": "99999999999",
            "present": "七",
            f"for_{nomination.pk}": "6",
            f"against_{nomination.pk}": "0",
            f"abstain_{nomination.pk}": "0",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400 and "不能大于 999" in body and "请填写整数" in body
    assert Selection.objects.get(pk=selection.pk).status == Status.NOMINATING


def test_objections_only_while_the_notice_runs(world):
    cast, selection, secretaries, county, staff = world
    _decided(world, secretaries[cast.branch.pk])
    chosen = selection.nominations.get(state=NominationState.CHOSEN)
    with pytest.raises(services.AwardError, match="公示期已结束或尚未开始"):
        services.objection_submit_public(nomination=chosen, content="该同志有违规问题请核实", contact="")
    services.selection_publicize(selection=selection, actor=county)
    not_chosen = selection.nominations.get(state=NominationState.NOT_CHOSEN)
    with pytest.raises(services.AwardError, match="不在本次公示名单中"):
        services.objection_submit_public(nomination=not_chosen, content="该同志有违规问题请核实", contact="")
    services.objection_submit_public(nomination=chosen, content="该同志有违规问题请核实", contact="13900000000")
    Selection.objects.filter(pk=selection.pk).update(publicity_ends_on=today() - timedelta(days=1))
    with pytest.raises(services.AwardError, match="公示期已结束或尚未开始"):
        services.objection_submit_public(nomination=chosen, content="又一条异议内容请核实", contact="")
    assert AwardObjection.objects.count() == 1


def test_commendation_waits_for_the_period_and_every_objection(world):
    cast, selection, secretaries, county, staff = world
    _decided(world, secretaries[cast.branch.pk])
    services.selection_publicize(selection=selection, actor=county)
    chosen = selection.nominations.get(state=NominationState.CHOSEN)
    objection = services.objection_submit_public(nomination=chosen, content="该同志有违规问题请核实", contact="")
    with pytest.raises(services.AwardError, match="公示期满后方可表彰"):
        services.selection_commend(selection=selection, actor=county)
    # the notice has run its days (moved, as the calendar would)
    Selection.objects.filter(pk=selection.pk).update(
        publicity_starts_on=today() - timedelta(days=6), publicity_ends_on=today() - timedelta(days=1)
    )
    with pytest.raises(services.AwardError, match="还有 1 件异议未处理"):
        services.selection_commend(selection=selection, actor=county)
    services.objection_resolve(objection=objection, upheld=False, note="经核实，反映问题不属实。", actor=county)
    assert services.selection_commend(selection=selection, actor=county) == 1
    selection.refresh_from_db()
    chosen.refresh_from_db()
    assert selection.status == Status.COMMENDED and selection.commended_on == today()
    assert chosen.state == NominationState.COMMENDED
    objection.refresh_from_db()
    assert objection.resolution_note == "经核实，反映问题不属实。"


def test_an_upheld_objection_removes_the_awardee_and_an_empty_list_fails(world):
    cast, selection, secretaries, county, staff = world
    _decided(world, secretaries[cast.branch.pk])
    services.selection_publicize(selection=selection, actor=county)
    chosen = selection.nominations.get(state=NominationState.CHOSEN)
    objection = services.objection_submit_public(nomination=chosen, content="该同志有违规问题请核实", contact="")
    with pytest.raises(PermissionDenied):
        services.objection_resolve(objection=objection, upheld=True, note="属实", actor=staff)
    services.objection_resolve(objection=objection, upheld=True, note="经核实属实，取消其表彰资格。", actor=county)
    chosen.refresh_from_db()
    selection.refresh_from_db()
    assert chosen.state == NominationState.REMOVED
    assert selection.status == Status.FAILED
    assert list(SelectionStep.objects.filter(selection=selection).values_list("action", flat=True))[-2:] == [
        "objection_upheld",
        "fail",
    ]


def test_the_branch_page_shows_its_secretarys_honour_once_commended(world, client_for):
    cast, selection, secretaries, county, staff = world
    _decided(world, secretaries[cast.branch.pk])
    services.selection_publicize(selection=selection, actor=county)
    page = reverse("home:branch", args=[cast.branch.pk])
    assert 'data-testid="honours"' not in client_for(staff).get(page).content.decode()  # on notice, not yet commended
    Selection.objects.filter(pk=selection.pk).update(publicity_ends_on=today() - timedelta(days=1))
    services.selection_commend(selection=selection, actor=county)
    body = client_for(cast.users["branch_secretary"]).get(page).content.decode()
    assert f"{secretaries[cast.branch.pk].name}同志被青山县评为“优秀党支部书记”" in body


def test_the_notice_runs_its_full_days_across_the_new_year(world, time_machine):
    """公示 5 天 from 29 December: 29 December + 5 = 3 January is its last day; objections are taken
    on 3 January and commending is refused; on 4 January the notice is over: no more objections,
    and the county commends."""
    from tests import clock

    cast, selection, secretaries, county, staff = world
    time_machine.move_to(clock.destination("2026-12-29"), tick=True)
    # begun before the days the test walks through, whatever day the suite runs on
    begun = clock.destination("2026-12-01")
    Selection.objects.filter(pk=selection.pk).update(
        publicity_days=5, nomination_deadline="2026-12-29", created_at=begun
    )
    _decided(world, secretaries[cast.branch.pk])
    services.selection_publicize(selection=selection, actor=county)
    selection.refresh_from_db()
    assert (selection.publicity_starts_on.isoformat(), selection.publicity_ends_on.isoformat()) == (
        "2026-12-29",
        "2027-01-03",
    )
    chosen = selection.nominations.get(state=NominationState.CHOSEN)
    time_machine.move_to(clock.destination("2027-01-03"), tick=True)
    objection = services.objection_submit_public(nomination=chosen, content="最后一天反映的问题请核实", contact="")
    services.objection_resolve(objection=objection, upheld=False, note="经核实不属实。", actor=county)
    with pytest.raises(services.AwardError, match="公示期至 2027-01-03 结束"):
        services.selection_commend(selection=selection, actor=county)
    time_machine.move_to(clock.destination("2027-01-04"), tick=True)
    with pytest.raises(services.AwardError, match="公示期已结束"):
        services.objection_submit_public(nomination=chosen, content="期满后反映的问题请核实", contact="")
    assert services.selection_commend(selection=selection, actor=county) == 1


def test_the_organiser_registers_an_objection_received_within_the_notice(world, client_for):
    """Received by letter within 公示 (today, its first day): registered; dated the day before it began,
    or tomorrow: refused beside the date, nothing saved. Township staff may not register one."""
    cast, selection, secretaries, county, staff = world
    _decided(world, secretaries[cast.branch.pk])
    services.selection_publicize(selection=selection, actor=county)
    chosen = selection.nominations.get(state=NominationState.CHOSEN)
    url = reverse("awards:objection_new", args=[selection.pk])
    letter = {"nomination": chosen.pk, "content": "来信反映该同志存在优亲厚友问题。", "contact": "来信人 王某"}
    for day in (today() - timedelta(days=1), today() + timedelta(days=1)):
        client_for(county).post(url, {**letter, "received_on": day.isoformat()})
    assert not AwardObjection.objects.exists()
    with pytest.raises(services.AwardError, match="不在公示期"):
        services.objection_record(
            nomination=chosen,
            content=letter["content"],
            contact="",
            received_on=today() - timedelta(days=1),
            actor=county,
        )
    assert client_for(staff).post(url, {**letter, "received_on": today().isoformat()}).status_code == 403
    response = client_for(county).post(url, {**letter, "received_on": today().isoformat()}, follow=True)
    assert "异议已登记" in response.content.decode()
    objection = AwardObjection.objects.get()
    assert objection.channel == AwardObjection.Channel.REGISTERED and objection.contact == "来信人 王某"
