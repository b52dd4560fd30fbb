"""法泥村's secretary prepares the members' ratings of the demo year on a phone — most items already
filled from each member's records — adjusts one with a reason, records the branch meeting and sends
it up; 关兴镇 approves; a member's page shows the year before's stars and this year's. Screenshots
in test-artifacts/screenshots/ for a person to look at."""

import pytest

from branches.models import Branch
from common.dates import demo_year
from ratings.models import BranchRating, MemberRating, RatingStatus
from tests.browser.screens import shot

pytestmark = pytest.mark.browser


def test_secretary_prepares_the_meeting_decides_the_township_approves(login, demo_site):
    branch = Branch.objects.get(name="法泥村党支部")
    year = demo_year()
    page = login("fani", mobile=True)
    assert f"{year}年度党员星级评定" in page.get_by_test_id("rating-tasks").inner_text()  # on her 工作台
    page.goto(f"{demo_site}/branches/{branch.pk}/")
    card = page.get_by_test_id("member-ratings")
    assert f"{year - 1}年" in card.inner_text()  # the year before, approved (demo history)
    card.get_by_role("link", name=f"{year}年度评定").click()
    page.wait_for_url(f"**/ratings/branches/{branch.pk}/{year}/")

    members = page.get_by_test_id("member-rating")
    count = members.count()
    assert count >= 20
    # most items come from the records: of the 11 items that score (5.2 is the veto), more than half per member
    scored = page.locator("[data-item]:not([data-item='5.2']) [data-testid=item-source] .badge")
    from_records = page.locator("[data-item]:not([data-item='5.2']) [data-testid=item-source] .badge.text-bg-success")
    assert from_records.count() > scored.count() / 2, (from_records.count(), scored.count())
    assert scored.count() == 11 * count

    first = members.nth(0)
    name = first.locator("summary .fw-semibold").inner_text()
    first.locator("summary").click()
    item = first.locator("[data-item='1.2']")
    item.locator("input[name^=v-]").fill("3")
    item.locator("input[name^=r-]").fill("全年未交学习笔记")
    shot(page, "ratings-secretary-adjusts-phone")
    page.get_by_test_id("save-ratings").click()
    page.wait_for_load_state("networkidle")
    assert "已保存" in page.content()
    assert "1 项调整" in page.get_by_test_id("member-summary").nth(0).inner_text()

    page.fill("#id_meeting_attendance", str(count - 2))
    page.fill("#id_meeting_result", f"表决通过：同意 {count - 2} 票，不同意 0 票，弃权 0 票")
    page.get_by_role("button", name="记录大会决定并报镇党委审批").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("rating-status").inner_text() == "支部大会已决定"
    shot(page, "ratings-decided-phone")

    staff = login("guanxing")
    waiting = staff.get_by_test_id("rating-tasks")
    assert f"{branch.name}{year}年度党员星级评定待审批" in waiting.inner_text()  # on the township's 工作台
    shot(staff, "ratings-township-home")
    staff.goto(f"{demo_site}/ratings/")
    overview = staff.get_by_test_id("rating-overview")
    assert "支部大会已决定" in overview.locator("tbody tr").nth(0).inner_text()  # waiting ones first
    overview.get_by_role("link", name=f"关兴镇 {branch.name}").click()
    staff.get_by_test_id("approve").click()
    staff.wait_for_load_state("networkidle")
    assert staff.get_by_test_id("rating-status").inner_text() == "镇党委已审批"
    shot(staff, "ratings-approved")
    rating = BranchRating.objects.get(branch=branch, year=year)
    assert rating.status == RatingStatus.APPROVED and rating.meeting_attendance == count - 2

    member = MemberRating.objects.get(branch_rating=rating, member__name=name).member
    staff.goto(f"{demo_site}/ratings/members/{member.pk}/")
    history = staff.get_by_test_id("member-history")
    assert history.locator(f"[data-year='{year}'] [data-testid=history-stars]").is_visible()
    assert history.locator(f"[data-year='{year - 1}'] [data-testid=history-stars]").is_visible()
    shot(staff, "ratings-member-history")
    staff.goto(f"{demo_site}/branches/{branch.pk}/")
    distribution = staff.get_by_test_id("rating-distribution").inner_text()
    assert f"{year}年" in distribution and f"{year - 1}年" in distribution
    shot(staff, "ratings-branch-page")
