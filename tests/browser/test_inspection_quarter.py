"""A quarter of inspections in headless Chromium with the demo data: the round
is filled in, the ranking shows the bottom 3, a branch in the bottom 3 two
quarters running is flagged, a finding becomes a ledger item that the secretary
rectifies and the township closes, and the quarter's notice is produced by a
real worker, downloaded and read."""

import re
import subprocess
from datetime import timedelta

import pytest

from common.dates import today
from inspections.demo import quarters
from inspections.models import InspectionRound, RankingEntry
from tests.browser.screens import shot
from tests.browser.test_campaign_end_to_end import fill_all_items
from tests.reports.test_jobs import _purge_queue, _start_worker

pytestmark = [pytest.mark.browser, pytest.mark.worker]

# points taken off on the township's sheets of the quarter under way; every other branch scores 100
LOSSES = {"石板村党支部": 10, "河边村党支部": 8, "龙井村党支部": 6}


def test_a_quarter_of_inspections(login, demo_site, tmp_path):
    staff = login("guanxing")
    (last_year, last_quarter), (year, quarter) = quarters()
    current = InspectionRound.objects.get(year=year, quarter=quarter)
    staff.goto(f"{demo_site}/inspections/{current.pk}/")
    for inspected in current.inspected.select_related("branch").order_by("branch__name"):
        staff.goto(f"{demo_site}/scoring/sheets/{inspected.sheet_id}/")
        fill_all_items(staff, LOSSES.get(inspected.branch.name, 0))

    # a finding at 法泥村 goes straight onto the ledger
    fani = current.inspected.get(branch__name="法泥村党支部")
    staff.goto(f"{demo_site}/inspections/inspected/{fani.pk}/findings/new/")
    staff.fill("#id_description", "10月主题党日只有签到表，无活动记录")
    staff.select_option("#id_category", label="组织生活")
    staff.select_option("#id_severity", label="较重")
    staff.fill("#id_task", "补齐10月主题党日记录，11月起按“三定三有”开展")
    staff.fill("#id_responsible", "徐强华")
    staff.fill("#id_deadline", str(today() + timedelta(days=30)))
    staff.get_by_role("button", name="记录").click()
    assert "并已列入问题台账" in staff.content()
    staff.get_by_role("button", name="结束督查（计入排名）").click()
    assert "结果计入本季度排名" in staff.content()

    staff.goto(f"{demo_site}/inspections/ranking/?year={year}&quarter={quarter}")
    rows = staff.get_by_test_id("ranking").locator("tbody tr")
    bottom = [row.locator("td").nth(1).inner_text() for row in rows.all() if "后3位" in row.inner_text()]
    assert bottom == ["龙井村党支部", "河边村党支部", "石板村党支部"]
    staff.get_by_role("button", name="公布排名").click()
    assert "连续两个季度排名后3位" in staff.content()
    # flagged: the branches in the bottom 3 last quarter (demo, scored partly from records) and in this one
    third = set(
        RankingEntry.objects.filter(
            ranking__year=last_year, ranking__quarter=last_quarter, ranking__township__name="关兴镇", bottom_three=True
        ).values_list("branch__name", flat=True)
    )
    flagged = staff.get_by_test_id("flags").inner_text()
    assert third & set(bottom) and all(name in flagged for name in third & set(bottom))
    shot(staff, "inspection_ranking_published")

    # the secretary reports the rectification; the township closes the item
    secretary = login("fani", mobile=True)
    secretary.goto(f"{demo_site}/inspections/ledger/")
    secretary.get_by_role("link", name=re.compile("10月主题党日只有签到表")).click()
    secretary.fill("textarea[name=text]", "已补齐记录，11月主题党日按三定三有开展，照片已上传")
    secretary.get_by_role("button", name="报送整改情况").click()
    assert secretary.get_by_test_id("ledger-status").inner_text() == "已报整改"
    staff.goto(secretary.url)
    staff.get_by_role("button", name="销号").click()
    assert staff.get_by_test_id("ledger-status").inner_text() == "已销号"
    shot(staff, "inspection_ledger_closed")

    # the quarter's notice, numbered and produced by a real worker
    _purge_queue()
    worker = _start_worker("notice")
    try:
        staff.goto(f"{demo_site}/inspections/ranking/?year={year}&quarter={quarter}")
        staff.get_by_role("button", name="编号并生成通报（PDF）").click()
        staff.wait_for_selector("[data-testid=job-download]", timeout=120_000)
        pdf = staff.request.get(f"{demo_site}{staff.get_by_test_id('job-download').get_attribute('href')}")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf.body())
    flat = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert re.search(rf"关党发〔{today().year}〕[1-9]\d*号", flat)
    named = re.search(r"二、排名后3位的党支部(.*?)排名后3位，予以通报", flat).group(1)
    assert re.findall(r"(\w+?村党支部)（第(\d)名", named) == [
        ("龙井村党支部", "7"),
        ("河边村党支部", "8"),
        ("石板村党支部", "9"),
    ]
    assert all(f"{name}连续两个季度排名后3位" in flat for name in third & set(bottom))
