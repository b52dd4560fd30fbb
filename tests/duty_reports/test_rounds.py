"""A 述职评议 round from opening to publication, as township staff, secretaries and the county use it;
every bad input refused in Chinese with nothing saved."""

from unittest import mock

import pytest
from django.urls import reverse
from django.utils.html import escape

from branches.models import Post
from common.dates import today
from duty_reports import services
from duty_reports.models import DutyReport, DutyRound, Interview, ReportVersion, Vote
from duty_reports.selectors import secretary_tiers
from inspections.models import SecretaryActionFlag
from tests.factories import MemberFactory, ballots, duty_round_held

YEAR = 2026
GOOD = {"members": ballots(10, 10), "masses": ballots(10, 9, 1), "committee": ballots(5, 5)}
WEAK = {"members": ballots(10, 1, 2, 6, 1), "masses": ballots(10, 0, 3, 6, 1), "committee": ballots(5, 0, 1, 4)}


@pytest.fixture
def staff(cast):
    return cast.users["township_staff"]


@pytest.fixture
def opened(cast, staff):
    MemberFactory(branch=cast.branch, name="王书记", post=Post.SECRETARY)
    return services.round_open(township=cast.township, year=YEAR, actor=staff)


def _report(duty_round, branch) -> DutyReport:
    return duty_round.reports.get(branch=branch)


def _votes_post(report, counted):
    return {f"{g}_{name}": getattr(b, name) for g, b in counted.items() for name in b.__dataclass_fields__}


def test_it_opens_a_round_with_a_drafted_report_per_branch(cast, opened):
    """Each reporting branch gets a report drafted from the year's facts, kept as version 1."""
    assert sorted(r.branch.name for r in opened.reports.all()) == ["新寨村党支部", "法泥村党支部"]
    report = _report(opened, cast.branch)
    assert report.secretary_name == "王书记"
    assert "法泥村党支部现有党员 2 名" in report.text and "2026年度述职报告" in report.text
    assert "主题党日" in report.text and "问题台账销号 0 项" in report.text
    assert report.versions.get().drafted_by_system


def test_a_round_opened_twice_is_refused_and_nothing_saved(cast, staff, opened, client_for):
    response = client_for(staff).post(reverse("duty_reports:round_new"), _round_form(year=YEAR))
    assert "关兴镇2026年度的述职评议已于" in response.content.decode() and "不能重复开启" in response.content.decode()
    assert DutyRound.objects.count() == 1 and DutyReport.objects.count() == 2


def _round_form(**changes):
    form = {
        "year": today().year,
        "weight_members": 40,
        "weight_masses": 30,
        "weight_committee": 30,
        "threshold_good": 90,
        "threshold_fair": 80,
        "threshold_average": 60,
        "poor_share": "33.33",
    }
    return {**form, **changes}


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"weight_committee": 20}, "三个评议组的权重合计应为 100%，现为 90%。"),
        ({"weight_members": "四十"}, "请填写整数。"),
        ({"weight_members": 99999999999}, "不能大于 100。"),
        ({"year": 99999999999}, "年度应为 2000 年至"),
        ({"threshold_good": 70}, "分档线应为 100 ≥“好”>“较好”>“一般”≥ 0。"),
        ({"threshold_fair": "1e400"}, "不能大于 100"),
    ],
)
def test_bad_round_settings_are_refused_beside_the_field(cast, staff, client_for, changes, message):
    response = client_for(staff).post(reverse("duty_reports:round_new"), _round_form(**changes))
    assert response.status_code == 200 and escape(message) in response.content.decode()
    assert not DutyRound.objects.exists()


def test_the_secretary_edits_and_submits_her_report_and_every_version_is_kept(cast, opened, client_for):
    report = _report(opened, cast.branch)
    page = client_for(cast.users["branch_secretary"])
    assert "撰写述职报告" in page.get(reverse("home")).content.decode()
    text = report.text + "\n\n补充：本人带头走访困难党员 12 户。"
    response = page.post(reverse("duty_reports:report", args=[report.pk]), {"text": text, "revision": 1, "submit": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.revision == 2 and "走访困难党员 12 户" in report.text
    assert [v.revision for v in report.versions.all()] == [2, 1]
    assert report.versions.get(revision=1).text != report.text  # the draft stays readable


def test_a_report_over_its_length_or_over_a_newer_version_is_refused(cast, opened, client_for):
    report = _report(opened, cast.branch)
    page = client_for(cast.users["branch_secretary"])
    url = reverse("duty_reports:report", args=[report.pk])
    long = page.post(url, {"text": "字" * 8001, "revision": 1, "save": ""}).content.decode()
    assert "述职报告不能超过 8000 字" in long
    stale = page.post(url, {"text": report.text + "改", "revision": 0, "save": ""}).content.decode()
    # refused, with what she typed kept over the newer version: sending it again would save it
    assert "已在您打开后被修改" in stale and "改</textarea>" in stale and 'name="revision" value="1"' in stale
    huge = page.post(url, {"text": report.text, "revision": 99999999999, "save": ""})
    assert huge.status_code == 200
    report.refresh_from_db()
    assert report.revision == 1 and ReportVersion.objects.filter(report=report).count() == 1


def test_only_the_branchs_own_secretary_edits_its_report(cast, opened, client_for):
    report = _report(opened, cast.branch)
    other = client_for(cast.users["other_branch_secretary"])
    assert other.get(reverse("duty_reports:report", args=[report.pk])).status_code == 404
    staff = client_for(cast.users["township_staff"])
    assert (
        staff.post(reverse("duty_reports:report", args=[report.pk]), {"text": "x" * 60, "revision": 1}).status_code
        == 403
    )
    assert ReportVersion.objects.filter(report=report).count() == 1


def test_a_report_cannot_be_edited_after_the_meeting(cast, staff, opened):
    services.round_advance(duty_round=opened, meeting_on=today(), meeting_place="镇会议室", actor=staff)
    report = _report(opened, cast.branch)
    with pytest.raises(services.DutyError, match="评议会已于 .* 召开，述职报告不能再修改。"):
        services.report_save(
            report=report, text=report.text + "改", revision=1, submit=True, actor=cast.users["branch_secretary"]
        )
    report.refresh_from_db()
    assert report.revision == 1


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("members_poor", 5, "好、较好、一般、差票数合计 15 票，多于实到人数 10 人。"),
        ("masses_present", 11, "实到人数（11）不能多于应到人数（10）。"),
        ("committee_good", "五", "请填写整数。"),
        ("members_group_size", 99999999999, "不能大于 9999。"),
    ],
)
def test_impossible_counts_are_refused_beside_the_field_and_nothing_saved(
    cast, staff, client_for, field, value, message
):
    duty_round = duty_round_held(cast.township, staff)
    report = _report(duty_round, cast.branch)
    data = {**_votes_post(report, GOOD), field: value}
    response = client_for(staff).post(reverse("duty_reports:votes", args=[report.pk]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Vote.objects.exists()


def test_the_votes_give_the_tier_and_a_correction_keeps_the_first_count(cast, staff, client_for):
    """GOOD: 党员代表 10 好 → 100; 群众代表 9 好 1 较好 → 98; 镇党委 5 好 → 100;
    0.4 × 100 + 0.3 × 98 + 0.3 × 100 = 99.40 → 好. Corrected to WEAK → 一般 (see the page)."""
    duty_round = duty_round_held(cast.township, staff)
    report = _report(duty_round, cast.branch)
    page = client_for(staff)
    page.post(reverse("duty_reports:votes", args=[report.pk]), _votes_post(report, GOOD))
    report.refresh_from_db()
    assert (str(report.score), report.tier, report.tier_rule) == ("99.40", "good", "加权得分 99.40 ≥ 90：好")
    page.post(reverse("duty_reports:votes", args=[report.pk]), _votes_post(report, WEAK))
    report.refresh_from_db()
    assert report.tier == "average" and Vote.objects.filter(report=report).count() == 6
    detail = page.get(reverse("duty_reports:round", args=[duty_round.pk])).content.decode()
    assert report.tier_rule in detail and "待约谈" in detail


def test_votes_are_refused_before_the_meeting_and_after_publication(cast, staff, opened):
    with pytest.raises(services.DutyError, match="开放撰写"):
        services.votes_record(report=_report(opened, cast.branch), ballots=GOOD, actor=staff)
    assert not Vote.objects.exists()


def test_publishing_needs_every_secretary_rated_and_then_offers_the_tiers(cast, staff):
    duty_round = duty_round_held(cast.township, staff)
    services.votes_record(report=_report(duty_round, cast.branch), ballots=WEAK, actor=staff)
    with pytest.raises(services.DutyError, match="还有 1 个党支部没有录完三个评议组的票数：新寨村党支部。"):
        services.round_advance(duty_round=duty_round, actor=staff)
    assert secretary_tiers([cast.branch.pk, cast.sibling_branch.pk], YEAR) == {}  # not published yet
    services.votes_record(report=_report(duty_round, cast.sibling_branch), ballots=GOOD, actor=staff)
    services.round_advance(duty_round=duty_round, actor=staff)
    assert secretary_tiers([cast.branch.pk, cast.sibling_branch.pk, cast.far_branch.pk], YEAR) == {
        cast.branch.pk: "一般",
        cast.sibling_branch.pk: "好",
    }
    assert secretary_tiers([cast.branch.pk], YEAR - 1) == {}
    assert list(duty_round.steps.values_list("to_status", flat=True)) == ["meeting_held", "published"]


def _interview(report, staff, **changes):
    data = {
        "held_on": today(),
        "interviewers": "镇党委书记",
        "points_raised": "主题党日漏开。",
        "outcome": "限期整改。",
        "commitment": "按月开展主题党日。",
    }
    return services.interview_record(report=report, actor=staff, **{**data, **changes})


def test_a_weak_secretary_is_interviewed_and_a_good_one_is_not(cast, staff):
    duty_round = duty_round_held(cast.township, staff)
    weak, good = _report(duty_round, cast.branch), _report(duty_round, cast.sibling_branch)
    services.votes_record(report=weak, ballots=WEAK, actor=staff)
    services.votes_record(report=good, ballots=GOOD, actor=staff)
    with pytest.raises(services.DutyError, match="无需约谈"):
        _interview(good, staff)
    with pytest.raises(services.DutyError, match="请填写约谈结果。"):
        _interview(weak, staff, outcome="  ")
    interview = _interview(weak, staff)
    assert interview.reason == "评议等次为“一般”"
    assert Interview.objects.count() == 1


def test_interviewing_a_flagged_secretary_resolves_the_flag_in_the_same_transaction(cast, staff):
    """A branch in the bottom 3 two quarters running is interviewed whatever its tier; the flag is
    resolved through inspections' own service. If that refuses, no interview is kept either."""
    flag = SecretaryActionFlag.objects.create(branch=cast.sibling_branch, year=YEAR, quarter=3)
    duty_round = duty_round_held(cast.township, staff)
    report = _report(duty_round, cast.sibling_branch)
    with mock.patch("duty_reports.services.flag_resolve", side_effect=services.InspectionError("处置失败")):
        with pytest.raises(services.DutyError, match="处置失败"):
            _interview(report, staff)
    assert not Interview.objects.exists()
    flag.refresh_from_db()
    assert flag.resolved_at is None
    interview = _interview(report, staff)
    flag.refresh_from_db()
    assert flag.resolved_at is not None and "述职评议约谈：限期整改。" in flag.action_taken
    assert interview.resolved_flags == "2026年第3季度" and "督查排名连续两个季度后3位" in interview.reason


def test_the_county_reads_the_round_but_does_not_record(cast, staff, client_for):
    duty_round = duty_round_held(cast.township, staff)
    report = _report(duty_round, cast.branch)
    county = client_for(cast.users["county_reviewer"])
    assert county.get(reverse("duty_reports:round", args=[duty_round.pk])).status_code == 200
    assert county.post(reverse("duty_reports:votes", args=[report.pk]), _votes_post(report, GOOD)).status_code == 403
    assert not Vote.objects.exists()
    secretary = client_for(cast.users["branch_secretary"])
    assert secretary.get(reverse("duty_reports:round", args=[duty_round.pk])).status_code == 404
    other_staff = client_for(cast.users["other_township_staff"])
    assert other_staff.get(reverse("duty_reports:report", args=[report.pk])).status_code == 404


ROUND_PAGE_QUERIES = (
    13  # session and user, the unread count, the round, its reports, votes, flags, 约谈, steps, the page's frame
)


def test_the_round_page_costs_the_same_queries_for_2_and_12_branches(
    cast, staff, client_for, django_assert_num_queries
):
    from tests.factories import BranchFactory

    page = client_for(staff)
    duty_round = duty_round_held(cast.township, staff)
    url = reverse("duty_reports:round", args=[duty_round.pk])
    page.get(url)
    with django_assert_num_queries(ROUND_PAGE_QUERIES):
        page.get(url)
    township = cast.neighbour_township
    for n in range(11):
        BranchFactory(township=township, name=f"村{n}党支部")
    other_staff = cast.users["other_township_staff"]
    bigger = duty_round_held(township, other_staff)
    page = client_for(other_staff)
    big_url = reverse("duty_reports:round", args=[bigger.pk])
    page.get(big_url)
    with django_assert_num_queries(ROUND_PAGE_QUERIES):
        page.get(big_url)


def test_the_list_and_the_interviews_due_cost_the_same_queries_for_one_round_and_three(
    cast, staff, client_for, django_assert_num_queries
):
    county = client_for(cast.users["county_reviewer"])
    held = duty_round_held(cast.township, staff, year=YEAR)
    services.votes_record(report=_report(held, cast.branch), ballots=WEAK, actor=staff)
    pages = {"rounds": reverse("duty_reports:rounds"), "due": reverse("duty_reports:interviews_due")}
    county.get(pages["rounds"])
    for name, url in pages.items():
        with django_assert_num_queries(LIST_QUERIES[name]):
            county.get(url)
    for year in (YEAR - 1, YEAR - 2):
        held = duty_round_held(cast.township, staff, year=year)
        services.votes_record(report=_report(held, cast.branch), ballots=WEAK, actor=staff)
    assert county.get(pages["due"]).content.decode().count("评议等次为“一般”") == 3
    for name, url in pages.items():
        with django_assert_num_queries(LIST_QUERIES[name]):
            county.get(url)


LIST_QUERIES = {
    "rounds": 8,
    "due": 9,
}  # the session, the user, the unread count and the page's frame, then one or two queries


def test_the_home_cards_show_the_report_to_write_and_the_rounds_progress(cast, staff, client_for):
    """The secretary's card while her round is open; the staff card with the progress and the 约谈 due,
    which leaves once the round is published and every 约谈 recorded."""
    duty_round = services.round_open(township=cast.township, year=YEAR, actor=staff)
    secretary = client_for(cast.users["branch_secretary"]).get(reverse("home")).content.decode()
    report = _report(duty_round, cast.branch)
    assert "撰写述职报告" in secretary and reverse("duty_reports:report", args=[report.pk]) in secretary
    page = client_for(staff)
    assert "述职报告已提交 0/2" in page.get(reverse("home")).content.decode()
    services.round_advance(duty_round=duty_round, meeting_on=today(), meeting_place="镇会议室", actor=staff)
    services.votes_record(report=report, ballots=WEAK, actor=staff)
    services.votes_record(report=_report(duty_round, cast.sibling_branch), ballots=GOOD, actor=staff)
    services.round_advance(duty_round=duty_round, actor=staff)
    assert "1 名书记待约谈" in page.get(reverse("home")).content.decode()
    _interview(report, staff)
    home = page.get(reverse("home")).content.decode()
    assert "待约谈" not in home and 'data-testid="duty-round-card"' not in home
    assert "撰写述职报告" not in client_for(cast.users["branch_secretary"]).get(reverse("home")).content.decode()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_secretary_uploads_a_file_with_her_report_and_a_disguised_one_is_refused(cast, opened, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from duty_reports.models import ReportFile

    report = _report(opened, cast.branch)
    page = client_for(cast.users["branch_secretary"])
    url = reverse("duty_reports:report_upload", args=[report.pk])
    page.post(url, {"upload": SimpleUploadedFile("述职报告（签字）.pdf", PDF)})
    stored = ReportFile.objects.get()
    assert (stored.original_name, stored.content_type, stored.revision) == (
        "述职报告（签字）.pdf",
        "application/pdf",
        1,
    )
    served = page.get(reverse("duty_reports:report_file", args=[stored.pk]))
    assert b"".join(served.streaming_content) == PDF and served["X-Content-Type-Options"] == "nosniff"
    refused = page.post(url, {"upload": SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf")}, follow=True)
    assert "只能上传 JPEG、PNG 照片或 PDF 文件；“报告.pdf”的内容不是这几种格式。" in refused.content.decode()
    assert ReportFile.objects.count() == 1
    other = client_for(cast.users["other_branch_secretary"])
    assert other.get(reverse("duty_reports:report_file", args=[stored.pk])).status_code == 404
    assert other.post(url, {"upload": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404
    assert ReportFile.objects.count() == 1
