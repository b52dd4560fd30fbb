"""The members' yearly rating (党员星级评定): each item starts from the member's own records of the
year (or, with nothing on record, at the standard), adjustments carry reasons, and the total and
stars come from the scoring engine. Every case gives its arithmetic."""

from datetime import date
from decimal import Decimal as D

import pytest

from common.dates import today
from ratings import rules
from ratings.selectors import rating_framework, rating_page
from records.models import AbsenceReason, DeedKind, LifeKind, PledgeStatus
from records.services import organisational_life_record, pledge_record, pledge_resolve
from scoring.builtin import load_builtin_frameworks
from scoring.selectors import framework_spec
from tests.factories import MemberFactory
from tests.ratings.conftest import dues_paid
from tests.scoring.test_member_links import _deed as deed  # a confirmed deed in May of YEAR

YEAR = today().year - 1


@pytest.fixture
def member(cast):
    load_builtin_frameworks()
    return MemberFactory(branch=cast.branch, name="李模范", joined_on=date(YEAR - 10, 7, 1))


def meeting(cast, kind, day, *, present=(), away=None):
    organisational_life_record(
        branch=cast.branch,
        kind=kind,
        held_on=date(YEAR, 3, day),
        topic="会议",
        attendees=list(present),
        absences=away or {},
        actor=cast.users["branch_secretary"],
    )


def row_of(cast, member):
    page = rating_page(cast.branch, YEAR)
    return next(row for row in page.rows if row.member == member)


def items_of(row):
    return {r.item.code: r for r in row.items}


def test_attendance_counts_excused_absences_as_attended(cast, member):
    """2.1 三会和主题党日: 10 meetings, attended 7, away 因病 1 and 外出务工经商 1 (excused: attended),
    away for 其他 1 → (7 + 2) ÷ 10 = 90 % ≥ 90 → 11 of 15. 1.1 党课: 4 lectures, attended 3, away
    for 其他 1 → 3 ÷ 4 = 75 % ≥ 75 → 6 of 10."""
    kinds = [LifeKind.THEME_DAY] * 4 + [LifeKind.COMMITTEE_MEETING] * 3 + [LifeKind.GENERAL_MEETING] * 3
    away = {7: AbsenceReason.ILLNESS, 8: AbsenceReason.AWAY, 9: AbsenceReason.OTHER}
    for index, kind in enumerate(kinds):
        reason = away.get(index)
        meeting(cast, kind, index + 1, present=() if reason else (member,), away={member: reason} if reason else None)
    for day in (20, 21, 22, 23):
        other = {member: AbsenceReason.OTHER} if day == 23 else None
        meeting(cast, LifeKind.PARTY_LECTURE, day, present=() if other else (member,), away=other)

    items = items_of(row_of(cast, member))
    assert items["2.1"].prefill.origin == rules.RECORD and items["2.1"].points == D(11)
    assert "应参加三会和主题党日 10 次，参加 7 次、请假 2 次（视同参加）、无故缺席 1 次 → 参加率 90%" in (
        items["2.1"].prefill.source
    )
    assert items["1.1"].points == D(6)


def test_pledges_services_and_a_worked_total_give_four_stars(cast, member):
    """3.1: two pledges, one kept, one still open → 2 + (6 − 2) = 6 → 11 of 15. 4.1: 2 visits
    (3 − (4 − 2) = 1) and 1 deed (3) → 4 of 8. 4.2: 1 volunteer service → 6 of 12. 2.2: took part in the
    组织生活会 → met, 5. 1.1 and 2.1: no lecture or meeting listed him → nothing on record, at the
    standard (10, 15). The rest at the standard: 1.2 5, 2.3 5, 3.2 5, 4.3 5 (not appraised), 5.1 15.
    Total 10 + 5 + 15 + 5 + 5 + 11 + 5 + 4 + 6 + 5 + 15 = 86 ≥ 80 → 4 stars."""
    secretary = cast.users["branch_secretary"]
    dues_paid([member], YEAR, secretary)
    kept, open_ = (
        pledge_record(branch=cast.branch, member=member, year=YEAR, content=text, actor=secretary)
        for text in ("修通组路", "办合作社")
    )
    pledge_resolve(kept, status=PledgeStatus.KEPT, note="已修通", resolved_on=date(YEAR, 9, 1), actor=secretary)
    for day, kind in ((1, DeedKind.PAIRING), (2, DeedKind.PAIRING), (3, DeedKind.DEED), (4, DeedKind.SERVICE)):
        deed(member, secretary, kind, day)
    meeting(cast, LifeKind.LIFE_MEETING, 5, present=(member,))

    row = row_of(cast, member)
    items = items_of(row)
    points = {code: r.points for code, r in items.items()}
    assert points == {
        "1.1": D(10), "1.2": D(5), "2.1": D(15), "2.2": D(5), "2.3": D(5), "3.1": D(11),
        "3.2": D(5), "4.1": D(4), "4.2": D(6), "4.3": D(5), "5.1": D(15), "5.2": D(0),
    }  # fmt: skip
    assert row.total == D(86) and row.stars == 4 and row.stars_rule == "总分 86 ≥ 80：4星"
    assert {code for code, r in items.items() if r.prefill.origin == rules.RECORD} == {
        "2.2",
        "2.3",
        "3.1",
        "4.1",
        "4.2",
    }
    assert (
        f"党费收缴台账：{YEAR}年应交 12 个月，足额 12 个月、未交或少交 0 个月 → 按月足额" in items["2.3"].prefill.source
    )


def test_dues_from_the_register(cast, member):
    """2.3 党费: every month paid in full → 2 → 5; March unpaid → short → 1 → 3 (未按月足额);
    March to August unpaid, 6 months running → 0 → 0 (连续6个月以上未交); nothing on record for
    a member who owes → every month short, 12 running → 0."""
    from records.models import DuesPayment

    secretary = cast.users["branch_secretary"]
    assert items_of(row_of(cast, member))["2.3"].points == D(0)
    dues_paid([member], YEAR, secretary, except_months=(3,))
    assert items_of(row_of(cast, member))["2.3"].points == D(3)
    DuesPayment.objects.filter(member=member, month__month__in=(4, 5, 6, 7, 8)).update(paid=0)
    item = items_of(row_of(cast, member))["2.3"]
    assert item.points == D(0) and "（连续 6 个月未交）" in item.prefill.source
    DuesPayment.objects.filter(member=member).update(paid="0.2")
    DuesPayment.objects.create(
        branch=cast.branch, member=member, month=date(YEAR, 3, 1), due="0.2", paid="0.2", recorded_by=secretary
    )
    assert items_of(row_of(cast, member))["2.3"].points == D(5)


@pytest.fixture
def spec(db):
    load_builtin_frameworks()
    return framework_spec(rating_framework())


def test_a_veto_gives_no_stars_whatever_the_total(spec):
    """5.2 一票否决 triggered: every other item at the standard (total 100) → 不予评定星级 (0)."""
    values = {item.code: rules.standard_value(item) for item in spec.items()}
    assert rules.member_result(spec, values).total == D(100)
    values["5.2"] = "1"
    result = rules.member_result(spec, values)
    assert result.stars.value == 0 and result.stars.rule == "一票否决（5.2）：不予评定星级"


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("1.2", "6", "得分不能超过分值 5 分。"),  # 1.2 is worth 5
        ("1.2", "2.5", "得分应以 1 分为档。"),  # step 1
        ("1.2", "-1", "得分不能为负数。"),
        ("1.2", "abc", rules.ERROR_NOT_A_NUMBER),
        ("1.2", "99999999999", rules.ERROR_NOT_A_NUMBER),  # would overflow: refused before
        ("5.1", "1.5", rules.ERROR_NOT_A_COUNT),
        ("2.2", "2", rules.ERROR_CHOICE),
    ],
)
def test_a_value_outside_the_items_range_or_off_its_step_is_refused(spec, code, value, message):
    item = spec.item_map()[code]
    with pytest.raises(rules.EntryError) as refused:
        rules.check_value(item, value)
    assert refused.value.message == message


def test_a_value_is_kept_in_its_plain_form(spec):
    """8.0 → 8 (so an adjustment back to the pre-filled 8 points is no adjustment)."""
    item = spec.item_map()["4.1"]
    assert rules.check_value(item, " 8.0 ") == "8"
