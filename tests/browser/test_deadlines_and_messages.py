"""Issue 17 in headless Chromium with the demo county: a township creates a campaign whose plan's
dates are past and accepts the moved dates; adds a milestone; the secretary's 工作台 counts down in
yellow; the township urges the two lagging branches and both secretaries see it; a returned sheet
and an objection raised on the public page each put a message in the right inboxes, whose link
opens where the work is. The interactions each person needs are counted."""

from datetime import date, timedelta

import pytest

from branches.models import Branch, User
from campaigns.models import Campaign, Milestone, Participant, PhaseKind, State
from common.dates import today
from inbox.models import Kind, Message
from ops.demo import DEMO_PASSWORD
from tests.browser.screens import shot
from tests.campaigns.helpers import open_phase

pytestmark = pytest.mark.browser


def _second_secretary(branch: Branch) -> User:
    user = User(username="xinzhai", full_name="韦秀兰", role="branch_secretary", branch=branch)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def test_deadlines_milestones_urging_and_messages(login, demo_site, browser):
    staff = login("guanxing")
    demo = Campaign.objects.get(title__contains="五好党支部", township__name="关兴镇")
    open_phase(demo, PhaseKind.VERIFICATION)  # the demo's 五好 campaign: submitted sheets wait for verification
    returned = demo.participants.filter(state=State.SUBMITTED).select_related("branch").first()
    second = _second_secretary(returned.branch)

    # 1. A campaign whose plan is (partly) past: the form offers moved dates; one click accepts them.
    day = today()
    year = day.year if day >= date(day.year, 7, 1) else day.year - 1  # 标准化 starts 31 May: always past
    staff.goto(f"{demo_site}/campaigns/new/")
    staff.select_option("#id_kind", "standardization")
    staff.fill("#id_year", str(year))
    staff.locator("#id_objection_contact").click()  # leaving the year refreshes the proposal
    moved = staff.get_by_test_id("proposal-moved")
    moved.wait_for()
    assert "已自今天起依次顺延" in moved.inner_text()
    shot(staff, "i17_create_moved_dates")
    # three interactions (kind, year, create): the title, the framework and every phase date are the product's
    assert staff.locator("#id_title").input_value() == "" and staff.locator("#id_framework").input_value() == ""
    dates = staff.locator("input[name^=phase_]")
    assert dates.count() == 12 and all(value for value in (d.input_value() for d in dates.all()))
    staff.get_by_role("button", name="创建活动").click()
    campaign = Campaign.objects.latest("pk")
    assert campaign.title == f"{year}年关兴镇党支部建设标准化" and campaign.framework.code == "standardization"
    phases = list(campaign.phases.order_by("position"))
    assert all(p.ends_on >= day for p in phases), "no phase is over at creation"
    assert phases[0].starts_on == day

    # 2. A milestone under the self-assessment phase, on the phase page.
    self_phase = campaign.phases.get(kind=PhaseKind.SELF_ASSESSMENT)
    staff.goto(f"{demo_site}/campaigns/{campaign.pk}/phases/")
    due = self_phase.starts_on + timedelta(days=2)
    extra = Milestone.objects.filter(phase=self_phase).count()
    staff.fill(f"[name='milestones-{self_phase.pk}-{extra}-title']", "召开支部党员大会通报自评")
    staff.fill(f"[name='milestones-{self_phase.pk}-{extra}-due_on']", due.isoformat())
    staff.select_option(f"[name='milestones-{self_phase.pk}-{extra}-actor']", "branch")
    staff.get_by_role("button", name="保存", exact=True).click()
    assert Milestone.objects.filter(phase=self_phase, title="召开支部党员大会通报自评", due_on=due).exists()
    assert "召开支部党员大会通报自评" in staff.get_by_test_id("phases").inner_text()
    shot(staff, "i17_detail_with_milestone")

    # 3. Self-assessment under way, ending in three days: the secretary's home counts down in yellow.
    phases = list(campaign.phases.order_by("position"))
    for phase in phases:
        phase.starts_on, phase.ends_on = {
            PhaseKind.PREPARATION: (day - timedelta(days=30), day - timedelta(days=10)),
            PhaseKind.SELF_ASSESSMENT: (day - timedelta(days=9), day + timedelta(days=3)),
        }.get(phase.kind, (day + timedelta(days=4), day + timedelta(days=40)))
        phase.save()
    Milestone.objects.filter(phase__campaign=campaign).update(due_on=day + timedelta(days=2))
    secretary = login("fani", mobile=True)
    task = (
        secretary.get_by_test_id("campaign-tasks")
        .locator("li")
        .filter(has=secretary.get_by_role("link", name=campaign.title, exact=True))
    )
    countdown = task.get_by_test_id("task-deadline").locator(".countdown")
    assert "countdown-yellow" in countdown.get_attribute("class") and "剩 3 天" in countdown.inner_text()
    shot(secretary, "i17_secretary_home_yellow")

    # 4. 催办: the two branches drafting with three days left, all ticked, one note.
    lagging = campaign.participants.filter(branch__in=[second.branch, Branch.objects.get(name="法泥村党支部")])
    lagging.update(state=State.DRAFTING)
    staff.goto(f"{demo_site}/campaigns/{campaign.pk}/")
    staff.get_by_test_id("urge-open").click()
    staff.get_by_test_id("urge-filters").get_by_text("自评中、剩 3 天内").click()
    rows = staff.get_by_test_id("urge-rows").locator("tbody tr")
    assert rows.count() == 2 and staff.locator("input[name=branch]:checked").count() == 2
    staff.fill("#urge-note", "自评还剩 3 天，请抓紧完成并申报。")
    staff.get_by_test_id("urge-send").click()
    assert "已向 2 个党支部发送催办" in staff.content()
    assert staff.get_by_test_id("urged").all_inner_texts()[0].startswith("1 次")
    shot(staff, "i17_urge_sent")
    for page in (secretary, login("xinzhai")):
        page.goto(f"{demo_site}/")
        urge = page.get_by_test_id("home-urge").first
        assert "关兴镇党委催办" in urge.inner_text() and "请抓紧完成并申报" in urge.inner_text()
    assert "1" in secretary.get_by_test_id("inbox-unread-phone").inner_text()  # seen on a phone without the menu
    shot(secretary, "i17_secretary_sees_urge")

    # 5. A returned sheet: the secretary of that branch is told, and the link opens the sheet.
    staff.goto(f"{demo_site}/campaigns/participants/{returned.pk}/")
    staff.locator("summary", has_text="退回修改").click()
    staff.locator("#ret-1\\.1").check()
    staff.fill("input[name='reason-1.1']", "支委会记录缺两次，请补充")
    staff.get_by_role("button", name="退回", exact=True).click()
    xinzhai = login("xinzhai")
    assert xinzhai.get_by_test_id("inbox-unread").inner_text() == "2"  # the 催办 and the return
    xinzhai.get_by_test_id("inbox-link").click()
    xinzhai.locator("[data-kind=returned]").click()
    returned.refresh_from_db()
    assert xinzhai.url.endswith(f"/scoring/sheets/{returned.self_sheet_id}/")
    assert "只能修改黄色框标出的 1 项" in xinzhai.content()
    shot(xinzhai, "i17_returned_link_opens_sheet")

    # 6. An objection on the public page: the county and the township each get it, the link works.
    listed = demo.participants.exclude(pk=returned.pk).filter(state=State.SUBMITTED).first()
    Participant.objects.filter(pk=listed.pk).update(state=State.PUBLICIZED)
    Campaign.objects.filter(pk=demo.pk).update(publicity_starts_on=day, publicity_ends_on=day + timedelta(days=4))
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{demo_site}/public/campaigns/{demo.public_token}/")
    public.select_option("select[name=participant]", str(listed.pk))
    public.fill("textarea[name=content]", "该村党员大会记录有补写的情况，请核实。")
    public.get_by_role("button", name="提交").click()
    assert Message.objects.filter(kind=Kind.OBJECTION).count() == 2  # the county's reviewer and the township's staff
    for who in ("county", "guanxing"):
        page = login(who)
        page.goto(f"{demo_site}/messages/?kind=objection")
        page.locator("[data-kind=objection]").first.click()
        assert page.url.endswith(f"/campaigns/participants/{listed.pk}/")
        assert "该村党员大会记录有补写的情况" in page.content()
    shot(page, "i17_objection_link_opens_participant")
    public.context.close()
