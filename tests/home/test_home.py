"""The 工作台: «暂无待办事项» only when no card lists work; the county's chart of each
township's progress in the running campaigns, its data in the page and its query count fixed."""

import json
import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import AnnualFigure, Post
from campaigns.models import Participant, State
from campaigns.services import campaign_create
from common.dates import today
from home.selectors import PROGRESS_STEPS, home_overview, township_progress
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework
from tests.factories import BranchFactory, MemberFactory, TownshipFactory

NO_WORK = "暂无待办事项"


def _complete_register(*branches):
    """Every register gap closed: this year's figure, a secretary among the members."""
    for branch in branches:
        AnnualFigure.objects.create(branch=branch, year=today().year, collective_income=Decimal("50000"))
        MemberFactory(branch=branch, post=Post.SECRETARY)


def _campaign(actor, branches, title="五好党支部创建"):
    load_builtin_frameworks()
    return campaign_create(
        kind="wuhao",
        year=2026,
        title=title,
        framework=Framework.objects.get(code="wuhao"),
        branches=branches,
        actor=actor,
    )


def _set_state(campaign, branch, state):
    # the workflow's transitions are tested in tests/campaigns; here only where each unit stands matters
    Participant.objects.filter(campaign=campaign, branch=branch).update(state=state)


def _home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, response.content.decode()


def test_it_says_no_work_when_no_card_lists_any(client_for, cast):
    _complete_register(cast.branch, cast.sibling_branch)
    response, html = _home(client_for(cast.users["township_staff"]))
    assert response.context["has_work"] is False
    assert NO_WORK in html
    assert 'data-testid="attention"' not in html and 'data-testid="campaign-tasks"' not in html


def test_a_card_with_work_is_never_beside_no_work(client_for, cast):
    """The register is complete (the 待办与提醒 list is empty) but a branch has applied:
    the campaign card lists it, and the page does not also say there is nothing to do."""
    _complete_register(cast.branch, cast.sibling_branch)
    campaign = _campaign(cast.users["township_staff"], [cast.branch, cast.sibling_branch])
    _set_state(campaign, cast.branch, State.SUBMITTED)

    response, html = _home(client_for(cast.users["township_staff"]))
    assert response.context["attention"] == [] and response.context["has_work"] is True
    assert 'data-testid="campaign-tasks"' in html and "已申报，待镇党委验收" in html
    assert NO_WORK not in html


def test_register_gaps_alone_are_work_too(client_for, cast):
    response, html = _home(client_for(cast.users["township_staff"]))  # the factories leave no figure this year
    assert response.context["has_work"] is True
    assert 'data-testid="attention"' in html and NO_WORK not in html


def test_every_campaign_state_falls_in_exactly_one_step_of_the_chart():
    states = [state for _, step in PROGRESS_STEPS for state in step]
    assert sorted(states) == sorted(State.values)


def _chart_data(html) -> dict:
    match = re.search(r'<script id="township-progress-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the chart's data island is missing"
    return json.loads(match[1])


def test_the_county_sees_each_townships_progress_in_the_running_campaigns(client_for, cast):
    """关兴镇: 法泥 已申报 (step 2), 新寨 验收通过 (step 3): 2 of 2 applied, 100%.
    煤山镇: 那姑 未开始 (step 1): 0 of 1, 0%. A campaign where every unit is named is over: not counted."""
    county = cast.users["county_reviewer"]
    running = _campaign(county, [cast.branch, cast.sibling_branch, cast.neighbour_branch])
    _set_state(running, cast.branch, State.SUBMITTED)
    _set_state(running, cast.sibling_branch, State.VERIFIED)
    finished = _campaign(county, [cast.branch, cast.neighbour_branch], title="去年的创建")
    Participant.objects.filter(campaign=finished).update(state=State.NAMED)

    response, html = _home(client_for(county))
    rows = {row["township"].name: row for row in response.context["township_progress"]["rows"]}
    assert rows["关兴镇"]["steps"] == [0, 1, 1, 0, 0] and rows["关兴镇"]["submitted_share"] == 100
    assert rows["煤山镇"]["steps"] == [1, 0, 0, 0, 0] and rows["煤山镇"]["submitted_share"] == 0
    assert "远山镇" not in rows  # another county's township

    data = _chart_data(html)
    assert data["labels"] == ["关兴镇", "煤山镇"]
    assert [d["label"] for d in data["datasets"]] == ["未申报", "已申报待验收", "验收通过", "已命名", "未通过"]
    assert [d["data"] for d in data["datasets"]] == [[0, 1], [1, 0], [1, 0], [0, 0], [0, 0]]
    # the chart is drawn by static files (CSP: no inline script); the table says the same without them
    assert "vendor/chartjs/chart.umd.min" in html and "js/township-progress-chart" in html
    table = html.split('data-testid="township-progress-table"')[1].split("</table>")[0]
    assert "关兴镇" in table and "100%" in table and "0%" in table


def test_without_a_running_campaign_the_county_is_told_so(client_for, cast):
    response, html = _home(client_for(cast.users["county_reviewer"]))
    assert response.context["township_progress"]["total"] == 0
    assert "目前没有进行中的创建活动" in html and "township-progress-data" not in html


def test_the_progress_is_one_query_however_many_townships(cast, django_assert_num_queries):
    county = cast.users["county_reviewer"]
    extra = [BranchFactory(township=TownshipFactory(county=cast.county)) for _ in range(4)]
    campaign = _campaign(county, [cast.branch, cast.neighbour_branch, *extra])
    _set_state(campaign, extra[0], State.NAMED)
    townships = [cast.township, cast.neighbour_township, *(b.township for b in extra)]
    with django_assert_num_queries(1):
        progress = township_progress(county, townships)
    assert progress["total"] == 6 and len(progress["rows"]) == 6


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        _home(client)
    return len(captured)


def test_the_county_home_costs_the_same_queries_for_3_and_6_townships(client_for, cast):
    county = cast.users["county_reviewer"]

    def township_with_branches():
        township = TownshipFactory(county=cast.county)
        return [BranchFactory(township=township) for _ in range(2)]

    first = township_with_branches()  # with the cast's two: 3 townships
    campaign = _campaign(county, [cast.branch, cast.neighbour_branch, *first])
    _set_state(campaign, first[0], State.SUBMITTED)
    client = client_for(county)
    three = _home_queries(client)
    assert len(home_overview(county)["township_summaries"]) == 3

    added = [branch for _ in range(3) for branch in township_with_branches()]
    later = _campaign(county, [cast.sibling_branch, *added], title="第二批创建")
    _set_state(later, added[0], State.VERIFIED)
    six = _home_queries(client)
    assert len(home_overview(county)["township_summaries"]) == 6
    assert six == three


def test_a_stale_form_is_explained_in_chinese(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["township_staff"])
    answer = client.post("/messages/read-all/")
    page = answer.content.decode()
    assert answer.status_code == 403 and "页面已过期，这次提交没有保存" in page and "CSRF验证失败" not in page


def test_a_form_target_opened_as_a_page_answers_in_chinese(cast, client_for):
    answer = client_for(cast.users["township_staff"]).get("/messages/read-all/")
    assert answer.status_code == 405 and "这个地址不能直接打开" in answer.content.decode()
