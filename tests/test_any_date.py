"""The suite passes whatever today's date is. The whole of it can be run on any day
(TEST_TODAY=2027-01-04 bash scripts/test.sh; tests/clock.py); here, in every run, the
parts that count days run on the two sides of a new year: the demo county, the facts a
score sheet takes from the records, the months a branch missed, and a child process's
clock."""

import os
import subprocess
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from branches.models import Branch, User
from campaigns.demo import standardization_title, title
from campaigns.models import Campaign
from common.dates import demo_year, today
from inspections.demo import quarters
from inspections.models import InspectionRound, LedgerItem
from records.models import LifeKind, OrganisationalLife
from records.services import organisational_life_record
from scoring.facts import Period, facts_for_branches, prefilled_entry, secretary_gaps
from scoring.models import ScoreSheet
from scoring.selectors import framework_spec
from scoring.services import sheet_entries, sheet_facts
from tests import clock

ROOT = Path(__file__).resolve().parents[1]
DAYS = ["2026-12-31", "2027-01-04"]


@pytest.fixture(params=DAYS)
def day(request, time_machine) -> date:
    time_machine.move_to(clock.destination(request.param), tick=True)
    assert today() == date.fromisoformat(request.param)
    return today()


def test_the_demo_county_is_whole_on_the_day(db, day, client):
    call_command("seed_demo", stdout=StringIO())
    year = demo_year()
    assert year == 2026  # the year being assessed, on both sides of the new year

    # campaigns assess the demo year, today inside their self-assessment
    for name in (title(), standardization_title()):
        campaign = Campaign.objects.get(title=name)
        assert campaign.year == year
        phase = campaign.phases.get(kind="self_assessment")
        assert phase.starts_on <= day <= phase.ends_on

    # last quarter's round closed and ranked, this quarter's under way today, an overdue ledger item
    (last_year, last_quarter), (this_year, this_quarter) = quarters()
    assert (this_year, this_quarter) == (day.year, (day.month - 1) // 3 + 1)
    assert InspectionRound.objects.get(year=last_year, quarter=last_quarter).closed_at is not None
    assert InspectionRound.objects.get(year=this_year, quarter=this_quarter).held_on == day
    assert LedgerItem.objects.filter(deadline__lt=day).exists()

    # a year of records up to today, none after it; the sheet follows them item by item
    fani = Branch.objects.get(name="法泥村党支部")
    held = OrganisationalLife.objects.filter(branch=fani)
    assert held.dates("held_on", "month").count() >= 11
    assert not held.filter(held_on__gt=day).exists()
    sheet = ScoreSheet.objects.get(branch=fani, framework__code="standardization", year=year)
    facts, entries = sheet_facts(sheet), sheet_entries(sheet)
    for item in framework_spec(sheet.framework).items():
        if item.fact:
            # every fact has a value, but the ledger's count where 法泥村 has no problem on it that year
            assert facts[item.fact].value is not None or item.fact == "ledger_items", item.code
            expected = prefilled_entry(item, facts[item.fact])
            if expected is not None:
                got = entries[item.code]
                assert (got.met, got.occurrences, got.points) == (expected.met, expected.occurrences, expected.points)

    # every role's home page opens on the day
    for username in ("county", "guanxing", "fani"):
        client.force_login(User.objects.get(username=username))
        assert client.get("/").status_code == 200


def test_the_months_missed_count_only_months_that_are_over(cast, day):
    secretary = cast.users["branch_secretary"]
    for held_on in (date(2026, 1, 10), date(2026, 6, 10), day):
        organisational_life_record(
            branch=cast.branch,
            kind=LifeKind.THEME_DAY,
            held_on=held_on,
            topic="主题党日",
            attendees=[],
            actor=secretary,
        )

    def missing(year):
        return facts_for_branches([cast.branch.pk], Period.year(year))[cast.branch.pk]["theme_days_missing"].value

    # January and June held; on 31 December, December is not over yet; on 4 January all of 2026 is, none of 2027
    assert missing(2026) == {2026: 11, 2027: 12}[day.year] - 2
    assert missing(2027) == 0
    gaps = [text for text, _url in secretary_gaps(cast.branch)]
    assert f"{day.year}年组织生活会还没有召开" in gaps
    assert not any(text.startswith("本月") for text in gaps)  # this month's theme day is recorded (today)
    if day.year == 2027:
        assert not any("没有主题党日记录" in text for text in gaps)  # no month of 2027 is over


def test_a_child_process_keeps_the_tests_clock(time_machine):
    if not os.environ.get(clock.ENV):  # on the real clock no offset is passed on, nor a stale one
        assert clock.OFFSET_ENV not in clock.child_env({clock.OFFSET_ENV: "86400"})
    time_machine.move_to(clock.destination("2031-05-01"), tick=True)
    env = clock.child_env({"PATH": "/usr/bin:/bin"})
    shown = subprocess.run(
        clock.python_m("calendar"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert shown.split()[0] == "2031"  # `python -m calendar` prints the year it takes to be this one


def test_dues_count_the_months_over_on_both_sides_of_the_new_year(db, day):
    """The demo's 党费 for 2026: on 31 December the months over are January–November (December is
    under way, owed by nobody yet), on 4 January all twelve. 法泥村 has not entered the last month
    over, so every member it owes for is short; most branches entered every month and nobody is short."""
    call_command("seed_demo", stdout=StringIO())
    branches = list(Branch.objects.order_by("pk"))
    facts = facts_for_branches([b.pk for b in branches], Period.year(2026))
    months = 11 if day.month == 12 else 12
    fani = facts[Branch.objects.get(name="法泥村党支部").pk]["members_dues_short"]
    assert f"2026年已过的 {months} 个月中" in fani.source and fani.value > 0
    assert (
        f"未按月足额交纳 {int(fani.value)} 名" in fani.source and f"应交党费的党员 {int(fani.value)} 名" in fani.source
    )
    assert sum(1 for b in branches if facts[b.pk]["members_dues_short"].value == 0) > len(branches) // 2
