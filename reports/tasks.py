"""Celery tasks: they take ids and call a service.

Jobs are recovered by each worker's own heartbeat (reports.health), connected when a worker
loads this module; there is no recovery task."""

from celery import shared_task
from django.conf import settings

from . import health  # noqa: F401  (connects the worker's heartbeat, which recovers jobs)
from .services import RUN_JOB, job_execute


@shared_task(
    name=RUN_JOB,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def run_job(self, job_id: int) -> bool:
    return job_execute(job_id, worker=self.request.hostname or "")
