"""The standard cast: one county with two townships, a second county, and
for every role a user inside the unit under test and one outside it."""

from dataclasses import dataclass

import pytest

from common.dates import today as common_today
from tests import clock
from tests.factories import (
    BranchFactory,
    CountyFactory,
    MemberFactory,
    TownshipFactory,
    branch_secretary,
    county_reviewer,
    township_staff,
)

_TRAVEL = pytest.StashKey()


@dataclass
class Cast:
    county: object
    township: object
    branch: object
    sibling_branch: object  # same township, another branch
    neighbour_township: object  # same county, another township
    neighbour_branch: object
    far_branch: object  # another county
    member: object
    users: dict


@pytest.fixture
def cast(db):
    county = CountyFactory(name="青山县")
    township = TownshipFactory(county=county, name="关兴镇")
    branch = BranchFactory(township=township, name="法泥村党支部")
    sibling = BranchFactory(township=township, name="新寨村党支部")
    neighbour_township = TownshipFactory(county=county, name="煤山镇")
    neighbour_branch = BranchFactory(township=neighbour_township, name="那姑村党支部")
    far_county = CountyFactory(name="远山县")
    far_branch = BranchFactory(township=TownshipFactory(county=far_county, name="远山镇"), name="远山村党支部")
    member = MemberFactory(branch=branch, name="张三", phone="13812345678")
    MemberFactory(branch=neighbour_branch, name="李四")
    users = {
        "county_reviewer": county_reviewer(county, username="county"),
        "township_staff": township_staff(township, username="staff"),
        "branch_secretary": branch_secretary(branch, username="secretary"),
        # the same roles, one unit over: they must see nothing of the unit under test
        "other_county_reviewer": county_reviewer(far_county, username="far_county"),
        "other_township_staff": township_staff(neighbour_township, username="other_staff"),
        "other_branch_secretary": branch_secretary(sibling, username="other_secretary"),
    }
    return Cast(county, township, branch, sibling, neighbour_township, neighbour_branch, far_branch, member, users)


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def pytest_configure(config):
    # TEST_TODAY=2027-01-04: the whole session on that day (tests/clock.py), before any test module is imported
    config.stash[_TRAVEL] = clock.start_session()


def pytest_unconfigure(config):
    if travel := config.stash.get(_TRAVEL, None):
        travel.stop()


def pytest_report_header(config):
    from django.conf import settings

    today = f" · today: {common_today()} ({clock.ENV})" if config.stash.get(_TRAVEL, None) else ""
    return (
        f"database: {settings.DATABASES['default']['ENGINE']} · broker: {settings.CELERY_BROKER_URL.split('@')[-1]}"
        + today
    )
