"""三员分立 that one administrator cannot undo: the administrators' accounts are set
at installation (manage.py admin_accounts), never from the web; the system
administrator switches work accounts off and back on; every refusal is recorded."""

from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry, AuditEvent
from branches.models import User
from branches.scoping import Role
from tests.factories import UserFactory

# what the administrators are told (and the trail keeps as the reason)
ADMIN_ACCOUNT_FIXED = "管理员账号只在安装时由运维人员用 manage.py admin_accounts 命令设定"
ADMIN_ROLE_NOT_GRANTED = "网页上不能授予这三种角色"
OWN_ROLE = "不能修改自己的角色"


@pytest.fixture
def admins(cast):
    return {
        role: UserFactory(username=name, role=role, county=cast.county)
        for name, role in (
            ("sysadmin", Role.SYSTEM_ADMIN),
            ("secadmin", Role.SECURITY_ADMIN),
            ("auditor", Role.AUDIT_ADMIN),
        )
    }


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _refusals(actor, account):
    return AuditEntry.objects.filter(event=AuditEvent.DENIED, actor=actor, object_pk=str(account.pk))


def _fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def test_it_refuses_and_records_the_system_administrator_switching_off_an_administrator(cast, admins):
    system_admin = admins[Role.SYSTEM_ADMIN]
    system = _as(system_admin)
    for role in (Role.AUDIT_ADMIN, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN):
        account = admins[role]
        response = system.post(reverse("accounts_system"), {"deactivate": account.pk})
        assert response.status_code == 302, role
        assert _fresh(account).is_active, role
        assert "管理员账号只在安装时" in _said(response) or "自己" in _said(response), role
        refusal = _refusals(system_admin, account).get()
        assert refusal.object_repr == f"停用账号被拒：{account.username}"
    assert ADMIN_ACCOUNT_FIXED in _refusals(system_admin, admins[Role.AUDIT_ADMIN]).get().additional_data["reason"]
    page = system.get(reverse("accounts_system")).content.decode()
    for account in admins.values():
        assert f'value="{account.pk}"' not in page  # no switch is offered for an administrator


def test_it_lets_the_system_administrator_switch_a_work_account_off_and_back_on(cast, admins):
    system = _as(admins[Role.SYSTEM_ADMIN])
    staff = cast.users["township_staff"]
    for _ in range(2):  # switching off twice leaves it off (not a toggle)
        system.post(reverse("accounts_system"), {"deactivate": staff.pk})
        assert not _fresh(staff).is_active
    page = system.get(reverse("accounts_system")).content.decode()
    assert f'name="activate" value="{staff.pk}"' in page
    response = system.post(reverse("accounts_system"), {"activate": staff.pk})
    assert _fresh(staff).is_active and f"已启用账号“{staff.username}”" in _said(response)
    assert Client().post(reverse("login"), {"username": "staff", "password": "Test@2026pass"}).status_code == 302


@pytest.mark.parametrize("value", ["abc", "", "²", "99999999999999999999"])
def test_it_answers_a_malformed_account_with_404(cast, admins, value):
    assert _as(admins[Role.SYSTEM_ADMIN]).post(reverse("accounts_system"), {"activate": value}).status_code == 404
    assert _as(admins[Role.SECURITY_ADMIN]).post(reverse("accounts_security"), {"account": value}).status_code == 404


def test_it_refuses_and_records_the_security_administrator_changing_an_administrator(cast, admins):
    security_admin = admins[Role.SECURITY_ADMIN]
    security = _as(security_admin)
    county_unit = f"county:{cast.county.pk}"
    auditor, system_admin = admins[Role.AUDIT_ADMIN], admins[Role.SYSTEM_ADMIN]
    tries = [
        # the audit administrator made a county reviewer (who sees the work)
        (auditor, Role.COUNTY_REVIEWER, ADMIN_ACCOUNT_FIXED),
        # the system administrator made a second security administrator
        (system_admin, Role.SECURITY_ADMIN, ADMIN_ACCOUNT_FIXED),
        # the system administrator's role taken away
        (system_admin, "", ADMIN_ACCOUNT_FIXED),
        # a work account made an administrator
        (cast.users["county_reviewer"], Role.AUDIT_ADMIN, ADMIN_ROLE_NOT_GRANTED),
        # themselves
        (security_admin, Role.COUNTY_REVIEWER, OWN_ROLE),
    ]
    for account, role, reason in tries:
        before = (account.role, account.county_id)
        response = security.post(
            reverse("accounts_security"), {"account": account.pk, "role": role, "unit": county_unit}
        )
        assert response.status_code == 302
        assert reason in _said(response), account
        assert (_fresh(account).role, _fresh(account).county_id) == before, account
        assert any(reason in e.additional_data["reason"] for e in _refusals(security_admin, account)), account
    # a work role to a work account still works
    clerk = UserFactory(username="clerk9")
    security.post(
        reverse("accounts_security"),
        {"account": clerk.pk, "role": "township_staff", "unit": f"township:{cast.township.pk}"},
    )
    assert _fresh(clerk).role == Role.TOWNSHIP_STAFF
    # the page offers no administrator's role, and no form for an administrator's account
    page = security.get(reverse("accounts_security")).content.decode()
    assert 'value="security_admin"' not in page and 'value="audit_admin"' not in page
    assert f'name="account" value="{auditor.pk}"' not in page
    assert f'name="account" value="{clerk.pk}"' in page


def _command(*args, stdin: str = "") -> str:
    out = StringIO()
    call_command("admin_accounts", *args, stdin=StringIO(stdin), stdout=out)
    return out.getvalue()


def _admin_entries(event):
    return AuditEntry.objects.filter(event=event, additional_data__by="manage.py admin_accounts").order_by("pk")


def test_it_sets_up_the_administrators_at_installation_through_the_command(cast):
    said = _command(
        "create", "--role", "security", "--county", "青山县", "--username", "secadmin", "--full-name", "吴安全",
        "--password-stdin", stdin="Lvshui#Qingshan9\n",
    )  # fmt: skip
    assert "已建立安全管理员“secadmin”" in said
    account = User.objects.get(username="secadmin")
    assert (account.role, account.county, account.must_change_password) == (Role.SECURITY_ADMIN, cast.county, True)
    assert account.check_password("Lvshui#Qingshan9")
    created = _admin_entries(AuditEvent.ADMIN).get()
    assert created.object_repr == "建立安全管理员账号：secadmin" and created.object_pk == str(account.pk)

    # a second active security administrator in the county is refused, and recorded
    with pytest.raises(CommandError, match="已有启用的安全管理员“secadmin”"):
        _command(
            "create", "--role", "security", "--county", "青山县", "--username", "secadmin2", "--full-name", "王安全",
            "--password-stdin", stdin="Lvshui#Qingshan9\n",
        )  # fmt: skip
    assert not User.objects.filter(username="secadmin2").exists()
    assert _admin_entries(AuditEvent.DENIED).get().object_repr == "建立管理员账号被拒：secadmin2"

    # a password the policy refuses: refused and recorded, the password nowhere in the record
    with pytest.raises(CommandError, match="密码不能包含登录名"):
        _command("reset-password", "secadmin", "--password-stdin", stdin="SecAdmin#2026\n")
    refused = _admin_entries(AuditEvent.PASSWORD).get()
    assert refused.additional_data["outcome"] == "拒绝" and "SecAdmin#2026" not in str(refused.__dict__)

    _command("reset-password", "secadmin", "--password-stdin", stdin="Qingshan#Shui77\n")
    assert _fresh(account).check_password("Qingshan#Shui77")
    assert _admin_entries(AuditEvent.ADMIN).last().object_repr == "重置管理员密码：secadmin"

    _command("deactivate", "secadmin")
    assert not _fresh(account).is_active
    _command("activate", "secadmin")
    assert _fresh(account).is_active
    assert [e.object_repr for e in _admin_entries(AuditEvent.ADMIN)][-2:] == [
        "停用管理员账号：secadmin",
        "启用管理员账号：secadmin",
    ]

    # the command keeps to the administrators: a work account is the system administrator's (on the web)
    with pytest.raises(CommandError, match="不是管理员账号"):
        _command("deactivate", "staff")
    assert _fresh(cast.users["township_staff"]).is_active
