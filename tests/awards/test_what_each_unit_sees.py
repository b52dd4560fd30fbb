"""What a nominating unit reads of a selection, and what each form keeps: another township's
candidates do not show in the steps either, a member who left is nobody's candidate, a refused
letter keeps its content, a count in other scripts' digits is not a count, and the committee's
meeting is dated between the selection's start and today."""

from datetime import timedelta

import pytest
from django.urls import reverse

from awards import services
from awards.models import AwardObjection, Selection, Status
from awards.rules import Vote
from branches.models import Member, Post
from common.dates import today
from tests.awards.test_workflow import _decided, _nominate, world  # noqa: F401 (world is the fixture)
from tests.factories import MemberFactory


def test_another_townships_candidates_are_not_in_the_steps(world, client_for):  # noqa: F811
    cast, selection, secretaries, county, staff = world
    _nominate(selection, secretaries[cast.branch.pk], staff, reason="关兴镇书记带领群众修通产业路。")
    other = cast.users["other_township_staff"]
    _nominate(selection, secretaries[cast.neighbour_branch.pk], other, reason="煤山镇书记发展集体经济成效明显。")
    seen_by_meishan = client_for(other).get(reverse("awards:detail", args=[selection.pk])).content.decode()
    assert "煤山镇书记发展集体经济" in seen_by_meishan
    assert "关兴镇书记带领群众" not in seen_by_meishan and secretaries[cast.branch.pk].name not in seen_by_meishan
    seen_by_county = client_for(county).get(reverse("awards:detail", args=[selection.pk])).content.decode()
    assert "关兴镇书记带领群众" in seen_by_county and "煤山镇书记发展集体经济" in seen_by_county


def test_the_steps_cost_no_query_per_candidate(world, client_for, django_assert_max_num_queries):  # noqa: F811
    cast, selection, secretaries, county, staff = world
    for branch in (cast.branch, cast.sibling_branch):
        _nominate(selection, secretaries[branch.pk], staff)
    for n in range(8):
        extra = MemberFactory(branch=cast.sibling_branch, post=Post.SECRETARY, name=f"书记{n}")
        _nominate(selection, extra, staff)
    page = client_for(county)
    with django_assert_max_num_queries(15):  # as with no steps (tests/awards/test_pages.py)
        page.get(reverse("awards:detail", args=[selection.pk]))


def test_a_member_who_left_is_nobodys_candidate(world):  # noqa: F811
    cast, selection, secretaries, county, staff = world
    gone = secretaries[cast.branch.pk]
    Member.objects.filter(pk=gone.pk).update(left_on=today() - timedelta(days=300))
    with pytest.raises(services.AwardError, match="不在"):
        _nominate(selection, gone, staff)
    assert not selection.nominations.exists()


def test_a_refused_letter_keeps_its_content(world, client_for):  # noqa: F811
    cast, selection, secretaries, county, staff = world
    selection = _decided(world, secretaries[cast.branch.pk])
    services.selection_publicize(selection=selection, actor=county)
    selection.refresh_from_db()
    assert selection.status == Status.PUBLICIZED
    chosen = selection.nominations.get(member=secretaries[cast.branch.pk])
    response = client_for(county).post(
        reverse("awards:objection_new", args=[selection.pk]),
        {
            "nomination": chosen.pk,
            "content": "来信反映该书记有违规情形，请核实。",
            "received_on": (today() + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400 and "来信反映该书记有违规情形" in response.content.decode()
    assert not AwardObjection.objects.exists()


def test_a_quota_in_other_scripts_digits_is_refused(cast, client_for):
    from common.dates import demo_year

    form = {
        "year": demo_year(),
        "subject": "secretary",
        "honour": "优秀党支部书记",
        "title": "优秀党支部书记评选",
        "quota": "٣",  # Arabic-Indic 3: Django's IntegerField alone would read it as 3
        "nomination_deadline": (today() + timedelta(days=14)).isoformat(),
        "publicity_days": "5",
        "nominating_units": [cast.township.pk],
    }
    response = client_for(cast.users["county_reviewer"]).post(reverse("awards:new"), form)
    assert response.status_code == 400 and "请填写整数" in response.content.decode()
    assert not Selection.objects.exists()


def test_the_meeting_is_dated_between_the_start_and_today(world):  # noqa: F811
    cast, selection, secretaries, county, staff = world
    nomination = _nominate(selection, secretaries[cast.branch.pk], staff)
    votes = {nomination.pk: Vote(nomination.candidate_label, 6, 1, 0, chosen=True, reason="事迹突出")}
    with pytest.raises(services.AwardError, match="评审会议日期应在"):
        services.selection_decide(
            selection=selection,
            met_on=today() - timedelta(days=3650),
            committee_size=9,
            present=7,
            votes=votes,
            actor=county,
        )
    assert Selection.objects.get(pk=selection.pk).status == Status.NOMINATING
