"""Two web processes and two workers on one PostgreSQL and one Redis, as a
county runs several machines: what is done through one web process is seen
through the other, and the documents are made by either worker."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.db import connection

from records.models import OrganisationalLife
from reports.models import Job, JobStatus
from tests import clock
from tests.reports.test_jobs import _purge_queue, _worker_env

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Qingshan#2026"
pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres")
        or "redis" not in os.environ.get("CELERY_BROKER_URL", ""),
        reason="several machines share PostgreSQL and Redis (CI runs this)",
    ),
]


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}")


class Browser:
    """A person at one web process: cookies, CSRF token, forms."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path, data: dict) -> str:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(path if "/new/" not in path else "/"))
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token[1]}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=60) as response:
            return response.read().decode()

    def login(self, username):
        page = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert "退出" in page, page[:500]
        return self

    def at(self, base):
        """The same person (same session cookie) at another web process."""
        self.base = base
        return self


def test_two_web_processes_and_two_workers_share_one_database_and_queue(transactional_db, cast, tmp_path, settings):
    # the web processes run with production settings, which do not know the tests' fast MD5 hasher
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for user in (cast.users["branch_secretary"], cast.users["township_staff"]):
        user.set_password(PASSWORD)
        user.save()
    env = _worker_env()
    env.update(
        MEDIA_ROOT=str(tmp_path / "shared-media"),  # the storage every node shares
        STATIC_ROOT=str(tmp_path / "static"),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEMO_MODE="false",
        PASSWORD_MAX_AGE_DAYS="0",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    _purge_queue()
    ports = [_port(), _port()]
    processes = [
        subprocess.Popen(
            [
                *clock.python_m("gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    processes += [
        subprocess.Popen(
            [*clock.python_m("celery"), "-A", "config", "worker", "--pool=solo", "--concurrency=1",
             "--without-gossip", "--without-mingle", "--prefetch-multiplier=1", "-n", f"{name}@%h", "--loglevel=WARNING"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name in ("scale1", "scale2")
    ]  # fmt: skip
    try:
        for port in ports:
            _wait_for(port)
        web1, web2 = (f"http://127.0.0.1:{port}" for port in ports)

        # no version banner from the application server (nginx in front has server_tokens off)
        with urllib.request.urlopen(web1 + "/accounts/login/", timeout=60) as response:
            assert not re.search(r"\d", response.headers.get("Server", "")), response.headers.get("Server")
            assert "X-Powered-By" not in response.headers

        # a secretary records a 主题党日 through the first web process …
        secretary = Browser(web1).login("secretary")
        secretary.post(
            f"/branches/{cast.branch.pk}/life/",
            {
                "kind": "theme_day",
                "held_on": "2026-11-05",
                "topic": "学习日：多机部署演练",
                "attendees": [cast.member.pk],
            },
        )
        assert OrganisationalLife.objects.filter(topic="学习日：多机部署演练").exists()
        # … and, with the same session, sees it through the second
        assert "学习日：多机部署演练" in secretary.at(web2).get(f"/branches/{cast.branch.pk}/life/?year=2026")

        # documents asked for through both web processes are made by the workers
        staff = Browser(web2).login("staff")
        for year in (2024, 2025, 2026):
            staff.post("/reports/jobs/new/", {"kind": "facts_grid_xlsx", "township": cast.township.pk, "year": year})
        staff.at(web1).post("/reports/jobs/new/", {"kind": "ledger_items_xlsx"})
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and Job.objects.exclude(status=JobStatus.SUCCEEDED).exists():
            time.sleep(0.5)
        jobs = list(Job.objects.all())
        assert len(jobs) == 4 and all(job.status == JobStatus.SUCCEEDED for job in jobs), [
            (job.kind, job.status, job.error) for job in jobs
        ]
        workers = {job.worker.split("@")[0] for job in jobs}
        assert workers <= {"scale1", "scale2"} and workers
        for job in jobs:  # every file is on the shared storage, readable by either web process
            assert (tmp_path / "shared-media" / job.file.name).is_file()
        downloaded = staff.at(web2).opener.open(f"{web2}/reports/jobs/{jobs[0].pk}/download/", timeout=60).read()
        assert downloaded[:2] == b"PK"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    assert connection.vendor == "postgresql" and settings.CELERY_BROKER_URL.startswith("redis")
