"""What a secretary sends with the branch meeting's decision, and what another unit's ids tell her:
the page's values are saved with the decision (never decided away), a stale decision keeps the page
and can be sent again, a member who left after the draft is not rated, another township's member
is just "not of this branch", and digits that are not ASCII are refused rather than a 500."""

from datetime import date

import pytest

from branches.models import Member
from ratings.models import BranchRating, MemberRating, RatingStatus
from ratings.services import branch_rating_save
from tests.factories import MemberFactory
from tests.ratings.test_rating_workflow import YEAR, decide, form, url


def test_the_values_on_the_page_are_saved_with_the_decision(cast, members, client_for):
    """张三's 1.2 typed as 3 (with a reason) but not saved before 记录大会决定: the decision saves it
    first, so the decided sheet has 3, not the pre-filled 5."""
    client = client_for(cast.users["branch_secretary"])
    page = form(members, changes={(cast.member, "1.2"): ("3", "未交学习笔记")})
    page |= {"meeting_on": f"{YEAR}-12-20", "meeting_attendance": "3", "meeting_result": "表决通过"}
    assert client.post(url(cast, "decide"), page).status_code == 302
    rating = BranchRating.objects.get(branch=cast.branch, year=YEAR)
    assert rating.status == RatingStatus.DECIDED
    assert MemberRating.objects.get(member=cast.member, year=YEAR).items["1.2"]["value"] == "3"


def test_a_refused_value_sent_with_the_decision_decides_nothing_and_stays_on_the_page(cast, members, client_for):
    client = client_for(cast.users["branch_secretary"])
    page = form(members, changes={(cast.member, "1.2"): ("3", "")})  # changed without a reason
    page |= {"meeting_on": f"{YEAR}-12-20", "meeting_attendance": "3", "meeting_result": "表决通过"}
    response = client.post(url(cast, "decide"), page)
    assert response.status_code == 400
    assert not BranchRating.objects.filter(status=RatingStatus.DECIDED).exists()
    html = response.content.decode()
    assert f'name="v-{cast.member.pk}-1.2"' in html and "表决通过" in html


def test_a_stale_decision_keeps_the_page_and_can_be_sent_again(cast, members, client_for):
    secretary = cast.users["branch_secretary"]
    client = client_for(secretary)
    assert client.post(url(cast), form(members)).status_code == 302  # revision 1
    branch_rating_save(branch=cast.branch, year=YEAR, typed={}, revision=1, actor=secretary)  # another tab: 2
    stale = decide(client, cast, 1)
    assert stale.status_code == 409
    assert 'name="revision" value="2"' in stale.content.decode()
    assert decide(client, cast, 2).status_code == 302


def test_a_member_who_left_after_the_draft_is_not_on_the_decided_list(cast, members, client_for):
    client = client_for(cast.users["branch_secretary"])
    assert client.post(url(cast), form(members)).status_code == 302
    gone = members[-1]
    Member.objects.filter(pk=gone.pk).update(left_on=date(YEAR, 6, 30))
    assert decide(client, cast, 1).status_code == 302
    left = MemberRating.objects.get(member=gone, year=YEAR)
    assert (left.total, left.stars, left.items) == (None, None, {})
    decided = client.get(url(cast)).content.decode()
    assert gone.name not in decided and cast.member.name in decided


def test_another_units_member_is_not_named(cast, members, client_for):
    elsewhere = cast.neighbour_branch
    stranger = MemberFactory(branch=elsewhere, name="外乡党员")
    MemberRating.objects.create(
        branch_rating=BranchRating.objects.create(branch=elsewhere, year=YEAR, framework=_framework()),
        member=stranger,
        year=YEAR,
        updated_by=cast.users["branch_secretary"],
    )
    client = client_for(cast.users["branch_secretary"])
    page = form(members) | {f"v-{stranger.pk}-1.2": "4", f"r-{stranger.pk}-1.2": "x"}
    response = client.post(url(cast), page)
    assert response.status_code == 400
    html = response.content.decode()
    assert "外乡党员" not in html and elsewhere.name not in html and "不是本支部" in html


def _framework():
    from ratings.selectors import rating_framework

    return rating_framework()


@pytest.mark.parametrize("field", ["revision", "deduction"])
def test_digits_that_are_not_ascii_are_refused(cast, members, client_for, field):
    client = client_for(cast.users["branch_secretary"])
    page = form(members)
    if field == "revision":
        page["revision"] = "²"
    else:
        page[f"v-{cast.member.pk}-5.1"] = "²"
    assert client.post(url(cast), page).status_code in (400, 409)
    assert client.get(url(cast) + "?year=²").status_code == 200
    assert client_for(cast.users["township_staff"]).get("/ratings/?year=²").status_code == 200
