"""The selection pages: who sees which candidates, constant queries whatever their number, and the
public notice — names and units only, objections only while it runs, rate-limited."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from awards.models import AwardObjection, Nomination, NominationState, Selection, Status
from branches.models import Post
from campaigns.services import campaign_create
from common.dates import today
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework
from tests.factories import BranchFactory, MemberFactory, SelectionFactory

PHONE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


def personal_numbers(html: str) -> list[str]:
    """The 11-digit (mobile) and 18-digit (ID) numbers a page's text shows (markup aside)."""
    text = re.sub(r"<[^>]+>", " ", html)
    return PHONE.findall(text) + ID_NUMBER.findall(text)


def _candidates(cast, selection, count):
    """``count`` branches of 关兴镇, each with its secretary nominated by the township, and all of them
    in one campaign (so each candidate has a result beside it)."""
    branches = [BranchFactory(township=cast.township) for _ in range(count)]
    staff = cast.users["township_staff"]
    load_builtin_frameworks()
    campaign_create(
        kind="wuhao",
        year=selection.year,
        title="五好党支部创建",
        framework=Framework.objects.get(code="wuhao"),
        branches=branches,
        actor=staff,
    )
    for branch in branches:
        secretary = MemberFactory(branch=branch, post=Post.SECRETARY)
        Nomination.objects.create(
            selection=selection,
            branch=branch,
            member=secretary,
            nominator_township=cast.township,
            reason="带领群众发展集体经济。",
            nominated_by=staff,
        )
    return branches


@pytest.fixture
def selection(cast):
    return SelectionFactory(
        county=cast.county,
        created_by=cast.users["county_reviewer"],
        nominators=[cast.township, cast.neighbour_township],
    )


@pytest.mark.parametrize("count", [10, 100])
def test_the_selection_page_costs_the_same_queries_for_10_and_100_candidates(
    cast, client_for, selection, count, django_assert_num_queries
):
    _candidates(cast, selection, count)
    client = client_for(cast.users["county_reviewer"])
    with django_assert_num_queries(
        15
    ):  # the unread count; the results beside the candidates: campaigns, stars, two years' tiers
        response = client.get(reverse("awards:detail", args=[selection.pk]))
    body = response.content.decode()
    assert body.count('data-testid="nomination"') == count
    assert body.count(f"所在党支部 {selection.year}年五好党支部创建") >= count  # each candidate's result beside it


@pytest.mark.parametrize("count", [10, 100])
def test_the_decision_page_costs_the_same_queries_for_10_and_100_candidates(
    cast, client_for, selection, count, django_assert_num_queries
):
    _candidates(cast, selection, count)
    client = client_for(cast.users["county_reviewer"])
    with django_assert_num_queries(
        13
    ):  # the unread count; the results beside the candidates: campaigns, stars, two years' tiers
        response = client.get(reverse("awards:decide", args=[selection.pk]))
    assert response.content.decode().count('data-testid="decision-row"') == count


def test_a_nominating_township_sees_only_its_own_candidates(cast, client_for, selection):
    _candidates(cast, selection, 2)
    neighbour = BranchFactory(township=cast.neighbour_township, name="邻镇村党支部")
    Nomination.objects.create(
        selection=selection,
        branch=neighbour,
        member=MemberFactory(branch=neighbour, post=Post.SECRETARY, name="邻镇书记"),
        nominator_township=cast.neighbour_township,
        reason="带领群众发展集体经济。",
        nominated_by=cast.users["other_township_staff"],
    )
    county = client_for(cast.users["county_reviewer"]).get(reverse("awards:detail", args=[selection.pk]))
    assert "邻镇书记" in county.content.decode()
    staff = client_for(cast.users["township_staff"]).get(reverse("awards:detail", args=[selection.pk]))
    assert staff.status_code == 200 and "邻镇书记" not in staff.content.decode()
    assert (
        client_for(cast.users["other_county_reviewer"]).get(reverse("awards:detail", args=[selection.pk])).status_code
        == 404
    )
    # the secretary's branch does not nominate for a county selection: not hers to see
    assert (
        client_for(cast.users["branch_secretary"]).get(reverse("awards:detail", args=[selection.pk])).status_code == 404
    )


@pytest.fixture
def on_notice(cast, selection):
    """Two chosen secretaries on public notice (their phones on record), one not chosen."""
    branches = _candidates(cast, selection, 3)
    nominations = list(selection.nominations.order_by("pk"))
    for nomination in nominations[:2]:
        nomination.state = NominationState.CHOSEN
        nomination.save()
    nominations[2].state = NominationState.NOT_CHOSEN
    nominations[2].save()
    Member = nominations[0].member.__class__
    Member.objects.filter(branch__in=branches).update(phone="13900001111")
    Selection.objects.filter(pk=selection.pk).update(
        status=Status.PUBLICIZED, publicity_starts_on=today(), publicity_ends_on=today() + timedelta(days=5)
    )
    return nominations


def test_the_public_notice_shows_names_and_units_and_no_phone_or_id_number(client, selection, on_notice):
    html = client.get(reverse("award_publicity", args=[selection.public_token])).content.decode()
    assert on_notice[0].member.name in html and on_notice[0].branch.name in html
    assert on_notice[2].member.name not in html  # not chosen: not on the list
    assert personal_numbers(html) == []
    assert "1970" not in html  # no birth year


def test_an_objection_on_the_public_notice_is_kept_with_its_contact(client, selection, on_notice):
    cache.clear()
    url = reverse("award_publicity", args=[selection.public_token])
    short = client.post(url, {"nomination": on_notice[0].pk, "content": "太短"})
    assert short.status_code == 400 and "不少于 10 字" in short.content.decode()
    outside = client.post(url, {"nomination": on_notice[2].pk, "content": "该同志有违规问题请核实。"})
    assert outside.status_code == 400
    assert not AwardObjection.objects.exists()
    done = client.post(
        url, {"nomination": on_notice[0].pk, "content": "该同志有违规问题请核实。", "contact": "13800002222"}
    )
    assert done.status_code == 302
    objection = AwardObjection.objects.get()
    assert objection.contact == "13800002222" and objection.channel == AwardObjection.Channel.ONLINE
    assert "13800002222" not in client.get(url).content.decode()  # the contact is the organiser's only


def test_no_objection_form_outside_the_notice(client, selection, on_notice):
    Selection.objects.filter(pk=selection.pk).update(publicity_ends_on=today() - timedelta(days=1))
    url = reverse("award_publicity", args=[selection.public_token])
    assert "在线反映异议" not in client.get(url).content.decode()
    assert client.post(url, {"nomination": on_notice[0].pk, "content": "该同志有违规问题请核实。"}).status_code == 400
    assert not AwardObjection.objects.exists()


def test_the_public_notice_is_rate_limited(client, selection, on_notice, settings):
    cache.clear()
    settings.PUBLIC_RATE = "2/m"
    url = reverse("award_publicity", args=[selection.public_token])
    assert [client.get(url, REMOTE_ADDR="10.9.9.9").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(reverse("award_publicity", args=["not-a-token"])).status_code == 404
