"""转出/离开本支部: the member form takes the day a member left, never before they joined nor after
today; from then on the member is off the year's rating page (and any later year's)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from branches.models import Member
from common.dates import today
from ratings.selectors import eligible_members


def _post(client, member, left_on):
    data = {
        "name": member.name,
        "gender": member.gender,
        "birth_year": member.birth_year,
        "joined_on": member.joined_on.isoformat(),
        "post": member.post,
        "phone": member.phone,
        "left_on": left_on,
    }
    return client.post(reverse("branches:member_edit", args=[member.pk]), data)


@pytest.mark.parametrize(
    ("left_on", "message"),
    [
        (date(1998, 6, 30), "转出/离开本支部日期不能早于入党日期。"),  # joined 1998-07-01
        (today() + timedelta(days=1), "转出/离开本支部日期不能晚于今天。"),
        ("2026-13-01", "输入一个有效的日期。"),
    ],
)
def test_a_leaving_day_before_joining_or_in_the_future_is_refused(cast, client_for, left_on, message):
    response = _post(client_for(cast.users["branch_secretary"]), cast.member, str(left_on))
    assert response.status_code == 200 and message in response.content.decode()
    assert Member.objects.get(pk=cast.member.pk).left_on is None


def test_a_member_who_left_is_rated_for_the_years_before_but_not_after(cast, client_for):
    """Left on 15 March of this year: on last year's list still, not on this year's."""
    left_on = date(today().year, 3, 15) if today() >= date(today().year, 3, 15) else today()
    response = _post(client_for(cast.users["branch_secretary"]), cast.member, left_on.isoformat())
    assert response.status_code == 302
    assert cast.member in eligible_members(cast.branch, today().year - 1)
    assert cast.member not in eligible_members(cast.branch, today().year)
