"""The year's rating of a branch from the secretary's page to the township's approval, and every
bad input refused with a Chinese message and nothing saved (the typed values stay on the page)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from common.dates import today
from ratings.models import BranchRating, MemberRating, MemberRatingChange, RatingStatus
from ratings.selectors import member_stars
from tests.factories import BranchFactory, approved_member_rating

YEAR = today().year - 1


def url(cast, action=""):
    base = reverse("ratings:branch_year", args=[cast.branch.pk, YEAR])
    return f"{base}{action}/" if action else base


def form(members, revision=0, changes=None):
    """The page's inputs as drawn (every item at its pre-filled value) with ``changes``:
    (member, code) → (value, reason)."""
    from ratings.selectors import rating_page

    page = rating_page(members[0].branch, YEAR)
    data = {"revision": str(revision)}
    for row in page.rows:
        for r in row.items:
            key = f"{row.member.pk}-{r.item.code}"
            data[f"v-{key}"], data[f"p-{key}"], data[f"r-{key}"] = r.prefill.value, r.prefill.value, ""
    for (member, code), (value, reason) in (changes or {}).items():
        data[f"v-{member.pk}-{code}"], data[f"r-{member.pk}-{code}"] = value, reason
    return data


def decide(client, cast, revision, **fields):
    data = {
        "revision": revision,
        "meeting_on": f"{YEAR}-12-20",
        "meeting_attendance": "3",
        "meeting_result": "表决通过",
    }
    return client.post(url(cast, "decide"), data | fields)


def test_the_secretary_adjusts_with_a_reason_the_meeting_decides_the_township_approves(cast, members, client_for):
    """张三's 1.2 adjusted from 5 to 3 with a reason; no pledge (3.1: 0 of 15), no deed or service
    (4.1: 0 of 8, 4.2: 0 of 12) on record, the rest at the standard → 100 − 2 − 15 − 8 − 12 = 63 ≥ 60 →
    2 stars. The meeting (3 of 4 members) decides, the township approves; the stars are locked and
    offered by member_stars."""
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    client = client_for(secretary)
    response = client.post(url(cast), form(members, changes={(cast.member, "1.2"): ("3", "未交学习笔记")}))
    assert response.status_code == 302
    saved = MemberRating.objects.get(member=cast.member, year=YEAR)
    assert saved.overrides == {"1.2": {"value": "3", "reason": "未交学习笔记"}}
    change = MemberRatingChange.objects.get(member_rating=saved)
    assert (change.item_code, change.before, change.after, change.changed_by) == ("1.2", "5", "3", secretary)

    assert decide(client, cast, 1).status_code == 302
    rating = BranchRating.objects.get(branch=cast.branch, year=YEAR)
    assert rating.status == RatingStatus.DECIDED and rating.meeting_attendance == 3
    saved.refresh_from_db()
    assert saved.items["1.2"] == {
        "value": "3", "points": "3", "prefill": "5", "source": saved.items["1.2"]["source"],
        "origin": "entered", "reason": "未交学习笔记",
    }  # fmt: skip
    assert (saved.total, saved.stars, saved.stars_rule) == (63, 2, "总分 63 ≥ 60：2星")
    assert member_stars([cast.member.pk], [YEAR]) == {}  # not approved yet

    assert client_for(staff).post(url(cast, "approve")).status_code == 302
    rating.refresh_from_db()
    assert rating.status == RatingStatus.APPROVED and rating.approved_by == staff
    assert member_stars([m.pk for m in members], [YEAR])[cast.member.pk] == {YEAR: 2}
    # locked: the secretary's save is refused
    locked = client_for(secretary).post(url(cast), form(members, revision=2))
    assert locked.status_code == 400 and "不能再修改" in locked.content.decode()


def test_an_adjustment_without_a_reason_saves_nothing_and_keeps_what_was_typed(cast, members, client_for):
    other = members[1]
    data = form(members, changes={(cast.member, "1.2"): ("4", ""), (other, "3.2"): ("3", "履职一般")})
    response = client_for(cast.users["branch_secretary"]).post(url(cast), data)
    page = response.content.decode()
    assert response.status_code == 400 and "与预填不同，请写明调整理由。" in page
    assert f'name="v-{other.pk}-3.2" value="3"' in page and 'value="履职一般"' in page  # kept as typed
    assert not MemberRating.objects.exists() and not BranchRating.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9", "得分不能超过分值 5 分。"),
        ("2.5", "得分应以 1 分为档。"),
        ("99999999999", "请填写数字。"),
        ("五", "请填写数字。"),
    ],
)
def test_a_score_outside_the_range_or_off_the_step_is_refused(cast, members, client_for, value, message):
    data = form(members, changes={(cast.member, "1.2"): (value, "有理由")})
    response = client_for(cast.users["branch_secretary"]).post(url(cast), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not MemberRating.objects.exists()


def test_a_member_who_left_is_not_on_the_page_and_cannot_be_rated(cast, members, client_for):
    gone = members[2]
    gone.left_on = date(YEAR, 6, 30)
    gone.save()
    client = client_for(cast.users["branch_secretary"])
    assert gone.name not in client.get(url(cast)).content.decode()
    data = form(members) | {f"v-{gone.pk}-1.2": "4", f"r-{gone.pk}-1.2": "补评"}
    response = client.post(url(cast), data)
    assert response.status_code == 400
    assert f"{gone.name}已于 {YEAR}年06月30日离开本支部，不能参加{YEAR}年度评定。" in response.content.decode()
    assert not MemberRating.objects.exists()


def test_a_member_rated_twice_in_a_year_is_refused(cast, members, client_for):
    """A member already rated this year in another branch (before a transfer) is not rated again."""
    elsewhere = BranchFactory(township=cast.township, name="新村党支部")
    moved = members[1]
    approved_member_rating(moved, YEAR, stars=4, total=85, actor=cast.users["township_staff"])
    MemberRating.objects.filter(member=moved).update(branch_rating=BranchRating.objects.create(
        branch=elsewhere, year=YEAR, framework=BranchRating.objects.get().framework))  # fmt: skip
    BranchRating.objects.filter(branch=cast.branch).delete()
    client = client_for(cast.users["branch_secretary"])
    page = client.get(url(cast)).content.decode()
    assert f"{moved.name}{YEAR}年度已在新村党支部评定，一名党员一年只评定一次，本支部不再评定。" in page
    assert f'name="v-{moved.pk}-1.2"' not in page  # not on this branch's list
    data = form(members) | {f"v-{moved.pk}-1.2": "4", f"p-{moved.pk}-1.2": "5", f"r-{moved.pk}-1.2": "再评"}
    response = client.post(url(cast), data)
    assert response.status_code == 400
    assert f"{moved.name}{YEAR}年度已在新村党支部评定，一名党员一年只评定一次。" in response.content.decode()
    assert MemberRating.objects.count() == 1
    assert client.post(url(cast), form(members)).status_code == 302  # the others are rated as usual
    assert MemberRating.objects.count() == 4


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"meeting_attendance": "5"}, "到会党员人数（5）不能多于本支部参加评定的党员人数（4）。"),
        ({"meeting_on": ""}, "请填写支部党员大会的日期。"),
        ({"meeting_attendance": "99999999999"}, "到会党员人数不能多于本支部参加评定的党员人数。"),
        ({"meeting_result": ""}, "请填写大会的决定"),
        ({"meeting_on": str(today() + timedelta(days=1))}, "支部党员大会日期应在"),
    ],
)
def test_a_meeting_larger_than_the_branch_or_without_a_date_is_refused(cast, members, client_for, fields, message):
    client = client_for(cast.users["branch_secretary"])
    client.post(url(cast), form(members))
    response = decide(client, cast, 1, **fields)
    assert response.status_code == 400 and message in response.content.decode()
    assert BranchRating.objects.get().status == RatingStatus.DRAFT


def test_approval_before_the_meeting_decided_is_refused_and_a_return_needs_a_reason(cast, members, client_for):
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    client_for(secretary).post(url(cast), form(members))
    response = client_for(staff).post(url(cast, "approve"), follow=True)
    assert "支部党员大会尚未作出决定，不能审批。" in response.content.decode()
    assert BranchRating.objects.get().status == RatingStatus.DRAFT
    decide(client_for(secretary), cast, 1)
    response = client_for(staff).post(url(cast, "return"), {"reason": ""}, follow=True)
    assert "请写明退回理由。" in response.content.decode()
    client_for(staff).post(url(cast, "return"), {"reason": "3 名党员的践诺情况请核实"})
    rating = BranchRating.objects.get()
    assert rating.status == RatingStatus.RETURNED and rating.returned_reason == "3 名党员的践诺情况请核实"
    assert "镇党委退回：3 名党员的践诺情况请核实" in client_for(secretary).get(url(cast)).content.decode()


def test_a_save_from_an_older_page_is_refused_naming_who_changed_what(cast, members, client_for):
    secretary = cast.users["branch_secretary"]
    client_for(secretary).post(url(cast), form(members, changes={(cast.member, "1.2"): ("3", "未交笔记")}))
    stale = form(members, revision=0, changes={(members[1], "3.2"): ("4", "履职较好")})
    response = client_for(secretary).post(url(cast), stale)
    page = response.content.decode()
    assert response.status_code == 409 and f"{cast.member.name}（{secretary}）已保存过修改" in page
    assert 'value="履职较好"' in page and 'name="revision" value="1"' in page  # kept; saving again is deliberate
    assert MemberRating.objects.get(member=members[1]).overrides == {}


def test_roles_and_units(cast, members, client_for):
    """Township staff may read but not prepare; a secretary may not approve; other units get 404."""
    staff = cast.users["township_staff"]
    assert client_for(staff).get(url(cast)).status_code == 200
    assert client_for(staff).post(url(cast), form(members)).status_code == 403
    assert client_for(cast.users["branch_secretary"]).post(url(cast, "approve")).status_code == 404  # no rating yet
    for who in ("other_township_staff", "other_branch_secretary", "other_county_reviewer"):
        client = client_for(cast.users[who])
        assert client.get(url(cast)).status_code == 404
        assert client.get(reverse("ratings:member", args=[cast.member.pk])).status_code == 404
    assert client_for(cast.users["county_reviewer"]).get(url(cast)).status_code == 200


def test_a_draft_follows_the_records_and_a_decided_rating_does_not(cast, members, client_for):
    """A volunteer service confirmed after the first save lifts 张三's 4.2 from 0 to 6 (1 service → 6)
    while the rating is a draft; once the meeting decided, a second service changes nothing."""
    from records.models import DeedKind
    from records.services import deed_confirm, deed_record

    secretary = cast.users["branch_secretary"]
    client = client_for(secretary)

    def service(day):
        record = deed_record(
            branch=cast.branch,
            member=cast.member,
            kind=DeedKind.SERVICE,
            done_on=date(YEAR, 6, day),
            description="清扫村道",
            beneficiary="二组",
            actor=secretary,
        )
        deed_confirm(record, actor=secretary)

    client.post(url(cast), form(members))
    service(1)
    from ratings.selectors import rating_page

    def points():
        row = next(r for r in rating_page(cast.branch, YEAR).rows if r.member == cast.member)
        return next(i.points for i in row.items if i.item.code == "4.2")

    assert points() == 6
    decide(client, cast, 1)
    service(2)
    assert points() == 6  # 2 services would give 12: the decision is fixed


def test_the_members_page_and_the_branch_page_show_the_stars(cast, members, client_for):
    """Approved last year 4 stars (history) → the member's page and the branch page's distribution."""
    staff = cast.users["township_staff"]
    approved_member_rating(cast.member, YEAR, stars=4, total=85, actor=staff)
    page = client_for(staff).get(reverse("ratings:member", args=[cast.member.pk])).content.decode()
    assert f'data-year="{YEAR}"' in page and "★★★★（4星）" in page
    branch_page = client_for(staff).get(reverse("home:branch", args=[cast.branch.pk])).content.decode()
    assert f"{YEAR}年</a>" in branch_page and "镇党委已审批 · 1 人" in branch_page


def test_the_meetings_result_is_kept_whole_in_the_history(cast, members, client_for):
    """A result of the full 300 characters, after the meeting's date and attendance, is not cut."""
    client = client_for(cast.users["branch_secretary"])
    client.post(url(cast), form(members))
    result = "经表决，" + "同意评定结果" * 49
    assert len(result) == 298

    assert decide(client, cast, 1, meeting_result=result).status_code == 302

    note = BranchRating.objects.get().steps.get(action="decide").note
    assert note == f"{YEAR}-12-20 支部党员大会，到会 3 人：{result}"
