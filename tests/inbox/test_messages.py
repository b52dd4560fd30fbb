"""Issue 17: 站内消息 — each event puts a message in the right inboxes, with a link that works;
nobody reads anyone else's; 催办 reaches the chosen branches and is refused outside the sender's scope."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Participant, PhaseKind
from campaigns.workflow import (
    objection_record,
    objection_submit_public,
    publicity_start,
    review_close,
    review_sample,
    today,
    transition,
    verification_open,
)
from inbox import services
from inbox.models import Kind, Message, Urge
from tests.campaigns.helpers import fill_sheet, open_phase, submitted, wuzhua_campaign


@pytest.fixture
def campaign(cast):
    return wuzhua_campaign(cast)


def _submitted(campaign, cast):
    return submitted(campaign.participants.get(branch=cast.branch), cast.users["branch_secretary"])


def _inbox(user):
    return list(Message.objects.filter(recipient=user).order_by("pk"))


def test_a_returned_sheet_tells_the_secretary_what_to_revise_with_a_link_to_the_sheet(campaign, cast, client_for):
    participant = _submitted(campaign, cast)
    open_phase(campaign, PhaseKind.VERIFICATION)
    staff = cast.users["township_staff"]
    transition(participant, "return", actor=staff, data={"items": {"1.1": "学习记录不全，请补充佐证"}})
    secretary = cast.users["branch_secretary"]
    [message] = _inbox(secretary)
    assert message.kind == Kind.RETURNED and message.sender == staff
    assert "退回" in message.title and "1.1：学习记录不全，请补充佐证" in message.body
    # nobody else hears of it: not the sibling branch, not the township that returned it
    assert not _inbox(cast.users["other_branch_secretary"]) and not _inbox(staff)

    client = client_for(secretary)
    assert 'data-testid="inbox-unread">1<' in client.get("/").content.decode()
    opened = client.get(reverse("inbox:open", args=[message.pk]))
    assert opened["Location"] == reverse("scoring:sheet_fill", args=[participant.self_sheet_id])
    assert client.get(opened["Location"]).status_code == 200
    message.refresh_from_db()
    assert message.read_at is not None
    assert 'data-testid="inbox-unread"' not in client.get("/").content.decode()


def test_someone_elses_message_is_a_404_and_the_list_shows_only_ones_own(campaign, cast, client_for):
    services.send(Kind.URGE, title="催办：请申报", key="t:1", branches=[cast.branch.pk])
    [message] = _inbox(cast.users["branch_secretary"])
    other = client_for(cast.users["other_branch_secretary"])
    assert other.get(reverse("inbox:open", args=[message.pk])).status_code == 404
    assert "催办：请申报" not in other.get(reverse("inbox:list")).content.decode()
    message.refresh_from_db()
    assert message.read_at is None


def test_an_objection_reaches_the_county_and_the_township_both_ways(campaign, cast):
    county = cast.users["county_reviewer"]
    participant = _submitted(campaign, cast)
    open_phase(campaign, PhaseKind.VERIFICATION)
    staff = cast.users["township_staff"]
    fill_sheet(verification_open(participant, actor=staff), staff)
    transition(participant, "pass", actor=staff, data={"methods": ["report", "records"]})
    transition(participant, "recommend", actor=staff)
    open_phase(campaign, PhaseKind.REVIEW)
    [sampled] = review_sample(campaign, actor=county, seed="s")
    transition(sampled, "confirm", actor=county)
    review_close(campaign, actor=county)
    open_phase(campaign, PhaseKind.PUBLICITY)
    publicity_start(campaign, actor=county)
    participant = Participant.objects.get(pk=participant.pk)

    objection_submit_public(participant, content="该村党员大会记录系补写", contact="")
    objection_record(participant, content="来电反映材料不实", contact="", received_on=today(), actor=county)
    for user in (county, staff):
        messages = [m for m in _inbox(user) if m.kind == Kind.OBJECTION]
        assert [m.body for m in messages] == ["该村党员大会记录系补写", "来电反映材料不实"]
        assert "公示页面网上反映" in messages[0].title and "法泥村党支部" in messages[0].title
        assert messages[0].url == reverse("campaigns:participant", args=[participant.pk])
    # the neighbouring township and the other county hear nothing
    assert not _inbox(cast.users["other_township_staff"]) and not _inbox(cast.users["other_county_reviewer"])


def test_urge_reaches_the_chosen_branches_home_pages_and_is_counted(campaign, cast, client_for):
    staff = cast.users["township_staff"]
    client = client_for(staff)
    url = reverse("campaigns:urge", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert page.count('name="branch"') == 2 and page.count("checked") == 2  # all shown are ticked
    answer = client.post(url, {"branch": [cast.branch.pk, cast.sibling_branch.pk], "note": "请本周内完成自评申报"})
    assert answer.status_code == 302
    for key in ("branch_secretary", "other_branch_secretary"):
        home = client_for(cast.users[key]).get("/").content.decode()
        assert 'data-testid="home-urge"' in home and "请本周内完成自评申报" in home and "关兴镇党委催办" in home
    client = client_for(staff)
    client.post(url, {"branch": [cast.branch.pk], "note": "再次提醒"})
    page = client.get(url).content.decode()
    assert "2 次，最近" in page and "1 次，最近" in page and "再次提醒" in page


@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ({"note": "  "}, "请填写催办内容。"),
        ({"note": "x" * 301}, "催办内容不能超过300字。"),
        ({"note": "请申报", "branch": []}, "请至少选择一个要催办的党支部。"),
        ({"note": "请申报", "branch": ["far"]}, "所选党支部不在您的管理范围内"),
        ({"note": "请申报", "branch": ["neighbour"]}, "所选党支部不在您的管理范围内"),
        ({"note": "请申报", "branch": ["abc"]}, "所选党支部不在您的管理范围内"),
    ],
)
def test_a_refused_urge_says_why_keeps_what_was_typed_and_sends_nothing(campaign, cast, client_for, posted, error):
    units = {"far": cast.far_branch.pk, "neighbour": cast.neighbour_branch.pk, "abc": "abc"}
    data = {"note": posted["note"], "branch": [units.get(b, b) for b in posted.get("branch", [cast.branch.pk])]}
    page = client_for(cast.users["township_staff"]).post(reverse("campaigns:urge", args=[campaign.pk]), data)
    assert page.status_code == 200
    text = page.content.decode()
    assert error in text and (posted["note"].strip() == "" or posted["note"][:50] in text)
    assert not Urge.objects.exists() and not Message.objects.exists()


def test_a_secretary_cannot_urge(campaign, cast, client_for):
    client = client_for(cast.users["branch_secretary"])
    assert client.post(reverse("campaigns:urge", args=[campaign.pk]), {"note": "x"}).status_code == 403
    assert not Urge.objects.exists()


def test_the_message_centre_filters_marks_all_read_and_forgets_after_a_year(cast, client_for):
    secretary = cast.users["branch_secretary"]
    services.send(Kind.URGE, title="催办一", key="a", branches=[cast.branch.pk])
    services.send(Kind.NOTICE, title="通报一", key="b", branches=[cast.branch.pk])
    services.send(Kind.NOTICE, title="通报一", key="b", branches=[cast.branch.pk])  # the same key: once
    client = client_for(secretary)
    page = client.get(reverse("inbox:list") + "?kind=notice").content.decode()
    assert "通报一" in page and "催办一" not in page
    assert Message.objects.filter(recipient=secretary).count() == 2
    client.post(reverse("inbox:read_all"))
    assert not Message.objects.filter(recipient=secretary, read_at=None).exists()
    Message.objects.filter(key="a").update(created_at=timezone.now() - timedelta(days=366))
    assert services.purge() == 1
    assert list(Message.objects.values_list("key", flat=True)) == ["b"]


def test_urging_the_ledger_picks_the_overdue_branches_and_the_round_its_own_findings(cast, client_for):
    from inspections.models import LedgerItem

    staff = cast.users["township_staff"]
    LedgerItem.objects.create(
        branch=cast.branch,
        problem="记录不全",
        task="补齐",
        responsible="书记",
        deadline=today() - timedelta(days=2),
        created_by=staff,
    )
    LedgerItem.objects.create(
        branch=cast.sibling_branch,
        problem="制度未上墙",
        task="上墙",
        responsible="书记",
        deadline=today() + timedelta(days=20),
        created_by=staff,
    )
    client = client_for(staff)
    url = reverse("inspections:ledger_urge")
    overdue = client.get(url + "?show=overdue").content.decode()
    assert 'data-branch="法泥村党支部"' in overdue and 'data-branch="新寨村党支部"' not in overdue
    assert "countdown-red" in overdue
    client.post(url + "?show=overdue", {"branch": [cast.branch.pk], "note": "请尽快整改销号"})
    [message] = Message.objects.filter(kind=Kind.URGE)
    assert message.recipient == cast.users["branch_secretary"] and message.body == "请尽快整改销号"
    assert "1 次，最近" in client.get(url).content.decode()
    # a secretary cannot urge; an outsider's branch is refused
    assert client_for(cast.users["branch_secretary"]).get(url).status_code == 403
    refused = client_for(staff).post(url, {"branch": [cast.neighbour_branch.pk], "note": "请整改"})
    assert "所选党支部不在您的管理范围内" in refused.content.decode() and Urge.objects.count() == 1


def test_a_late_submission_keeps_its_mark_in_the_history_the_report_and_the_requester_hears(campaign, cast, client_for):
    from openpyxl import load_workbook

    from campaigns.workflow import phase_extend
    from reports.models import Job
    from reports.services import job_execute, job_request

    staff, secretary = cast.users["township_staff"], cast.users["branch_secretary"]
    phase = campaign.phases.get(kind=PhaseKind.SELF_ASSESSMENT)
    phase.starts_on, phase.ends_on = today() - timedelta(days=10), today() - timedelta(days=2)
    phase.save()
    participant = campaign.participants.get(branch=cast.branch)
    phase_extend(
        participant, phase_kind=PhaseKind.SELF_ASSESSMENT, until=today() + timedelta(days=1), reason="换届", actor=staff
    )
    participant = _submitted(campaign, cast)
    assert participant.submitted_on_time  # within its extension
    page = client_for(secretary).get(reverse("campaigns:participant", args=[participant.pk])).content.decode()
    assert "逾期 2 天完成" in page

    with mock.patch("reports.services._enqueue"):  # run here; the worker tests cover Celery
        job, _ = job_request(user=staff, kind="progress_xlsx", params={"campaign": campaign.pk})
    job_execute(job.pk, worker="test")
    job = Job.objects.get(pk=job.pk)
    sheet = load_workbook(job.file.path)["申报情况"]
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row[1] in ("法泥村党支部", "新寨村党支部")}
    assert rows["法泥村党支部"][5] == "逾期 2 天完成（已批准延期）"
    assert rows["新寨村党支部"][5] == "逾期 2 天未申报"
    # the requester hears that the document is ready, with the link to it
    [ready] = Message.objects.filter(recipient=staff, kind=Kind.JOB_DONE)
    assert ready.url == reverse("reports:job", args=[job.pk]) and "已生成" in ready.title


def test_urge_only_the_pages_units_and_only_once(campaign, cast, client_for):
    url = reverse("campaigns:urge", args=[campaign.pk])
    county = client_for(cast.users["county_reviewer"])
    # in the county's scope, but not in this campaign: refused
    refused = county.post(url, {"branch": [cast.neighbour_branch.pk], "note": "请申报"}).content.decode()
    assert "不在本页可催办的名单中" in refused and not Urge.objects.exists()
    # a line break is one character, as the browser's counter counts it
    note = ("请抓紧申报\r\n" * 50)[:-2]
    assert len(note.replace("\r\n", "\n")) == 299
    assert county.post(url, {"branch": [cast.branch.pk], "note": note}).status_code == 302
    # the same 催办 again at once (a second tap): refused, one message only
    again = county.post(url, {"branch": [cast.branch.pk], "note": note}).content.decode()
    assert "刚刚已向这些党支部发送过相同的催办" in again
    assert Message.objects.filter(kind=Kind.URGE).count() == 1


def test_a_round_that_is_not_a_number_is_a_404_not_an_error(cast, client_for):
    client = client_for(cast.users["township_staff"])
    for value in ("²", "①", "abc", "9" * 30):
        assert client.get(reverse("inspections:ledger_urge"), {"round": value}).status_code == 404
    assert client.post(reverse("campaigns:urge", args=[0]), {"branch": ["²"], "note": "x"}).status_code == 404


def test_a_townships_ledger_urge_log_is_its_own(cast, client_for):
    from inspections.models import LedgerItem
    from tests.factories import township_staff

    staff = cast.users["township_staff"]
    other_staff = township_staff(cast.neighbour_township, username="meishan_staff")
    for branch, creator in ((cast.branch, staff), (cast.neighbour_branch, other_staff)):
        LedgerItem.objects.create(
            branch=branch, problem="问题", task="整改", responsible="书记", deadline=today(), created_by=creator
        )
    url = reverse("inspections:ledger_urge")
    client_for(staff).post(url, {"branch": [cast.branch.pk], "note": "关兴镇内部：请整改"})
    page = client_for(other_staff).get(url).content.decode()
    assert "关兴镇内部" not in page and 'data-branch="那姑村党支部"' in page
    # and 煤山镇 cannot urge a 关兴镇 branch, nor one of its own without an open item
    assert (
        "不在您的管理范围内"
        in client_for(other_staff).post(url, {"branch": [cast.branch.pk], "note": "x"}).content.decode()
    )
    page = client_for(staff).get(url).content.decode()
    assert "关兴镇内部：请整改" in page
