"""Frameworks are read through the one scoping rule: built-ins for everyone, a unit's own
frameworks for the people under it and above it, nothing of another county."""

import pytest

from branches.scoping import Role
from scoring.models import Framework
from tests.factories import UserFactory


def _framework(code, **owner):
    return Framework.objects.create(code=code, name=code, kind="wuzhua", fingerprint=code, **owner)


@pytest.fixture
def frameworks(cast):
    return {
        "builtin": _framework("builtin"),
        "county": _framework("county", county=cast.county),
        "township": _framework("township", township=cast.township),
        "neighbour": _framework("neighbour", township=cast.neighbour_township),
        "far": _framework("far", county=cast.far_branch.township.county),
        "far_township": _framework("far_township", township=cast.far_branch.township),
    }


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("county_reviewer", {"builtin", "county", "township", "neighbour"}),
        ("township_staff", {"builtin", "county", "township"}),
        ("branch_secretary", {"builtin", "county", "township"}),
        ("other_county_reviewer", {"builtin", "far", "far_township"}),
        ("other_township_staff", {"builtin", "county", "neighbour"}),
        ("other_branch_secretary", {"builtin", "county", "township"}),
    ],
)
def test_each_role_sees_its_own_units_frameworks_once(cast, frameworks, user, expected):
    seen = list(Framework.objects.visible_to(cast.users[user]).values_list("code", flat=True))
    assert sorted(seen) == sorted(expected)


def test_administrators_see_only_the_builtins_and_an_inactive_user_nothing(cast, frameworks):
    admin = UserFactory(role=Role.SYSTEM_ADMIN, county=cast.county)
    assert list(Framework.objects.visible_to(admin).values_list("code", flat=True)) == ["builtin"]
    staff = cast.users["township_staff"]
    staff.is_active = False
    assert not Framework.objects.visible_to(staff).exists()
