import os
from unittest import mock

from django.core.management import call_command

from branches.models import User
from duty_reports.models import DutyRound
from reports.models import JobStatus
from reports.services import job_request
from reports.tasks import job_execute


def test_scratch(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    r = DutyRound.objects.get()
    with mock.patch("reports.services._enqueue"):
        job, _ = job_request(user=User.objects.get(username="meishan"), kind="duty_round_result", params={"duty_round": r.pk})
    job_execute(job.pk, worker="test")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    open("/tmp/duty.pdf", "wb").write(job.file.read())
