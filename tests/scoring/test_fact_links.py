"""Every item the built-in frameworks link to a fact: the record that fills it and the points it
gives, on a sheet made by ``score_sheet_create`` (the arithmetic in each docstring)."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from branches.models import AnnualFigure, Post
from common.dates import today
from records.models import DeedKind, LifeKind, OrganisationalLife, Pledge, PointsRule
from records.services import (
    deed_confirm,
    deed_record,
    organisational_life_record,
    pledge_record,
    problem_record,
)
from scoring.builtin import load_builtin_frameworks
from scoring.engine import item_points
from scoring.models import Framework, Stage
from scoring.selectors import framework_spec
from scoring.services import score_sheet_create, sheet_entries
from tests import clock
from tests.factories import BranchFactory, MemberFactory

YEAR = today().year - 1  # a year that is over: every month and quarter of it is due


@pytest.fixture
def frameworks(db):
    load_builtin_frameworks()
    return {f.code: f for f in Framework.objects.all()}


@pytest.fixture
def secretary(cast):
    return cast.users["branch_secretary"]


def points(frameworks, code, branch, item_code, *, actor, year=YEAR):
    """The entry a new sheet of ``branch`` opens with for ``item_code``, and the points it gives."""
    sheet = score_sheet_create(
        framework=frameworks[code], branch=branch, stage=Stage.SELF_ASSESSMENT, year=year, actor=actor
    )
    entry = sheet_entries(sheet).get(item_code)
    assert entry is not None, f"{code} {item_code} is not filled from the records"
    item = framework_spec(frameworks[code]).item_map()[item_code]
    engine_entry = _engine(entry)
    return engine_entry, item_points(item, engine_entry).points


def _engine(entry):
    from scoring.engine import Entry

    return Entry(met=entry.met, points=entry.points, occurrences=entry.occurrences)


def _life(branch, actor, kind, held_on, *, attendees=(), minutes="", topic="记录"):
    return organisational_life_record(
        branch=branch, kind=kind, held_on=held_on, topic=topic, attendees=attendees, minutes=minutes, actor=actor
    )


def _members(branch, n, **fields):
    return [MemberFactory(branch=branch, **fields) for _ in range(n)]


# --- 五好 -------------------------------------------------------------------------------------


def test_wuhao_1_1_counts_each_committee_vacancy(cast, frameworks, secretary):
    """法泥村 has 7 members (a committee is due): a secretary and one 委员 → 3 − 2 = 1 vacancy → 3 − 1 = 2."""
    branch = cast.branch  # 张三, an ordinary member
    MemberFactory(branch=branch, post=Post.SECRETARY)
    MemberFactory(branch=branch, post=Post.COMMITTEE_MEMBER)
    _members(branch, 4)
    entry, got = points(frameworks, "wuhao", branch, "1.1", actor=secretary)
    assert (entry.occurrences, got) == (1, D(2))


def test_wuhao_1_1_a_branch_without_a_committee_needs_only_its_secretary(cast, frameworks, secretary):
    """No committee recorded: only the secretary is due. With one: 0 vacancies → 3; without: 1 → 2."""
    branch = BranchFactory(township=cast.township, has_committee=False)
    member = MemberFactory(branch=branch)
    entry, got = points(frameworks, "wuhao", branch, "1.1", actor=cast.users["township_staff"])
    assert (entry.occurrences, got) == (1, D(2))
    member.post = Post.SECRETARY
    member.save()
    entry, got = points(frameworks, "wuhao", branch, "1.1", actor=cast.users["township_staff"])
    assert (entry.occurrences, got) == (0, D(3))


def test_wuhao_1_7_takes_the_share_of_members_who_pledged_or_served(cast, frameworks, secretary):
    """5 members: 张三 pledged, one has a confirmed deed, one only an unconfirmed one → 2/5 = 40 % → 1 point;
    two more pledges → 4/5 = 80 % → 3 points."""
    others = _members(cast.branch, 4)
    pledge_record(branch=cast.branch, member=cast.member, year=YEAR, content="带头种植", actor=secretary)
    done = deed_record(
        branch=cast.branch,
        member=others[0],
        kind=DeedKind.DEED,
        done_on=date(YEAR, 5, 1),
        description="代办社保",
        beneficiary="三组村民",
        actor=secretary,
    )
    deed_confirm(done, actor=secretary)
    deed_record(
        branch=cast.branch,
        member=others[1],
        kind=DeedKind.SERVICE,
        done_on=date(YEAR, 5, 2),
        description="清扫村道",
        beneficiary="全村",
        actor=secretary,
    )
    assert points(frameworks, "wuhao", cast.branch, "1.7", actor=secretary) == (_pts(1), D(1))
    for member in others[2:]:
        pledge_record(branch=cast.branch, member=member, year=YEAR, content="结对帮扶", actor=secretary)
    assert points(frameworks, "wuhao", cast.branch, "1.7", actor=secretary) == (_pts(3), D(3))


def _pts(n):
    from scoring.engine import Entry

    return Entry(points=D(n))


def test_wuhao_3_5_deducts_each_month_without_a_clean_up(cast, frameworks, secretary):
    """Clean-ups in 10 of 12 months → 2 × 0.5 off 3 = 2."""
    for month in range(1, 11):
        _life(cast.branch, secretary, LifeKind.ENVIRONMENT_CLEANUP, date(YEAR, month, 12), attendees=[cast.member])
    entry, got = points(frameworks, "wuhao", cast.branch, "3.5", actor=secretary)
    assert (entry.occurrences, got) == (2, D(2))


def test_wuhao_5_2_deducts_each_missing_disclosure(cast, frameworks, secretary):
    """党务 and 村务 every quarter, 财务 in three: 1 of 12 missing → 4 − 0.5 = 3.5."""
    for quarter in range(1, 5):
        for kind in (LifeKind.PARTY_AFFAIRS_DISCLOSURE, LifeKind.VILLAGE_AFFAIRS_DISCLOSURE):
            _life(cast.branch, secretary, kind, date(YEAR, 3 * quarter, 25))
        if quarter != 2:
            _life(cast.branch, secretary, LifeKind.FINANCE_DISCLOSURE, date(YEAR, 3 * quarter, 25))
    entry, got = points(frameworks, "wuhao", cast.branch, "5.2", actor=secretary)
    assert (entry.occurrences, got) == (1, D("3.5"))


def test_wuhao_5_4_deducts_each_problem_short_of_three(cast, frameworks, secretary):
    """2 problems solved, 3 wanted → 3 − 1 = 2."""
    for title in ("硬化村道", "新打机井"):
        problem_record(
            branch=cast.branch, category="infrastructure", title=title, solved_on=date(YEAR, 6, 1), actor=secretary
        )
    entry, got = points(frameworks, "wuhao", cast.branch, "5.4", actor=secretary)
    assert (entry.occurrences, got) == (1, D(2))


# --- 五抓五提升 -----------------------------------------------------------------------------------


def test_wuzhua_3_1_counts_every_organisational_life_shortfall(cast, frameworks, secretary):
    """A branch of one member (no 支委会) with no records at all: 三会一课 12 党小组会 + 4 大会 + 4 党课 = 20,
    theme days 12, no life meeting 1, no 民主评议 1 = 34 → 14 off 14 = 0. With every record but the
    theme days of two months and the 民主评议: 2 + 1 = 3 → 11."""
    entry, got = points(frameworks, "wuzhua", cast.branch, "3.1", actor=secretary)
    assert (entry.occurrences, got) == (34, D(0))
    for month in range(1, 13):
        _life(cast.branch, secretary, LifeKind.GROUP_MEETING, date(YEAR, month, 3), attendees=[cast.member])
        if month not in (7, 8):
            _life(cast.branch, secretary, LifeKind.THEME_DAY, date(YEAR, month, 5), attendees=[cast.member])
        if month % 3 == 1:
            _life(cast.branch, secretary, LifeKind.GENERAL_MEETING, date(YEAR, month, 6), attendees=[cast.member])
            _life(cast.branch, secretary, LifeKind.PARTY_LECTURE, date(YEAR, month, 7), attendees=[cast.member])
    _life(cast.branch, secretary, LifeKind.LIFE_MEETING, date(YEAR, 2, 20), attendees=[cast.member])
    entry, got = points(frameworks, "wuzhua", cast.branch, "3.1", actor=secretary)
    assert (entry.occurrences, got) == (3, D(11))


def test_wuzhua_3_1_counts_quarters_ranked_in_the_bottom_three(cast, frameworks, secretary):
    """The same year's records complete but a quarter ranked in the bottom three → 1 off 14 = 13."""
    from inspections.models import QuarterRanking, RankingEntry

    for month in range(1, 13):
        _life(cast.branch, secretary, LifeKind.GROUP_MEETING, date(YEAR, month, 3), attendees=[cast.member])
        _life(cast.branch, secretary, LifeKind.THEME_DAY, date(YEAR, month, 5), attendees=[cast.member])
        if month % 3 == 1:
            _life(cast.branch, secretary, LifeKind.GENERAL_MEETING, date(YEAR, month, 6), attendees=[cast.member])
            _life(cast.branch, secretary, LifeKind.PARTY_LECTURE, date(YEAR, month, 7), attendees=[cast.member])
    _life(cast.branch, secretary, LifeKind.LIFE_MEETING, date(YEAR, 2, 20), attendees=[cast.member])
    _life(cast.branch, secretary, LifeKind.MEMBER_APPRAISAL, date(YEAR, 2, 21), attendees=[cast.member])
    ranking = QuarterRanking.objects.create(
        township=cast.township, year=YEAR, quarter=2, published_by=cast.users["township_staff"]
    )
    RankingEntry.objects.create(ranking=ranking, branch=cast.branch, position=3, score=60, rounds=1, bottom_three=True)
    entry, got = points(frameworks, "wuzhua", cast.branch, "3.1", actor=secretary)
    assert (entry.occurrences, got) == (1, D(13))


def _ledger(cast, deadline, *, closed_on=None):
    from django.utils import timezone

    from inspections.models import LedgerItem, LedgerStatus

    item = LedgerItem.objects.create(
        branch=cast.branch,
        problem="主题党日记录不全",
        task="补齐记录",
        responsible="书记",
        deadline=deadline,
        created_by=cast.users["township_staff"],
    )
    if closed_on:
        item.status = LedgerStatus.CLOSED
        item.closed_at = timezone.make_aware(datetime.combine(closed_on, datetime.min.time()))
        item.save()
    return item


def test_wuzhua_5_2_and_standardization_7_4_2_count_overdue_ledger_items(cast, frameworks, secretary):
    """Three problems due in the year: one open past its deadline, one closed late, one closed on time
    → 2 overdue: 五抓五提升 12 − 2 × 2 = 8; 标准化 1 − 2 × 0.5 = 0."""
    _ledger(cast, date(YEAR, 5, 31))
    _ledger(cast, date(YEAR, 6, 30), closed_on=date(YEAR, 7, 15))
    _ledger(cast, date(YEAR, 8, 31), closed_on=date(YEAR, 8, 20))
    entry, got = points(frameworks, "wuzhua", cast.branch, "5.2", actor=secretary)
    assert (entry.occurrences, got) == (2, D(8))
    entry, got = points(frameworks, "standardization", cast.branch, "7.4.2", actor=secretary)
    assert (entry.occurrences, got) == (2, D(0))
    entry, got = points(frameworks, "chuangxian-branch", cast.branch, "4.4", actor=secretary)
    assert (entry.occurrences, got) == (2, D(2))  # 创先争优 五个好: 4 − 2 × 1


def test_a_ledger_item_due_later_today_is_not_yet_overdue(cast, frameworks, secretary, time_machine):
    """On 10 June, a problem due on 30 June is open but not overdue; one due on 31 May is → 12 − 2 = 10."""
    time_machine.move_to(clock.destination(f"{YEAR}-06-10"), tick=False)
    _ledger(cast, date(YEAR, 6, 30))
    _ledger(cast, date(YEAR, 5, 31))
    entry, got = points(frameworks, "wuzhua", cast.branch, "5.2", actor=secretary)
    assert (entry.occurrences, got) == (1, D(10))


# --- 标准化 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item_code, kind",
    [
        ("2.5.2", LifeKind.WORK_REPORT),
        ("2.5.3", LifeKind.ONE_MATTER_DISCUSSION),
        ("3.5.1", LifeKind.MEMBER_APPRAISAL),
        ("3.7.1", LifeKind.HEART_TO_HEART_TALK),
        ("7.1.1", LifeKind.DUAL_REVIEW),
    ],
)
def test_standardization_met_by_a_record_of_its_kind(cast, frameworks, secretary, item_code, kind):
    """No record: not met, 0; one record in the year: met, full points."""
    item = framework_spec(frameworks["standardization"]).item_map()[item_code]
    entry, got = points(frameworks, "standardization", cast.branch, item_code, actor=secretary)
    assert (entry.met, got) == (False, D(0))
    _life(cast.branch, secretary, kind, date(YEAR, 7, 8), attendees=[cast.member])
    entry, got = points(frameworks, "standardization", cast.branch, item_code, actor=secretary)
    assert (entry.met, got) == (True, item.points)


def test_standardization_2_6_1_deducts_each_quarter_without_both_disclosures(cast, frameworks, secretary):
    """党务 in all four quarters, 村务 in three → 1 quarter short → 2 − 0.5 = 1.5."""
    for quarter in range(1, 5):
        _life(cast.branch, secretary, LifeKind.PARTY_AFFAIRS_DISCLOSURE, date(YEAR, 3 * quarter, 25))
        if quarter != 4:
            _life(cast.branch, secretary, LifeKind.VILLAGE_AFFAIRS_DISCLOSURE, date(YEAR, 3 * quarter, 25))
    entry, got = points(frameworks, "standardization", cast.branch, "2.6.1", actor=secretary)
    assert (entry.occurrences, got) == (1, D("1.5"))


def test_standardization_3_2_1_deducts_each_incomplete_meeting_record(cast, frameworks, secretary):
    """Three meetings: one with attendees and minutes but no photo, one with no minutes, and a
    disclosure (not a meeting, not counted) → 2 incomplete (no photos anywhere) → 2 − 1 = 1."""
    _life(cast.branch, secretary, LifeKind.THEME_DAY, date(YEAR, 3, 5), attendees=[cast.member], minutes="讨论")
    _life(cast.branch, secretary, LifeKind.GROUP_MEETING, date(YEAR, 3, 6), attendees=[cast.member])
    _life(cast.branch, secretary, LifeKind.PARTY_AFFAIRS_DISCLOSURE, date(YEAR, 3, 25))
    entry, got = points(frameworks, "standardization", cast.branch, "3.2.1", actor=secretary)
    assert (entry.occurrences, got) == (2, D(1))


def test_standardization_5_3_1_is_met_by_a_young_member_who_joined_in_the_year(cast, frameworks, secretary):
    """A member of 40 joined in the year: not met; one of 35: met, 2 points."""
    MemberFactory(branch=cast.branch, birth_year=YEAR - 40, joined_on=date(YEAR, 3, 1))
    entry, got = points(frameworks, "standardization", cast.branch, "5.3.1", actor=secretary)
    assert (entry.met, got) == (False, D(0))
    MemberFactory(branch=cast.branch, birth_year=YEAR - 35, joined_on=date(YEAR, 6, 1))
    entry, got = points(frameworks, "standardization", cast.branch, "5.3.1", actor=secretary)
    assert (entry.met, got) == (True, D(2))


def test_standardization_5_6_1_takes_the_share_of_members_who_pledged(cast, frameworks, secretary):
    """2 members, 1 pledged (50 %) → 0.5; both (100 %) → 1 (设岗定责 is not on record: at most 1 of 1.5)."""
    other = MemberFactory(branch=cast.branch)
    pledge_record(branch=cast.branch, member=cast.member, year=YEAR, content="带头种植", actor=secretary)
    pledge_record(branch=cast.branch, member=None, year=YEAR, content="支部承诺", actor=secretary)
    assert points(frameworks, "standardization", cast.branch, "5.6.1", actor=secretary)[1] == D("0.5")
    pledge_record(branch=cast.branch, member=other, year=YEAR, content="结对帮扶", actor=secretary)
    assert points(frameworks, "standardization", cast.branch, "5.6.1", actor=secretary)[1] == D(1)
    assert Pledge.objects.filter(branch=cast.branch).count() == 3


def test_standardization_6_5_1_is_met_by_any_collective_income(cast, frameworks, secretary):
    """Income not reported: left to the person scoring; 0 元: not met; 12,000 元: met, 1 point."""
    sheet = score_sheet_create(
        framework=frameworks["standardization"],
        branch=cast.branch,
        stage=Stage.SELF_ASSESSMENT,
        year=YEAR,
        actor=secretary,
    )
    assert "6.5.1" not in sheet_entries(sheet)
    AnnualFigure.objects.create(branch=cast.branch, year=YEAR, collective_income=D(0))
    assert points(frameworks, "standardization", cast.branch, "6.5.1", actor=secretary) == (_met(False), D(0))
    AnnualFigure.objects.create(branch=cast.branch, year=YEAR, collective_income=D(12000))  # a correction
    assert points(frameworks, "standardization", cast.branch, "6.5.1", actor=secretary) == (_met(True), D(1))


def _met(value):
    from scoring.engine import Entry

    return Entry(met=value)


def test_standardization_7_2_2_follows_the_townships_points_scheme(cast, frameworks, secretary):
    """A confirmed deed but no scheme: 0; the township's scheme gives deeds points: 1."""
    deed = deed_record(
        branch=cast.branch,
        member=cast.member,
        kind=DeedKind.DEED,
        done_on=date(YEAR, 4, 1),
        description="代办",
        beneficiary="五组村民",
        actor=secretary,
    )
    deed_confirm(deed, actor=secretary)
    assert points(frameworks, "standardization", cast.branch, "7.2.2", actor=secretary)[1] == D(0)
    PointsRule.objects.create(
        township=cast.township, kind=DeedKind.DEED, points=3, yearly_cap=15, updated_by=cast.users["township_staff"]
    )
    assert points(frameworks, "standardization", cast.branch, "7.2.2", actor=secretary)[1] == D(1)


# --- 党建示范点 ----------------------------------------------------------------------------------


def test_demonstration_2_4_takes_the_share_of_members_who_pledged(cast, frameworks, secretary):
    """1 member, pledged → 100 % → 3."""
    pledge_record(branch=cast.branch, member=cast.member, year=YEAR, content="带头种植", actor=secretary)
    assert points(frameworks, "demonstration", cast.branch, "2.4", actor=secretary)[1] == D(3)


def test_demonstration_3_takes_the_way_in_and_the_reserve_pool(cast, frameworks, secretary):
    """3.1: nobody advanced in YEAR → 0; 王芳 made a 发展对象 in YEAR → met, 3 (发展党员或确定发展对象).
    3.3: 1 activist under cultivation (王芳, activist YEAR-1, prospect YEAR) → 1 short of 2 → 2 − 1 = 1.
    3.4: 两委 5, pool 2 → 3 posts without a reserve → 4 − 3 = 1."""
    from records.services.registers import branch_year_save, recruit_record, reserve_cadre_record

    assert points(frameworks, "demonstration", cast.branch, "3.1", actor=secretary)[1] == D(0)
    recruit_record(
        branch=cast.branch,
        name="王芳",
        gender="F",
        birth_year=1995,
        applied_on=date(YEAR - 1, 2, 1),
        activist_on=date(YEAR - 1, 4, 1),
        prospect_on=date(YEAR, 5, 1),
        actor=secretary,
    )
    for name in ("陈明", "林华"):
        reserve_cadre_record(
            branch=cast.branch, name=name, gender="M", birth_year=1990, added_on=date(YEAR, 1, 5), actor=secretary
        )
    branch_year_save(branch=cast.branch, year=YEAR, actor=secretary, cadres=5)
    assert points(frameworks, "demonstration", cast.branch, "3.1", actor=secretary)[1] == D(3)
    assert points(frameworks, "demonstration", cast.branch, "3.3", actor=secretary)[1] == D(1)
    assert points(frameworks, "demonstration", cast.branch, "3.4", actor=secretary)[1] == D(1)


def test_demonstration_5_5_deducts_each_missing_disclosure(cast, frameworks, secretary):
    """No disclosure all year: 12 × 0.5 off 3 = 0; all 12 → 3."""
    assert points(frameworks, "demonstration", cast.branch, "5.5", actor=secretary) == (_occ(12), D(0))
    for quarter in range(1, 5):
        for kind in (
            LifeKind.PARTY_AFFAIRS_DISCLOSURE,
            LifeKind.VILLAGE_AFFAIRS_DISCLOSURE,
            LifeKind.FINANCE_DISCLOSURE,
        ):
            _life(cast.branch, secretary, kind, date(YEAR, 3 * quarter - 1, 10))
    assert points(frameworks, "demonstration", cast.branch, "5.5", actor=secretary) == (_occ(0), D(3))


def _occ(n):
    from scoring.engine import Entry

    return Entry(occurrences=n)


def test_demonstration_6_3_deducts_each_member_without_a_pairing(cast, frameworks, secretary):
    """3 members, one with a confirmed 一对一帮扶 → 2 × 0.5 off 3 = 2."""
    _members(cast.branch, 2)
    deed = deed_record(
        branch=cast.branch,
        member=cast.member,
        kind=DeedKind.PAIRING,
        done_on=date(YEAR, 4, 1),
        description="结对帮扶",
        beneficiary="高龄空巢户",
        actor=secretary,
    )
    deed_confirm(deed, actor=secretary)
    assert points(frameworks, "demonstration", cast.branch, "6.3", actor=secretary) == (_occ(2), D(2))


@pytest.mark.parametrize("last, this, expected", [(30000, 36500, 2), (36500, 36500, 1), (40000, 36500, 0)])
def test_demonstration_8_4_compares_collective_income_with_last_year(cast, frameworks, secretary, last, this, expected):
    """Up on last year → 2, level → 1, down → 0."""
    AnnualFigure.objects.create(branch=cast.branch, year=YEAR - 1, collective_income=D(last))
    AnnualFigure.objects.create(branch=cast.branch, year=YEAR, collective_income=D(this))
    assert points(frameworks, "demonstration", cast.branch, "8.4", actor=secretary)[1] == D(expected)


def test_demonstration_8_4_is_left_open_without_last_years_figure(cast, frameworks, secretary):
    AnnualFigure.objects.create(branch=cast.branch, year=YEAR, collective_income=D(36500))
    sheet = score_sheet_create(
        framework=frameworks["demonstration"],
        branch=cast.branch,
        stage=Stage.SELF_ASSESSMENT,
        year=YEAR,
        actor=secretary,
    )
    assert "8.4" not in sheet_entries(sheet)


# --- 督查清单（一季度） ------------------------------------------------------------------------------


def _quarter_sheet(frameworks, branch, actor):
    return score_sheet_create(
        framework=frameworks["inspection-organisational-life"],
        branch=branch,
        stage=Stage.INSPECTION,
        year=YEAR,
        quarter=2,
        actor=actor,
    )


def test_inspection_3_2_grades_the_attendance_of_the_quarters_meetings(cast, frameworks, secretary):
    """Two meetings in Q2 of 5 members: 5/5 and 3 present + 2 away → 8 of 10 = 80 % → 8 points;
    a March meeting (Q1) with nobody does not count."""
    members = [cast.member, *_members(cast.branch, 4)]
    _life(cast.branch, secretary, LifeKind.THEME_DAY, date(YEAR, 4, 5), attendees=members)
    organisational_life_record(
        branch=cast.branch,
        kind=LifeKind.GROUP_MEETING,
        held_on=date(YEAR, 5, 5),
        topic="党小组会",
        attendees=members[:3],
        absences={members[3]: "away", members[4]: "illness"},
        actor=secretary,
    )
    OrganisationalLife.objects.create(
        branch=cast.branch, kind=LifeKind.GROUP_MEETING, held_on=date(YEAR, 3, 5), topic="三月", recorded_by=secretary
    )
    entry = sheet_entries(_quarter_sheet(frameworks, cast.branch, secretary))["3.2"]
    assert entry.points == 8


def test_inspection_1_2_deducts_each_missing_part_of_a_meeting_record(cast, frameworks, secretary):
    """Q2: a theme day with attendees and minutes (no photo: 1 gap), a meeting with nothing (3 gaps)
    → 4 × 2 off 16 = 8."""
    _life(cast.branch, secretary, LifeKind.THEME_DAY, date(YEAR, 4, 5), attendees=[cast.member], minutes="讨论")
    OrganisationalLife.objects.create(
        branch=cast.branch, kind=LifeKind.GROUP_MEETING, held_on=date(YEAR, 5, 5), topic="空", recorded_by=secretary
    )
    entry = sheet_entries(_quarter_sheet(frameworks, cast.branch, secretary))["1.2"]
    assert entry.occurrences == 4


# --- 三会一课 for branches without 支委会 or 党小组 -------------------------------------------------------


@pytest.mark.parametrize(
    "has_committee, party_groups, missing",
    [
        # a committee and groups: 12 支委会 + 12 党小组会 + 4 大会 + 4 党课 − the 12 党小组会 held = 20
        (True, 2, 20),
        # no committee: 12 党小组会 + 8 − 12 held = 8
        (False, 2, 8),
        # a committee, no groups: 12 支委会 + 8 = 20 (the 党小组会 held count for nothing)
        (True, 0, 20),
        # neither: 大会 and 党课 only = 8
        (False, 0, 8),
    ],
)
def test_three_one_items_follow_the_branch_structure(cast, frameworks, has_committee, party_groups, missing):
    """标准化 3.1.1 (0.5 a meeting off 4) and 示范点 4.1 (the same) score a branch by the meetings its
    structure makes due; a year of 党小组会 only."""
    staff = cast.users["township_staff"]
    branch = BranchFactory(township=cast.township, has_committee=has_committee, party_groups=party_groups)
    member = MemberFactory(branch=branch)
    for month in range(1, 13):
        _life(branch, staff, LifeKind.GROUP_MEETING, date(YEAR, month, 3), attendees=[member])
    for code, item_code in (("standardization", "3.1.1"), ("demonstration", "4.1")):
        entry, got = points(frameworks, code, branch, item_code, actor=staff)
        assert entry.occurrences == missing
        assert got == max(D(0), D(4) - D("0.5") * missing)
