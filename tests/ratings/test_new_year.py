"""Year-end ratings straddle the new year: on 31 December and on 4 January the pages open on the year
being assessed (2026 on both days), and a branch meeting held in the first days of January still
decides the year before."""

from datetime import date

import pytest
from django.urls import reverse

from common.dates import today
from ratings.models import BranchRating, RatingStatus
from ratings.services import branch_rating_decide
from scoring.builtin import load_builtin_frameworks
from tests import clock


@pytest.mark.parametrize("day", ["2026-12-31", "2027-01-04"])
def test_the_year_being_assessed_is_prepared_and_decided_across_the_new_year(cast, client_for, time_machine, day):
    time_machine.move_to(clock.destination(day), tick=True)
    load_builtin_frameworks()
    secretary = cast.users["branch_secretary"]
    response = client_for(secretary).get(reverse("ratings:index"))
    assert response.url == reverse("ratings:branch_year", args=[cast.branch.pk, 2026])
    branch_rating_decide(
        branch=cast.branch, year=2026, meeting_on=today(), attendance=1, result="表决通过", revision=0, actor=secretary
    )
    rating = BranchRating.objects.get(branch=cast.branch, year=2026)
    assert rating.status == RatingStatus.DECIDED and rating.meeting_on == date.fromisoformat(day)
