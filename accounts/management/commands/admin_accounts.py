"""The three administrators' accounts (三员分立), kept by the operator at the
server, never from the web: create one, reset its password, switch it off or on.
Each action, and each refusal, is recorded in the audit trail."""

import sys
from getpass import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import (
    AccountActionRefused,
    administrator_create,
    administrator_require,
    administrator_set_active,
    administrator_set_password,
)
from branches.models import County, User
from branches.scoping import ADMIN_ROLES, Role

ROLE_NAMES = {"system": Role.SYSTEM_ADMIN, "security": Role.SECURITY_ADMIN, "audit": Role.AUDIT_ADMIN}


class Command(BaseCommand):
    help = "管理三员（系统管理员、安全管理员、审计管理员）账号：建立、重置密码、停用、启用、列出。只在服务器上由运维人员执行。"
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        actions.add_parser("list", help="列出管理员账号")
        create = actions.add_parser("create", help="建立管理员账号（首次登录须修改密码）")
        create.add_argument("--role", required=True, choices=sorted(ROLE_NAMES), help="system、security 或 audit")
        create.add_argument("--county", required=True, help="县名")
        create.add_argument("--username", required=True, help="登录名")
        create.add_argument("--full-name", required=True, help="姓名")
        create.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
        reset = actions.add_parser("reset-password", help="重置管理员密码（下次登录须修改）")
        reset.add_argument("username")
        reset.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
        for name, text in (("deactivate", "停用管理员账号"), ("activate", "启用管理员账号")):
            actions.add_parser(name, help=text).add_argument("username")

    def handle(self, *args, action, **options):
        self.stdin = options.get("stdin", sys.stdin)
        try:
            getattr(self, f"_{action.replace('-', '_')}")(**options)
        except AccountActionRefused as refused:
            raise CommandError(str(refused)) from None
        except ValidationError as refused:
            raise CommandError("密码不符合策略：" + "".join(refused.messages)) from None

    def _list(self, **options):
        for account in User.objects.filter(role__in=ADMIN_ROLES).select_related("county").order_by("county", "role"):
            state = "启用" if account.is_active else "停用"
            self.stdout.write(
                f"{account.county} {account.get_role_display()} {account.username} {account.full_name} {state}"
            )

    def _create(self, *, role, county, username, full_name, password_stdin, **options):
        place = County.objects.filter(name=county).first()
        if place is None:
            raise CommandError(f"没有名为“{county}”的县。")
        account = administrator_create(
            username=username,
            full_name=full_name,
            role=ROLE_NAMES[role],
            county=place,
            password=self._password(password_stdin),
        )
        self.stdout.write(f"已建立{account.get_role_display()}“{account.username}”，首次登录须修改密码。")

    def _reset_password(self, *, username, password_stdin, **options):
        account = self._administrator(username)
        administrator_set_password(account=account, password=self._password(password_stdin))
        self.stdout.write(f"已重置“{account.username}”的密码，下次登录须修改。")

    def _deactivate(self, *, username, **options):
        administrator_set_active(account=self._administrator(username), active=False)
        self.stdout.write(f"已停用“{username}”。")

    def _activate(self, *, username, **options):
        administrator_set_active(account=self._administrator(username), active=True)
        self.stdout.write(f"已启用“{username}”。")

    def _administrator(self, username) -> User:
        account = User.objects.filter(username=username).first()
        if account is None:
            raise CommandError(f"没有登录名为“{username}”的账号。")
        administrator_require(account)  # before a password is asked for
        return account

    def _password(self, from_stdin: bool) -> str:
        """From standard input (one line), or typed twice at a terminal; never from the command line,
        where it would stay in the shell's history and show in the process list."""
        if from_stdin:
            password = self.stdin.readline().rstrip("\r\n")
        elif self.stdin.isatty():
            password = getpass("密码：")
            if getpass("再输入一次：") != password:
                raise CommandError("两次输入的密码不一致。")
        else:
            raise CommandError("请在终端上输入密码，或加 --password-stdin 从标准输入读取。")
        if not password:
            raise CommandError("密码不能为空。")
        return password
