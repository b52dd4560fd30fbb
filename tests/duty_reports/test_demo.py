"""The demo's 述职评议 on both sides of a new year: 煤山镇's round for the demo year, published,
every secretary rated, one 约谈 recorded and one still due; 关兴镇's round left to open; seeding
again changes nothing."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from branches.models import User
from common.dates import demo_year, today
from duty_reports.demo import seed_demo_duty_reports
from duty_reports.models import DutyRound, Interview, ReportVersion, RoundStatus, Vote
from duty_reports.selectors import interviews_due, secretary_tiers
from tests import clock


@pytest.fixture(params=["2026-12-31", "2027-01-04"])
def day(request, time_machine) -> date:
    time_machine.move_to(clock.destination(request.param), tick=True)
    return today()


def test_the_demo_round_is_published_with_a_talk_held_and_one_due(db, day):
    call_command("seed_demo", stdout=StringIO())
    duty_round = DutyRound.objects.get()
    assert (duty_round.township.name, duty_round.year, duty_round.status) == (
        "煤山镇",
        demo_year(),
        RoundStatus.PUBLISHED,
    )
    assert duty_round.meeting_on < day and duty_round.reports.count() == 11
    tiers = secretary_tiers(duty_round.reports.values_list("branch_id", flat=True), demo_year())
    assert len(tiers) == 11 and {"差", "一般"} <= set(tiers.values())
    talked = Interview.objects.get()
    assert talked.report.get_tier_display() == "差" and talked.held_on <= day
    due = interviews_due(User.objects.get(username="meishan"))
    assert [row.report.get_tier_display() for row in due] == ["一般"]
    nagu = duty_round.reports.get(branch__name="那姑村党支部")
    assert nagu.status == "submitted" and nagu.versions.count() == 2

    counts = (Vote.objects.count(), ReportVersion.objects.count(), Interview.objects.count())
    assert seed_demo_duty_reports() is False
    call_command("seed_demo", stdout=StringIO())
    assert (Vote.objects.count(), ReportVersion.objects.count(), Interview.objects.count()) == counts
    assert not DutyRound.objects.filter(township__name="关兴镇").exists()  # opened in the browser test
