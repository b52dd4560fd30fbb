"""The top bar at 1366 and 390 px with a 20-character name: no label wraps, the user menu opens
with 修改密码 and 退出 (a POST that logs out); on a phone the main lists keep their key columns."""

import pytest

from branches.models import User
from campaigns.models import Campaign
from tests.browser.screens import shot

pytestmark = pytest.mark.browser

LONG_NAME = "欧阳春花秋月夏雨冬雪东南西北中发白春夏秋"  # 20 characters


def _one_line(locator) -> list[str]:
    """The labels among ``locator`` that take more than one line (height over 1.5 line-heights)."""
    wrapped = []
    for i in range(locator.count()):
        element = locator.nth(i)
        if not element.is_visible():
            continue
        lines = element.evaluate("e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)")
        if lines > 1.5 + 0.5:  # a nav link's padding adds about half a line
            wrapped.append(element.inner_text())
    return wrapped


def _labels(page):
    return page.locator(".app-navbar .navbar-brand, .app-navbar .nav-link, .app-navbar .dropdown-item")


def _open_user_menu(page):
    page.get_by_test_id("user-menu").click()
    menu = page.locator(".app-user-menu .dropdown-menu")
    menu.wait_for(state="visible")
    return menu


@pytest.mark.parametrize("username", ["guanxing", "county"])
def test_the_top_bar_fits_1366_px_with_a_long_name(login, username):
    User.objects.filter(username=username).update(full_name=LONG_NAME)
    page = login(username)
    page.set_viewport_size({"width": 1366, "height": 900})

    assert not page.locator(".navbar-toggler").is_visible()  # the full bar, not the hamburger
    links = page.locator(".app-navbar .nav-link")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count()) if links.nth(i).is_visible()}
    assert len(tops) == 1, "the links take more than one row"
    assert _one_line(_labels(page)) == []
    name = page.locator(".app-user-name")
    assert name.evaluate("e => e.scrollWidth > e.clientWidth")  # cut with an ellipsis, not wrapped
    assert page.get_by_test_id("user-menu").get_attribute("title") == LONG_NAME
    right = page.get_by_test_id("user-menu").bounding_box()
    assert right["x"] + right["width"] <= 1366

    menu = _open_user_menu(page)
    assert LONG_NAME in menu.inner_text()
    assert ("镇党委工作人员 · 关兴镇" if username == "guanxing" else "县委组织部审核人员 · 青山县") in menu.inner_text()
    assert menu.get_by_role("link", name="修改密码").is_visible()
    assert _one_line(menu.locator(".dropdown-item")) == []
    shot(page, f"top_bar_1366_{username}", full_page=False)

    page.set_viewport_size({"width": 1200, "height": 900})  # the narrowest width with the full bar
    page.keyboard.press("Escape")
    assert not page.locator(".navbar-toggler").is_visible()
    assert _one_line(_labels(page)) == []
    shot(page, f"top_bar_1200_{username}", full_page=False)


def test_the_user_menu_on_a_phone_and_logging_out(login, demo_site):
    User.objects.filter(username="fani").update(full_name=LONG_NAME)
    page = login("fani", mobile=True)
    page.locator(".navbar-toggler").click()
    page.locator("#mainnav.show").wait_for()
    assert _one_line(_labels(page)) == []
    menu = _open_user_menu(page)
    assert LONG_NAME in menu.inner_text()
    for item in (menu.get_by_role("link", name="修改密码"), menu.get_by_role("button", name="退出")):
        box = item.bounding_box()
        assert item.is_visible() and box["x"] + box["width"] <= 390
    shot(page, "top_bar_390_menu", full_page=False)

    menu.get_by_role("button", name="退出").click()  # a POST form, as before
    page.wait_for_url(f"{demo_site}/accounts/login/")
    page.goto(f"{demo_site}/")
    assert "/accounts/login/" in page.url  # logged out indeed


def _within_screen(page, cells) -> None:
    for cell in cells:
        assert cell.is_visible(), cell
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, cell


def _column(page, table_testid, header) -> int:
    headers = page.get_by_test_id(table_testid).locator("thead th")
    texts = [headers.nth(i).inner_text().strip() for i in range(headers.count())]
    return texts.index(header)


def _cells(page, table_testid, headers):
    row = page.get_by_test_id(table_testid).locator("tbody tr").first
    return [row.locator("td").nth(_column(page, table_testid, h)) for h in headers]


def test_the_main_lists_keep_their_key_columns_on_a_phone(login, demo_site):
    page = login("guanxing", mobile=True)

    page.goto(f"{demo_site}/scoring/sheets/")
    _within_screen(page, _cells(page, "sheets", ["评价对象", "环节", "总分", "等次"]))
    assert not page.get_by_test_id("sheets").get_by_role("columnheader", name="最后填写").is_visible()
    shot(page, "sheet_list_mobile", full_page=False)

    campaign = Campaign.objects.filter(participants__branch__township__name="关兴镇").distinct().first()
    page.goto(f"{demo_site}/campaigns/{campaign.pk}/")
    _within_screen(page, _cells(page, "participants", ["单位", "状态", "自评", "验收", "最终"]))
    page.get_by_test_id("participants").scroll_into_view_if_needed()
    shot(page, "campaign_participants_mobile", full_page=False)

    page.goto(f"{demo_site}/inspections/ledger/")
    if page.get_by_test_id("ledger").locator("tbody tr td").count() > 1:  # the demo keeps one item at least
        row = page.get_by_test_id("ledger").locator("tbody tr").first
        _within_screen(
            page,
            [
                row.locator("td").nth(i)
                for i in range(row.locator("td").count())
                if row.locator("td").nth(i).is_visible()
            ],
        )
        assert "党支部" in row.inner_text()
    shot(page, "ledger_mobile", full_page=False)

    page.goto(f"{demo_site}/branches/")
    table = page.get_by_test_id("branch-table")
    row = table.locator("tbody tr").first
    visible = [
        row.locator("td").nth(i) for i in range(row.locator("td").count()) if row.locator("td").nth(i).is_visible()
    ]
    assert len(visible) == 3  # 党支部名称, 乡镇, 党员数
    _within_screen(page, visible)
    shot(page, "branch_list_mobile", full_page=False)
