"""The permission matrix: every page and download × every role, inside and
outside the unit that holds the data. Outsiders get 404, insiders beyond
their role 403, and nobody ever sees another unit's data."""

import pytest
from django.urls import reverse

ROLES = ["county_reviewer", "township_staff", "branch_secretary"]

# page -> expected status for (county reviewer, township staff, branch secretary)
# who sit above or at the branch under test ("own")
OBJECT_PAGES = {
    "home:branch": (200, 200, 200),
    "branches:edit": (403, 200, 403),
    "branches:figure_create": (403, 200, 403),
    "branches:member_create": (403, 200, 200),
    "branches:member_edit": (403, 200, 200),
}
UNIT_PAGES = {
    "home": (200, 200, 200),
    "branches:list": (200, 200, 302),
    "branches:create": (403, 200, 403),
    "branches:import": (403, 200, 403),
    "branches:import_template": (403, 200, 403),
    "branches:export": (200, 200, 403),
}


def _object_url(name, cast):
    pk = cast.member.pk if name == "branches:member_edit" else cast.branch.pk
    return reverse(name, args=[pk])


@pytest.mark.parametrize("page", OBJECT_PAGES)
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_it_answers_own_unit_by_role(client_for, cast, page, role_index, role):
    response = client_for(cast.users[role]).get(_object_url(page, cast))
    assert response.status_code == OBJECT_PAGES[page][role_index]


@pytest.mark.parametrize("page", OBJECT_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_it_hides_another_units_objects(client_for, cast, page, role):
    response = client_for(cast.users[f"other_{role}"]).get(_object_url(page, cast))
    assert response.status_code == 404


@pytest.mark.parametrize("page", UNIT_PAGES)
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_it_answers_unit_pages_by_role(client_for, cast, page, role_index, role):
    response = client_for(cast.users[role]).get(reverse(page))
    assert response.status_code == UNIT_PAGES[page][role_index]


@pytest.mark.parametrize("page", list(OBJECT_PAGES) + list(UNIT_PAGES))
def test_it_sends_anonymous_users_to_login(client, cast, page):
    url = _object_url(page, cast) if page in OBJECT_PAGES else reverse(page)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_outsider_cannot_change_a_branch_by_post(client_for, cast):
    response = client_for(cast.users["other_township_staff"]).post(
        reverse("branches:edit", args=[cast.branch.pk]), {"name": "被改名", "kind": "village"}
    )
    assert response.status_code == 404
    cast.branch.refresh_from_db()
    assert cast.branch.name == "法泥村党支部"


def test_secretary_is_sent_to_own_branch_from_the_register(client_for, cast):
    response = client_for(cast.users["branch_secretary"]).get(reverse("branches:list"))
    assert response["Location"] == reverse("home:branch", args=[cast.branch.pk])


def _listed_names(response):
    return {row.record.name for row in response.context["table"].rows}


def test_township_staff_list_only_their_township(client_for, cast):
    response = client_for(cast.users["township_staff"]).get(reverse("branches:list"))
    assert _listed_names(response) == {"法泥村党支部", "新寨村党支部"}
    assert "那姑村党支部" not in response.content.decode()


def test_county_reviewer_reads_every_township_of_their_county_only(client_for, cast):
    response = client_for(cast.users["county_reviewer"]).get(reverse("branches:list"))
    assert _listed_names(response) == {"法泥村党支部", "新寨村党支部", "那姑村党支部"}
    township_choices = {str(t) for t in response.context["filter"].form.fields["township"].queryset}
    assert township_choices == {"关兴镇", "煤山镇"}


def test_a_forged_township_filter_shows_nothing_outside(client_for, cast):
    far_township = cast.far_branch.township
    response = client_for(cast.users["township_staff"]).get(reverse("branches:list"), {"township": far_township.pk})
    assert "远山村党支部" not in response.content.decode()


def test_phone_is_masked_for_readers_and_shown_to_keepers(client_for, cast):
    url = reverse("home:branch", args=[cast.branch.pk])
    reader_page = client_for(cast.users["county_reviewer"]).get(url).content.decode()
    assert "138****5678" in reader_page and "13812345678" not in reader_page
    keeper_page = client_for(cast.users["branch_secretary"]).get(url).content.decode()
    assert "13812345678" in keeper_page


def test_home_pages_count_only_the_users_unit(client_for, cast):
    expected = {"county_reviewer": 3, "township_staff": 2, "branch_secretary": 1}
    for role, count in expected.items():
        response = client_for(cast.users[role]).get(reverse("home"))
        assert response.context["branch_count"] == count, role
        assert "远山村党支部" not in response.content.decode()


def test_export_holds_only_the_users_unit(client_for, cast):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(cast.users["township_staff"]).get(reverse("branches:export"))
    workbook = load_workbook(BytesIO(response.content))
    names = {row[1] for row in workbook["党支部"].iter_rows(min_row=2, values_only=True)}
    assert names == {"法泥村党支部", "新寨村党支部"}
    members = {row[2] for row in workbook["党员"].iter_rows(min_row=2, values_only=True)}
    assert members == {"张三"}
