"""Report jobs: who may ask for, see and download them; a real Celery worker
producing documents; a worker killed mid-job."""

import os
import re
import signal
import subprocess
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from reports.health import heartbeat
from reports.models import Job, JobStatus, WorkerHeartbeat
from reports.services import STEP_UNSENT, job_execute, job_request
from tests import clock

ROOT = Path(__file__).resolve().parents[2]


def _request(client, **data):
    with mock.patch("reports.services._enqueue"):
        return client.post(reverse("reports:job_new"), data)


def test_township_staff_get_their_township_only(client_for, cast, report_campaign):
    response = _request(
        client_for(cast.users["township_staff"]), kind="verification_report", campaign=report_campaign.pk
    )
    job = Job.objects.get()
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    assert job.params == {"campaign": report_campaign.pk, "township": cast.township.pk}
    assert job.requested_by == cast.users["township_staff"]


def test_a_secretary_gets_their_own_branch_only(client_for, cast, report_campaign):
    other = report_campaign.participants.get(branch=cast.sibling_branch)
    client = client_for(cast.users["branch_secretary"])
    assert _request(client, kind="score_sheets", campaign=report_campaign.pk, participant=other.pk).status_code == 404
    _request(client, kind="score_sheets", campaign=report_campaign.pk)
    own = report_campaign.participants.get(branch=cast.branch)
    assert Job.objects.get().params == {"campaign": report_campaign.pk, "participant": own.pk}


def test_outsiders_cannot_ask_for_see_or_download_a_job(client_for, cast, report_campaign):
    county = client_for(cast.users["county_reviewer"])
    _request(county, kind="progress_xlsx", campaign=report_campaign.pk)
    job = Job.objects.get()
    job_execute(job.pk)
    for role in ("other_county_reviewer", "other_township_staff", "other_branch_secretary"):
        outsider = client_for(cast.users[role])
        for name in ("reports:job", "reports:job_status", "reports:job_download"):
            assert outsider.get(reverse(name, args=[job.pk])).status_code == 404, (role, name)
        if role != "other_branch_secretary":  # the sibling branch takes part: it may ask, for itself only
            assert _request(outsider, kind="progress_xlsx", campaign=report_campaign.pk).status_code == 404
    # the county-wide job is not for township staff of the county either: it holds other townships' data
    assert client_for(cast.users["township_staff"]).get(reverse("reports:job", args=[job.pk])).status_code == 404
    download = client_for(cast.users["county_reviewer"]).get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment; filename*=UTF-8''")


def test_the_status_partial_polls_until_done_then_offers_the_download(client_for, cast, report_campaign):
    client = client_for(cast.users["township_staff"])
    _request(client, kind="ledger_xlsx", campaign=report_campaign.pk)
    job = Job.objects.get()
    waiting = client.get(reverse("reports:job_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "排队中" in waiting
    job_execute(job.pk)
    done = client.get(reverse("reports:job_status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in done and reverse("reports:job_download", args=[job.pk]) in done


def test_the_worker_heartbeat_requeues_a_stale_job_then_fails_it_after_too_many_attempts(
    client_for, cast, report_campaign, settings
):
    settings.REPORT_JOB_STALE_SECONDS = 60
    reviewer = cast.users["county_reviewer"]
    with mock.patch("reports.services._enqueue"):
        job, _ = job_request(user=reviewer, kind="progress_xlsx", params={"campaign": report_campaign.pk})
    long_ago = job.created_at - __import__("datetime").timedelta(minutes=10)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=long_ago, attempts=1)
    # a page polling the job, or a new request for it, only read: recovery is the heartbeat's alone
    with mock.patch("reports.services._enqueue") as enqueue:
        client_for(reviewer).get(reverse("reports:job_status", args=[job.pk]))
        assert job_request(user=reviewer, kind="progress_xlsx", params={"campaign": report_campaign.pk})[1] == "running"
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING and enqueue.call_count == 0
        assert heartbeat("w1@host") == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and "重新排队" in job.step and enqueue.call_count == 1
    assert WorkerHeartbeat.objects.filter(name="w1@host").exists()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=long_ago, attempts=3)
    heartbeat("w1@host")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "处理进程多次中断，已停止重试。"


def test_a_job_the_broker_could_not_take_is_sent_by_the_worker_heartbeat(
    client_for, cast, report_campaign, django_capture_on_commit_callbacks
):
    from config.celery import app

    client = client_for(cast.users["township_staff"])
    ask = {"kind": "progress_xlsx", "campaign": report_campaign.pk}
    with (
        mock.patch.object(app, "send_task", side_effect=OSError("connection refused")),  # the broker is down
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("reports:job_new"), ask)
    job = Job.objects.get()
    assert (job.status, job.unsent, job.step) == (JobStatus.QUEUED, True, STEP_UNSENT)
    with mock.patch.object(app, "send_task") as send, django_capture_on_commit_callbacks(execute=True):
        # the broker is back: a status poll or a new request leaves the sending to the heartbeat
        client.get(reverse("reports:job_status", args=[job.pk]))
        client.post(reverse("reports:job_new"), ask)
        assert send.call_count == 0
        heartbeat("w1@host")
    send.assert_called_once_with("reports.tasks.run_job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.unsent, job.step) == (JobStatus.QUEUED, False, "排队等待处理")


def test_a_process_whose_job_was_requeued_meanwhile_leaves_it_to_the_newer_attempt(
    cast, report_campaign, settings, tmp_path
):
    """Its heartbeat lost (say the database was away), the job was requeued and taken by another
    worker while this process still rendered: its late result must not overwrite, nor leave a file."""
    from reports.documents import DOCUMENTS

    settings.MEDIA_ROOT = tmp_path
    with mock.patch("reports.services._enqueue"):
        job, _ = job_request(
            user=cast.users["county_reviewer"], kind="progress_xlsx", params={"campaign": report_campaign.pk}
        )
    real = DOCUMENTS["progress_xlsx"].build

    def taken_over(job, campaign, progress):
        content = real(job, campaign, progress)
        Job.objects.filter(pk=job.pk).update(attempts=2, worker="newer@host")  # the newer attempt claimed it
        return content

    import dataclasses

    with mock.patch.dict(
        DOCUMENTS, {"progress_xlsx": dataclasses.replace(DOCUMENTS["progress_xlsx"], build=taken_over)}
    ):
        assert job_execute(job.pk, worker="older@host") is False
    job.refresh_from_db()
    assert (job.status, job.attempts, job.worker, job.file.name) == (JobStatus.RUNNING, 2, "newer@host", "")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # the late file was removed


def test_a_finished_job_keeps_its_files_hash(cast, report_campaign, settings, tmp_path):
    import hashlib

    settings.MEDIA_ROOT = tmp_path
    with mock.patch("reports.services._enqueue"):
        job, _ = job_request(
            user=cast.users["county_reviewer"], kind="progress_xlsx", params={"campaign": report_campaign.pk}
        )
    assert job_execute(job.pk) is True
    job.refresh_from_db()
    assert job.sha256 == hashlib.sha256(job.file.read()).hexdigest()


# --- a real worker process -------------------------------------------------------------------


def _worker_env() -> dict:
    """The worker sees the test database and the same broker as this process."""
    env = os.environ.copy()
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    if settings.CELERY_BROKER_URL == "filesystem://":
        env["BROKER_DIR"] = str(Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).parent)
    env.pop("PYTEST_VERSION", None)  # the worker runs with production-like settings
    # but with the tests' key, the demo's, which a production worker refuses (tests/ops/test_startup.py;
    # tests/security/test_scale_out.py starts production workers with a key of their own)
    env["DEMO_MODE"] = "true"
    return clock.child_env(env)  # and on this session's clock (TEST_TODAY)


def _start_worker(name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            *clock.python_m("celery"),
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=_worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(job, statuses, seconds=90) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.25)
    raise AssertionError(f"job stayed {job.status} ({job.step})")


@pytest.fixture
def worker_db(transactional_db, cast, report_campaign):
    return report_campaign


def _purge_queue():
    from config.celery import app

    app.control.purge()


@pytest.mark.worker
def test_a_real_worker_produces_a_pdf_and_an_xlsx(cast, worker_db):
    _purge_queue()
    worker = _start_worker("reports-test")
    try:
        pdf, _ = job_request(
            user=cast.users["township_staff"], kind="verification_report", params={"campaign": worker_db.pk}
        )
        xlsx, _ = job_request(
            user=cast.users["township_staff"], kind="score_matrix_xlsx", params={"campaign": worker_db.pk}
        )
        pdf, xlsx = (
            _wait(pdf, {JobStatus.SUCCEEDED, JobStatus.FAILED}),
            _wait(xlsx, {JobStatus.SUCCEEDED, JobStatus.FAILED}),
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert (pdf.status, pdf.error) == (JobStatus.SUCCEEDED, "")
    assert pdf.file.read(5) == b"%PDF-" and pdf.worker.startswith("reports-test@")
    assert xlsx.status == JobStatus.SUCCEEDED and xlsx.file.read(2) == b"PK"


@pytest.mark.worker
def test_a_worker_killed_mid_job_leaves_it_retried_not_stuck(cast, worker_db, settings):
    from scoring.services import score_sheet_create
    from tests.campaigns.helpers import fill_sheet
    from tests.factories import BranchFactory

    # enough filled sheets that the score-sheet PDF takes several seconds
    staff = cast.users["township_staff"]
    for _ in range(25):
        branch = BranchFactory(township=cast.township)
        sheet = score_sheet_create(
            framework=worker_db.framework, branch=branch, stage="self_assessment", year=2026, actor=staff
        )
        fill_sheet(sheet, staff)
        worker_db.participants.create(branch=branch, state="submitted", self_sheet=sheet)
    _purge_queue()
    worker = _start_worker("doomed")
    try:
        job, _ = job_request(user=cast.users["county_reviewer"], kind="score_sheets", params={"campaign": worker_db.pk})
        _wait(job, {JobStatus.RUNNING, JobStatus.SUCCEEDED})
        assert job.status == JobStatus.RUNNING, "the job finished before the worker could be killed"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1  # what a crash leaves behind

    settings.REPORT_JOB_STALE_SECONDS = 1
    time.sleep(1.5)
    _purge_queue()  # the killed worker's unacknowledged message stays with the broker; the recovery re-sends
    assert heartbeat("watcher@host") == 1  # a live worker's beat
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    second = _start_worker("rescuer")
    try:
        job = _wait(job, {JobStatus.SUCCEEDED, JobStatus.FAILED}, seconds=120)
    finally:
        second.terminate()
        second.wait(timeout=30)
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    assert job.worker.startswith("rescuer@")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.worker
def test_a_pool_child_killed_mid_job_is_retried_by_the_workers_themselves(cast, worker_db):
    """The default prefork pool, as deployed: SIGKILL the child making the PDF. Nobody polls and
    nobody calls the recovery: the worker's own heartbeat finds the job silent and requeues it,
    and a long render is never mistaken for a dead one (so exactly two attempts)."""
    from scoring.services import score_sheet_create
    from tests.campaigns.helpers import fill_sheet
    from tests.factories import BranchFactory

    staff = cast.users["township_staff"]
    for _ in range(25):
        branch = BranchFactory(township=cast.township)
        sheet = score_sheet_create(
            framework=worker_db.framework, branch=branch, stage="self_assessment", year=2026, actor=staff
        )
        fill_sheet(sheet, staff)
        worker_db.participants.create(branch=branch, state="submitted", self_sheet=sheet)
    _purge_queue()
    env = {**_worker_env(), "REPORT_JOB_STALE_SECONDS": "4", "WORKER_HEARTBEAT_SECONDS": "1"}
    worker = subprocess.Popen(
        [*clock.python_m("celery"), "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
         "--without-gossip", "--without-mingle", "-n", "pool@%h", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # ready, and its first beat done: what follows is a later beat's
        deadline = time.monotonic() + 60
        while not WorkerHeartbeat.objects.filter(name__startswith="pool@").exists():
            assert time.monotonic() < deadline, "the worker never reported"
            time.sleep(0.2)
        time.sleep(3)
        job, _ = job_request(user=cast.users["county_reviewer"], kind="score_sheets", params={"campaign": worker_db.pk})
        _wait(job, {JobStatus.RUNNING, JobStatus.SUCCEEDED})
        assert job.status == JobStatus.RUNNING, "the job finished before its process could be killed"
        children = _children(worker.pid)
        assert len(children) == 1
        os.kill(children[0], signal.SIGKILL)
        job = _wait(job, {JobStatus.SUCCEEDED, JobStatus.FAILED}, seconds=180)
        assert worker.poll() is None  # the main process lives on and forked a new child
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert (job.status, job.attempts, job.error) == (JobStatus.SUCCEEDED, 2, "")
    assert job.file.read(5) == b"%PDF-"


@pytest.mark.parametrize("value", ["abc", "１２", "99999999999", "99999999999999999999", "-1"])
def test_a_parameter_that_is_no_id_is_a_404_in_chinese_never_a_500(client_for, cast, report_campaign, value):
    """Each kind of document asked for with each of its parameters malformed (the rest as the page sends them)."""
    from reports.documents.registry import DOCUMENTS
    from reports.views import REQUEST_FIELDS

    client = client_for(cast.users["township_staff"])
    client.raise_request_exception = False
    answers = {}
    for kind in DOCUMENTS:
        for name in REQUEST_FIELDS:
            data = {"kind": kind, "campaign": report_campaign.pk, "year": 2026, name: value}
            response = _request(client, **data)
            answers[(kind, name)] = response.status_code
            if response.status_code >= 400:
                assert re.search("[\u4e00-\u9fff]", response.content.decode()), (kind, name, "not in Chinese")
    assert {key: status for key, status in answers.items() if status >= 500} == {}
    # an id that is not one names nothing: the notice, the participant asked for are not found
    assert answers[("notice", "notice")] == 404
    assert answers[("score_sheets", "participant")] == 404
