"""A member who has left the branch (``Member.left_on``) is off its roll from that day: neither
present nor away at a later meeting (though the form ticks everyone), not counted among its
members — in the register, on the 工作台 and in the facts that fill score sheets — and not named
among those still without a deed."""

from datetime import date

import pytest
from django.urls import reverse

from branches.models import Member
from common.dates import today
from records.models import Absence, AbsenceReason, LifeKind, OrganisationalLife
from records.services import organisational_life_record
from scoring.facts import fact_values
from tests.factories import MemberFactory

YEAR = today().year - 1


@pytest.fixture
def gone(cast):
    member = MemberFactory(branch=cast.branch, name="钱七", joined_on=date(YEAR - 10, 1, 1))
    Member.objects.filter(pk=member.pk).update(left_on=date(YEAR, 6, 30))
    member.refresh_from_db()
    return member


def test_at_a_meeting_after_leaving_the_member_is_neither_present_nor_away(cast, gone, client_for):
    client = client_for(cast.users["branch_secretary"])
    client.post(
        reverse("records:life", args=[cast.branch.pk]),
        {
            "kind": LifeKind.THEME_DAY,
            "held_on": f"{YEAR}-09-05",
            "topic": "九月主题党日",
            "attendees": [cast.member.pk, gone.pk],  # the list ticks everyone on it
        },
    )
    record = OrganisationalLife.objects.get(branch=cast.branch)
    assert list(record.attendees.all()) == [cast.member]
    assert not Absence.objects.filter(life=record).exists()
    with pytest.raises(ValueError, match="已离开本支部"):
        organisational_life_record(
            branch=cast.branch,
            kind=LifeKind.THEME_DAY,
            held_on=date(YEAR, 9, 6),
            topic="x",
            attendees=[],
            absences={gone: AbsenceReason.AWAY},
            actor=cast.users["branch_secretary"],
        )


def test_before_leaving_the_member_was_at_the_meeting(cast, gone, client_for):
    client_for(cast.users["branch_secretary"]).post(
        reverse("records:life", args=[cast.branch.pk]),
        {
            "kind": LifeKind.THEME_DAY,
            "held_on": f"{YEAR}-03-05",
            "topic": "三月主题党日",
            "attendees": [cast.member.pk, gone.pk],
        },
        follow=True,
    )
    record = OrganisationalLife.objects.get(branch=cast.branch)
    assert gone in record.attendees.all()


def test_the_member_is_not_counted_among_the_members(cast, gone, client_for):
    """法泥村: 张三 and 钱七, who left on 30 June of last year → 1 member at last year's end, and 1 today."""
    assert fact_values(cast.branch, YEAR)["member_count"].value == 1
    register = client_for(cast.users["township_staff"]).get(reverse("branches:list")).content.decode()
    row = next(line for line in register.split("<tr") if cast.branch.name in line)
    cells = [cell.split("</td>")[0].strip() for cell in row.split("<td >")[1:]]
    assert cells[-1] == "1"  # the last column: 党员数


def test_the_member_is_not_named_among_those_without_a_deed(cast, gone, client_for):
    home = client_for(cast.users["branch_secretary"]).get(reverse("home")).content.decode()
    assert "张三" in home and "钱七" not in home
