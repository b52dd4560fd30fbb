"""The results shown beside each candidate (awards.selectors.candidate_results): a branch's own
campaign results, a secretary's branch's, a member's own member sheets — this year's and last
year's, never another subject's."""

import pytest

from awards.models import Nomination, Subject
from awards.selectors import candidate_results
from branches.models import Post
from campaigns.models import Participant
from campaigns.services import campaign_create
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework
from tests.factories import MemberFactory, SelectionFactory


@pytest.fixture
def campaigns(cast):
    """法泥村 in a 五好 campaign this year and a 标准化 one three years ago; 张三 in a member campaign."""
    load_builtin_frameworks()
    staff = cast.users["township_staff"]
    year = SelectionFactory.year.function()

    def campaign(kind, code, in_year, **participant):
        made = campaign_create(
            kind=kind,
            year=in_year,
            title=f"{in_year}{kind}",
            framework=Framework.objects.filter(code=code).latest("version"),
            branches=[cast.sibling_branch],  # a campaign needs a branch; the subject under test joins it below
            actor=staff,
        )
        return Participant.objects.create(campaign=made, **participant)

    campaign("wuhao", "wuhao", year, branch=cast.branch)
    campaign("standardization", "standardization", year - 3, branch=cast.branch)  # too old to show
    campaign("chuangxian", "chuangxian-member", year, branch=cast.branch, member=cast.member)
    return year


def _nominate(selection, cast, **candidate):
    return Nomination.objects.create(
        selection=selection,
        nominator_township=cast.township,
        reason="事迹突出。",
        nominated_by=cast.users["township_staff"],
        **candidate,
    )


def test_each_subject_shows_its_own_results(cast, campaigns, django_assert_num_queries):
    year = campaigns
    secretary = MemberFactory(branch=cast.branch, post=Post.SECRETARY)
    made = {}
    for subject, candidate in (
        (Subject.BRANCH, {"branch": cast.branch}),
        (Subject.SECRETARY, {"branch": cast.branch, "member": secretary}),
        (Subject.MEMBER, {"branch": cast.branch, "member": cast.member}),
    ):
        selection = SelectionFactory(county=cast.county, subject=subject, created_by=cast.users["county_reviewer"])
        made[subject] = _nominate(selection, cast, **candidate)
    nominations = list(Nomination.objects.select_related("selection"))
    with django_assert_num_queries(4):  # campaigns, stars, and the tiers of each of the two years
        results = candidate_results(nominations, year)
    texts = {subject: [f"{line.source}：{line.text}" for line in results[n.pk]] for subject, n in made.items()}
    assert texts[Subject.BRANCH] == [f"{year}年五好党支部创建：未评分"]
    assert texts[Subject.SECRETARY] == [f"所在党支部 {year}年五好党支部创建：未评分"]
    assert texts[Subject.MEMBER] == [f"{year}年创先争优：未评分"]  # 张三's own sheet, not his branch's


def test_a_secretary_shows_her_stars_and_her_duty_tier_a_member_his_stars(cast, campaigns, django_assert_num_queries):
    """The secretary: last year's approved rating (4 stars) and last year's published 述职评议 (较好);
    a draft rating and an unpublished round show nothing. 张三: this year's approved 5 stars."""
    from duty_reports.models import DutyReport, DutyRound, RoundStatus
    from tests.factories import approved_member_rating

    year, staff = campaigns, cast.users["township_staff"]
    secretary = MemberFactory(branch=cast.branch, post=Post.SECRETARY)
    approved_member_rating(secretary, year - 1, stars=4, total=85, actor=staff)
    approved_member_rating(cast.member, year, stars=5, total=95, actor=staff)
    for in_year, status, tier in ((year - 1, RoundStatus.PUBLISHED, "fair"), (year, RoundStatus.MEETING_HELD, "good")):
        held = DutyRound.objects.create(township=cast.township, year=in_year, status=status, opened_by=staff)
        DutyReport.objects.create(duty_round=held, branch=cast.branch, text="述职", tier=tier)
    county = cast.users["county_reviewer"]
    as_secretary = _nominate(
        SelectionFactory(county=cast.county, subject=Subject.SECRETARY, created_by=county),
        cast,
        branch=cast.branch,
        member=secretary,
    )
    as_member = _nominate(
        SelectionFactory(county=cast.county, subject=Subject.MEMBER, created_by=county),
        cast,
        branch=cast.branch,
        member=cast.member,
    )
    nominations = list(Nomination.objects.select_related("selection"))
    with django_assert_num_queries(4):  # campaigns, stars, and the tiers of each of the two years
        results = candidate_results(nominations, year)
    lines = {n.pk: [f"{line.source}：{line.text}" for line in results[n.pk]] for n in nominations}
    assert f"{year - 1}年党员星级评定：4星" in lines[as_secretary.pk]
    assert f"{year - 1}年述职评议：较好" in lines[as_secretary.pk]
    assert not any("述职评议" in line and str(year) in line.split("年")[0] for line in lines[as_secretary.pk])
    assert f"{year}年党员星级评定：5星" in lines[as_member.pk]
    assert not any("述职评议" in line for line in lines[as_member.pk])
