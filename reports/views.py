"""Asking for documents, watching their progress, downloading them."""

import hashlib
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.services import AuditEvent, audit_record
from branches.models import Township
from inspections.models import QuarterRanking
from inspections.services import notice_issue

from .documents import DOCUMENTS, job_visible_to
from .models import Job, JobStatus
from .services import job_request

REQUEST_FIELDS = (
    "campaign",
    "township",
    "participant",
    "numbered",
    "notice",
    "branch",
    "year",
    "duty_round",
    "selection",
)
AUDIT_FIELDS = tuple(f"audit_{name}" for name in ("person", "unit", "target", "event", "since", "until"))
# a document without parameters of its own (the ledger) is scoped by the requester's unit
HOW = {
    "created": "已开始生成",
    "running": "该文书正在生成，请稍候",
    "reused": "数据未变，直接提供上次生成的文件",
    "unsent": "消息队列暂时不可用：文书申请已登记，队列恢复后自动生成，无需重复申请。",
}


def _get_job_for_user(user, pk) -> Job:
    job = get_object_or_404(Job, pk=pk)
    if not job_visible_to(job, user):
        raise Http404("文书不存在或不在您的管理范围内。")
    return job


@login_required
def job_list(request):
    jobs = Job.objects.filter(requested_by=request.user).order_by("-created_at")[:100]
    return render(request, "reports/job_list.html", {"jobs": jobs})


@login_required
@require_POST
def job_new(request):
    kind = request.POST.get("kind", "")
    params = {name: request.POST[name] for name in REQUEST_FIELDS + AUDIT_FIELDS if request.POST.get(name)}
    job, how = job_request(user=request.user, kind=kind, params=params)
    if request.htmx:
        return render(request, "reports/_job_status.html", {"job": job, "how": HOW[how]})
    (messages.warning if how == "unsent" else messages.info)(request, HOW[how])
    return redirect("reports:job", pk=job.pk)


@login_required
def job_detail(request, pk):
    job = _get_job_for_user(request.user, pk)
    return render(request, "reports/job_detail.html", {"job": job})


@login_required
def job_status(request, pk):
    """Polled by htmx while the job runs; stops polling once it is done. It only reads: the
    workers' heartbeat requeues a lost worker's job and sends one the broker could not take."""
    job = _get_job_for_user(request.user, pk)
    return render(request, "reports/_job_status.html", {"job": job})


def _file_sha256(job) -> str:
    """For a file made before its hash was kept at completion."""
    digest = hashlib.sha256()
    with job.file.open("rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
    return digest.hexdigest()


@login_required
def job_download(request, pk):
    job = _get_job_for_user(request.user, pk)
    if job.status != JobStatus.SUCCEEDED or not job.file:
        raise Http404("文书尚未生成。")
    audit_record(
        request,
        AuditEvent.DOWNLOAD,
        job,
        repr_text=job.filename or job.title,
        detail={"file": (job.filename or "")[:200], "sha256": job.sha256 or _file_sha256(job), "size": job.file.size},
    )
    content_type = {
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".zip": "application/zip",
    }.get(job.extension, "application/pdf")
    response = FileResponse(job.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(job.filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def document_choices():
    return [(kind, document.label) for kind, document in DOCUMENTS.items()]


@login_required
@require_POST
def notice_issue_view(request, pk):
    """Issue a notice for a published ranking (its 文号 now) and start its PDF."""
    ranking_obj = get_object_or_404(
        QuarterRanking.objects.filter(township__in=Township.objects.visible_to(request.user)), pk=pk
    )
    notice = notice_issue(
        ranking=ranking_obj,
        actor=request.user,
        opening=request.POST.get("opening", ""),
        closing=request.POST.get("closing", ""),
    )
    job, _how = job_request(user=request.user, kind="notice", params={"notice": notice.pk})
    messages.success(request, f"已编号 {notice.number}，通报正在生成。")
    return redirect("reports:job", pk=job.pk)
