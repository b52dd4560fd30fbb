"""Organisational life recorded once, and read by the score sheets."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from common.dates import today
from records.models import Absence, AbsenceReason, LifeKind, OrganisationalLife
from records.services import organisational_life_record
from scoring.builtin import load_builtin_frameworks
from scoring.facts import Period, fact_values
from scoring.models import Framework
from scoring.services import score_sheet_create
from tests.factories import MemberFactory

YEAR = today().year - 1  # a year that is over


def _record(cast, kind, held_on, actor=None):
    return organisational_life_record(
        branch=cast.branch,
        kind=kind,
        held_on=held_on,
        topic="学习党的二十大精神",
        attendees=[cast.member],
        actor=actor or cast.users["branch_secretary"],
    )


def test_theme_day_months_count_each_month_once_and_only_that_year(cast):
    _record(cast, LifeKind.THEME_DAY, date(YEAR, 1, 31))  # the last day of a month counts for that month
    _record(cast, LifeKind.THEME_DAY, date(YEAR, 1, 5))
    _record(cast, LifeKind.THEME_DAY, date(YEAR, 3, 1))
    _record(cast, LifeKind.THEME_DAY, date(YEAR - 1, 12, 31))  # another year
    _record(cast, LifeKind.PARTY_LECTURE, date(YEAR, 4, 1))  # another kind
    facts = fact_values(cast.branch, YEAR)
    assert facts["theme_day_months"].value == 2
    assert facts["life_meetings"].value == 0
    assert f"{YEAR}年有 2 个月开展了主题党日" in facts["theme_day_months"].source


def test_a_standardization_sheet_opens_filled_from_the_records(cast, client_for):
    """3.4.1: one deduction per month begun so far without a theme day (3 held).
    3.6.1: one 组织生活会 held → met."""
    load_builtin_frameworks()
    for month in (2, 5, 8):
        _record(cast, LifeKind.THEME_DAY, date(YEAR, month, 10))
    _record(cast, LifeKind.LIFE_MEETING, date(YEAR, 6, 20))
    sheet = score_sheet_create(
        framework=Framework.objects.get(code="standardization"),
        branch=cast.branch,
        stage="self_assessment",
        year=YEAR,
        actor=cast.users["branch_secretary"],
    )
    entries = {e.item.code: e for e in sheet.entries.select_related("item")}
    due = Period.year(YEAR).due_months(today())
    assert entries["3.4.1"].occurrences == len(due) - 3
    assert entries["3.6.1"].met is True
    page = client_for(cast.users["branch_secretary"])
    html = page.get(reverse("scoring:sheet_fill", args=[sheet.pk])).content.decode()
    assert "未开展主题党日" in html and "依据的记录（3 条，作为本项佐证）" in html


def test_a_secretary_records_only_for_their_own_branch(cast):
    with pytest.raises(PermissionDenied):
        organisational_life_record(
            branch=cast.sibling_branch,
            kind=LifeKind.THEME_DAY,
            held_on=date(YEAR, 5, 1),
            topic="x",
            attendees=[],
            actor=cast.users["branch_secretary"],
        )
    with pytest.raises(PermissionDenied):  # a county reviewer reads, does not record
        _record(cast, LifeKind.THEME_DAY, date(YEAR, 5, 1), actor=cast.users["county_reviewer"])
    with pytest.raises(ValueError, match="不属于该党支部"):
        organisational_life_record(
            branch=cast.branch,
            kind=LifeKind.THEME_DAY,
            held_on=date(YEAR, 5, 1),
            topic="x",
            attendees=[cast.neighbour_branch.members.first()],
            actor=cast.users["branch_secretary"],
        )


def test_the_life_page_records_and_shows_the_months(client_for, cast):
    client = client_for(cast.users["branch_secretary"])
    url = reverse("records:life", args=[cast.branch.pk])
    day = today()  # the page shows this year's months
    response = client.post(
        url,
        {
            "kind": LifeKind.THEME_DAY,
            "held_on": day.isoformat(),
            "topic": "学习日：学习党章",
            "attendees": [cast.member.pk],
            "absence_note": "",
        },
        follow=True,
    )
    html = response.content.decode()
    assert f"已记录主题党日（{day:%Y-%m-%d}）" in html and f"{day.month}月✓" in html
    assert client_for(cast.users["other_branch_secretary"]).get(url).status_code == 404
    county = client_for(cast.users["county_reviewer"])
    assert county.get(url).status_code == 200
    assert county.post(url, {"kind": LifeKind.THEME_DAY, "held_on": day.isoformat(), "topic": "x"}).status_code == 403


def test_it_asks_a_reason_of_each_absent_member_and_keeps_it(client_for, cast):
    away = MemberFactory(branch=cast.branch, name="王五")
    client = client_for(cast.users["branch_secretary"])
    url = reverse("records:life", args=[cast.branch.pk])
    # today: the page it lands on shows this year's meetings
    meeting = {"kind": LifeKind.COMMITTEE_MEETING, "held_on": today().isoformat(), "topic": "支委会"}

    # 王五 unticked with no reason: refused, named, nothing saved
    response = client.post(url, {**meeting, "attendees": [cast.member.pk]})
    assert "请为缺席的党员选择缺席原因：王五。" in response.content.decode()
    assert not OrganisationalLife.objects.filter(branch=cast.branch).exists()

    response = client.post(
        url, {**meeting, "attendees": [cast.member.pk], f"reason_{away.pk}": AbsenceReason.AWAY}, follow=True
    )
    record = OrganisationalLife.objects.get(branch=cast.branch)
    assert list(record.attendees.all()) == [cast.member]
    assert [(a.member, a.reason) for a in Absence.objects.filter(life=record)] == [(away, AbsenceReason.AWAY)]
    assert "缺席 1 人：王五（外出务工经商）" in response.content.decode()


def test_a_member_cannot_be_both_present_and_absent(cast):
    with pytest.raises(ValueError, match="既参加又缺席"):
        organisational_life_record(
            branch=cast.branch,
            kind=LifeKind.THEME_DAY,
            held_on=date(YEAR, 11, 5),
            topic="学习日",
            attendees=[cast.member],
            absences={cast.member: AbsenceReason.ILLNESS},
            actor=cast.users["branch_secretary"],
        )


def test_a_member_who_joined_after_the_meeting_is_neither_present_nor_absent(client_for, cast):
    newcomer = MemberFactory(branch=cast.branch, name="赵六", joined_on=date(YEAR, 10, 1))
    client = client_for(cast.users["branch_secretary"])
    url = reverse("records:life", args=[cast.branch.pk])
    client.post(
        url,
        {
            "kind": LifeKind.THEME_DAY,
            "held_on": f"{YEAR}-09-05",
            "topic": "九月主题党日",
            "attendees": [cast.member.pk],
        },
    )
    record = OrganisationalLife.objects.get(branch=cast.branch)
    assert not Absence.objects.filter(life=record).exists()
    with pytest.raises(ValueError, match="尚未入党"):
        organisational_life_record(
            branch=cast.branch,
            kind=LifeKind.THEME_DAY,
            held_on=date(YEAR, 9, 6),
            topic="x",
            attendees=[],
            absences={newcomer: AbsenceReason.AWAY},
            actor=cast.users["branch_secretary"],
        )


def test_each_absence_is_on_the_audit_trail(client_for, cast):
    from audit.models import AuditEntry

    away = MemberFactory(branch=cast.branch, name="王五", joined_on=date(2020, 1, 1))
    client_for(cast.users["branch_secretary"]).post(
        reverse("records:life", args=[cast.branch.pk]),
        {
            "kind": LifeKind.COMMITTEE_MEETING,
            "held_on": f"{YEAR}-11-10",
            "topic": "11月支委会",
            "attendees": [cast.member.pk],
            f"reason_{away.pk}": AbsenceReason.ILLNESS,
        },
    )
    assert AuditEntry.objects.filter(object_repr="王五（因病）", action=AuditEntry.Action.CREATE).exists()
