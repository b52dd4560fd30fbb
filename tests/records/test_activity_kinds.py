"""The activities a branch records besides its meetings (谈心谈话, 党务公开, 环境卫生集中整治 …): kept on
the same life page, without the reasons for absence a meeting asks for, and outside 三会一课."""

from datetime import date

from django.urls import reverse

from common.dates import today
from records.models import ATTENDANCE_KINDS, LifeKind, OrganisationalLife
from scoring.facts import fact_values
from tests.factories import MemberFactory


def test_an_activity_is_recorded_without_reasons_for_those_not_there(client_for, cast):
    MemberFactory(branch=cast.branch, name="王五")
    client = client_for(cast.users["branch_secretary"])
    url = reverse("records:life", args=[cast.branch.pk])
    response = client.post(
        url,
        {"kind": LifeKind.PARTY_AFFAIRS_DISCLOSURE, "held_on": today().isoformat(), "topic": "第四季度党务公开"},
        follow=True,
    )
    record = OrganisationalLife.objects.get(branch=cast.branch)
    assert (record.kind, record.attendees.count(), record.absences.count()) == (LifeKind.PARTY_AFFAIRS_DISCLOSURE, 0, 0)
    page = response.content.decode()
    assert "党务公开" in page and "第四季度党务公开" in page
    # the form offers every kind
    for kind in (LifeKind.HEART_TO_HEART_TALK, LifeKind.ENVIRONMENT_CLEANUP, LifeKind.WORK_REPORT):
        assert f'value="{kind.value}"' in page


def test_a_meeting_still_asks_a_reason_of_each_member_not_there(client_for, cast):
    MemberFactory(branch=cast.branch, name="王五")
    client = client_for(cast.users["branch_secretary"])
    response = client.post(
        reverse("records:life", args=[cast.branch.pk]),
        {"kind": LifeKind.MEMBER_APPRAISAL, "held_on": today().isoformat(), "topic": "民主评议党员"},
    )
    assert "请为缺席的党员选择缺席原因" in response.content.decode()
    assert LifeKind.MEMBER_APPRAISAL in ATTENDANCE_KINDS and LifeKind.HEART_TO_HEART_TALK not in ATTENDANCE_KINDS


def test_activities_do_not_count_as_three_one_meetings(cast):
    year = today().year - 1
    secretary = cast.users["branch_secretary"]
    before = fact_values(cast.branch, year)["three_one_missing"].value
    for kind in (LifeKind.HEART_TO_HEART_TALK, LifeKind.WORK_REPORT, LifeKind.VILLAGE_AFFAIRS_DISCLOSURE):
        OrganisationalLife.objects.create(
            branch=cast.branch, kind=kind, held_on=date(year, 4, 5), topic="活动", recorded_by=secretary
        )
    facts = fact_values(cast.branch, year)
    assert facts["three_one_missing"].value == before
    assert (facts["heart_to_heart_talks"].value, facts["work_reports"].value) == (1, 1)
