"""Passwords: every change and every refused one on the audit trail (never the
password itself); the user name inside a password refused in any letter case;
every message in Chinese."""

import re

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry, AuditEvent
from branches.scoping import Role
from tests.factories import TEST_PASSWORD, UserFactory, branch_secretary

NEW = "Lvshui#Qingshan9"


@pytest.fixture
def gaopo(cast):
    return branch_secretary(cast.branch, username="gaopo")


def _change(user, new, old=TEST_PASSWORD, address="10.4.0.8"):
    client = Client()
    client.force_login(user)
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
        REMOTE_ADDR=address,
    )


def _password_entries(user):
    return AuditEntry.objects.filter(event=AuditEvent.PASSWORD, object_pk=str(user.pk)).order_by("pk")


def _holds(entry, text) -> bool:
    return text in f"{entry.object_repr} {entry.changes} {entry.additional_data}"


def test_it_records_a_password_change_and_never_the_password(gaopo):
    before = _password_entries(gaopo).count()
    assert _change(gaopo, NEW).status_code == 302
    entry = _password_entries(gaopo).last()
    assert _password_entries(gaopo).count() == before + 1
    assert (entry.actor, entry.remote_addr, entry.object_repr) == (gaopo, "10.4.0.8", "修改密码：gaopo")
    assert entry.additional_data["outcome"] == "成功"
    assert not _holds(entry, NEW) and not _holds(entry, TEST_PASSWORD)


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("Wrong#Pass123", NEW, "旧密码"),  # the current password mistyped
        (TEST_PASSWORD, "Ab1!", "密码太短"),
        (TEST_PASSWORD, "Gaopo2026!", "登录名"),
    ],
)
def test_it_records_a_refused_password_change_with_its_reasons(gaopo, old, new, reason):
    response = _change(gaopo, new, old=old)
    assert response.status_code == 200 and reason in response.content.decode()
    entry = _password_entries(gaopo).last()
    assert entry.object_repr == "修改密码被拒：gaopo" and entry.actor == gaopo
    assert entry.additional_data["outcome"] == "拒绝"
    assert any(reason in text for text in entry.additional_data["reasons"])
    assert not _holds(entry, new) and not _holds(entry, old)


def test_it_records_an_initial_password_the_system_administrator_sets_or_is_refused(cast):
    system_admin = UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN, county=cast.county)
    client = Client()
    client.force_login(system_admin)
    refused = client.post(
        reverse("accounts_system"), {"username": "clerk9", "full_name": "钱文书", "password": "clerk9"}
    )
    assert refused.status_code == 200
    entry = AuditEntry.objects.filter(event=AuditEvent.PASSWORD, object_repr="设置初始密码被拒：clerk9").get()
    assert entry.actor == system_admin and "clerk9" not in str(entry.additional_data)
    client.post(reverse("accounts_system"), {"username": "clerk9", "full_name": "钱文书", "password": NEW})
    created = AuditEntry.objects.filter(event=AuditEvent.PASSWORD, object_repr="设置密码：clerk9").get()
    assert created.actor == system_admin and created.additional_data["by"] == "管理员"


@pytest.mark.parametrize("password", ["Gaopo2026!", "GAOPO#2026x", "x1!gAoPoY", "2026@gaopo"])
def test_it_refuses_the_user_name_inside_a_password_in_any_case(gaopo, password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, gaopo)
    assert "password_contains_username" in {error.code for error in refused.value.error_list}
    assert "密码不能包含登录名（不分大小写）。" in refused.value.messages


def test_it_still_accepts_the_demo_password_and_a_good_one(gaopo):
    validate_password("Demo@2026", gaopo)
    validate_password(NEW, gaopo)


CHINESE_ONLY = re.compile(r"[A-Za-z]{3,}")  # no English word on screen


def test_it_answers_every_refused_password_in_chinese(gaopo):
    messages = []
    for password in ("Ab1!", "abcdefgh", "12345678", "Password1", "Gaopo2026!", "gaopo"):
        with pytest.raises(ValidationError) as refused:
            validate_password(password, gaopo)
        messages += refused.value.messages
    assert [message for message in messages if CHINESE_ONLY.search(message)] == []


def test_it_says_too_short_in_chinese_with_the_length(gaopo):
    with pytest.raises(ValidationError) as refused:
        validate_password("Ab1!", gaopo)
    assert "密码太短，至少需要 8 个字符。" in refused.value.messages
    assert all(not CHINESE_ONLY.search(text) for text in password_validators_help_texts())
