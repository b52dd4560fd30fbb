"""Logging in and out, changing the password, and the admin for superusers."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from branches.models import User
from branches.scoping import Role
from tests.factories import TEST_PASSWORD


def test_each_role_lands_on_its_own_home_page(client, cast):
    templates = {
        "county_reviewer": "home/county.html",
        "township_staff": "home/township.html",
        "branch_secretary": "home/secretary.html",
    }
    for role, template in templates.items():
        client.logout()
        response = client.post(
            reverse("login"), {"username": cast.users[role].username, "password": TEST_PASSWORD}, follow=True
        )
        assert template in [t.name for t in response.templates], role


def test_logout_closes_the_session(client, cast):
    client.force_login(cast.users["township_staff"])
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("branches:list")).status_code == 302


def test_password_change_in_chinese(client, cast):
    user = cast.users["branch_secretary"]
    client.force_login(user)
    weak = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert "这个密码太常见了。" in weak.content.decode()
    client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Xin@mima2026", "new_password2": "Xin@mima2026"},
    )
    user.refresh_from_db()
    assert user.check_password("Xin@mima2026")


def test_admin_is_for_superusers_only(client, cast):
    client.force_login(cast.users["county_reviewer"])
    assert client.get("/admin/").status_code == 302
    client.force_login(User.objects.create_superuser("root", password=TEST_PASSWORD))
    assert client.get("/admin/branches/branch/").status_code == 200


def test_an_account_sits_at_exactly_the_unit_of_its_role(cast):
    with pytest.raises(IntegrityError):
        User.objects.create(username="mixed", role=Role.TOWNSHIP_STAFF, township=cast.township, branch=cast.branch)


@pytest.mark.parametrize("value", ["abc", "１", "99999999999999999999", "-1", ""])
def test_an_account_named_by_no_id_is_a_404_in_chinese(client, cast, value):
    """The administrators' pages name an account by its id: anything else names none (was a 500)."""
    from tests.factories import UserFactory

    client.raise_request_exception = False
    for role, page, field in (
        (Role.SYSTEM_ADMIN, "accounts_system", "deactivate"),
        (Role.SECURITY_ADMIN, "accounts_security", "account"),
    ):
        client.force_login(UserFactory(username=role, role=role, county=cast.county))
        response = client.post(reverse(page), {field: value, "role": "", "unit": ""})
        assert response.status_code == 404, (page, value)
        assert "页面不存在" in response.content.decode()
    assert User.objects.filter(is_active=False).count() == 0
