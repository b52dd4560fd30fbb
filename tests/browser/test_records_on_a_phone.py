"""A secretary records, on a phone, a 主题党日 with attendance and a photo, a
member's deed and a pledge kept; the open 标准化 sheet's linked items change."""

import re
from datetime import date

import pytest
from PIL import Image

from branches.models import Member
from common.dates import today
from records.models import MemberDeed
from scoring.models import ScoreSheet
from tests.browser.screens import shot

pytestmark = pytest.mark.browser


def _records(page, code) -> int:
    text = page.get_by_test_id(f"fact-{code}").inner_text()
    match = re.search(r"依据的记录（(\d+) 条", text)
    return int(match[1]) if match else 0


def _fact(page, code) -> str:
    return page.get_by_test_id(f"fact-{code}").inner_text()


def test_secretary_records_the_year_on_a_phone_and_the_sheet_follows(login, tmp_path):
    sheet = ScoreSheet.objects.get(branch__name="法泥村党支部", framework__code="standardization")
    year = sheet.year
    # the sheet's year is the demo year: the records go in on its last day so far (today, or 31 December)
    day = min(today(), date(year, 12, 31))
    member = (
        Member.objects.filter(branch=sheet.branch)
        .exclude(deeds__confirmed_at__isnull=False, deeds__done_on__year=year)  # no points yet this year
        .order_by("name")
        .first()
    )
    if member is None:  # on some days the demo's draws give every member a deed: clear one member's year
        member = Member.objects.filter(branch=sheet.branch).order_by("name").first()
        MemberDeed.objects.filter(member=member, done_on__year=year).delete()
    photo = tmp_path / "主题党日.jpg"
    Image.new("RGB", (1200, 900), (200, 30, 30)).save(photo, "JPEG")

    page = login("fani", mobile=True)
    violations = []  # the pages' Content-Security-Policy must never have to block anything of ours
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.goto(page.url + f"scoring/sheets/{sheet.pk}/")
    theme_before = _records(page, "3.4.1")
    # 7.2.2 counts the members with points (a confirmed deed, under the township's scheme)
    points_before = int(re.search(r"中 (\d+) 名\d+年有积分", _fact(page, "7.2.2"))[1])

    records = page.url.split("/scoring/")[0] + f"/branches/{sheet.branch_id}"
    page.goto(f"{records}/life/?year={year}")
    page.fill("#id_held_on", day.isoformat())
    page.fill("#id_topic", "学习日：学习新修订的《条例》")
    attendees = page.locator("input[name=attendees]")
    assert attendees.nth(0).is_checked()  # everyone is ticked; the secretary unticks who was away
    away = page.locator(".attendance-row").nth(attendees.count() - 1)
    assert not away.locator("select").is_visible()  # a reason is asked only of who is unticked
    attendees.nth(attendees.count() - 1).uncheck()
    away.locator("select").select_option(label="外出务工经商")
    page.set_input_files("#id_photos", str(photo))
    shot(page, "records_life_form_mobile", full_page=False)
    page.get_by_role("button", name="记录").click()
    assert "已记录主题党日" in page.content()
    page.goto(f"{records}/life/?year={year}")  # saved, it lands on the current year: back to the sheet's
    first = page.get_by_test_id("life-records").locator("li").first
    assert "学习新修订的《条例》" in first.inner_text() and first.locator("img").count() == 1
    assert "缺席 1 人" in first.inner_text() and "（外出务工经商）" in first.inner_text()

    page.get_by_role("link", name="办实事和服务").click()
    page.select_option("#id_member", label=member.name)
    page.fill("#id_description", "帮助代办高龄补贴")
    page.fill("#id_beneficiary", "三组高龄老人户")
    page.fill("#id_done_on", day.isoformat())
    page.get_by_role("button", name="记录").click()
    assert "待支部书记确认后计入" in page.content()
    page.goto(f"{records}/deeds/?year={year}")
    deed = page.get_by_test_id("deeds").locator("li", has_text="帮助代办高龄补贴").first
    deed.get_by_role("button", name="确认").click()
    page.goto(f"{records}/deeds/?year={year}")
    assert page.get_by_test_id("deeds").locator("li", has_text="帮助代办高龄补贴").first.inner_text().count("已确认")

    page.get_by_role("link", name="公开承诺").click()
    pledge = page.get_by_test_id("pledges").locator("li", has=page.locator("text=待兑现")).first
    pledge.locator("summary", has_text="标记兑现情况").click()
    pledge.locator("input[name=note]").fill("已带动2户种植中药材，群众签字确认")
    pledge.get_by_role("button", name="保存").click()
    assert "已标记承诺兑现情况" in page.content()
    shot(page, "records_pledges_mobile")

    page.goto(page.url.split("/branches/")[0] + f"/scoring/sheets/{sheet.pk}/")
    assert _records(page, "3.4.1") == theme_before + 1
    assert f"中 {points_before + 1} 名{year}年有积分" in _fact(page, "7.2.2")
    page.get_by_test_id("fact-3.4.1").locator("summary").click()
    page.get_by_test_id("fact-3.4.1").scroll_into_view_if_needed()
    shot(page, "records_sheet_follows_mobile", full_page=False)
    assert violations == []
