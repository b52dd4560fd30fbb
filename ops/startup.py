"""What production refuses to run with: the demo's secret key or its logins.

Every process of the product asks, before it does anything: the web process
(config/wsgi.py), the Celery worker and beat (config/celery.py) and manage.py's
commands (manage.py), except the few an operator needs to set up or repair an
installation (SETUP_COMMANDS). Production is DEMO_MODE off; DEBUG does not
change that, so it is no way around the guard."""

import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

DEMO_SECRET_KEY_PREFIX = "demo-only-insecure-key"
DEMO_USERNAMES = (
    "admin",
    "county",
    "guanxing",
    "meishan",
    "gaozhai",
    "fani",
    "nagu",
    "gaopo",
    "sysadmin",
    "secadmin",
    "auditor",
)
# Commands that run whatever the key and passwords: they create or upgrade the database, put the
# static files and the cache table in place, report the configuration, or change a demo password
# (the way out of a refusal). None of them reads the product's data or signs anything.
SETUP_COMMANDS = frozenset(
    {
        "help",
        "version",
        "check",
        "migrate",
        "showmigrations",
        "makemigrations",
        "createcachetable",
        "collectstatic",
        "changepassword",
    }
)


def refuse_insecure_start() -> None:
    """Raise unless this is demo mode or the deployment has its own key and no demo password."""
    if settings.DEMO_MODE:
        return
    if settings.SECRET_KEY.startswith(DEMO_SECRET_KEY_PREFIX):
        raise ImproperlyConfigured("生产环境必须设置 SECRET_KEY 环境变量，不能使用演示密钥。")
    from branches.models import User
    from ops.demo import DEMO_PASSWORD

    try:
        demo_users = list(User.objects.filter(username__in=DEMO_USERNAMES, is_active=True))
    except DatabaseError:
        # no tables yet (a database being installed or restored into): no account can have a demo password
        return
    for user in demo_users:
        if user.check_password(DEMO_PASSWORD):
            raise ImproperlyConfigured(
                f"账号“{user.username}”仍使用演示密码，生产环境拒绝启动：请先停用该账号或修改其密码。"
            )


def command_name(argv: list[str]) -> str:
    """The subcommand manage.py was asked to run ("help" when none)."""
    words = [word for word in argv[1:2] if not word.startswith("-")]
    return words[0] if words else "help"


def refuse_insecure_command(argv: list[str]) -> None:
    """manage.py's guard: exit with the reason unless the command is a setup one or the start is safe."""
    if command_name(argv) in SETUP_COMMANDS:
        return
    exit_if_insecure()


def exit_if_insecure() -> None:
    """For a process's entry point: stop it, the reason on stderr (Celery would log an exception and go on)."""
    try:
        refuse_insecure_start()
    except ImproperlyConfigured as refused:
        print(f"拒绝启动：{refused}", file=sys.__stderr__, flush=True)  # Celery redirects sys.stderr to its log
        raise SystemExit(1) from None
