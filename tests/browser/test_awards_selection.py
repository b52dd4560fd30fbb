"""评选表彰 end to end with the demo county, in headless Chromium: the county sets up a selection of
3 优秀党支部书记 for the demo year; 关兴镇, 煤山镇 and 高寨乡 each nominate a secretary with a reason
(each shown with its results beside it); the county records the committee's vote and starts 公示;
someone without a login raises an objection on the public page and the county dismisses it with a
reason; once the notice has run its days the county commends and a real worker produces the
certificates, one page per awardee. The public page's text never shows a phone or ID number."""

import subprocess
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest

from awards.models import Selection
from branches.models import Branch, Post, User
from campaigns.models import Campaign, PhaseKind, State
from campaigns.services import campaign_create
from campaigns.workflow import transition
from common.dates import demo_year, today
from scoring.models import Framework
from tests.awards.test_pages import personal_numbers
from tests.browser.screens import SCREENSHOTS, shot
from tests.campaigns.helpers import open_phase
from tests.reports.test_jobs import _purge_queue, _start_worker

pytestmark = [pytest.mark.browser, pytest.mark.worker]

NOMINATORS = {"guanxing": "关兴镇", "meishan": "煤山镇", "gaozhai": "高寨乡"}


def _last_years_result(township_name: str) -> Branch:
    """煤山镇's and 高寨乡's demonstration villages get last year's 标准化 result (the demo's campaigns
    are 关兴镇's): 82.5 分, 良好, 3 stars on the self-assessment."""
    staff = User.objects.get(township__name=township_name, role="township_staff")
    branch = Branch.objects.filter(township=staff.township, kind="village").order_by("pk").first()
    campaign = campaign_create(
        kind="standardization",
        year=demo_year() - 1,
        title=f"{demo_year() - 1}年{township_name}标准化创建",
        framework=Framework.objects.filter(code="standardization").latest("version"),
        branches=[branch],
        actor=staff,
    )
    open_phase(campaign, PhaseKind.SELF_ASSESSMENT)
    participant = campaign.participants.get()
    transition(participant, "start", actor=staff)
    participant.refresh_from_db()
    participant.self_sheet.__class__.objects.filter(pk=participant.self_sheet_id).update(
        stars=3, total=D("82.5"), grade="良好"
    )
    return branch


def _candidates() -> dict[str, Branch]:
    """Each township's candidate branch: in 关兴镇 one the demo's 五好 campaign has verified or submitted."""
    submitted = (
        Campaign.objects.filter(township__name="关兴镇", kind="wuhao")
        .first()
        .participants.exclude(state__in=(State.NOT_STARTED, State.DRAFTING))
        .select_related("branch")
        .first()
    )
    return {
        "guanxing": submitted.branch,
        "meishan": _last_years_result("煤山镇"),
        "gaozhai": _last_years_result("高寨乡"),
    }


def test_a_county_selection_from_nominations_to_certificates(login, demo_site, browser):
    year = demo_year()
    candidates = _candidates()
    title = f"{year}年度优秀党支部书记评选"

    # the county sets it up: 3 名, the three townships nominate
    county = login("county")
    county.goto(f"{demo_site}/awards/new/")
    county.select_option("#id_year", str(year))
    county.select_option("#id_subject", "secretary")
    county.fill("#id_honour", "优秀党支部书记")
    county.fill("#id_title", title)
    county.fill("#id_quota", "3")
    county.fill("#id_per_nominator_quota", "2")
    county.fill("#id_objection_contact", "县委组织部组织科 电话 0000-7654321")
    shot(county, "awards_01_new_selection")
    county.get_by_role("button", name="发起评选").click()
    county.get_by_test_id("selection-status").wait_for()
    assert county.get_by_test_id("selection-status").inner_text() == "提名中"
    selection = Selection.objects.get(title=title)
    detail = f"{demo_site}/awards/{selection.pk}/"

    # each township nominates its secretary from the home page's card
    for username, branch in candidates.items():
        staff = login(username)
        card = staff.get_by_test_id("award-tasks")
        assert title in card.inner_text()
        card.get_by_role("link", name=title).click()
        secretary = branch.members.get(post=Post.SECRETARY)
        staff.select_option("#id_candidate", str(secretary.pk))
        staff.fill("#id_reason", f"{secretary.name}同志带领{branch.name}抓党建促发展，集体经济稳步增长，群众满意度高。")
        if username == "guanxing":
            shot(staff, "awards_02_nominate")
        staff.get_by_role("button", name="提交推荐").click()
        staff.get_by_test_id("nominations").wait_for()
        rows = staff.get_by_test_id("nomination")
        assert rows.count() == 1  # a township sees its own candidate, not the others'
        assert "暂无考核结果" not in rows.first.get_by_test_id("results").inner_text()

    # the county sees the three with their results beside them
    county.goto(detail)
    rows = county.get_by_test_id("nomination")
    assert rows.count() == 3
    for row in rows.all():
        results = row.get_by_test_id("results").inner_text()
        assert "年" in results and "暂无考核结果" not in results, results
    shot(county, "awards_03_nominations_with_results")

    # the committee's decision: 9 members, 7 present; first a vote that adds up to more than those present
    county.get_by_test_id("decide").click()
    county.fill("#id_met_on", today().isoformat())
    county.fill("#id_committee_size", "9")
    county.fill("#id_present", "7")
    for nomination in selection.nominations.all():
        county.fill(f"#id_for_{nomination.pk}", "6")
        county.fill(f"#id_against_{nomination.pk}", "1")
        county.fill(f"#id_abstain_{nomination.pk}", "0")
        county.check(f"#id_chosen_{nomination.pk}")
        county.fill(f"#id_reason_{nomination.pk}", "实绩突出，评审会议表决通过。")
    first = selection.nominations.first()
    county.fill(f"#id_abstain_{first.pk}", "1")  # 6 + 1 + 1 = 8 > 7
    county.get_by_role("button", name="保存评审决定").click()
    errors = county.get_by_test_id("decision-errors")
    assert "超过实到人数 7" in errors.inner_text()
    shot(county, "awards_04_votes_refused")
    assert Selection.objects.get(pk=selection.pk).status == "nominating"
    county.fill(f"#id_abstain_{first.pk}", "0")
    county.get_by_role("button", name="保存评审决定").click()
    county.get_by_test_id("selection-status").wait_for()
    assert county.get_by_test_id("selection-status").inner_text() == "已决定"
    assert "应到 9 人，实到 7 人" in county.get_by_test_id("meeting").inner_text()

    # 公示, and an objection from someone without a login
    county.get_by_test_id("publicize").click()
    assert county.get_by_test_id("selection-status").inner_text() == "公示中"
    public_url = f"{demo_site}/public/awards/{selection.public_token}/"
    visitor = browser.new_context(locale="zh-CN").new_page()
    try:
        visitor.goto(public_url)
        listed = visitor.get_by_test_id("publicity-list").inner_text()
        for branch in candidates.values():
            assert branch.name in listed and branch.members.get(post=Post.SECRETARY).name in listed
        html = visitor.content()
        assert personal_numbers(html) == [], "a phone or ID number on the public page"
        shot(visitor, "awards_05_public_notice")
        visitor.select_option("#id_nomination", str(first.pk))
        visitor.fill("#id_content", "听说该同志在村集体项目中优亲厚友，请组织核实。")
        visitor.fill("#id_contact", "13700001234")
        visitor.get_by_role("button", name="提交").click()
        visitor.get_by_role("status").wait_for()
        assert "已收到您反映的情况" in visitor.get_by_role("status").inner_text()
        assert "13700001234" not in visitor.content()
        assert personal_numbers(visitor.content()) == []
    finally:
        visitor.context.close()

    # commending is refused while the notice runs and the objection is open
    county.goto(detail)
    county.get_by_test_id("commend").click()
    assert "公示期满后方可表彰" in county.content()
    objections = county.get_by_test_id("objections")
    assert "13700001234" in objections.inner_text()  # the contact: only the county sees it
    objections.locator("select[name=upheld]").select_option("0")
    objections.locator("input[name=note]").fill(
        "经县委组织部调查核实，该项目经村民代表会议决议、公开招标，反映问题不属实。"
    )
    objections.get_by_test_id("resolve").click()
    assert county.get_by_test_id("objection-resolution").inner_text() == "不成立"
    shot(county, "awards_06_objection_dismissed")

    # the notice has run its five days (the dates moved, as the calendar would move them)
    Selection.objects.filter(pk=selection.pk).update(
        publicity_starts_on=today() - timedelta(days=6), publicity_ends_on=today() - timedelta(days=1)
    )
    _purge_queue()
    worker = _start_worker("browser-awards")
    try:
        county.goto(detail)
        county.get_by_test_id("commend").click()
        assert county.get_by_test_id("selection-status").inner_text() == "已表彰"
        county.get_by_test_id("certificates").click()
        county.wait_for_function(
            "() => document.querySelector('[data-testid=document-jobs] [data-status=succeeded]')", timeout=120_000
        )
        shot(county, "awards_07_commended_certificates")
        link = county.get_by_test_id("job-download").get_attribute("href")
        response = county.request.get(f"{demo_site}{link}")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    pdf = Path(SCREENSHOTS) / "awards_certificates.pdf"
    pdf.write_bytes(response.body())
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages: 3" in " ".join(info.split())  # one page per awardee
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    for branch in candidates.values():
        assert branch.members.get(post=Post.SECRETARY).name in text and branch.name in text
    assert text.count("荣誉证书") == 3 and "优秀党支部书记" in text and "中共青山县委组织部" in text
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(SCREENSHOTS / "awards_certificate")], check=True)
