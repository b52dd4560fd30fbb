"""A township runs its own campaign to the end: when its setup says the county does not
re-check, the township publishes what it verified, hears the objections and names; when the
county does re-check (the default, and always for a county's campaign), only the county does."""

from datetime import timedelta

import pytest
from django.urls import reverse

from campaigns.models import Campaign, Objection, Participant, PhaseKind, State, Transition
from campaigns.services import ERROR_COUNTY_ALWAYS_REVIEWS, campaign_create
from campaigns.workflow import (
    WorkflowError,
    naming,
    objection_record,
    objection_resolve,
    publicity_start,
    review_sample,
    today,
    transition,
    verification_open,
)
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework
from tests.campaigns.helpers import fill_sheet, open_phase


def _campaign(cast, *, county_review):
    load_builtin_frameworks()
    campaign = campaign_create(
        kind="wuzhua",
        year=today().year,
        title="乡镇“五抓五提升”行动",
        framework=Framework.objects.get(code="wuzhua"),
        branches=[cast.branch],
        actor=cast.users["township_staff"],
        county_review=county_review,
    )
    open_phase(campaign, PhaseKind.SELF_ASSESSMENT)
    return campaign


def _verified(campaign, cast):
    participant = campaign.participants.get()
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    transition(participant, "start", actor=secretary)
    participant.refresh_from_db()
    fill_sheet(participant.self_sheet, secretary)
    transition(participant, "submit", actor=secretary)
    open_phase(campaign, PhaseKind.VERIFICATION)
    fill_sheet(verification_open(participant, actor=staff), staff)
    transition(participant, "pass", actor=staff, data={"methods": ["report", "records"]})
    return Participant.objects.get(pk=participant.pk)


def _unchanged(call, message):
    before = Transition.objects.count(), list(Participant.objects.values_list("state", flat=True))
    with pytest.raises(WorkflowError, match=message):
        call()
    assert (Transition.objects.count(), list(Participant.objects.values_list("state", flat=True))) == before


def test_it_runs_without_the_county_from_verification_to_naming(cast):
    campaign = _campaign(cast, county_review=False)
    assert PhaseKind.REVIEW not in campaign.phases.values_list("kind", flat=True)
    staff, county = cast.users["township_staff"], cast.users["county_reviewer"]
    participant = _verified(campaign, cast)

    # no recommendation to the county, no sample, and the county does not publish it
    _unchanged(lambda: transition(participant, "recommend", actor=staff), "不报县委组织部复核，不能推荐至县委组织部")
    _unchanged(lambda: review_sample(campaign, actor=county), "不报县委组织部复核，不能抽样")
    open_phase(campaign, PhaseKind.PUBLICITY)
    _unchanged(lambda: publicity_start(campaign, actor=county), "您的角色不能公示")
    _unchanged(lambda: publicity_start(campaign, actor=cast.users["other_township_staff"]), "不在您的管理范围内")

    assert publicity_start(campaign, actor=staff) == 1
    participant.refresh_from_db()
    assert participant.state == State.PUBLICIZED
    assert participant.transitions.last().action == "publicize_verified"

    objection = objection_record(
        participant, content="村务公开栏长期未更新", contact="", received_on=today(), actor=staff
    )
    _unchanged(
        lambda: objection_resolve(objection, upheld=False, note="县里处理", actor=county), "您的角色不能处理异议"
    )
    objection_resolve(objection, upheld=False, note="经核实，公开栏按季度更新", actor=staff)
    assert Objection.objects.get().resolution == Objection.Resolution.DISMISSED

    open_phase(campaign, PhaseKind.NAMING)
    campaign.refresh_from_db()
    campaign.publicity_ends_on = today() - timedelta(days=1)
    campaign.save()
    _unchanged(lambda: naming(campaign, actor=county), "您的角色不能命名")
    assert naming(campaign, actor=staff) == 1
    participant.refresh_from_db()
    assert participant.state == State.NAMED and participant.named_on == today()
    assert participant.final_total == participant.verification_sheet.total


def test_it_publishes_only_when_every_submitted_sheet_has_its_verdict(cast):
    campaign = _campaign(cast, county_review=False)
    participant = campaign.participants.get()
    secretary = cast.users["branch_secretary"]
    transition(participant, "start", actor=secretary)
    participant.refresh_from_db()
    fill_sheet(participant.self_sheet, secretary)
    transition(participant, "submit", actor=secretary)
    open_phase(campaign, PhaseKind.PUBLICITY)
    _unchanged(
        lambda: publicity_start(campaign, actor=cast.users["township_staff"]),
        "还有 1 个已申报单位未作出验收结论，不能开始公示",
    )


def test_with_the_county_re_check_the_township_neither_publishes_nor_names(cast):
    campaign = _campaign(cast, county_review=True)
    assert PhaseKind.REVIEW in campaign.phases.values_list("kind", flat=True)
    staff = cast.users["township_staff"]
    participant = _verified(campaign, cast)
    open_phase(campaign, PhaseKind.PUBLICITY)
    _unchanged(lambda: publicity_start(campaign, actor=staff), "您的角色不能公示")
    # a verified branch the township did not recommend is not published by the county either
    _unchanged(lambda: publicity_start(campaign, actor=cast.users["county_reviewer"]), "没有可以公示的单位")
    assert participant.state == State.VERIFIED


def test_a_county_campaign_is_always_re_checked(cast):
    load_builtin_frameworks()
    with pytest.raises(ValueError, match=ERROR_COUNTY_ALWAYS_REVIEWS):
        campaign_create(
            kind="wuzhua",
            year=today().year,
            title="县“五抓五提升”行动",
            framework=Framework.objects.get(code="wuzhua"),
            branches=[cast.branch],
            actor=cast.users["county_reviewer"],
            county_review=False,
        )
    assert not Campaign.objects.exists()


def test_it_is_chosen_on_the_setup_page_and_shown_to_the_township(cast, client_for):
    load_builtin_frameworks()
    client = client_for(cast.users["township_staff"])
    page = client.get(reverse("campaigns:new"))
    assert "报县委组织部抽查复核" in page.content.decode()
    framework = Framework.objects.get(code="wuzhua")
    response = client.post(
        reverse("campaigns:new"),
        {
            "kind": "wuzhua",
            "year": today().year,
            "title": "关兴镇“五抓五提升”行动",
            "framework": framework.pk,
            "branches": [cast.branch.pk],
            "publicity_days": 5,
            "sample_rate": "0.3",
            "sample_min_per_township": 1,
            # county_review left unticked
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and campaign.county_review is False
    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "公示与命名" in detail and "乡镇验收后直接公示、命名" in detail and "抽取复核样本" not in detail
    county = client_for(cast.users["county_reviewer"])
    assert "公示与命名" not in county.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    # a county's own campaign is always re-checked: its setup page does not offer the choice
    assert 'name="county_review"' not in county.get(reverse("campaigns:new")).content.decode()


def test_the_public_notice_names_the_township_as_the_body_to_object_to(cast, client):
    campaign = _campaign(cast, county_review=False)
    _verified(campaign, cast)
    open_phase(campaign, PhaseKind.PUBLICITY)
    publicity_start(campaign, actor=cast.users["township_staff"])
    page = client.get(reverse("publicity", args=[campaign.public_token])).content.decode()
    assert f"向{cast.township.name}党委反映" in page and "县委组织部抽查复核" not in page


def test_an_unknown_campaign_step_is_not_found(cast, client_for):
    campaign = _campaign(cast, county_review=False)
    response = client_for(cast.users["township_staff"]).post(reverse("campaigns:step", args=[campaign.pk, "bogus"]))
    assert response.status_code == 404


def test_the_members_yearly_rating_is_not_offered_as_a_campaigns_framework(cast):
    from campaigns.forms import CampaignForm

    load_builtin_frameworks()
    codes = set(
        CampaignForm(user=cast.users["township_staff"]).fields["framework"].queryset.values_list("code", flat=True)
    )
    assert "standardization" in codes and "member-rating" not in codes
