"""A village secretary fills a score sheet on a phone and sees the total."""

import pytest

from common.dates import demo_year
from scoring.models import ScoreSheet
from tests.browser.screens import shot

pytestmark = pytest.mark.browser


def _total_becomes(page, text):
    # a function, not an expression string: Playwright evals expressions, which the pages' CSP forbids
    page.wait_for_function(f"() => document.querySelector('[data-testid=total]').innerText === '{text}'")


def shown(total) -> str:
    """A total as the sheet shows it (``floatformat:"-2"``: 37.50, 41)."""
    from django.template.defaultfilters import floatformat

    return floatformat(total, "-2")


def test_secretary_fills_a_sheet_on_a_phone(login):
    page = login("fani", mobile=True)
    page.get_by_role("link", name="查看本支部").click()
    page.get_by_role("link", name="建立评分表").click()
    page.select_option("#id_framework", label="“五好党支部”创建考核评分表（第1版）")
    page.select_option("#id_stage", label="自查自评")
    page.fill("#id_year", str(demo_year()))  # the year whose records the demo holds
    page.get_by_role("button", name="建立评分表").click()
    assert "评分表已建立" in page.content()

    # 法泥村's collective income that year (36,500 元) is on record: 2.1 is pre-filled as not met.
    assert f"{demo_year()}年村集体经济收入 36,500 元" in page.locator("[data-item='2.1']").inner_text()
    assert page.locator("#v-2\\.1-no").is_checked()
    # its demo appraisal (满意 27 + 基本满意 2 of 30 valid forms: 96.7 % ≥ 95) fills 5.5 with all 8 points
    assert "满意率 96.7%" in page.locator("[data-item='5.5']").inner_text()
    # and the items its records decide (1.1 committee, 1.7 pledges and deeds, 3.5 clean-ups, 5.2
    # disclosures, 5.4 problems solved; 2.2, 2.4, 3.1, 4.1, 4.3, 4.8 from the 台账资料): what the demo's
    # records, and the months and quarters over by today, make of them
    opened = ScoreSheet.objects.filter(branch__name="法泥村党支部", framework__code="wuhao").latest("pk").total
    assert "系统数据：党员名册" in page.locator("[data-item='1.1']").inner_text()
    assert page.get_by_test_id("total").inner_text() == shown(opened)

    page.fill("input[name='1.2-value']", "3")
    page.locator("input[name='1.2-value']").blur()
    _total_becomes(page, shown(opened + 3))
    page.fill("input[name='1.6-value']", "1")  # one deduction of 1 point on a 2-point item: 1
    page.locator("input[name='1.6-value']").blur()
    _total_becomes(page, shown(opened + 4))
    assert page.get_by_test_id("grade").inner_text() == "不达标"
    shot(page, "secretary_sheet_mobile", full_page=False)

    page.get_by_role("button", name="保存", exact=True).click()
    assert "已保存" in page.content()
    assert page.locator("input[name='1.2-value']").input_value() == "3"
    assert page.get_by_test_id("total").inner_text() == shown(opened + 4)

    # Claiming the income target against the record needs a reason; without one nothing is saved.
    page.locator("label[for='v-2.1-yes']").click()
    page.get_by_role("button", name="保存", exact=True).click()
    assert "请写明修正说明" in page.locator("[data-item='2.1']").inner_text()
    page.locator("[data-item='2.1']").scroll_into_view_if_needed()
    shot(page, "secretary_sheet_override_refused", full_page=False)


def test_uploading_evidence_keeps_everything_typed(login, tmp_path):
    from PIL import Image

    photo = tmp_path / "会议照片.png"
    Image.new("RGB", (64, 48), (180, 20, 20)).save(photo)
    page = login("fani", mobile=True)
    page.get_by_role("link", name="查看本支部").click()
    page.get_by_role("link", name="建立评分表").click()
    page.select_option("#id_framework", label="“五好党支部”创建考核评分表（第1版）")
    page.select_option("#id_stage", label="自查自评")
    page.fill("#id_year", str(demo_year()))
    page.get_by_role("button", name="建立评分表").click()
    sheet_url = page.url

    page.fill("input[name='1.2-value']", "3")
    page.fill("input[name='1.6-comment']", "已补开支委会")
    page.set_input_files("input[name='file-1.2']", str(photo))  # sent as soon as it is chosen
    page.get_by_test_id("evidence-1.2").locator("img.evidence-thumb").wait_for()
    assert "已为评分项 1.2 上传“会议照片.png”" in page.get_by_test_id("evidence-1.2").inner_text()
    # the page was not reloaded: what was typed (and not yet saved) is all still there
    assert page.url == sheet_url
    assert page.locator("input[name='1.2-value']").input_value() == "3"
    assert page.locator("input[name='1.6-comment']").input_value() == "已补开支委会"
    shot(page, "secretary_sheet_evidence_kept_entries", full_page=False)

    page.get_by_role("button", name="保存", exact=True).click()
    assert "已保存" in page.content()
    assert page.locator("input[name='1.2-value']").input_value() == "3"
    assert page.locator("input[name='1.6-comment']").input_value() == "已补开支委会"
    assert page.get_by_test_id("evidence-1.2").locator("img.evidence-thumb").count() == 1
