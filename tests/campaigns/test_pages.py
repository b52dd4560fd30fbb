"""Campaign pages: scoping, evidence uploads, and query counts as branches grow."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from campaigns.models import Campaign, PhaseKind, State
from campaigns.services import campaign_create
from campaigns.workflow import transition
from scoring.builtin import load_builtin_frameworks
from scoring.models import Evidence, Framework
from tests.campaigns.helpers import fill_sheet, open_phase
from tests.factories import BranchFactory, TownshipFactory


@pytest.fixture
def campaign(cast):
    load_builtin_frameworks()
    campaign = campaign_create(
        kind="wuhao",
        year=2026,
        title="五好创建",
        framework=Framework.objects.get(code="wuhao"),
        branches=[cast.branch, cast.sibling_branch],
        actor=cast.users["township_staff"],
    )
    open_phase(campaign, PhaseKind.SELF_ASSESSMENT)
    return campaign


@pytest.fixture
def started(campaign, cast):
    participant = campaign.participants.get(branch=cast.branch)
    transition(participant, "start", actor=cast.users["branch_secretary"])
    participant.refresh_from_db()
    return participant


def _jpeg(size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, sheet_id, code, name, data):
    return client.post(
        reverse("scoring:evidence_upload", args=[sheet_id]),
        {"item": code, f"file-{code}": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_evidence_is_checked_by_content_not_by_name(client_for, cast, started):
    client = client_for(cast.users["branch_secretary"])
    sheet_id = started.self_sheet_id
    _upload(client, sheet_id, "1.1", "会议记录.jpg", PDF)  # a PDF renamed .jpg is a PDF
    evidence = Evidence.objects.get()
    assert (evidence.content_type, evidence.original_name) == ("application/pdf", "会议记录.jpg")
    assert evidence.file.name.endswith(".pdf") and "会议记录" not in evidence.file.name
    import hashlib

    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()

    page = _upload(client, sheet_id, "1.1", "photo.png", b"<html><script>alert(1)</script></html>")
    assert "只能上传 JPEG、PNG 照片或 PDF 文件；“photo.png”的内容不是这几种格式。" in page.content.decode()
    assert Evidence.objects.count() == 1


def test_oversize_evidence_is_refused(client_for, cast, started, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024 * 1024
    page = _upload(
        client_for(cast.users["branch_secretary"]),
        started.self_sheet_id,
        "1.1",
        "big.jpg",
        _jpeg() + b"\0" * (1024 * 1024),
    )
    assert "“big.jpg”超过单个文件 1 MB 的上限。" in page.content.decode()
    assert not Evidence.objects.exists()


def test_a_large_photo_keeps_its_original_and_gets_a_display_copy(client_for, cast, started):
    original = _jpeg((4000, 3000))
    _upload(client_for(cast.users["branch_secretary"]), started.self_sheet_id, "1.1", "IMG_0001.JPG", original)
    evidence = Evidence.objects.get()
    assert evidence.file.read() == original
    with Image.open(evidence.display) as display:
        assert max(display.size) == 1600


def test_evidence_is_served_only_inside_the_unit(client_for, cast, started):
    _upload(client_for(cast.users["branch_secretary"]), started.self_sheet_id, "1.1", "a.pdf", PDF)
    evidence = Evidence.objects.get()
    url = reverse("scoring:evidence_file", args=[evidence.pk])
    for role in ("county_reviewer", "township_staff", "branch_secretary"):
        response = client_for(cast.users[role]).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF
        assert client_for(cast.users[f"other_{role}"]).get(url).status_code == 404
    assert "/media/" not in url


def test_a_locked_sheet_takes_no_evidence(client_for, cast, started):
    fill_sheet(started.self_sheet, cast.users["branch_secretary"])
    transition(started, "submit", actor=cast.users["branch_secretary"])
    page = _upload(client_for(cast.users["township_staff"]), started.self_sheet_id, "1.1", "a.pdf", PDF)
    assert page.status_code == 403
    assert not Evidence.objects.exists()


def test_outsiders_get_404_on_campaign_pages_and_actions(client_for, cast, campaign):
    participant = campaign.participants.get(branch=cast.branch)
    inside = {
        "county_reviewer": reverse("campaigns:detail", args=[campaign.pk]),
        "township_staff": reverse("campaigns:detail", args=[campaign.pk]),
        "branch_secretary": reverse("campaigns:participant", args=[participant.pk]),
    }
    for role, url in inside.items():
        assert client_for(cast.users[role]).get(url).status_code == 200
    assert client_for(cast.users["other_county_reviewer"]).get(inside["county_reviewer"]).status_code == 404
    assert client_for(cast.users["other_township_staff"]).get(inside["township_staff"]).status_code == 404
    outsider = client_for(cast.users["other_branch_secretary"])  # a secretary of the sibling branch
    assert outsider.get(reverse("campaigns:participant", args=[participant.pk])).status_code == 404
    response = outsider.post(reverse("campaigns:action", args=[participant.pk, "start"]))
    assert response.status_code == 404
    participant.refresh_from_db()
    assert participant.state == State.NOT_STARTED


def test_a_refused_action_comes_back_as_a_message(client_for, cast, campaign):
    participant = campaign.participants.get(branch=cast.branch)
    client = client_for(cast.users["county_reviewer"])
    response = client.post(reverse("campaigns:action", args=[participant.pk, "start"]), follow=True)
    assert "您的角色不能开始自评。" in response.content.decode()
    participant.refresh_from_db()
    assert participant.state == State.NOT_STARTED


def test_the_public_notice_needs_no_login_and_shows_only_the_list(client, cast, campaign):
    campaign.participants.filter(branch=cast.branch).update(state=State.PUBLICIZED)
    Campaign.objects.filter(pk=campaign.pk).update(publicity_starts_on="2026-12-11", publicity_ends_on="2026-12-16")
    html = client.get(reverse("publicity", args=[campaign.public_token])).content.decode()
    assert "法泥村党支部" in html and "新寨村党支部" not in html
    assert "2026年12月11日至2026年12月16日" in html
    assert client.get(reverse("publicity", args=["wrong-token"])).status_code == 404


def _grow(campaign, cast, n):
    """Add branches in new townships of the county until the campaign has ``n``."""
    township = TownshipFactory(county=cast.county)
    while campaign.participants.count() < n:
        branch = BranchFactory(township=township)
        campaign.participants.create(branch=branch, state=State.SUBMITTED, final_total=D(90))


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["detail", "list", "publicity", "branch_sheet"])
def test_campaign_pages_use_a_constant_number_of_queries(client_for, cast, campaign, page):
    county = client_for(cast.users["county_reviewer"])
    participant = campaign.participants.get(branch=cast.branch)
    transition(participant, "start", actor=cast.users["branch_secretary"])
    participant.refresh_from_db()
    urls = {
        "detail": reverse("campaigns:detail", args=[campaign.pk]),
        "list": reverse("campaigns:list"),
        "publicity": reverse("publicity", args=[campaign.public_token]),
        "branch_sheet": reverse("scoring:sheet_fill", args=[participant.self_sheet_id]),
    }
    _grow(campaign, cast, 10)
    _queries(county, urls[page])  # the rate limit's count (a cache row) is inserted once, then updated
    at_10 = _queries(county, urls[page])
    _grow(campaign, cast, 100)
    assert campaign.participants.count() == 100
    assert _queries(county, urls[page]) == at_10


def test_participant_page_uses_a_constant_number_of_queries(client_for, cast, campaign):
    participant = campaign.participants.get(branch=cast.branch)
    transition(participant, "start", actor=cast.users["branch_secretary"])
    participant.refresh_from_db()
    fill_sheet(participant.self_sheet, cast.users["branch_secretary"])
    transition(participant, "submit", actor=cast.users["branch_secretary"])
    client = client_for(cast.users["township_staff"])
    url = reverse("campaigns:participant", args=[participant.pk])
    _grow(campaign, cast, 10)
    at_10 = _queries(client, url)
    _grow(campaign, cast, 100)
    assert _queries(client, url) == at_10


def test_the_secretarys_home_card_opens_her_own_sheet(client_for, cast, campaign):
    client = client_for(cast.users["branch_secretary"])
    participant = campaign.participants.get(branch=cast.branch, member=None)
    # before the self-assessment is started, the card opens her branch's page in the campaign
    assert reverse("campaigns:participant", args=[participant.pk]) in client.get("/").content.decode()
    transition(participant, "start", actor=cast.users["branch_secretary"])
    participant.refresh_from_db()
    assert reverse("scoring:sheet_fill", args=[participant.self_sheet_id]) in client.get("/").content.decode()
