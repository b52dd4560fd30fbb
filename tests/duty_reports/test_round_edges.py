"""The edges of a 述职评议 round: a rule of 0 is kept, the meeting cannot be dated ahead (votes
would open before it), a 约谈 follows the meeting, a secretary learns her tier only with the
published result, nothing typed after the meeting is lost from the page, a browser's CRLF line
breaks count once, a score of 0 is shown as 0, and a flag raised after the round's year is a later
round's matter."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from common.dates import today
from duty_reports import services
from duty_reports.models import DutyRound, Interview
from inspections.models import SecretaryActionFlag
from tests.duty_reports.test_rounds import GOOD, WEAK, YEAR, _report, _round_form, opened, staff  # noqa: F401
from tests.factories import ballots


def test_a_poor_share_of_0_is_the_rule_it_says(cast, staff, client_for):  # noqa: F811
    response = client_for(staff).post(reverse("duty_reports:round_new"), _round_form(poor_share="0"))
    assert response.status_code == 302
    assert DutyRound.objects.get().poor_share == Decimal("0")


def test_the_meeting_cannot_be_dated_ahead(cast, staff, opened):  # noqa: F811
    with pytest.raises(services.DutyError, match="评议会日期应在"):
        services.round_advance(
            duty_round=opened, meeting_on=today() + timedelta(days=30), meeting_place="镇会议室", actor=staff
        )
    opened.refresh_from_db()
    assert opened.status == "open" and opened.meeting_on is None


def test_a_talk_follows_the_meeting(cast, staff, opened):  # noqa: F811
    report = _report(opened, cast.branch)
    talk = {
        "interviewers": "镇党委书记",
        "points_raised": "主题党日漏开。",
        "outcome": "限期整改。",
        "commitment": "按月开展。",
    }
    with pytest.raises(services.DutyError, match="评议会召开后才能记录约谈"):
        services.interview_record(report=report, held_on=today(), actor=staff, **talk)
    services.round_advance(duty_round=opened, meeting_on=today(), meeting_place="镇会议室", actor=staff)
    services.votes_record(report=report, ballots=WEAK, actor=staff)
    with pytest.raises(services.DutyError, match="约谈日期应在评议会"):
        services.interview_record(report=report, held_on=today() - timedelta(days=400), actor=staff, **talk)
    assert not Interview.objects.exists()
    services.interview_record(report=report, held_on=today(), actor=staff, **talk)
    assert Interview.objects.count() == 1


def test_the_secretary_learns_her_tier_with_the_published_result(cast, staff, opened, client_for):  # noqa: F811
    report = _report(opened, cast.branch)
    services.round_advance(duty_round=opened, meeting_on=today(), meeting_place="镇会议室", actor=staff)
    services.votes_record(report=report, ballots=WEAK, actor=staff)
    services.votes_record(report=_report(opened, cast.sibling_branch), ballots=GOOD, actor=staff)
    secretary = client_for(cast.users["branch_secretary"])
    before = secretary.get(reverse("duty_reports:report", args=[report.pk])).content.decode()
    due = secretary.get(reverse("duty_reports:interviews_due")).content.decode()
    assert "评议票数" not in before and "没有待约谈的书记" in due
    services.round_advance(duty_round=opened, actor=staff)
    after = secretary.get(reverse("duty_reports:report", args=[report.pk])).content.decode()
    assert "评议票数" in after and "评议等次" in after


def test_what_she_typed_after_the_meeting_stays_on_the_page(cast, staff, opened, client_for):  # noqa: F811
    report = _report(opened, cast.branch)
    services.round_advance(duty_round=opened, meeting_on=today(), meeting_place="镇会议室", actor=staff)
    page = client_for(cast.users["branch_secretary"]).post(
        reverse("duty_reports:report", args=[report.pk]), {"text": report.text + "会后才点保存ABC", "revision": 1}
    )
    html = page.content.decode()
    assert "会后才点保存ABC" in html and "不能" in html
    report.refresh_from_db()
    assert "会后才点保存ABC" not in report.text


def test_line_breaks_from_a_browser_count_once(cast, opened, client_for):  # noqa: F811
    report = _report(opened, cast.branch)
    # 158 lines of 49 字: 7,742 字 and 157 line breaks, 7,899 characters as typed, 8,056 as a browser sends them
    text = "\r\n".join(["字" * 49] * 158)
    response = client_for(cast.users["branch_secretary"]).post(
        reverse("duty_reports:report", args=[report.pk]), {"text": text, "revision": 1, "save": ""}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.revision == 2 and len(report.text) == 7742 + 157


def test_a_score_of_0_is_shown_as_0(cast, staff, opened, client_for):  # noqa: F811
    services.round_advance(duty_round=opened, meeting_on=today(), meeting_place="镇会议室", actor=staff)
    nothing = {
        "members": ballots(10, 0, 0, 0, 10),
        "masses": ballots(10, 0, 0, 0, 10),
        "committee": ballots(5, 0, 0, 0, 5),
    }
    services.votes_record(report=_report(opened, cast.branch), ballots=nothing, actor=staff)
    html = client_for(staff).get(reverse("duty_reports:round", args=[opened.pk])).content.decode()
    assert ">0.00<" in html


def test_a_flag_raised_after_the_rounds_year_is_a_later_rounds_matter(cast, staff, opened):  # noqa: F811
    from duty_reports.selectors import round_rows

    SecretaryActionFlag.objects.create(branch=cast.branch, year=YEAR + 1, quarter=1)
    row = next(r for r in round_rows(opened) if r.report.branch_id == cast.branch.pk)
    assert row.flags == [] and not row.interview_due


def test_a_meeting_place_over_its_limit_is_refused_not_cut(cast, staff, opened):  # noqa: F811
    with pytest.raises(services.DutyError, match="评议会地点不能超过 100 个字"):
        services.round_advance(duty_round=opened, meeting_on=today(), meeting_place="镇" * 101, actor=staff)
    opened.refresh_from_db()
    assert opened.status == "open" and opened.meeting_place == ""
