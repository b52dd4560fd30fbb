from datetime import date

import pytest

from common.dates import today
from scoring.builtin import load_builtin_frameworks
from tests.factories import MemberFactory

YEAR = today().year - 1  # a year over: every month of it counts


@pytest.fixture
def members(cast):
    """张三 and three more members of 法泥村, all members for years who paid their 党费 every month of
    YEAR, the rating framework loaded."""
    load_builtin_frameworks()
    members = [cast.member] + [
        MemberFactory(branch=cast.branch, name=f"党员{n}", joined_on=date(YEAR - 5, 1, n + 1)) for n in range(3)
    ]
    dues_paid(members, YEAR, cast.users["branch_secretary"])
    return members


def dues_paid(members, year, actor, *, except_months=()):
    """党费 paid in full (0.2 元) every month of ``year`` but ``except_months``."""
    from records.models import DuesPayment

    DuesPayment.objects.bulk_create(
        DuesPayment(branch=m.branch, member=m, month=date(year, month, 1), due="0.2", paid="0.2", recorded_by=actor)
        for m in members
        for month in range(1, 13)
        if month not in except_months
    )
