"""Notices are read through the one scoping rule: the county and the township see their
township's notices, a secretary those that name their branch."""

from datetime import date

import pytest

from inspections.models import DocumentNumber, Notice, QuarterRanking


def _notice(township, branches, actor, serial):
    ranking = QuarterRanking.objects.create(township=township, year=2026, quarter=serial, published_by=actor)
    number = DocumentNumber.objects.create(issuer="关党发", year=2026, serial=serial, purpose="通报", issued_by=actor)
    notice = Notice.objects.create(
        township=township,
        ranking=ranking,
        number=number,
        title=f"通报{serial}",
        opening="",
        closing="",
        issued_on=date(2026, 7, 1),
        issued_by=actor,
    )
    notice.branches.set(branches)
    return notice


@pytest.fixture
def notices(cast):
    staff = cast.users["township_staff"]
    _notice(cast.township, [cast.branch, cast.sibling_branch], staff, 1)
    _notice(cast.township, [cast.sibling_branch], staff, 2)
    _notice(cast.neighbour_township, [cast.neighbour_branch], staff, 3)


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("county_reviewer", ["通报1", "通报2", "通报3"]),
        ("township_staff", ["通报1", "通报2"]),
        ("branch_secretary", ["通报1"]),
        ("other_county_reviewer", []),
        ("other_township_staff", ["通报3"]),
        ("other_branch_secretary", ["通报1", "通报2"]),
    ],
)
def test_each_role_sees_the_notices_of_its_unit(cast, notices, user, expected):
    seen = Notice.objects.visible_to(cast.users[user]).values_list("title", flat=True)
    assert sorted(seen) == expected
