"""Requesting, running and recovering report jobs.

Jobs go to the broker by the task's name, so this module never imports the tasks: the tasks
(reports.tasks) and the worker's heartbeat (reports.health) import it, never the other way."""

import hashlib
import json
import logging
import threading
import traceback
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from inbox import services as inbox
from inbox.models import Kind

from .documents import DOCUMENTS, data_fingerprint, resolve
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

ERROR_GENERIC = "生成失败：{reason}。请稍后重试；如仍失败，请联系系统管理员。"
ERROR_TIMEOUT = "生成超时：文书过大或系统繁忙，请缩小范围（如按乡镇）后重试。"
ERROR_INTERRUPTED = "处理进程多次中断，已停止重试。"


def _key(params: dict) -> str:
    return json.dumps(params, sort_keys=True, ensure_ascii=False)


STEP_UNSENT = "消息队列暂时不可用，恢复后自动生成"
RUN_JOB = "reports.tasks.run_job"  # the task's name (reports.tasks registers it under this name)


def _send(job_id: int) -> bool:
    """Hand the job to the broker. When it cannot be reached the job stays, marked
    unsent, and the next worker heartbeat sends it again (``jobs_recover``): nothing
    is lost and nothing half-written."""
    from celery import current_app

    try:
        current_app.send_task(RUN_JOB, args=[job_id])
    except Exception:  # kombu's OperationalError, redis' ConnectionError: the broker is down
        logger.warning("broker unreachable; job %s kept to send later", job_id, exc_info=True)
        Job.objects.filter(pk=job_id).update(unsent=True, step=STEP_UNSENT)
        return False
    Job.objects.filter(pk=job_id, unsent=True).update(unsent=False, step="排队等待处理")
    return True


def _enqueue(job_id: int) -> None:
    transaction.on_commit(lambda: _send(job_id))


def job_request(*, user, kind: str, params: dict) -> tuple[Job, str]:
    """A job for the document, or the one already under way, or the earlier
    file when the data has not changed since. Returns (job, how)."""
    params, title = resolve(user, kind, params)
    key = _key(params)
    with transaction.atomic():
        # one request at a time for the same document, so two clicks make one job
        if "campaign" in params:
            Campaign.objects.select_for_update().get(pk=params["campaign"])
        same = Job.objects.filter(kind=kind, params_key=key)
        running = same.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).first()
        if running:
            return running, "running"
        probe = Job(kind=kind, params=params)
        fingerprint = data_fingerprint(probe)
        done = same.filter(status=JobStatus.SUCCEEDED, data_fingerprint=fingerprint).exclude(file="").first()
        if done:
            return done, "reused"
        job = Job.objects.create(
            kind=kind,
            params=params,
            params_key=key,
            title=title,
            requested_by=user,
            data_fingerprint=fingerprint,
            step="排队等待处理",
        )
        _enqueue(job.pk)
    job.refresh_from_db(fields=["unsent", "step"])
    return job, "unsent" if job.unsent else "created"


def _progress(job_id: int, attempt: int):
    def report(percent: int, step: str) -> None:
        # this attempt's only: a process whose job was requeued meanwhile must not speak for the next one
        Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, attempts=attempt).update(
            progress=percent, step=step[:100], heartbeat_at=timezone.now()
        )

    return report


@contextmanager
def _kept_alive(job_id: int, attempt: int):
    """While the job runs, its heartbeat is renewed by a thread of the process doing the work, so a
    long step (a big PDF) is never taken for a dead worker, and a killed process stops renewing it."""
    stop = threading.Event()
    interval = max(1, settings.REPORT_JOB_STALE_SECONDS // 4)

    def beat():
        try:
            while not stop.wait(interval):
                try:
                    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, attempts=attempt).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a busy database: the next beat tries again
                    logger.warning("heartbeat of report job %s not written", job_id)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, daemon=True, name=f"job-{job_id}-heartbeat")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def job_execute(job_id: int, *, worker: str = "") -> bool:
    """Run one job if it is still waiting. Safe to call twice: only the caller
    that moves it from queued to running does the work."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        worker=worker[:100],
        progress=1,
        step="开始生成",
    )
    if not claimed:
        return False
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    document = DOCUMENTS[job.kind]
    try:
        campaign = (
            Campaign.objects.select_related("framework", "township", "county").get(pk=job.params["campaign"])
            if "campaign" in job.params
            else None
        )
        fingerprint = data_fingerprint(job)
        attempt = job.attempts
        with _kept_alive(job_id, attempt):
            content = document.build(job, campaign, _progress(job_id, attempt))
        packed = content[:2] == b"PK" and not job.kind.endswith("_xlsx")
        job.packed = packed  # the stored name's extension follows it
        stored = job.file.storage.save(job.file.field.generate_filename(job, "document"), ContentFile(content))
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job_id)
            if job.status != JobStatus.RUNNING or job.attempts != attempt:
                # requeued while this process worked (its heartbeat was lost, e.g. a database outage):
                # the newer attempt owns the job; this file is nobody's
                job.file.storage.delete(stored)
                return False
            job.file.name = stored
            job.packed = packed
            job.filename = f"{job.title}{job.extension}"
            job.sha256 = hashlib.sha256(content).hexdigest()
            job.status, job.progress, job.step = JobStatus.SUCCEEDED, 100, "已完成"
            job.data_fingerprint, job.finished_at, job.error = fingerprint, timezone.now(), ""
            job.save()
            _tell_requester(job)
        return True
    except Exception as error:  # any failure is recorded on the job, never left "running"
        from celery.exceptions import SoftTimeLimitExceeded

        logger.error("report job %s failed\n%s", job_id, traceback.format_exc())
        reason = (
            ERROR_TIMEOUT
            if isinstance(error, SoftTimeLimitExceeded)
            else ERROR_GENERIC.format(reason=type(error).__name__)
        )
        failed = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, error=reason, finished_at=timezone.now(), step="失败"
        )
        if failed:
            _tell_requester(Job.objects.get(pk=job_id))
        return False


def _tell_requester(job: Job) -> None:
    """Whoever asked for the document hears that it is ready, or why it failed."""
    done = job.status == JobStatus.SUCCEEDED
    inbox.send(
        Kind.JOB_DONE if done else Kind.JOB_FAILED,
        title=f"{job.title}：{'已生成，可以下载' if done else '生成失败'}",
        body="" if done else job.error,
        url=reverse("reports:job", args=[job.pk]),
        key=f"job:{job.pk}:{job.status}",
        users=[job.requested_by_id],
    )


def jobs_recover() -> int:
    """The one job recovery, run by every live worker's heartbeat (reports.health), so nobody
    needs to be watching: jobs the broker could not take are sent again; running jobs whose
    process stopped reporting (killed, machine lost) go back to the queue, or fail after
    REPORT_JOB_MAX_ATTEMPTS. Returns how many running jobs were found silent."""
    for job_id in Job.objects.filter(status=JobStatus.QUEUED, unsent=True).values_list("pk", flat=True):
        _send(job_id)
    limit = timezone.now() - timezone.timedelta(seconds=settings.REPORT_JOB_STALE_SECONDS)
    stale = list(Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=limit).values_list("pk", "attempts"))
    for job_id, attempts in stale:
        if attempts >= settings.REPORT_JOB_MAX_ATTEMPTS:
            if Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED, error=ERROR_INTERRUPTED, finished_at=timezone.now(), step="失败"
            ):
                _tell_requester(Job.objects.get(pk=job_id))
            continue
        requeued = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, heartbeat_at__lt=limit).update(
            status=JobStatus.QUEUED, step=f"处理进程中断，第{attempts + 1}次重新排队", progress=0
        )
        if requeued:
            with transaction.atomic():
                _enqueue(job_id)
    return len(stale)
