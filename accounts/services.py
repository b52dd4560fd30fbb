"""Writes on accounts, each recorded in the audit trail, refusals included.

三员分立 holds only if no administrator can undo another: the three
administrators' accounts are set at installation by the operator
(``manage.py admin_accounts``); on the web nobody switches off, changes or
grants a role to an administrator's account, their own included, and nobody
grants an administrator's role. Passwords: every change is recorded (never the
password), a refused one too."""

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_record, current_request
from branches.models import County, User
from branches.scoping import ADMIN_ROLES

ADMIN_ACCOUNT_FIXED = (
    "管理员账号只在安装时由运维人员用 manage.py admin_accounts 命令设定，网页上不能停用、启用、更改或授予角色。"
)
ADMIN_ROLE_NOT_GRANTED = "系统管理员、安全管理员、审计管理员只在安装时由运维人员设定，网页上不能授予这三种角色。"
OWN_ACCOUNT = "不能停用或启用自己的账号。"
OWN_ROLE = "不能修改自己的角色。"
COMMAND = "manage.py admin_accounts"


class AccountActionRefused(Exception):
    """An administrative action the rules forbid (already recorded); ``str()`` is the Chinese message."""


def _refuse(request, *, action: str, account, reason: str):
    audit_record(
        request,
        AuditEvent.DENIED,
        account,
        repr_text=f"{action}被拒：{account.username}",
        detail={"action": action, "reason": reason},
    )
    raise AccountActionRefused(reason)


def account_set_active(*, request, account: User, active: bool) -> None:
    """The system administrator switches a work account off, or back on. Never their own
    account nor an administrator's: those refusals are recorded and raise ``AccountActionRefused``."""
    action = "启用账号" if active else "停用账号"
    if account.pk == request.user.pk:
        _refuse(request, action=action, account=account, reason=OWN_ACCOUNT)
    if account.role in ADMIN_ROLES:
        _refuse(request, action=action, account=account, reason=ADMIN_ACCOUNT_FIXED)
    if account.is_active != active:
        account.is_active = active
        account.save(update_fields=["is_active"])  # django-auditlog records the change


def account_grant_check(*, request, account: User, role: str) -> None:
    """Refuse (and record) a grant to oneself, to an administrator's account, or of an administrator's role."""
    if account.pk == request.user.pk:
        _refuse(request, action="修改角色", account=account, reason=OWN_ROLE)
    if account.role in ADMIN_ROLES:
        _refuse(request, action="修改角色", account=account, reason=ADMIN_ACCOUNT_FIXED)
    if role in ADMIN_ROLES:
        _refuse(request, action="授予管理员角色", account=account, reason=ADMIN_ROLE_NOT_GRANTED)


def account_grant_role(*, request, account: User, role: str, units: dict) -> None:
    """The security administrator gives a work account its work role and unit (or takes the role away)."""
    account_grant_check(request=request, account=account, role=role)
    with transaction.atomic():
        account.role = role
        for field, value in units.items():
            setattr(account, field, value)
        account.save(update_fields=["role", "county", "township", "branch"])


# --- passwords ------------------------------------------------------------------------------


def password_set_record(user: User) -> None:
    """A password was set (by its owner, an administrator, the operator's command): record who and
    for whom, never the password. Called for every path that saves a new password (see passwords.py)."""
    request = current_request.get()
    actor = getattr(request, "user", None)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    own = actor is not None and actor.pk == user.pk
    audit_record(
        request,
        AuditEvent.PASSWORD,
        user,
        repr_text=f"{'修改密码' if own else '设置密码'}：{user.username}",
        detail={"outcome": "成功", "by": "本人" if own else "管理员" if actor is not None else "运维或初始化"},
    )


def password_refused_record(request, *, account: User, errors: list[str], what: str = "修改密码") -> None:
    """A password change or setting refused (by the policy, or a wrong current password): the reasons,
    never the password. ``account`` may be one not yet saved (an account being created)."""
    audit_record(
        request,
        AuditEvent.PASSWORD,
        account if account.pk else None,
        repr_text=f"{what}被拒：{account.username}",
        detail={"outcome": "拒绝", "reasons": [str(error)[:200] for error in errors]},
    )


# --- the three administrators, at installation (manage.py admin_accounts) --------------------


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the process's uid (a bare container)
        return "未知"


def _admin_record(event: str, account: User, text: str, **detail) -> None:
    audit_record(
        None,
        event,
        account if account.pk else None,  # an account refused before it was made has no row yet
        repr_text=f"{text}：{account.username}",
        detail={"by": COMMAND, "operator": _operator(), **detail},
    )


def _checked_password(password: str, account: User) -> None:
    try:
        validate_password(password, account)
    except ValidationError as refused:
        _admin_record(AuditEvent.PASSWORD, account, "设置密码被拒", outcome="拒绝", reasons=refused.messages)
        raise


def administrator_create(*, username: str, full_name: str, role: str, county: County, password: str) -> User:
    """An administrator's account, at installation: one active account per role and county, a
    password the policy accepts (changed at first login). Raises ``AccountActionRefused`` or
    ``ValidationError`` (the password), both recorded."""
    if role not in ADMIN_ROLES:
        raise AccountActionRefused("只能建立系统管理员、安全管理员或审计管理员；工作账号由系统管理员在网页上建立。")
    if User.objects.filter(username__iexact=username).exists():
        raise AccountActionRefused(f"登录名“{username}”已被使用。")
    holder = User.objects.filter(role=role, county=county, is_active=True).first()
    account = User(username=username, full_name=full_name, role=role, county=county)
    if holder is not None:
        reason = f"{county.name}已有启用的{holder.get_role_display()}“{holder.username}”：先停用它，再建立新的。"
        _admin_record(AuditEvent.DENIED, account, "建立管理员账号被拒", reason=reason)
        raise AccountActionRefused(reason)
    _checked_password(password, account)
    with transaction.atomic():
        account.set_password(password)
        account.must_change_password = True
        account.save()
        _admin_record(AuditEvent.ADMIN, account, f"建立{account.get_role_display()}账号")
    return account


def administrator_set_password(*, account: User, password: str) -> None:
    """The operator resets an administrator's password (to be changed at next login)."""
    administrator_require(account)
    _checked_password(password, account)
    with transaction.atomic():
        account.set_password(password)
        account.must_change_password = True
        account.save(update_fields=["password", "must_change_password"])
        _admin_record(AuditEvent.ADMIN, account, "重置管理员密码")


def administrator_set_active(*, account: User, active: bool) -> None:
    """The operator switches an administrator's account off or back on (one active per role and county)."""
    administrator_require(account)
    if active and not account.is_active:
        holder = User.objects.filter(role=account.role, county=account.county_id, is_active=True).first()
        if holder is not None:
            reason = f"已有启用的{holder.get_role_display()}“{holder.username}”：先停用它。"
            _admin_record(AuditEvent.DENIED, account, "启用管理员账号被拒", reason=reason)
            raise AccountActionRefused(reason)
    with transaction.atomic():
        account.is_active = active
        account.save(update_fields=["is_active"])
        _admin_record(AuditEvent.ADMIN, account, "启用管理员账号" if active else "停用管理员账号")


def administrator_require(account: User) -> None:
    """The operator's command changes administrators' accounts only."""
    if account.role not in ADMIN_ROLES:
        raise AccountActionRefused(
            f"“{account.username}”不是管理员账号：工作账号由系统管理员在网页上管理，密码由本人修改。"
        )
