"""The rating page reads every member's records at once: the same number of queries for a branch
of 20 members as for one of 200 (pinned), before anything is saved and once every row is saved."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import Member
from common.dates import today
from ratings.services import branch_rating_save
from records.models import Absence, AbsenceReason, LifeKind, OrganisationalLife
from scoring.builtin import load_builtin_frameworks
from tests.factories import BranchFactory, branch_secretary

YEAR = today().year - 1


def _branch_of(township, size):
    branch = BranchFactory(township=township, name=f"{size}人村党支部")
    Member.objects.bulk_create(
        Member(branch=branch, name=f"党员{n}", gender="M", birth_year=1970, joined_on=date(2000, 1, 1))
        for n in range(size)
    )
    members = list(branch.members.all())
    secretary = branch_secretary(branch)
    for month in (3, 6, 9):
        life = OrganisationalLife.objects.create(
            branch=branch,
            kind=LifeKind.THEME_DAY,
            held_on=date(YEAR, month, 1),
            topic="主题党日",
            recorded_by=secretary,
        )
        life.attendees.set(members[1:])
        Absence.objects.create(life=life, member=members[0], reason=AbsenceReason.ILLNESS)
    return branch, secretary


def _queries(client, branch) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("ratings:branch_year", args=[branch.pk, YEAR]))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("saved", [False, True])
def test_the_rating_page_costs_the_same_for_20_and_200_members(cast, client, saved):
    load_builtin_frameworks()
    counts = []
    for size in (20, 200):
        branch, secretary = _branch_of(cast.township, size)
        if saved:
            branch_rating_save(branch=branch, year=YEAR, typed={}, revision=0, actor=secretary)
        client.force_login(secretary)
        counts.append(_queries(client, branch))
    # the session and the user (2), the branch, the framework and the rating (3), the framework's sections
    # and items (2), the members and their rows (2), all their records in six aggregate reads, 党费 the sixth (6), the
    # menu's units (2), the steps (1), the session's renewal for the idle timeout (3)
    assert counts == [22, 22]  # (the top bar's unread count is one of them)
