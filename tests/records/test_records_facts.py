"""Records kept once (deeds, pledges, problems, appraisal, organisational life)
and the facts computed from them, on hand-made records."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.dates import today
from records.models import DeedKind, LifeKind, OrganisationalLife, PledgeStatus
from records.selectors import member_points
from records.services import (
    appraisal_record,
    deed_confirm,
    deed_record,
    organisational_life_record,
    pledge_record,
    pledge_resolve,
    points_rule_save,
    problem_record,
)
from scoring.facts import Period, fact_values, facts_for_branches, facts_grid, secretary_gaps
from tests.factories import BranchFactory, MemberFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = today().year - 1  # a year that is over: every month of it is due, every date in it is past


def _life(branch, actor, kind, held_on, topic="学习"):
    return organisational_life_record(branch=branch, kind=kind, held_on=held_on, topic=topic, attendees=[], actor=actor)


def _deed(branch, member, actor, done_on, kind=DeedKind.DEED, confirm=True, confirmer=None):
    deed = deed_record(
        branch=branch,
        member=member,
        kind=kind,
        done_on=done_on,
        description="代办医保",
        beneficiary="三组老人户",
        actor=actor,
    )
    if confirm:
        deed_confirm(deed, actor=confirmer or actor)
    return deed


def test_a_meeting_on_the_last_day_of_a_month_counts_for_that_month_in_shanghai_time(cast, client_for, time_machine):
    secretary = cast.users["branch_secretary"]
    # 16:30 UTC on 31 January is 00:30 on 1 February in Asia/Shanghai: the form offers 1 February
    time_machine.move_to(datetime(YEAR, 1, 31, 16, 30, tzinfo=UTC), tick=False)
    page = client_for(secretary).get(f"/branches/{cast.branch.pk}/life/").content.decode()
    assert f'value="{YEAR}-02-01"' in page
    _life(cast.branch, secretary, LifeKind.THEME_DAY, date(YEAR, 1, 31))
    facts = fact_values(cast.branch, YEAR)
    assert facts["theme_day_months"].value == 1

    # on 1 February (local) January is covered and February, just begun, not yet missed …
    def missing(today):
        return facts_for_branches([cast.branch.pk], Period.year(YEAR), today=today)[cast.branch.pk][
            "theme_days_missing"
        ].value

    assert missing(date(YEAR, 2, 1)) == 0
    assert missing(date(YEAR, 3, 1) - timedelta(days=1)) == 0  # the last day of February is still February
    assert missing(date(YEAR, 3, 1)) == 1  # … until it is over
    # the secretary is reminded of the month under way
    assert [text for text, _url in secretary_gaps(cast.branch, today=date(YEAR, 2, 1))][
        0
    ] == "本月（2月）的主题党日还没有记录"
    assert [text for text, _url in secretary_gaps(cast.branch, today=date(YEAR, 3, 1))][:2] == [
        "2月没有主题党日记录",
        "本月（3月）的主题党日还没有记录",
    ]


def test_deeds_count_only_when_confirmed_and_only_from_when_the_member_joined(cast):
    secretary = cast.users["branch_secretary"]
    staff = cast.users["township_staff"]
    newcomer = MemberFactory(branch=cast.branch, name="王新", joined_on=date(YEAR, 7, 1))
    MemberFactory(branch=cast.branch, name="赵后", joined_on=date(YEAR + 1, 3, 1))  # not a member in YEAR
    _deed(cast.branch, newcomer, staff, date(YEAR, 3, 1), confirmer=secretary)  # before joining: not a member's deed
    facts = fact_values(cast.branch, YEAR)
    assert facts["member_count"].value == 2  # 张三 and the newcomer
    assert facts["members_without_deed"].value == 2
    unconfirmed = _deed(cast.branch, cast.member, staff, date(YEAR, 5, 1), confirm=False)
    assert fact_values(cast.branch, YEAR)["members_without_deed"].value == 2
    deed_confirm(unconfirmed, actor=secretary)
    _deed(cast.branch, newcomer, staff, date(YEAR, 8, 1), confirmer=secretary)
    facts = fact_values(cast.branch, YEAR)
    assert facts["members_without_deed"].value == 0
    assert facts["deed_share"].value == Decimal("100.0")


def test_only_the_branch_secretary_confirms_a_deed(cast):
    deed = _deed(cast.branch, cast.member, cast.users["township_staff"], date(YEAR, 5, 1), confirm=False)
    for who in ("township_staff", "other_branch_secretary", "county_reviewer"):
        with pytest.raises(PermissionDenied):
            deed_confirm(deed, actor=cast.users[who])
    assert deed_confirm(deed, actor=cast.users["branch_secretary"]) is True
    assert deed_confirm(deed, actor=cast.users["branch_secretary"]) is False  # once


def test_services_need_two_and_points_follow_confirmed_records_within_caps(cast):
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    points_rule_save(township=cast.township, kind=DeedKind.DEED, points=Decimal(3), yearly_cap=Decimal(5), actor=staff)
    points_rule_save(
        township=cast.township, kind=DeedKind.SERVICE, points=Decimal(1), yearly_cap=Decimal(6), actor=staff
    )
    for month in (2, 4, 6):
        _deed(cast.branch, cast.member, secretary, date(YEAR, month, 1))
    _deed(cast.branch, cast.member, secretary, date(YEAR, 9, 1), kind=DeedKind.SERVICE)
    _deed(cast.branch, cast.member, staff, date(YEAR, 10, 1), kind=DeedKind.SERVICE, confirm=False)
    row = next(r for r in member_points(cast.branch, YEAR) if r["member"] == cast.member)
    assert row["counts"] == [3, 1, 0]
    assert row["points"] == Decimal(6)  # 3 × 3 capped at 5, plus 1 service; the unconfirmed one counts nothing
    assert fact_values(cast.branch, YEAR)["members_short_of_service"].value == 1
    with pytest.raises(PermissionDenied):
        points_rule_save(
            township=cast.township, kind=DeedKind.DEED, points=Decimal(9), yearly_cap=Decimal(9), actor=secretary
        )


def test_pledges_problems_and_satisfaction(cast):
    secretary = cast.users["branch_secretary"]
    other = MemberFactory(branch=cast.branch, name="钱二")
    MemberFactory(branch=cast.branch, name="孙五")  # pledged nothing
    kept = pledge_record(branch=cast.branch, member=cast.member, year=YEAR, content="带头种药材", actor=secretary)
    broken = pledge_record(branch=cast.branch, member=other, year=YEAR, content="每月走访", actor=secretary)
    pledge_record(branch=cast.branch, member=None, year=YEAR, content="集体收入过十万", actor=secretary)
    with pytest.raises(ValueError, match="请写明践诺情况"):
        pledge_resolve(kept, status=PledgeStatus.KEPT, note=" ", resolved_on=date(YEAR, 6, 1), actor=secretary)
    pledge_resolve(kept, status=PledgeStatus.KEPT, note="种了5亩", resolved_on=date(YEAR, 6, 1), actor=secretary)
    pledge_resolve(broken, status=PledgeStatus.NOT_KEPT, note="外出务工", resolved_on=date(YEAR, 9, 1), actor=secretary)
    with pytest.raises(ValueError, match="不能再次标记"):
        pledge_resolve(kept, status=PledgeStatus.NOT_KEPT, note="改口", resolved_on=date(YEAR, 9, 1), actor=secretary)
    problem_record(
        branch=cast.branch, category="infrastructure", title="硬化村道", solved_on=date(YEAR, 5, 1), actor=secretary
    )
    problem_record(
        branch=cast.branch, category="governance", title="去年的事", solved_on=date(YEAR - 1, 5, 1), actor=secretary
    )
    with pytest.raises(ValueError, match="不能超过发放的测评表份数"):
        appraisal_record(
            branch=cast.branch,
            member=None,
            held_on=date(YEAR, 6, 1),
            forms=30,
            satisfied=30,
            basically_satisfied=1,
            dissatisfied=0,
            actor=secretary,
        )
    appraisal_record(
        branch=cast.branch,
        member=None,
        held_on=date(YEAR, 6, 1),
        forms=40,
        satisfied=27,
        basically_satisfied=3,
        dissatisfied=5,
        actor=secretary,
    )
    facts = fact_values(cast.branch, YEAR)
    assert facts["pledges_kept"].value == 1 and facts["pledges_open"].value == 1  # the branch's own
    assert facts["members_pledge_short"].value == 2  # 孙五 pledged nothing, 钱二 did not keep his
    assert facts["problems_solved"].value == 1
    assert facts["satisfaction_rate"].value == Decimal("85.7")  # (27 + 3) / 35


def test_three_meetings_and_a_lecture_over_an_inspection_quarter(cast):
    secretary = cast.users["branch_secretary"]
    for month in (7, 8, 9):
        _life(cast.branch, secretary, LifeKind.COMMITTEE_MEETING, date(YEAR, month, 3))
    _life(cast.branch, secretary, LifeKind.GROUP_MEETING, date(YEAR, 7, 9))
    _life(cast.branch, secretary, LifeKind.PARTY_LECTURE, date(YEAR, 8, 9))
    _life(cast.branch, secretary, LifeKind.GENERAL_MEETING, date(YEAR, 6, 30))  # the quarter before
    facts = facts_for_branches([cast.branch.pk], Period.quarter(YEAR, 3), today=date(YEAR, 10, 10))[cast.branch.pk]
    # missing: group meetings in August and September, the quarter's general meeting
    assert facts["three_one_missing"].value == 3


def test_records_are_kept_for_ones_own_branch_only(cast, client_for):
    secretary = cast.users["branch_secretary"]
    with pytest.raises(PermissionDenied):
        _life(cast.sibling_branch, secretary, LifeKind.THEME_DAY, date(YEAR, 3, 1))
    with pytest.raises(PermissionDenied):
        _life(cast.branch, cast.users["county_reviewer"], LifeKind.THEME_DAY, date(YEAR, 3, 1))
    with pytest.raises(ValueError):
        deed_record(
            branch=cast.branch,
            member=MemberFactory(branch=cast.sibling_branch),
            kind=DeedKind.DEED,
            done_on=date(YEAR, 3, 1),
            description="x",
            beneficiary="y",
            actor=secretary,
        )
    _deed(cast.branch, cast.member, secretary, date(YEAR, 3, 1))
    for page in ("life", "deeds", "problems", "pledges", "appraisals"):
        assert (
            client_for(cast.users["other_branch_secretary"]).get(f"/branches/{cast.branch.pk}/{page}/").status_code
            == 404
        )
        assert (
            client_for(cast.users["other_township_staff"]).get(f"/branches/{cast.branch.pk}/{page}/").status_code == 404
        )
        assert client_for(secretary).get(f"/branches/{cast.branch.pk}/{page}/").status_code == 200
    county = client_for(cast.users["county_reviewer"])
    assert "代办医保" in county.get(f"/branches/{cast.branch.pk}/deeds/?year={YEAR}").content.decode()
    refused = county.post(
        f"/branches/{cast.branch.pk}/problems/", {"category": "governance", "title": "x", "solved_on": f"{YEAR}-01-02"}
    )
    assert refused.status_code == 403


def test_a_record_photo_is_checked_and_a_refused_one_leaves_nothing(cast, client_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from records.models import RecordPhoto

    settings.MEDIA_ROOT = tmp_path
    client = client_for(cast.users["branch_secretary"])
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client.post(
        f"/branches/{cast.branch.pk}/problems/",
        {"category": "governance", "title": "调解纠纷", "solved_on": f"{YEAR}-03-02", "photos": [fake]},
    )
    assert "内容不是这几种格式" in response.content.decode()
    assert not cast.branch.solved_problems.exists() and not RecordPhoto.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("count", [10, 100])
def test_the_township_grid_costs_the_same_queries_for_10_and_100_branches(cast, count, django_assert_max_num_queries):
    secretary = cast.users["township_staff"]
    branches = [BranchFactory(township=cast.township, name=f"第{i}村党支部") for i in range(count)]
    for i, branch in enumerate(branches):
        member = MemberFactory(branch=branch)
        OrganisationalLife.objects.create(
            branch=branch, kind=LifeKind.THEME_DAY, held_on=date(YEAR, 1 + i % 12, 5), topic="t", recorded_by=secretary
        )
        if i % 2:
            _deed(branch, member, secretary, date(YEAR, 3, 1), confirm=False)
    with CaptureQueriesContext(connection) as queries:
        rows = facts_grid(cast.township.branches.order_by("name"), YEAR, today=date(YEAR, 12, 31))
    assert len(rows) == count + 2  # with 法泥村 and 新寨村
    # the branches, then ten aggregate queries (the tenth: the 台账资料), four for the registers
    # (发展党员, 后备干部, the village's year, 党费) and the two the inspections app registers
    # (ledger, rankings), whatever their number
    assert len(queries) == 17
    assert rows[0].gaps and len(rows[0].gaps) >= len(rows[-1].gaps)


def test_record_actions_and_the_grid_answer_only_inside_the_unit(cast, client_for):
    secretary = cast.users["branch_secretary"]
    deed = _deed(cast.branch, cast.member, cast.users["township_staff"], date(YEAR, 5, 1), confirm=False)
    pledge = pledge_record(branch=cast.branch, member=None, year=YEAR, content="修路", actor=secretary)
    actions = [
        (f"/branches/deeds/{deed.pk}/confirm/", {}),
        (f"/branches/pledges/{pledge.pk}/resolve/", {"status": "kept", "note": "已修", "resolved_on": f"{YEAR}-05-02"}),
        (f"/branches/pledges/{pledge.pk}/comment/", {"comment": "好"}),
    ]
    for outsider in ("other_branch_secretary", "other_township_staff", "other_county_reviewer"):
        client = client_for(cast.users[outsider])
        for url, data in actions:
            assert client.post(url, data).status_code == 404, (outsider, url)
    deed.refresh_from_db()
    pledge.refresh_from_db()
    assert deed.confirmed_at is None and pledge.status == PledgeStatus.OPEN and not pledge.leader_comment

    staff = client_for(cast.users["township_staff"])
    assert staff.get(f"/scoring/facts/?township={cast.neighbour_township.pk}").status_code == 404
    assert "法泥村党支部" in staff.get("/scoring/facts/").content.decode()
    county = client_for(cast.users["county_reviewer"])
    assert "那姑村党支部" in county.get(f"/scoring/facts/?township={cast.neighbour_township.pk}").content.decode()
    for role in ("branch_secretary",):
        assert client_for(cast.users[role]).get("/scoring/facts/").status_code == 403
        assert client_for(cast.users[role]).get("/branches/points/").status_code == 403


def test_the_secretarys_home_page_lists_this_years_gaps_in_plain_words(cast, client_for, time_machine):
    """On 20 April: January and March have a 主题党日, February, April do not (April has begun);
    no 组织生活会; 张三 has only an unconfirmed deed; one pledge open."""
    time_machine.move_to(datetime(YEAR, 4, 20, 10, tzinfo=SHANGHAI), tick=False)
    secretary = cast.users["branch_secretary"]
    for month in (1, 3):
        _life(cast.branch, secretary, LifeKind.THEME_DAY, date(YEAR, month, 8))
    _deed(cast.branch, cast.member, cast.users["township_staff"], date(YEAR, 4, 2), confirm=False)
    pledge_record(branch=cast.branch, member=None, year=YEAR, content="硬化三组通组路", actor=secretary)

    gaps = client_for(secretary).get("/").content.decode()
    assert "2月没有主题党日记录" in gaps and "本月（4月）的主题党日还没有记录" in gaps
    assert f"{YEAR}年组织生活会还没有召开" in gaps
    assert "张三今年还没有办实事记录" in gaps
    assert "1 条办实事和服务记录等您确认" in gaps
    assert "1 项公开承诺还没有标记兑现情况" in gaps
    # nothing about how often anyone logs in or uploads (形式主义)
    assert "登录" not in gaps.split("今年还差这些")[1].split("</ul>")[0]

    deed_confirm(cast.branch.deeds.get(), actor=secretary)
    _life(cast.branch, secretary, LifeKind.LIFE_MEETING, date(YEAR, 4, 10))
    gaps = client_for(secretary).get("/").content.decode()
    assert "组织生活会还没有召开" not in gaps and "张三今年还没有办实事记录" not in gaps


def test_township_staff_comment_on_a_pledge_and_the_secretary_marks_it_kept(cast, client_for):
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    pledge = pledge_record(
        branch=cast.branch, member=cast.member, year=YEAR, content="帮扶2户发展养殖", actor=secretary
    )
    # the secretary may not write the leader's comment
    assert client_for(secretary).post(f"/branches/pledges/{pledge.pk}/comment/", {"comment": "很好"}).status_code == 403
    client_for(staff).post(f"/branches/pledges/{pledge.pk}/comment/", {"comment": "措施具体，年底对账"})
    client_for(secretary).post(
        f"/branches/pledges/{pledge.pk}/resolve/",
        {"status": "kept", "note": "2户已出栏", "resolved_on": f"{YEAR}-10-02"},
    )
    pledge.refresh_from_db()
    assert (pledge.leader_comment, pledge.commented_by, pledge.status) == (
        "措施具体，年底对账",
        staff,
        PledgeStatus.KEPT,
    )
    page = client_for(secretary).get(f"/branches/{cast.branch.pk}/pledges/?year={YEAR}").content.decode()
    assert "措施具体，年底对账" in page and "2户已出栏" in page
    assert fact_values(cast.branch, YEAR)["pledges_kept"].value == 1


def test_the_grid_page_costs_the_same_queries_for_10_and_100_branches(cast, client_for):
    staff = cast.users["township_staff"]
    client = client_for(staff)

    def grow_to(count):
        for i in range(cast.township.branches.filter(name__startswith="第").count(), count):
            branch = BranchFactory(township=cast.township, name=f"第{i:03d}村党支部")
            _life(branch, staff, LifeKind.THEME_DAY, date(YEAR, 1 + i % 12, 5))
        client.get("/scoring/facts/")  # session and user loaded
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/scoring/facts/?year={YEAR}").content.decode()
        assert page.count(">第0") == count
        return len(queries)

    # the page reads the facts in aggregate queries, never a branch at a time
    assert grow_to(10) == grow_to(100)


def test_the_grids_old_address_leads_to_its_new_one(client_for, cast):
    response = client_for(cast.users["township_staff"]).get("/branches/facts/?year=2025")
    assert response.status_code == 301 and response["Location"] == "/scoring/facts/?year=2025"


@pytest.mark.parametrize(
    "members, has_committee, party_groups, missing, rule",
    [
        # 3 months × (支委会 + 党小组会) + 大会 + 党课 = 8
        (7, None, None, 8, "支委会、党小组会每月1次"),
        # fewer than 7 members: no 支委会, only a secretary: 3 × 党小组会 + 2 = 5
        (6, None, None, 5, "；未设支委会"),
        # the register says no 党小组: 3 × 支委会 + 2 = 5
        (7, None, 0, 5, "；未设党小组"),
        # neither: only the quarterly meetings are due
        (3, None, 0, 2, "；未设支委会；未设党小组"),
        # the register overrides the member count
        (3, True, 2, 8, "支委会、党小组会每月1次"),
    ],
)
def test_the_three_one_fact_follows_the_branchs_structure(cast, members, has_committee, party_groups, missing, rule):
    """An inspection quarter with no meetings recorded: what is missing depends on what the branch must hold."""
    from tests.factories import MemberFactory

    branch = cast.sibling_branch
    branch.members.all().delete()
    for _ in range(members):
        MemberFactory(branch=branch, joined_on=date(YEAR - 5, 1, 1))
    branch.has_committee, branch.party_groups = has_committee, party_groups
    branch.save()
    fact = facts_for_branches([branch.pk], Period.quarter(YEAR, 3), today=date(YEAR, 10, 10))[branch.pk][
        "three_one_missing"
    ]
    assert fact.value == missing and rule in fact.source
