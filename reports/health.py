"""Each worker's heartbeat, which also recovers jobs (/healthz, in ops, reads the heartbeats)."""

import logging
import threading

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from .models import WorkerHeartbeat
from .services import jobs_recover

logger = logging.getLogger(__name__)
_stop = threading.Event()


def heartbeat(name: str) -> int:
    """One beat of a live worker: it says it is alive, then runs the job recovery — the only
    place that does. No beat scheduler runs: each live worker sends the jobs kept while the
    broker was down and requeues (or fails) the jobs whose process died (a killed pool child,
    another machine lost). Returns how many silent jobs it found."""
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
    return jobs_recover()


def _beat(name: str) -> None:
    """The worker's heartbeat thread: a beat at once, then every WORKER_HEARTBEAT_SECONDS."""
    while not _stop.is_set():
        try:
            close_old_connections()
            heartbeat(name)
        except Exception:  # the database or broker may be down for a while; the next beat tries again
            logger.warning("worker heartbeat or job recovery failed; trying again", exc_info=True)
        _stop.wait(settings.WORKER_HEARTBEAT_SECONDS)


@worker_ready.connect
def _start_heartbeat(sender=None, **kwargs):
    name = getattr(sender, "hostname", None) or "worker"
    threading.Thread(target=_beat, args=(name,), daemon=True, name="heartbeat").start()


@worker_shutdown.connect
def _stop_heartbeat(sender=None, **kwargs):
    _stop.set()
