"""Celery tasks: they take ids and call a service."""

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from . import health  # noqa: F401  (connects the worker's heartbeat)
from .services import job_execute, jobs_recover_stale


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def run_job(self, job_id: int) -> bool:
    return job_execute(job_id, worker=self.request.hostname or "")


@shared_task
def recover_stale_jobs() -> int:
    return jobs_recover_stale()


@worker_ready.connect
def _recover_on_start(**kwargs):
    # A worker that starts after a crash picks up what its predecessor dropped.
    recover_stale_jobs.delay()
