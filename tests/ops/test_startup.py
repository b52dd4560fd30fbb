"""In production (DEMO_MODE off) every process of the product refuses the demo's secret key and
its passwords, not only the web process: the Celery worker and beat, and manage.py's commands
except the setup ones (ops/startup.py SETUP_COMMANDS)."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from ops.demo import DEMO_PASSWORD
from ops.startup import DEMO_SECRET_KEY_PREFIX
from tests.factories import UserFactory
from tests.reports.test_jobs import _worker_env

ROOT = Path(__file__).resolve().parents[2]
DEMO_KEY = f"{DEMO_SECRET_KEY_PREFIX}-9c1f0e3a7b5d4e2f8a6c1b3d5e7f9a0b2c4d6e8f"


def _production(**extra) -> dict:
    env = {**_worker_env(), "DEMO_MODE": "false", "SECRET_KEY": DEMO_KEY, **extra}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _run(args, env, timeout=120):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _manage(env, *args):
    return _run([sys.executable, "manage.py", *args], env)


def test_a_backup_with_the_demo_key_is_refused_and_writes_nothing(db, tmp_path):
    done = _manage(_production(), "backup", str(tmp_path / "backup"))
    assert done.returncode != 0
    assert "拒绝启动" in done.stderr and "不能使用演示密钥" in done.stderr
    assert not (tmp_path / "backup").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["worker", "--pool=solo", "--without-gossip", "--without-mingle", "-n", "refused@%h"],
        ["beat", "--schedule", "{tmp}/beat-schedule"],
    ],
    ids=["worker", "beat"],
)
def test_a_worker_or_beat_with_the_demo_key_does_not_start(db, tmp_path, command):
    args = [sys.executable, "-m", "celery", "-A", "config", *(word.format(tmp=tmp_path) for word in command)]
    done = _run([*args, "--loglevel=WARNING"], _production(), timeout=60)  # a started one would run until killed
    assert done.returncode != 0
    assert "不能使用演示密钥" in done.stderr


def test_a_command_refuses_a_demo_account_that_keeps_the_demo_password(transactional_db, settings, tmp_path):
    # the subprocess has production's hashers, not the tests' fast one
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    gaopo = UserFactory(username="gaopo")
    gaopo.set_password(DEMO_PASSWORD)
    gaopo.save()
    env = _production(SECRET_KEY=secrets.token_urlsafe(50))
    done = _manage(env, "backup", str(tmp_path / "backup"))
    assert done.returncode != 0 and "“gaopo”仍使用演示密码" in done.stderr
    gaopo.set_password("Another#Pass2026")
    gaopo.save()
    assert _manage(env, "backup", str(tmp_path / "backup")).returncode == 0


def test_the_setup_commands_run_to_put_an_installation_right(db):
    """migrate, collectstatic, check, changepassword … run whatever the key: they read no product data."""
    done = _manage(_production(), "check")
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
