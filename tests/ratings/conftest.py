from datetime import date

import pytest

from common.dates import today
from scoring.builtin import load_builtin_frameworks
from tests.factories import MemberFactory

YEAR = today().year - 1  # a year over: every month of it counts


@pytest.fixture
def members(cast):
    """张三 and three more members of 法泥村, all members for years, the rating framework loaded."""
    load_builtin_frameworks()
    return [cast.member] + [
        MemberFactory(branch=cast.branch, name=f"党员{n}", joined_on=date(YEAR - 5, 1, n + 1)) for n in range(3)
    ]
