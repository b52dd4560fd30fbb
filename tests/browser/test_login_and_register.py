"""Each role logs in through the real login page in headless Chromium and
reaches the branch register (a secretary: their own branch). Screenshots land
in test-artifacts/screenshots/ for a person to look at."""

import pytest

from common.dates import demo_year
from tests.browser.screens import shot as _shot

pytestmark = pytest.mark.browser


def _register_names(page):
    return set(page.locator("[data-testid=branch-table] tbody tr td:first-child a").all_inner_texts())


def test_county_reviewer_reads_every_townships_register(login):
    page = login("county")
    assert page.get_by_test_id("user-menu").inner_text().strip() == "李审核"
    assert "县委组织部审核人员 · 青山县" in page.get_by_test_id("current-user").text_content()
    assert page.get_by_role("cell", name="煤山镇").is_visible()
    _shot(page, "county_home")

    page.get_by_role("link", name="党支部登记册").first.click()
    page.select_option("#id_township", label="高寨乡")
    page.get_by_role("button", name="筛选").click()
    names = _register_names(page)
    assert "高坡村党支部" in names and "法泥村党支部" not in names
    assert page.get_by_role("link", name="登记党支部").count() == 0  # reads, does not edit
    _shot(page, "county_register")


def test_township_staff_keep_their_register(login):
    page = login("guanxing")
    assert "待办与提醒" in page.content()
    _shot(page, "township_home")

    page.get_by_role("link", name="党支部登记册").first.click()
    names = _register_names(page)
    assert "法泥村党支部" in names and "那姑村党支部" not in names
    _shot(page, "township_register")

    page.get_by_role("link", name="法泥村党支部").click()
    assert page.get_by_test_id("members").locator("tbody tr").count() == 21
    page.get_by_role("link", name="填报").click()
    page.fill("#id_year", str(demo_year()))  # a year the demo already holds a figure for
    page.fill("#id_collective_income", "66000")
    page.fill("#id_note", "年终核算更正")
    page.get_by_role("button", name="记录").click()
    assert f"已记录 {demo_year()} 年村集体经济收入。" in page.content()
    assert "（已更正）" in page.get_by_test_id("annual-figures").inner_text()
    _shot(page, "township_branch_detail")


def test_branch_secretary_reaches_only_their_branch(login, demo_site):
    page = login("fani", mobile=True)
    _shot(page, "secretary_home_mobile")
    page.get_by_role("link", name="查看本支部").click()
    assert page.locator("h1").inner_text().startswith("法泥村党支部")
    _shot(page, "secretary_branch_mobile")

    # The register itself leads back to the secretary's own branch.
    page.goto(f"{demo_site}/branches/")
    assert page.locator("h1").inner_text().startswith("法泥村党支部")


def test_a_wrong_password_is_answered_in_chinese(browser, demo_site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{demo_site}/accounts/login/")
    page.fill("#id_username", "county")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "请输入正确的用户名和密码" in page.locator(".alert-danger").inner_text()
    context.close()
