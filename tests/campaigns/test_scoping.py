"""Campaigns are read through the one scoping rule: a campaign run by a county or by a
township, seen from the county, the townships whose branches take part, and those branches."""

import pytest

from campaigns.models import Campaign, Participant
from scoring.models import Framework


@pytest.fixture
def campaigns(cast):
    framework = Framework.objects.create(code="f", name="f", kind="wuzhua", fingerprint="f")
    creator = cast.users["county_reviewer"]

    def campaign(title, branches, **owner):
        made = Campaign.objects.create(
            kind="wuzhua", year=2026, title=title, framework=framework, created_by=creator, **owner
        )
        for branch in branches:
            Participant.objects.create(campaign=made, branch=branch)
        return made

    far_branch = cast.far_branch
    return [
        campaign("county", [cast.branch, cast.sibling_branch, cast.neighbour_branch], county=cast.county),
        campaign("township", [cast.branch, cast.sibling_branch], township=cast.township),
        campaign("neighbour", [cast.neighbour_branch], township=cast.neighbour_township),
        campaign("neighbour_empty", [], township=cast.neighbour_township),
        campaign("far", [far_branch], county=far_branch.township.county),
    ]


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("county_reviewer", ["county", "neighbour", "neighbour_empty", "township"]),
        ("township_staff", ["county", "township"]),
        ("branch_secretary", ["county", "township"]),
        ("other_county_reviewer", ["far"]),
        ("other_township_staff", ["county", "neighbour", "neighbour_empty"]),
        ("other_branch_secretary", ["county", "township"]),
    ],
)
def test_each_role_sees_the_campaigns_under_its_unit_once(cast, campaigns, user, expected):
    seen = list(Campaign.objects.visible_to(cast.users[user]).values_list("title", flat=True))
    assert sorted(seen) == expected
