"""/healthz answers a load balancer: 200, or 503 naming the failing part, and no secrets."""

import time

import pytest
from django.utils import timezone

from reports.models import WorkerHeartbeat
from tests.reports.test_jobs import _purge_queue, _start_worker


def _health(client):
    response = client.get("/healthz")
    body = response.json()
    text = response.content.decode()
    assert "postgres" not in text and "redis://" not in text and "sqlite" not in text  # no connection details
    return response.status_code, body


def test_all_parts_answer(client, db):
    WorkerHeartbeat.objects.create(name="w1@host", seen_at=timezone.now())
    status, body = _health(client)
    assert (status, body["status"], body["failing"]) == (200, "ok", [])
    assert body["checks"] == {"database": "ok", "broker": "ok", "worker": "ok", "disk": "ok"}


def test_no_live_worker_is_named(client, db):
    WorkerHeartbeat.objects.create(name="w1@host", seen_at=timezone.now() - timezone.timedelta(minutes=10))
    status, body = _health(client)
    assert (status, body["failing"]) == (503, ["后台任务进程"])


def test_an_unreachable_broker_and_a_full_disk_are_named(client, db, settings):
    WorkerHeartbeat.objects.create(name="w1@host", seen_at=timezone.now())
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    settings.HEALTH_MIN_FREE_MB = 10**12
    status, body = _health(client)
    assert status == 503 and body["failing"] == ["消息队列", "磁盘空间"]


@pytest.mark.worker
def test_a_running_worker_reports_itself(client, transactional_db):
    _purge_queue()
    worker = _start_worker("health-test")
    try:
        deadline = time.monotonic() + 60
        while (
            time.monotonic() < deadline and not WorkerHeartbeat.objects.filter(name__startswith="health-test@").exists()
        ):
            time.sleep(0.5)
        status, body = _health(client)
        assert status == 200 and body["checks"]["worker"] == "ok"
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_a_database_that_does_not_answer_is_named(client, db):
    from unittest import mock

    from django.db import OperationalError

    WorkerHeartbeat.objects.create(name="w1@host", seen_at=timezone.now())
    with mock.patch("ops.health.connection.cursor", side_effect=OperationalError("connection refused")):
        status, body = _health(client)
    assert status == 503 and "数据库" in body["failing"]
    assert "connection refused" not in str(body)  # the reason stays in the log, not in the answer


@pytest.mark.django_db
def test_a_fresh_install_without_uploads_has_disk_enough(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "var" / "media"  # no upload yet: the folder does not exist
    WorkerHeartbeat.objects.create(name="w1", seen_at=timezone.now())
    assert client.get("/healthz").json()["checks"]["disk"] == "ok"
