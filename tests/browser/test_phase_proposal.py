"""Issue 17: on the creation page the proposed phase dates follow the kind and the year (htmx
swaps the phase block; no inline script under the CSP), and what is shown is what is created."""

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign, PhaseKind
from campaigns.workflow import today
from scoring.models import Framework

pytestmark = pytest.mark.browser


def test_the_phase_block_follows_the_kind_and_the_year(login, demo_site):
    staff = login("guanxing")
    staff.goto(f"{demo_site}/campaigns/new/")
    block = staff.get_by_test_id("phase-proposal")
    staff.select_option("#id_kind", label="党支部建设标准化")
    block.get_by_text("对标部署、对标推进").wait_for()
    next_year = today().year + 1
    staff.fill("#id_year", str(next_year))
    staff.locator("#id_year").dispatch_event("change")
    expect(staff.locator("[name=phase_preparation_starts_on]")).to_have_value(f"{next_year}-05-31")
    assert "已顺延" not in block.inner_text() and "专题业务培训" in block.inner_text()
    staff.locator("#id_county_review").uncheck()
    expect(staff.locator("[name=phase_review_starts_on]")).to_have_count(0)
    staff.fill("#id_title", "标准化（浏览器）")
    framework = Framework.objects.filter(code="standardization").latest("version")
    staff.select_option("#id_framework", value=str(framework.pk))
    staff.locator("[name=phase_naming_ends_on]").fill(f"{next_year}-12-31")
    staff.get_by_role("button", name="创建活动").click()
    assert "各阶段日期已按实施方案预填" in staff.content()
    campaign = Campaign.objects.get(title="标准化（浏览器）")
    assert campaign.county_review is False
    assert not campaign.phases.filter(kind=PhaseKind.REVIEW).exists()
    naming = campaign.phases.get(kind=PhaseKind.NAMING)
    assert f"{naming.ends_on:%Y-%m-%d}" == f"{next_year}-12-31"
