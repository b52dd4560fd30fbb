"""Faults: the broker gone, the database connection lost mid-transition, the
disk full during an upload. Each time a clear Chinese message, and nothing
lost or half-written."""

import errno
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, OperationalError, connection

from campaigns.models import Participant, State, Transition
from campaigns.workflow import transition
from config.storage import AtomicFileSystemStorage
from reports.models import Job, JobStatus
from scoring.evidence import EvidenceRefused, evidence_add
from scoring.models import Evidence, ScoreSheet

ROOT = Path(__file__).resolve().parents[2]
REDIS_PORT = 6391  # a Redis of these tests' own, so stopping it disturbs nothing else


def _free(port) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _start_redis():
    process = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while _free(REDIS_PORT) and time.monotonic() < deadline:
        time.sleep(0.1)
    return process


SCRIPT = """
import os, sys
sys.path.insert(0, os.getcwd())
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
from branches.models import User
from reports.models import Job
client = Client()
client.force_login(User.objects.get(username=sys.argv[1]))
if sys.argv[2] == "request":
    response = client.post("/reports/jobs/new/", {"kind": "ledger_items_xlsx"}, follow=True)
    print(response.status_code, response.content.decode())
elif sys.argv[2] == "poll":
    job = Job.objects.latest("pk")
    print(client.get(f"/reports/jobs/{job.pk}/status/").status_code)
else:  # a worker starting: what it loads connects its heartbeat, whose first beat runs at once
    import time
    from celery.signals import worker_ready, worker_shutdown
    import reports.tasks  # noqa: F401
    job = Job.objects.latest("pk")
    worker_ready.send(sender=type("Worker", (), {"hostname": "faults@host"}))
    deadline = time.monotonic() + 30
    while job.unsent and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    worker_shutdown.send(sender=None)
    print("kept" if job.unsent else "sent")
"""


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server on the machine")
def test_a_document_asked_for_while_redis_is_down_is_kept_and_made_once_it_is_back(transactional_db, cast, tmp_path):
    assert _free(REDIS_PORT), "port 6391 is taken"
    script = tmp_path / "ask.py"
    script.write_text(SCRIPT, encoding="utf-8")
    db = connection.settings_dict
    # test settings (plain static files, no collectstatic needed) but a broker of its own
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, str(script), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    started = time.monotonic()
    asked = run("staff", "request")  # nothing listens on the port: Redis is down
    assert asked.returncode == 0, asked.stderr
    assert "消息队列暂时不可用：文书申请已登记，队列恢复后自动生成" in asked.stdout
    assert time.monotonic() - started < 60
    job = Job.objects.get()
    assert (job.status, job.unsent, job.file.name) == (JobStatus.QUEUED, True, "")  # kept, nothing half-written

    redis = _start_redis()
    try:
        assert run("staff", "poll").stdout.strip() == "200"  # a status poll only reads …
        job.refresh_from_db()
        assert job.unsent
        beat = run("staff", "beat")  # … a live worker's heartbeat sends it
        assert beat.stdout.strip() == "sent", beat.stderr
        job.refresh_from_db()
        assert not job.unsent and job.step == "排队等待处理"
        queued = subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "LLEN", "celery"], capture_output=True, text=True
        ).stdout.strip()
        assert queued == "1"  # on the queue for any worker to make
    finally:
        redis.terminate()
        redis.wait(timeout=10)


def test_a_transition_whose_database_connection_is_lost_leaves_nothing(transactional_db, cast):
    from campaigns.models import PhaseKind
    from campaigns.services import campaign_create
    from scoring.builtin import load_builtin_frameworks
    from scoring.models import Framework
    from tests.campaigns.helpers import open_phase

    load_builtin_frameworks()

    campaign = campaign_create(
        kind="wuhao",
        year=2026,
        title="五好创建",
        framework=Framework.objects.get(code="wuhao"),
        branches=[cast.branch],
        actor=cast.users["township_staff"],
    )
    open_phase(campaign, PhaseKind.SELF_ASSESSMENT)
    participant = campaign.participants.get(branch=cast.branch)
    before = (Transition.objects.count(), ScoreSheet.objects.count())

    def lose_the_connection(**kwargs):
        # the sheet is made and the state saved; now, before the transition is written, the connection dies
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        raise OperationalError("server closed the connection unexpectedly")

    with (
        mock.patch.object(Transition.objects, "create", side_effect=lose_the_connection),
        pytest.raises(DatabaseError),
    ):
        transition(participant, "start", actor=cast.users["branch_secretary"])
    connection.close()  # the next query opens a new connection, as the next request would
    participant = Participant.objects.get(pk=participant.pk)
    assert participant.state == State.NOT_STARTED and participant.self_sheet_id is None
    assert (Transition.objects.count(), ScoreSheet.objects.count()) == before


def test_a_full_disk_during_an_upload_leaves_no_entry_and_no_file(cast, settings, tmp_path):
    from PIL import Image

    from scoring.builtin import load_builtin_frameworks
    from scoring.models import Framework
    from scoring.services import score_sheet_create

    settings.MEDIA_ROOT = tmp_path
    load_builtin_frameworks()
    sheet = score_sheet_create(
        framework=Framework.objects.get(code="wuhao"),
        branch=cast.branch,
        stage="self_assessment",
        year=2026,
        actor=cast.users["branch_secretary"],
    )
    photo = tmp_path / "big.jpg"
    Image.new("RGB", (2400, 1800), (10, 120, 30)).save(photo, "JPEG")  # large: a display copy is written too
    real_save = AtomicFileSystemStorage._save
    calls = []

    def disk_fills_up(self, name, content):
        calls.append(name)
        if len(calls) == 2:  # the original is written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, name, content)

    with mock.patch.object(AtomicFileSystemStorage, "_save", disk_fills_up), pytest.raises(EvidenceRefused) as refused:
        evidence_add(
            sheet=sheet,
            item_code="1.1",
            upload=SimpleUploadedFile("会议.jpg", photo.read_bytes()),
            actor=cast.users["branch_secretary"],
        )
    assert "服务器磁盘已满或读写出错" in str(refused.value)
    assert len(calls) == 2
    assert not Evidence.objects.exists()
    assert [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()] == []


def test_a_write_cut_off_half_way_leaves_no_file_under_its_name(tmp_path):
    from django.core.files.base import ContentFile

    storage = AtomicFileSystemStorage(location=tmp_path)

    class Interrupted(ContentFile):
        def chunks(self, chunk_size=None):
            yield b"%PDF-1.7 first half"
            raise OSError(errno.EIO, "worker killed")

    with pytest.raises(OSError):
        storage.save("reports/2026/11/doc.pdf", Interrupted(b""))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # neither the name nor a partial file
    name = storage.save("reports/2026/11/doc.pdf", ContentFile(b"%PDF-1.7 whole"))
    assert (tmp_path / name).read_bytes() == b"%PDF-1.7 whole"
    again = storage.save("reports/2026/11/doc.pdf", ContentFile(b"%PDF-1.7 other"))
    assert again != name and (tmp_path / name).read_bytes() == b"%PDF-1.7 whole"  # nothing overwritten
