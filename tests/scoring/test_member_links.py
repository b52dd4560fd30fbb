"""Issue 15 (first part): a member's 五个模范 sheet opens filled from the member's own records of the
year — absences without an excusing reason, pledges, visits and deeds, services, the member's
appraisal — each with the worked rule in its source; and an open member sheet follows a record
saved later. Every case below gives its arithmetic."""

from datetime import date
from decimal import Decimal as D

import pytest

from common.dates import today
from records.models import AbsenceReason, DeedKind, LifeKind, PledgeStatus
from records.services import (
    appraisal_record,
    deed_confirm,
    deed_record,
    organisational_life_record,
    pledge_record,
    pledge_resolve,
)
from scoring.builtin import load_builtin_frameworks
from scoring.engine import Entry, item_points
from scoring.models import Framework, Stage
from scoring.selectors import framework_spec
from scoring.services import score_sheet_create, sheet_entries
from tests.factories import MemberFactory

YEAR = today().year - 1


@pytest.fixture
def framework(db):
    load_builtin_frameworks()
    return Framework.objects.get(code="chuangxian-member")


@pytest.fixture
def member(cast):
    return MemberFactory(branch=cast.branch, name="李模范", joined_on=date(YEAR - 10, 7, 1))


def _sheet(framework, member, actor):
    return score_sheet_create(
        framework=framework, branch=member.branch, member=member, stage=Stage.SELF_ASSESSMENT, year=YEAR, actor=actor
    )


def _points(framework, sheet, code):
    entry = sheet_entries(sheet)[code]
    item = framework_spec(framework).item_map()[code]
    return item_points(item, Entry(met=entry.met, points=entry.points, occurrences=entry.occurrences)).points


def _deed(member, actor, kind, day):
    deed = deed_record(
        branch=member.branch,
        member=member,
        kind=kind,
        done_on=date(YEAR, 5, day),
        description="帮扶",
        beneficiary="三组",
        actor=actor,
    )
    deed_confirm(deed, actor=actor)


def test_a_members_sheet_opens_filled_from_the_members_own_records(cast, framework, member):
    secretary = cast.users["branch_secretary"]
    # 1.1: away from two meetings, once for 其他 (unexcused), once 因病 → 1 deduction of 1 → 9 of 10
    for day, reason in ((3, AbsenceReason.OTHER), (4, AbsenceReason.ILLNESS)):
        organisational_life_record(
            branch=cast.branch,
            kind=LifeKind.GENERAL_MEETING,
            held_on=date(YEAR, 3, day),
            topic="党员大会",
            attendees=[],
            absences={member: reason},
            actor=secretary,
        )
    # 2.2: two pledges, one kept, one not kept → 2 + (6 − 2) = 6 of 8
    kept, broken = (
        pledge_record(branch=cast.branch, member=member, year=YEAR, content=text, actor=secretary)
        for text in ("修通组路", "办合作社")
    )
    pledge_resolve(kept, status=PledgeStatus.KEPT, note="已修通", resolved_on=date(YEAR, 9, 1), actor=secretary)
    pledge_resolve(
        broken, status=PledgeStatus.NOT_KEPT, note="资金未落实", resolved_on=date(YEAR, 9, 1), actor=secretary
    )
    # 3.1: three visits (3 − 1 = 2) and one deed (3) → 5 of 8; 4.3: one volunteer service → met, 4
    for day in (1, 2, 3):
        _deed(member, secretary, DeedKind.PAIRING, day)
    _deed(member, secretary, DeedKind.DEED, 10)
    _deed(member, secretary, DeedKind.SERVICE, 11)
    # 3.3: 17 satisfied + 2 basically of 20 → 95 % ≥ 90 → 8 of 8
    appraisal_record(
        branch=cast.branch,
        member=member,
        held_on=date(YEAR, 12, 1),
        forms=20,
        satisfied=17,
        basically_satisfied=2,
        dissatisfied=1,
        actor=cast.users["township_staff"],
    )

    sheet = _sheet(framework, member, secretary)
    got = {code: _points(framework, sheet, code) for code in ("1.1", "2.2", "3.1", "3.3", "4.3")}
    assert got == {"1.1": D(9), "2.2": D(6), "3.1": D(5), "3.3": D(8), "4.3": D(4)}


def test_a_member_with_no_records_is_not_given_what_is_not_recorded(cast, framework, member):
    sheet = _sheet(framework, member, cast.users["branch_secretary"])
    entries = sheet_entries(sheet)
    assert entries["1.1"].occurrences == 0  # no unexcused absence on record
    assert entries["2.2"].points == 0  # no pledge: 未作承诺的本项不得分
    assert entries["3.1"].points == 0 and entries["4.3"].met is False
    assert "3.3" not in entries  # no appraisal of this member: left to the filler


def test_an_open_member_sheet_follows_a_deed_confirmed_later_and_shows_the_rule(cast, framework, member, client_for):
    secretary = cast.users["branch_secretary"]
    sheet = _sheet(framework, member, secretary)
    assert sheet_entries(sheet)["3.1"].points == 0
    _deed(member, secretary, DeedKind.DEED, 12)
    _deed(member, secretary, DeedKind.DEED, 13)
    assert sheet_entries(sheet)["3.1"].points == 5  # two deeds: 5; no visits: 3 − 3 = 0
    page = client_for(secretary).get(f"/scoring/sheets/{sheet.pk}/").content.decode()
    assert "结对走访 0 次 → 0 分，为群众办实事 2 件 → 5 分（已确认），共 5 分" in page
    assert "为群众办实事：帮扶" in page  # the deeds, linked as the item's evidence
