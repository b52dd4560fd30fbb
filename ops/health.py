"""/healthz for a load balancer: the database, the broker, a live worker (its heartbeat,
written by reports.health), free disk. 200 when all answer, 503 naming the parts that do
not; nothing secret."""

import shutil
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from reports.models import WorkerHeartbeat


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def _broker() -> bool:
    # a connection of its own, so a failing check leaves the app's pool alone
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    with Connection(settings.CELERY_BROKER_URL, transport_options=options, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return True


def _worker() -> bool:
    limit = timezone.now() - timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=limit).exists()


def _disk() -> bool:
    # the uploads folder appears with the first upload: until then, the disk it will be on
    folder = Path(settings.MEDIA_ROOT)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free >= settings.HEALTH_MIN_FREE_MB * 1024 * 1024


CHECKS = {"database": _database, "broker": _broker, "worker": _worker, "disk": _disk}
LABELS = {"database": "数据库", "broker": "消息队列", "worker": "后台任务进程", "disk": "磁盘空间"}


@never_cache
@require_GET
def healthz(request):
    results, started = {}, time.monotonic()
    for name, check in CHECKS.items():
        try:
            results[name] = "ok" if check() else "fail"
        except Exception:
            results[name] = "fail"
    failing = [name for name, state in results.items() if state != "ok"]
    body = {
        "status": "fail" if failing else "ok",
        "checks": results,
        "failing": [LABELS[name] for name in failing],
        "ms": round(1000 * (time.monotonic() - started)),
    }
    return JsonResponse(body, status=503 if failing else 200, json_dumps_params={"ensure_ascii": False})
