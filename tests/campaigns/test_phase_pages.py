"""Issue 17: a campaign created mid-year is offered dates that are not past, accepted or edited
on the one creation page; milestones are edited on the phase page; on a township campaign the
county re-checks, the county manages 抽查复核, 公示 and 命名 and the township the rest."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from campaigns.models import Campaign, Milestone, Phase, PhaseKind
from campaigns.plans import ERROR_MILESTONE_OUTSIDE, ERROR_OUT_OF_ORDER, phase_plan
from campaigns.services import campaign_create, phase_schedule_save
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework

AUGUST_1 = datetime(2026, 8, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
COUNTY_STAGES = (PhaseKind.REVIEW, PhaseKind.PUBLICITY, PhaseKind.NAMING)


@pytest.fixture
def on_august_1():
    with time_machine.travel(AUGUST_1, tick=False):
        yield


def _creation_post(cast, **extra):
    return {
        "kind": "standardization",
        "year": 2026,
        "title": "2026年关兴镇党支部建设标准化",
        "framework": Framework.objects.get(code="standardization").pk,
        "branches": [cast.branch.pk],
        "county_review": "on",
        "publicity_days": 5,
        "sample_rate": "0.3",
        "sample_min_per_township": 1,
        **extra,
    }


def _campaign(cast, *, actor="township_staff", county_review=True, kind="standardization"):
    load_builtin_frameworks()
    return campaign_create(
        kind=kind,
        year=2027,
        title="活动",
        framework=Framework.objects.get(code=kind),
        branches=[cast.branch],
        actor=cast.users[actor],
        county_review=county_review,
        # the seed's dates as they are, whatever day the suite runs on (TEST_TODAY)
        phases=phase_plan(kind, 2027, county_review=county_review),
    )


def _schedule_post(campaign, kinds=None, **changes):
    """What the phase page sends back unchanged for the phases of ``kinds`` (all by default);
    ``changes`` override fields, e.g. ``{"phase-3-ends_on": "..."}`` given as keyword dict."""
    data = {}
    for phase in campaign.phases.all():
        if kinds is not None and phase.kind not in kinds:
            continue
        prefix = f"phase-{phase.pk}"
        data |= {
            f"{prefix}-title": phase.title,
            f"{prefix}-starts_on": f"{phase.starts_on:%Y-%m-%d}",
            f"{prefix}-ends_on": f"{phase.ends_on:%Y-%m-%d}",
        }
        milestones = list(phase.milestones.all())
        prefix = f"milestones-{phase.pk}"
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(milestones) + 1),
            f"{prefix}-INITIAL_FORMS": str(len(milestones)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for i, m in enumerate(milestones):
            data |= {
                f"{prefix}-{i}-id": str(m.pk),
                f"{prefix}-{i}-title": m.title,
                f"{prefix}-{i}-due_on": f"{m.due_on:%Y-%m-%d}",
                f"{prefix}-{i}-actor": m.actor,
            }
    data.update(changes)
    return data


def _calendar(campaign):
    return [
        (p.kind, p.title, p.starts_on, p.ends_on, [(m.title, m.due_on, m.actor) for m in p.milestones.all()])
        for p in Phase.objects.filter(campaign=campaign).prefetch_related("milestones")
    ]


# --- creating mid-year --------------------------------------------------------------------------


def test_it_offers_the_moved_dates_on_the_creation_page(cast, client_for, on_august_1):
    load_builtin_frameworks()
    page = client_for(cast.users["township_staff"]).get(reverse("campaigns:new"))
    html = page.content.decode()
    assert 'data-testid="phase-proposal"' in html
    # the first kind offered is 五好: 组织实施 (4/20–9/30) has 60 days left, so it starts today and keeps 9/30
    assert 'name="phase_preparation_starts_on" value="2026-08-01"' in html
    assert 'name="phase_preparation_ends_on" value="2026-09-30"' in html
    assert "原定 4月20日—9月30日，已顺延" in html and "2026年8月1日" in html
    assert 'name="phase_self_assessment_starts_on" value="2026-10-01"' in html  # still ahead: the seed's date


def test_the_proposal_follows_the_kind_and_year(cast, client_for, on_august_1):
    client = client_for(cast.users["township_staff"])
    url = reverse("campaigns:phase_proposal")
    next_year = client.get(url, {"kind": "standardization", "year": 2027, "county_review": "on"}).content.decode()
    assert 'value="2027-05-31"' in next_year and "已顺延" not in next_year and "专题业务培训" in next_year
    this_year = client.get(url, {"kind": "standardization", "year": 2026}).content.decode()
    assert 'name="phase_preparation_starts_on" value="2026-08-01"' in this_year
    assert 'name="phase_review_starts_on"' not in this_year  # box unticked: no county review phase
    assert client.get(url, {"kind": "nonsense", "year": "x"}).status_code == 200
    secretary = client_for(cast.users["branch_secretary"])
    assert secretary.get(url, {"kind": "wuhao", "year": 2026}).status_code == 403


def test_it_creates_a_campaign_mid_year_with_the_proposed_dates(cast, client_for, on_august_1):
    load_builtin_frameworks()
    client = client_for(cast.users["township_staff"])
    response = client.post(
        reverse("campaigns:new"),
        _creation_post(cast, phase_preparation_starts_on="2026-08-01", phase_preparation_ends_on="2026-10-30"),
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    phases = {p.kind: p for p in campaign.phases.prefetch_related("milestones")}
    assert (phases["preparation"].starts_on, phases["preparation"].ends_on) == (date(2026, 8, 1), date(2026, 10, 30))
    assert all(p.ends_on >= date(2026, 8, 1) for p in phases.values())
    # the seed's 对标考核 dates were still ahead: kept
    assert phases["self_assessment"].starts_on == date(2026, 11, 1) and phases["naming"].ends_on == date(2026, 12, 20)
    training = phases["preparation"].milestones.get(title="专题业务培训")
    assert (training.due_on, training.get_actor_display()) == (date(2026, 8, 11), "乡镇党委")  # 6/10 + 62 days
    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "专题业务培训" in detail and 'data-testid="countdown"' in detail


def test_an_edited_date_is_taken_and_the_milestones_follow(cast, client_for, on_august_1):
    load_builtin_frameworks()
    client = client_for(cast.users["township_staff"])
    client.post(
        reverse("campaigns:new"),
        _creation_post(cast, phase_preparation_starts_on="2026-08-10", phase_preparation_ends_on="2026-10-20"),
    )
    preparation = Campaign.objects.get().phases.get(kind=PhaseKind.PREPARATION)
    assert (preparation.starts_on, preparation.ends_on) == (date(2026, 8, 10), date(2026, 10, 20))
    assert all(preparation.starts_on <= m.due_on <= preparation.ends_on for m in preparation.milestones.all())


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"phase_preparation_starts_on": "2026-09-01", "phase_preparation_ends_on": "2026-08-20"},
            "“对标部署、对标推进”的截止日期（2026-08-20）早于开始日期（2026-09-01）。",
        ),
        (
            {"phase_self_assessment_starts_on": "2026-07-20"},  # before the phase before it starts
            ERROR_OUT_OF_ORDER.format(
                phase="对标考核·自查评估",
                start="2026-07-20",
                end="2026-11-10",
                previous="对标部署、对标推进",
                previous_start="2026-08-01",
                previous_end="2026-10-30",
            ),
        ),
        ({"phase_verification_ends_on": "2026-13-45"}, "“镇党委验收截止日期”不是有效的日期"),
    ],
)
def test_bad_dates_on_the_creation_page_create_nothing(cast, client_for, on_august_1, fields, message):
    load_builtin_frameworks()
    response = client_for(cast.users["township_staff"]).post(reverse("campaigns:new"), _creation_post(cast, **fields))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Campaign.objects.exists() and not Milestone.objects.exists()


# --- milestones on the phase page ---------------------------------------------------------------


def test_it_adds_edits_and_removes_milestones(cast, client_for):
    campaign = _campaign(cast)
    preparation = campaign.phases.get(kind=PhaseKind.PREPARATION)
    first, second = preparation.milestones.all()[:2]
    count = preparation.milestones.count()
    prefix = f"milestones-{preparation.pk}"
    data = _schedule_post(
        campaign,
        **{
            f"{prefix}-{count}-title": "召开推进会",
            f"{prefix}-{count}-due_on": "2027-07-01",
            f"{prefix}-{count}-actor": "branch",
            f"{prefix}-0-title": "专题研究会议",
            f"{prefix}-1-DELETE": "on",
        },
    )
    response = client_for(cast.users["township_staff"]).post(reverse("campaigns:phases", args=[campaign.pk]), data)
    assert response.status_code == 302
    added = preparation.milestones.get(title="召开推进会")
    assert (added.due_on, added.get_actor_display()) == (date(2027, 7, 1), "党支部")
    first.refresh_from_db()
    assert first.title == "专题研究会议" and not Milestone.objects.filter(pk=second.pk).exists()
    assert preparation.milestones.count() == count  # one added, one removed


def _refused(client, campaign, data, message):
    before = _calendar(campaign)
    response = client.post(reverse("campaigns:phases", args=[campaign.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert _calendar(campaign) == before


def test_a_milestone_outside_its_phase_saves_nothing(cast, client_for):
    campaign = _campaign(cast)
    preparation = campaign.phases.get(kind=PhaseKind.PREPARATION)
    prefix = f"milestones-{preparation.pk}"
    count = preparation.milestones.count()
    data = _schedule_post(
        campaign,
        **{
            f"phase-{preparation.pk}-title": "改了名字",  # a valid change in the same post is not saved either
            f"{prefix}-{count}-title": "年底总结",
            f"{prefix}-{count}-due_on": "2027-12-01",
            f"{prefix}-{count}-actor": "township",
        },
    )
    message = ERROR_MILESTONE_OUTSIDE.format(
        milestone="年底总结", due="2027-12-01", phase="改了名字", start="2027-05-31", end="2027-10-30"
    )
    _refused(client_for(cast.users["township_staff"]), campaign, data, message)


def test_a_phase_shortened_past_its_milestones_saves_nothing(cast, client_for):
    campaign = _campaign(cast)
    preparation = campaign.phases.get(kind=PhaseKind.PREPARATION)
    data = _schedule_post(campaign, **{f"phase-{preparation.pk}-ends_on": "2027-09-30"})
    _refused(
        client_for(cast.users["township_staff"]),
        campaign,
        data,
        "“对照42个标准全面推进，问题建议汇总反馈”的日期（2027-10-30）不在",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ends_on", "2027-05-01", "的截止日期（2027-05-01）早于开始日期（2027-05-31）。"),
        (
            "ends_on",
            "2027-11-15",  # past the end of the phase after it
            "“对标考核·自查评估”（2027-11-01至2027-11-10）排在上一阶段“对标部署、对标推进”（2027-05-31至2027-11-15）之前",
        ),
        ("starts_on", "2027-02-30", "“开始日期”不是有效的日期"),
        ("starts_on", "", "请填写开始日期。"),
    ],
)
def test_bad_phase_dates_save_nothing(cast, client_for, field, value, message):
    campaign = _campaign(cast)
    preparation = campaign.phases.get(kind=PhaseKind.PREPARATION)
    data = _schedule_post(campaign, **{f"phase-{preparation.pk}-{field}": value})
    _refused(client_for(cast.users["township_staff"]), campaign, data, message)


def test_phases_may_overlap_in_order(cast, client_for):
    """The order is kept, not a gap: verification may open while self-assessment still runs."""
    campaign = _campaign(cast)
    verification = campaign.phases.get(kind=PhaseKind.VERIFICATION)
    data = _schedule_post(campaign, **{f"phase-{verification.pk}-starts_on": "2027-11-05"})
    response = client_for(cast.users["township_staff"]).post(reverse("campaigns:phases", args=[campaign.pk]), data)
    assert response.status_code == 302
    verification.refresh_from_db()
    assert verification.starts_on == date(2027, 11, 5)


def test_a_milestone_date_that_is_not_a_date_saves_nothing(cast, client_for):
    campaign = _campaign(cast)
    preparation = campaign.phases.get(kind=PhaseKind.PREPARATION)
    data = _schedule_post(campaign, **{f"milestones-{preparation.pk}-0-due_on": "六月十日"})
    _refused(client_for(cast.users["township_staff"]), campaign, data, "“完成日期”不是有效的日期")


# --- who edits which phase ----------------------------------------------------------------------


def test_the_county_manages_its_stages_of_a_township_campaign_it_rechecks(cast, client_for):
    campaign = _campaign(cast)
    county = client_for(cast.users["county_reviewer"])
    page = county.get(reverse("campaigns:phases", args=[campaign.pk])).content.decode()
    for phase in campaign.phases.all():
        editable = phase.kind in COUNTY_STAGES
        assert f'data-phase="{phase.kind}" data-editable="{int(editable)}"' in page
    review = campaign.phases.get(kind=PhaseKind.REVIEW)
    data = _schedule_post(
        campaign,
        kinds=COUNTY_STAGES,
        **{
            f"phase-{review.pk}-ends_on": "2027-12-04",
            f"milestones-{review.pk}-0-title": "抽查复核",
            f"milestones-{review.pk}-0-due_on": "2027-12-01",
            f"milestones-{review.pk}-0-actor": "county",
        },
    )
    assert county.post(reverse("campaigns:phases", args=[campaign.pk]), data).status_code == 302
    review.refresh_from_db()
    assert review.ends_on == date(2027, 12, 4) and review.milestones.filter(title="抽查复核").exists()


def test_the_township_cannot_change_the_countys_stages_nor_the_county_the_townships(cast, client_for):
    campaign = _campaign(cast)
    staff = client_for(cast.users["township_staff"])
    page = staff.get(reverse("campaigns:phases", args=[campaign.pk])).content.decode()
    assert 'data-phase="review" data-editable="0"' in page and "由县委组织部安排" in page
    before = _calendar(campaign)
    review = campaign.phases.get(kind=PhaseKind.REVIEW)
    preparation = campaign.phases.get(kind=PhaseKind.PREPARATION)
    # a tampered post: the township sends the county's review phase changed, with a milestone added
    tampered = _schedule_post(
        campaign,
        **{
            f"phase-{review.pk}-title": "乡镇改的",
            f"milestones-{review.pk}-0-title": "乡镇加的",
            f"milestones-{review.pk}-0-due_on": "2027-11-25",
            f"milestones-{review.pk}-0-actor": "township",
        },
    )
    assert staff.post(reverse("campaigns:phases", args=[campaign.pk]), tampered).status_code == 302
    assert _calendar(campaign) == before  # its own phases sent unchanged, the county's not read
    county = client_for(cast.users["county_reviewer"])
    tampered = _schedule_post(campaign, **{f"phase-{preparation.pk}-title": "县里改的"})
    assert county.post(reverse("campaigns:phases", args=[campaign.pk]), tampered).status_code == 302
    assert _calendar(campaign) == before
    # and the service refuses outright what the page would not offer
    with pytest.raises(ValueError, match="由县委组织部安排"):
        from campaigns.services import PhaseChange

        phase_schedule_save(
            campaign=campaign,
            actor=cast.users["township_staff"],
            changes=[PhaseChange(review, "乡镇改的", review.starts_on, review.ends_on)],
        )
    assert _calendar(campaign) == before


def test_the_detail_page_offers_editing_to_both_and_others_none(cast, client_for):
    campaign = _campaign(cast)
    url = reverse("campaigns:detail", args=[campaign.pk])
    edit = reverse("campaigns:phases", args=[campaign.pk])
    for who in ("township_staff", "county_reviewer"):
        assert edit in client_for(cast.users[who]).get(url).content.decode()
    secretary = client_for(cast.users["branch_secretary"])
    assert edit not in secretary.get(url).content.decode()
    assert secretary.get(edit).status_code == 403
    assert client_for(cast.users["other_township_staff"]).get(edit).status_code == 404


def test_a_county_campaign_is_all_the_countys(cast, client_for):
    campaign = _campaign(cast, actor="county_reviewer", kind="demonstration")
    page = client_for(cast.users["county_reviewer"]).get(reverse("campaigns:phases", args=[campaign.pk]))
    assert 'data-editable="0"' not in page.content.decode()
    assert client_for(cast.users["township_staff"]).get(
        reverse("campaigns:phases", args=[campaign.pk])
    ).status_code in (
        403,
        404,
    )


def test_a_township_campaign_without_the_county_is_all_the_townships(cast, client_for):
    campaign = _campaign(cast, county_review=False)
    page = client_for(cast.users["township_staff"]).get(reverse("campaigns:phases", args=[campaign.pk]))
    assert 'data-editable="0"' not in page.content.decode()
    naming = campaign.phases.get(kind=PhaseKind.NAMING)
    data = _schedule_post(campaign, **{f"phase-{naming.pk}-ends_on": "2027-12-31"})
    assert (
        client_for(cast.users["township_staff"]).post(reverse("campaigns:phases", args=[campaign.pk]), data).status_code
        == 302
    )
    naming.refresh_from_db()
    assert naming.ends_on == date(2027, 12, 31)
    assert (
        client_for(cast.users["county_reviewer"]).get(reverse("campaigns:phases", args=[campaign.pk])).status_code
        == 403
    )


def test_the_product_names_the_campaign_and_picks_the_framework_it_knows(cast, client_for, on_august_1):
    load_builtin_frameworks()
    client = client_for(cast.users["township_staff"])
    answer = client.post(reverse("campaigns:new"), _creation_post(cast, title="", framework=""))
    campaign = Campaign.objects.get()
    assert answer.status_code == 302
    assert campaign.title == "2026年关兴镇党支部建设标准化"
    assert campaign.framework == Framework.objects.filter(code="standardization").order_by("-version").first()
    # 创先争优 has two frameworks (branches, members): the page asks, and keeps what was typed
    refused = client.post(
        reverse("campaigns:new"),
        _creation_post(cast, kind="chuangxian", title="", framework="", objection_contact="电话 123"),
    )
    html = refused.content.decode()
    assert refused.status_code == 200 and "该类别有多个考核标准，请选择一个。" in html and "电话 123" in html
    assert Campaign.objects.count() == 1


def test_ticking_the_re_check_keeps_the_dates_typed_and_a_new_kind_or_year_proposes_afresh(
    cast, client_for, on_august_1
):
    client = client_for(cast.users["township_staff"])
    url = reverse("campaigns:phase_proposal")
    typed = {"phase_self_assessment_starts_on": "2026-11-03", "phase_verification_ends_on": "2026-12-01"}
    same = client.get(url, {"kind": "standardization", "year": 2026, "proposal_for": "standardization:2026", **typed})
    html = same.content.decode()
    assert 'value="2026-11-03"' in html and 'value="2026-12-01"' in html
    assert 'name="phase_review_starts_on"' not in html  # without the re-check: no review phase
    other = client.get(url, {"kind": "standardization", "year": 2027, "proposal_for": "standardization:2026", **typed})
    assert 'value="2026-11-03"' not in other.content.decode() and 'value="2027-05-31"' in other.content.decode()


def test_a_sample_size_beyond_its_range_creates_nothing(cast, client_for, on_august_1):
    """99999999999 fits SQLite's column and is stored there; PostgreSQL's refuses it (a 500)."""
    load_builtin_frameworks()
    response = client_for(cast.users["township_staff"]).post(
        reverse("campaigns:new"), _creation_post(cast, sample_min_per_township="99999999999")
    )
    assert response.status_code == 200 and "不能大于 100。" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_milestone_count_of_millions_builds_no_million_forms(cast, client_for):
    """The management form's count is the client's: a huge one is refused at 50 rows (it built 1,000
    more than asked, 20 seconds of work for each such request)."""
    campaign = _campaign(cast)
    preparation = campaign.phases.get(kind=PhaseKind.PREPARATION)
    data = _schedule_post(campaign, **{f"milestones-{preparation.pk}-TOTAL_FORMS": "99999999999"})
    response = client_for(cast.users["township_staff"]).post(reverse("campaigns:phases", args=[campaign.pk]), data)
    refused = response.context["schedule"].rows[0]["milestones"].non_form_errors()[0]
    assert response.status_code == 400 and "50" in refused and "提交" in refused
    assert refused in response.content.decode()
