"""Report jobs: documents produced off the request by a Celery worker."""

import uuid

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


def _job_path(instance, filename):
    return f"reports/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class Job(models.Model):
    """One request for one document. Its scope is the campaign (or branch) it
    reads: only users who may see that may see the job and its file."""

    kind = models.CharField("文书", max_length=40)
    params = models.JSONField("参数", default=dict)
    # The parameters as canonical JSON, so "the same document" is one exact lookup on any database.
    params_key = models.CharField(max_length=300, db_index=True, default="")
    title = models.CharField("名称", max_length=200)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    step = models.CharField("当前步骤", max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    error = models.TextField("错误", blank=True)
    # What the document was made from; the same fingerprint lets a later request reuse the file.
    data_fingerprint = models.CharField(max_length=64, blank=True)
    sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True)
    file = models.FileField("文件", upload_to=_job_path, blank=True)
    filename = models.CharField("下载文件名", max_length=200, blank=True)
    # Set when a document comes as a ZIP of several PDFs (split per township).
    packed = models.BooleanField("分册打包", default=False)
    # the broker could not be reached when it was requested: sent again by the next recovery
    unsent = models.BooleanField("待送入队列", default=False)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    worker = models.CharField("处理进程", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "文书生成任务"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self):
        return self.title

    @property
    def extension(self) -> str:
        if self.packed:
            return ".zip"
        return ".xlsx" if self.kind.endswith("_xlsx") else ".pdf"

    @property
    def is_done(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class WorkerHeartbeat(models.Model):
    """Each Celery worker writes here every WORKER_HEARTBEAT_SECONDS; /healthz reads it."""

    name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} @ {self.seen_at}"
