"""Keeping the register by hand: branches and members through the forms."""

from django.urls import reverse

from branches.models import Branch, Member


def test_staff_register_a_branch_in_their_own_township(client_for, cast):
    staff = client_for(cast.users["township_staff"])
    response = staff.post(
        reverse("branches:create"),
        # a forged township from another county is ignored: the field is fixed to the staff's township
        {"township": cast.far_branch.township.pk, "name": "石板村党支部", "kind": "village", "households": "420"},
    )
    branch = Branch.objects.get(name="石板村党支部")
    assert response["Location"] == reverse("home:branch", args=[branch.pk])
    assert branch.township == cast.township and branch.households == 420


def test_a_duplicate_branch_name_is_refused_in_chinese(client_for, cast):
    staff = client_for(cast.users["township_staff"])
    response = staff.post(reverse("branches:create"), {"name": "法泥村党支部", "kind": "village"})
    assert response.status_code == 200
    assert "本乡镇已登记同名党支部。" in response.content.decode()
    assert Branch.objects.filter(name="法泥村党支部").count() == 1


def test_a_bad_division_code_is_refused(client_for, cast):
    staff = client_for(cast.users["township_staff"])
    response = staff.post(
        reverse("branches:edit", args=[cast.branch.pk]),
        {"name": "法泥村党支部", "kind": "village", "division_code": "12ab"},
    )
    assert "区划代码应为 12 位数字。" in response.content.decode()
    cast.branch.refresh_from_db()
    assert cast.branch.division_code == ""


def test_secretary_keeps_own_members(client_for, cast):
    secretary = client_for(cast.users["branch_secretary"])
    secretary.post(
        reverse("branches:member_create", args=[cast.branch.pk]),
        {
            "name": "王芳",
            "gender": "F",
            "birth_year": "1988",
            "joined_on": "2015-07-01",
            "post": "committee_member",
            "phone": "13700000000",
        },
    )
    assert cast.branch.members.filter(name="王芳", post="committee_member").exists()
    secretary.post(
        reverse("branches:member_edit", args=[cast.member.pk]),
        {
            "name": "张三",
            "gender": "M",
            "birth_year": "1970",
            "joined_on": "1998-07-01",
            "post": "secretary",
            "phone": "138-1234",
        },
    )
    cast.member.refresh_from_db()
    assert cast.member.post == "ordinary"  # refused: the phone is not a phone number


def test_members_list_committee_first(client_for, cast):
    Member.objects.create(
        branch=cast.branch, name="赵书记", gender="M", birth_year=1965, joined_on="2000-01-01", post="secretary"
    )
    response = client_for(cast.users["county_reviewer"]).get(reverse("home:branch", args=[cast.branch.pk]))
    assert [m.name for m in response.context["members"]] == ["赵书记", "张三"]


def test_register_filters_by_name_and_type(client_for, cast):
    Branch.objects.filter(pk=cast.sibling_branch.pk).update(site_type="resource")
    county = client_for(cast.users["county_reviewer"])
    by_name = county.get(reverse("branches:list"), {"q": "法泥"})
    assert [row.record.name for row in by_name.context["table"].rows] == ["法泥村党支部"]
    by_type = county.get(reverse("branches:list"), {"site_type": "resource"})
    assert [row.record.name for row in by_type.context["table"].rows] == ["新寨村党支部"]
    by_township = county.get(reverse("branches:list"), {"township": cast.neighbour_township.pk})
    assert [row.record.name for row in by_township.context["table"].rows] == ["那姑村党支部"]


def test_register_page_query_count_does_not_grow_with_branches(client_for, cast, django_assert_max_num_queries):
    from tests.factories import BranchFactory, MemberFactory

    staff = client_for(cast.users["township_staff"])
    staff.get(reverse("branches:list"))
    for _ in range(20):
        MemberFactory(branch=BranchFactory(township=cast.township))
    # (one of them saves the session: it is renewed on every request for the idle timeout)
    with django_assert_max_num_queries(10):  # with the top bar's unread count
        staff.get(reverse("branches:list"))
    # one query each: ratings waiting, the 述职评议 card, the 评选表彰 card, the unread messages and their count
    with django_assert_max_num_queries(16):
        staff.get(reverse("home"))


def test_a_count_beyond_its_range_is_refused_naming_the_limit(client_for, cast):
    """99999999999 households fits SQLite and is stored there; PostgreSQL's integer column refuses it (a 500)."""
    staff = client_for(cast.users["township_staff"])
    before = (cast.branch.village_groups, cast.branch.households, cast.branch.population)
    for field, limit in (("village_groups", "999"), ("households", "1000000"), ("population", "10000000")):
        response = staff.post(
            reverse("branches:edit", args=[cast.branch.pk]),
            {"name": "法泥村党支部", "kind": "village", field: "99999999999"},
        )
        assert response.status_code == 200 and f"小于或等于{limit}" in response.content.decode(), field
    cast.branch.refresh_from_db()
    assert (cast.branch.village_groups, cast.branch.households, cast.branch.population) == before
