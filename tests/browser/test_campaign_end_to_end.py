"""One 五好 campaign end to end with the demo data, in headless Chromium:
create → self-assessment with a photo → a return and a resubmission →
verification and recommendation → county sample, one adjusted, the rest
confirmed → publicity with an objection dismissed → naming. The campaign
page's counts are checked at every step."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from PIL import Image

from branches.models import User
from campaigns.models import Campaign, PhaseKind
from campaigns.workflow import today, transition, verification_open
from tests.browser.screens import shot
from tests.campaigns.helpers import fill_sheet, open_phase

pytestmark = pytest.mark.browser

BRANCHES = ["法泥村党支部", "新寨村党支部", "坡脚村党支部"]
STATE_COLUMNS = [
    "未开始",
    "自评中",
    "已申报",
    "已退回",
    "验收通过",
    "验收未通过",
    "已推荐",
    "复核通过",
    "复核未通过",
    "公示中",
    "公示未通过",
    "已命名",
]


def counts(page, url):
    """The 合计 row of the campaign page's progress table, by state label."""
    page.goto(url)
    cells = page.locator("[data-testid=progress] tr.fw-semibold td").all_inner_texts()[1:]
    return {label: int(n) for label, n in zip(STATE_COLUMNS, cells, strict=True) if int(n)}


def fill_all_items(page, points_off_first_graded=0):
    """Fill every item of the sheet on the page at full marks, as a person would tap through it."""
    page.evaluate(
        """(off) => {
          let first = true;
          document.querySelectorAll('#sheet-form input[type=radio][value="是"]').forEach(r => { if (!r.disabled) r.checked = true; });
          document.querySelectorAll('#sheet-form input[type=number]').forEach(i => {
            if (i.disabled) return;
            if (i.name.endsWith('-value') && i.step === '1' && !i.max) { i.value = '0'; return; }
            let value = parseFloat(i.max || '0');
            if (i.closest('.card').querySelector('.input-group-text').innerText.includes('加分')) value = 0;
            if (first && off && value >= off && i.closest('.card').innerText.includes('分档')) { value -= off; first = false; }
            i.value = String(value);
          });
        }""",
        points_off_first_graded,
    )
    for reason in page.locator("input[name$='-reason']").all():
        if reason.is_enabled():
            reason.fill("与村账核对，一次性补助已剔除")
    page.get_by_role("button", name="保存", exact=True).click()
    assert "已保存" in page.content()


def test_a_wuhao_campaign_end_to_end(login, demo_site, tmp_path):
    staff = login("guanxing")
    staff.goto(f"{demo_site}/campaigns/new/")
    staff.select_option("#id_kind", label="五好党支部创建")
    staff.fill("#id_title", "2026年关兴镇“五好党支部”创建")
    staff.select_option("#id_framework", label="“五好党支部”创建考核评分表（第1版）")
    for box in staff.locator("input[name=branches]").all():
        label = staff.locator(f"label[for='{box.get_attribute('id')}']").inner_text()
        if label.strip() not in BRANCHES:
            box.uncheck()
    staff.get_by_role("button", name="创建活动").click()
    assert "各阶段日期已按实施方案预填" in staff.content()
    assert "自查自评、整改提升" in staff.get_by_test_id("phases").inner_text()
    campaign = Campaign.objects.get(title="2026年关兴镇“五好党支部”创建")
    url = f"{demo_site}/campaigns/{campaign.pk}/"
    assert counts(staff, url) == {"未开始": 3}
    open_phase(campaign, PhaseKind.SELF_ASSESSMENT)

    # The secretary of 法泥村, on a phone: start, fill, attach a photo, submit.
    secretary = login("fani", mobile=True)
    participant = campaign.participants.get(branch__name="法泥村党支部")
    secretary.goto(f"{demo_site}/campaigns/participants/{participant.pk}/")
    secretary.locator("button[data-action=start]").click()
    fill_all_items(secretary)
    photo = tmp_path / "meeting.jpg"
    Image.new("RGB", (3000, 2000), (200, 30, 30)).save(photo, "JPEG")
    secretary.locator("input[name='file-1.1']").set_input_files(str(photo))
    secretary.locator("button[name=item][value='1.1']").click()
    # only the item's files are swapped in (htmx); wait for them rather than for a page load
    secretary.get_by_test_id("evidence-1.1").locator("img").wait_for()
    assert "已为评分项 1.1 上传“meeting.jpg”" in secretary.get_by_test_id("evidence-1.1").inner_text()
    assert secretary.get_by_test_id("evidence-1.1").locator("img").count() == 1
    shot(secretary, "e2e_secretary_sheet", full_page=False)
    secretary.goto(f"{demo_site}/campaigns/participants/{participant.pk}/")
    secretary.locator("button[data-action=submit]").click()
    assert secretary.get_by_test_id("state").inner_text() == "已申报"

    # The two other branches are filled and submitted by the township on their behalf.
    township = User.objects.get(username="guanxing")
    for name in BRANCHES[1:]:
        other = campaign.participants.get(branch__name=name)
        transition(other, "start", actor=township)
        other.refresh_from_db()
        fill_sheet(other.self_sheet, township)
        transition(other, "submit", actor=township)
    assert counts(staff, url) == {"已申报": 3}

    # Verification: 法泥村 is returned on item 1.1, revised and resubmitted.
    open_phase(campaign, PhaseKind.VERIFICATION)
    staff.goto(f"{demo_site}/campaigns/participants/{participant.pk}/")
    staff.locator("summary", has_text="退回修改").click()
    staff.locator("#ret-1\\.1").check()
    staff.fill("input[name='reason-1.1']", "支委会记录缺两次，请补充并重新评分")
    staff.get_by_role("button", name="退回", exact=True).click()
    assert staff.get_by_test_id("state").inner_text() == "已退回"
    assert counts(staff, url) == {"已申报": 2, "已退回": 1}

    secretary.goto(
        f"{demo_site}/scoring/sheets/{participant.self_sheet_id if participant.self_sheet_id else campaign.participants.get(pk=participant.pk).self_sheet_id}/"
    )
    assert "只能修改黄色框标出的 1 项" in secretary.content()
    assert secretary.locator("input[name='1.2-value']").is_disabled()
    secretary.fill("input[name='1.1-value']", "1")
    secretary.fill("input[name='1.1-comment']", "补开支委会 2 次，记录已上传")
    secretary.get_by_role("button", name="保存", exact=True).click()
    secretary.goto(f"{demo_site}/campaigns/participants/{participant.pk}/")
    secretary.locator("button[data-action=resubmit]").click()
    assert secretary.get_by_test_id("state").inner_text() == "已申报"

    staff.goto(f"{demo_site}/campaigns/participants/{participant.pk}/")
    assert "1.1" in staff.get_by_test_id("resubmission-changes").inner_text()
    staff.get_by_role("button", name="打开验收评分表").click()
    fill_all_items(staff)
    staff.goto(f"{demo_site}/campaigns/participants/{participant.pk}/")
    staff.locator("#m-report").check()
    staff.locator("#m-site").check()
    staff.locator("#m-appraisal").check()
    staff.fill("input[name=satisfied]", "42")
    staff.fill("input[name=basic]", "6")
    staff.fill("input[name=unsatisfied]", "2")
    staff.get_by_role("button", name="验收通过").click()
    assert staff.get_by_test_id("state").inner_text() == "验收通过"
    staff.locator("button[data-action=recommend]").click()
    assert staff.get_by_test_id("state").inner_text() == "已推荐"
    for name in BRANCHES[1:]:
        other = campaign.participants.get(branch__name=name)
        fill_sheet(verification_open(other, actor=township), township)
        transition(other, "pass", actor=township, data={"methods": ["records"]})
        transition(other, "recommend", actor=township)
    assert counts(staff, url) == {"已推荐": 3}
    shot(staff, "e2e_campaign_recommended")

    # The county draws its sample, re-scores the sampled one lower, confirms the rest.
    open_phase(campaign, PhaseKind.REVIEW)
    county = login("county")
    county.goto(url)
    county.get_by_role("button", name="抽取复核样本").click()
    assert "抽中 1 个单位复核" in county.content()
    sampled = campaign.participants.get(sampled=True)
    county.goto(f"{demo_site}/campaigns/participants/{sampled.pk}/")
    county.get_by_role("button", name="复核评分", exact=True).click()
    fill_all_items(county, points_off_first_graded=2)
    county.goto(f"{demo_site}/campaigns/participants/{sampled.pk}/")
    county.fill("input[name=comment]", "座谈走访发现党员作用发挥一般，扣 2 分")
    county.get_by_role("button", name="按复核评分调整").click()
    assert county.get_by_test_id("final-total").inner_text() == "98"
    county.goto(url)
    county.get_by_role("button", name="结束复核（未抽中的按推荐确认）").click()
    assert "2 个未抽中的推荐单位按推荐确认" in county.content()
    assert counts(county, url) == {"复核通过": 3}

    # Publicity, with one objection recorded and dismissed.
    open_phase(campaign, PhaseKind.PUBLICITY)
    county.goto(url)
    county.get_by_role("button", name="开始公示（5 天）").click()
    assert counts(county, url) == {"公示中": 3}
    campaign.refresh_from_db()
    public = county.context.browser.new_context().new_page()  # no login
    public.goto(f"{demo_site}/public/campaigns/{campaign.public_token}/")
    assert public.get_by_test_id("publicity-list").locator("tbody tr").count() == 3
    assert "公示期" in public.content()
    shot(public, "e2e_publicity_page")
    county.goto(f"{demo_site}/campaigns/participants/{participant.pk}/")
    county.fill("#id_content", "反映该村党员活动室长期锁门")
    county.get_by_role("button", name="登记").click()
    county.fill("input[name=note]", "经实地核实，活动室每周开放，异议不成立")
    county.get_by_role("button", name="不成立").click()
    assert "不成立" in county.get_by_test_id("objections").inner_text()

    # Naming, once publicity is over.
    open_phase(campaign, PhaseKind.NAMING)
    Campaign.objects.filter(pk=campaign.pk).update(publicity_ends_on=today() - timedelta(days=1))
    county.goto(url)
    county.get_by_role("button", name="命名").click()
    assert "已命名 3 个单位" in county.content()
    assert counts(county, url) == {"已命名": 3}
    shot(county, "e2e_campaign_named")
    county.goto(f"{demo_site}/branches/{participant.branch_id}/")
    assert "2026年关兴镇“五好党支部”创建：已于" in county.get_by_test_id("titles").inner_text()
    timeline = county.context.new_page()
    timeline.goto(f"{demo_site}/campaigns/participants/{participant.pk}/")
    steps = timeline.get_by_test_id("timeline").inner_text()
    review_step = "复核调整分数" if sampled.pk == participant.pk else "复核确认"  # the draw decides
    for label in (
        "开始自评",
        "申报",
        "退回修改",
        "修改后重新申报",
        "验收通过",
        "推荐至县委组织部",
        review_step,
        "公示",
        "命名",
    ):
        assert label in steps
    shot(timeline, "e2e_participant_timeline")
    final = campaign.participants.get(pk=sampled.pk).final_total
    assert final == D(98)
