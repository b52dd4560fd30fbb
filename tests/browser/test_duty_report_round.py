"""A 述职评议 round for 关兴镇 in headless Chromium on the demo data: township staff open it for
the demo year, 法泥村's secretary opens the report drafted from her year's facts, edits and
submits it; the meeting is recorded (the reports freeze), each group's votes are entered for
every branch and the tiers follow; 法泥村's secretary, rated 一般, is talked to (约谈); the result
is published and its PDF made by a real worker, downloaded and read."""

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from branches.models import Member, Post
from campaigns.models import Participant
from common.dates import demo_year
from duty_reports.models import DutyRound
from tests.browser.screens import SCREENSHOTS, shot
from tests.reports.test_jobs import _purge_queue, _start_worker

pytestmark = [pytest.mark.browser, pytest.mark.worker]

GROUPS = ("members", "masses", "committee")
FIELDS = ("group_size", "present", "good", "fair", "average", "poor")
# (应到, 实到, 好, 较好, 一般, 差) per group
GOOD = {"members": (12, 10, 10, 0, 0, 0), "masses": (10, 10, 9, 1, 0, 0), "committee": (5, 5, 5, 0, 0, 0)}  # 99.40 好
FAIR = {"members": (12, 10, 5, 4, 1, 0), "masses": (10, 10, 5, 4, 1, 0), "committee": (5, 5, 2, 3, 0, 0)}  # 88.00 较好
# 党员代表 (100 + 160 + 360) ÷ 10 = 62, 群众代表 (240 + 360) ÷ 10 = 60, 镇党委 (80 + 240) ÷ 5 = 64:
# 0.4 × 62 + 0.3 × 60 + 0.3 × 64 = 62.00 → 一般
WEAK = {"members": (12, 10, 1, 2, 6, 1), "masses": (10, 10, 0, 3, 6, 1), "committee": (5, 5, 0, 1, 4, 0)}


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _enter_votes(page, counts):
    for group in GROUPS:
        for name, value in zip(FIELDS, counts[group], strict=True):
            page.fill(f"[name={group}_{name}]", str(value))
    page.get_by_role("button", name="保存票数").click()


def test_a_duty_report_round(login, demo_site, tmp_path):
    year = demo_year()
    staff = login("guanxing")
    staff.get_by_role("button", name="考评表彰").click()  # the top bar's menu
    staff.get_by_role("link", name="述职评议").first.click()
    staff.get_by_role("link", name="开启述职评议").click()
    assert staff.input_value("#id_year") == str(year)
    staff.get_by_role("button", name="开启述职评议").click()
    assert "已为 10 个党支部起草述职报告" in staff.content()
    assert staff.get_by_test_id("round-status").inner_text() == "开放撰写"
    duty_round = DutyRound.objects.get(township__name="关兴镇", year=year)
    shot(staff, "duty_round_opened")

    # the secretary opens her drafted report from the home page, edits and submits it
    secretary = login("fani")
    assert secretary.get_by_test_id("duty-report-card").is_visible()
    shot(secretary, "duty_report_home_card")
    secretary.get_by_role("link", name="撰写述职报告").click()
    draft = secretary.input_value("#id_text")
    members = Member.objects.filter(branch__name="法泥村党支部").count()
    name = Member.objects.filter(branch__name="法泥村党支部", post=Post.SECRETARY).values_list("name", flat=True)[0]
    campaign = Participant.objects.filter(branch__name="法泥村党支部", member=None, campaign__year=year).first()
    assert f"法泥村党支部书记{name}{year}年度述职报告" in draft
    assert f"法泥村党支部现有党员 {members} 名" in draft and "主题党日" in draft and "问题台账销号" in draft
    assert campaign is not None and f"“{campaign.campaign.title}”" in draft
    shot(secretary, "duty_report_draft")
    secretary.fill("#id_text", draft.replace("五、", "本人还带领党员修通了组上的便民路。\n\n五、"))
    secretary.get_by_role("button", name="提交述职报告").click()
    assert "述职报告已提交" in secretary.content()
    expect(secretary.get_by_test_id("report-status")).to_have_text("已提交 · 第 2 稿")
    # and her signed page as a PDF beside it
    secretary.set_input_files(
        "input[name=upload]", files=[{"name": "述职报告签字页.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    secretary.get_by_role("button", name="上传").click()
    expect(secretary.get_by_test_id("report-files")).to_contain_text("述职报告签字页.pdf · 第 2 稿时上传")
    shot(secretary, "duty_report_submitted")
    staff.goto(f"{demo_site}/")
    expect(staff.get_by_test_id("duty-round-card")).to_contain_text("述职报告已提交 1/10")

    # the meeting: the reports freeze
    staff.goto(f"{demo_site}/duty-reports/{duty_round.pk}/")
    staff.fill("#id_meeting_place", "关兴镇政府会议室")
    staff.get_by_role("button", name="记录评议会已召开（述职报告随即锁定）").click()
    expect(staff.get_by_test_id("round-status")).to_have_text("已召开评议会")
    secretary.reload()
    assert secretary.locator("#id_text").count() == 0
    assert "修通了组上的便民路" in secretary.get_by_test_id("report-text").inner_text()

    # every branch's votes, group by group
    branches = [row.get_attribute("data-branch") for row in staff.locator("[data-testid=round-reports] tbody tr").all()]
    assert len(branches) == 10
    for position, branch in enumerate(branches):
        staff.locator(f"tr[data-branch='{branch}']").get_by_role("link", name="录入票数").click()
        counts = WEAK if branch == "法泥村党支部" else (GOOD if position % 2 else FAIR)
        if branch == "法泥村党支部":
            # a count beyond those present is refused beside the field, nothing saved
            _enter_votes(staff, {**counts, "members": (12, 10, 5, 5, 1, 0)})
            assert "好、较好、一般、差票数合计 11 票，多于实到人数 10 人。" in staff.content()
            shot(staff, "duty_votes_refused")
        _enter_votes(staff, counts)
        assert "的票数已记录" in staff.content()
    fani = staff.locator("tr[data-branch='法泥村党支部']")
    assert fani.get_by_test_id("tier").inner_text().split("\n") == ["一般", "加权得分 62.00 ≥ 60：一般"]
    assert "待约谈" in fani.inner_text()
    tiers = [
        staff.locator(f"tr[data-branch='{b}']").get_by_test_id("tier").inner_text().split("\n")[0] for b in branches
    ]
    assert set(tiers) == {"好", "较好", "一般"}
    shot(staff, "duty_round_tiers")

    # the 约谈 with 法泥村's secretary
    fani.get_by_role("link", name="记录约谈").click()
    assert "评议等次为“一般”" in staff.content()
    staff.fill("#id_interviewers", "镇党委书记、组织委员")
    staff.fill("#id_points_raised", "群众代表评价偏低，为群众办实事不够。")
    staff.fill("#id_outcome", "书记认识到差距，镇党委责令限期整改。")
    staff.fill("#id_commitment", "三个月内办好三件实事，按月开展主题党日。")
    staff.get_by_role("button", name="记录约谈").click()
    assert "已记录与法泥村党支部书记的约谈" in staff.content()
    assert "书记认识到差距" in staff.get_by_test_id("interview").inner_text()
    shot(staff, "duty_interview_recorded")

    # published; the result PDF from a real worker
    staff.goto(f"{demo_site}/duty-reports/{duty_round.pk}/")
    staff.get_by_test_id("publish").click()
    expect(staff.get_by_test_id("round-status")).to_have_text("已公布结果")
    _purge_queue()
    worker = _start_worker("duty")
    try:
        staff.get_by_role("button", name="述职评议结果（PDF）").click()
        staff.wait_for_selector("[data-testid=job-download]", timeout=120_000)
        shot(staff, "duty_result_job")
        pdf = staff.request.get(f"{demo_site}{staff.get_by_test_id('job-download').get_attribute('href')}")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    path = tmp_path / "duty_result.pdf"
    path.write_bytes(pdf.body())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "中共关兴镇委员会" in text and f"关于{year}年度村党组织书记" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for report in duty_round.reports.select_related("branch"):
        row = f"{report.branch.name} {report.secretary_name} {report.score} {report.get_tier_display()}"
        assert any(row in line for line in lines), row
    assert any(
        line.startswith(f"{branches.index('法泥村党支部') + 1} 法泥村党支部") and "已约谈" in line for line in lines
    )
    # the pages, for a person to look at
    pages = Path(SCREENSHOTS)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(pages / "duty_result_pdf")], check=True)
