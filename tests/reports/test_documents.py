"""The documents themselves: text and figures read back from the PDF and the xlsx."""

import io
import subprocess
from unittest import mock

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from common.dates import today
from reports.models import Job, JobStatus
from reports.services import job_execute, job_request


def _produce(user, kind, **params):
    with mock.patch("reports.services._enqueue"):  # run in this process; the worker tests cover Celery
        job, _how = job_request(user=user, kind=kind, params=params)
    job_execute(job.pk, worker="test")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def _pdf_text(job) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", job.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout


def test_verification_report_pdf_has_the_figures_names_and_number(cast, report_campaign):
    job = _produce(
        cast.users["township_staff"],
        "verification_report",
        campaign=report_campaign.pk,
        numbered="1",
    )
    text = _pdf_text(job)
    flat = "".join(text.split())  # table cells wrap names across lines
    # the township's own next 文号 (none issued before in this test)
    assert "中共关兴镇委员会" in text and f"关党发〔{today().year}〕1号" in text
    assert "考核验收情况的报告" in text
    assert "法泥村党支部" in flat and "新寨村党支部" in flat
    assert "验收通过2个" in flat
    assert "新寨村党支部10098—98优秀验收通过" in flat  # self 100, township 98, no county re-check, final 98
    # the one item the township changed (新寨村 1.2: self 3, township 1), with its reason; nothing else listed
    assert "五、验收和复核中调整的评分项" in flat
    assert "新寨村党支部1.23分1分—镇：与台账核对" in flat
    assert "法泥村党支部1." not in flat
    assert "—1—" in flat and "—2—" in flat  # page numbers in the standard's dash style
    fonts = subprocess.run(["pdffonts", job.file.path], capture_output=True, text=True).stdout
    assert "Noto-Serif-CJK-SC" in fonts and " yes yes yes " in fonts  # embedded, subset, unicode


def test_score_sheets_pdf_has_the_printed_columns(cast, report_campaign):
    job = _produce(cast.users["township_staff"], "score_sheets", campaign=report_campaign.pk)
    text = _pdf_text(job)
    for header in ("考核项目", "考核内容", "评分标准", "分值", "自评", "考核"):
        assert header in text
    assert text.count("“五好党支部”创建考核评分表") == 2  # one sheet per branch


def test_score_matrix_reads_back_with_escaped_text_and_frozen_header(cast, report_campaign):
    cast.sibling_branch.name = '=HYPERLINK("http://x")'
    cast.sibling_branch.save()
    job = _produce(cast.users["county_reviewer"], "score_matrix_xlsx", campaign=report_campaign.pk)
    workbook = load_workbook(io.BytesIO(job.file.read()))
    assert workbook.sheetnames == ["自评得分", "镇验收得分", "县复核得分"]
    sheet = workbook["镇验收得分"]
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:")
    assert sheet["A1"].value.startswith("2026年关兴镇“五好党支部”创建 评分矩阵·镇验收得分")
    rows = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"法泥村党支部", '=HYPERLINK("http://x")'}  # the name as typed ...
    assert rows["法泥村党支部"][-1] == 100
    assert rows['=HYPERLINK("http://x")'][-1] == 98
    hostile = next(row[1] for row in sheet.iter_rows(min_row=3) if row[1].value.startswith("="))
    assert hostile.data_type == "s" and hostile.quotePrefix  # ... as text, never a formula


def test_the_ledger_separates_meeting_failing_and_not_yet_assessed(cast, report_campaign):
    from campaigns.models import Participant
    from tests.factories import BranchFactory

    # a branch that has not been assessed yet is not 未达标: it is on its own sheet
    Participant.objects.create(
        campaign=report_campaign, branch=BranchFactory(township=cast.township, name="坡脚村党支部")
    )
    job = _produce(cast.users["township_staff"], "ledger_xlsx", campaign=report_campaign.pk)
    workbook = load_workbook(io.BytesIO(job.file.read()))
    meets = [row[1] for row in workbook["达标台账"].iter_rows(min_row=3, values_only=True)]
    assert sorted(meets) == ["新寨村党支部", "法泥村党支部"]
    assert list(workbook["未达标台账"].iter_rows(min_row=3, values_only=True)) == []
    assert [row[1] for row in workbook["未评定台账"].iter_rows(min_row=3, values_only=True)] == ["坡脚村党支部"]


def test_a_certificate_only_for_a_named_branch(cast, report_campaign):
    from django.core.exceptions import PermissionDenied

    participant = report_campaign.participants.get(branch=cast.branch)
    with pytest.raises(PermissionDenied):
        _produce(cast.users["county_reviewer"], "certificate", campaign=report_campaign.pk, participant=participant.pk)
    report_campaign.participants.filter(pk=participant.pk).update(state="named", named_on="2026-12-25")
    job = _produce(
        cast.users["county_reviewer"], "certificate", campaign=report_campaign.pk, participant=participant.pk
    )
    text = _pdf_text(job)
    assert "命 名 证 书" in text or "命名证书" in text.replace(" ", "")
    assert "法泥村党支部" in text and "2026年12月25日" in text


def test_user_text_cannot_pull_in_outside_resources(cast, report_campaign):
    from reports.pdf import render_pdf

    with mock.patch(
        "reports.pdf.render_to_string",
        return_value='<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd"><p>正文</p>',
    ):
        pdf = render_pdf("ignored.html", {})
    assert pdf.startswith(b"%PDF")  # rendered without fetching either


def test_asking_twice_makes_one_job_and_unchanged_data_reuses_the_file(cast, report_campaign):
    staff = cast.users["township_staff"]
    with mock.patch("reports.services._enqueue") as enqueue:
        first, how1 = job_request(user=staff, kind="progress_xlsx", params={"campaign": report_campaign.pk})
        second, how2 = job_request(user=staff, kind="progress_xlsx", params={"campaign": report_campaign.pk})
    assert (first.pk, how1, how2) == (second.pk, "created", "running") and enqueue.call_count == 1
    job_execute(first.pk)
    with mock.patch("reports.services._enqueue"):
        again, how = job_request(user=staff, kind="progress_xlsx", params={"campaign": report_campaign.pk})
        assert (again.pk, how) == (first.pk, "reused")
        from campaigns.workflow import transition

        transition(report_campaign.participants.get(branch=cast.branch), "recommend", actor=staff)
        fresh, how = job_request(user=staff, kind="progress_xlsx", params={"campaign": report_campaign.pk})
    assert how == "created" and fresh.pk != first.pk
    assert Job.objects.filter(kind="progress_xlsx").count() == 2


def test_a_failing_document_records_a_readable_error(cast, report_campaign):
    staff = cast.users["township_staff"]
    with mock.patch("reports.services._enqueue"):
        job, _ = job_request(user=staff, kind="verification_report", params={"campaign": report_campaign.pk})
    with mock.patch("reports.pdf.render_pdf", side_effect=MemoryError):
        job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error.startswith("生成失败：MemoryError")
    assert job_execute(job.pk) is False  # a finished job is never run again


def test_gathering_uses_the_same_queries_for_10_or_100_branches(cast, report_campaign):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.gather import campaign_data
    from tests.factories import BranchFactory

    def queries():
        with CaptureQueriesContext(connection) as captured:
            data = campaign_data(report_campaign)
        return len(captured), len(data.rows)

    def grow(n):
        while report_campaign.participants.count() < n:
            report_campaign.participants.create(branch=BranchFactory(township=cast.township))

    grow(10)
    at_10 = queries()
    grow(100)
    assert queries() == (at_10[0], 100)


def test_many_score_sheets_come_as_one_pdf_per_township_part(cast, report_campaign, settings):
    import zipfile

    settings.REPORT_SHEETS_PER_PDF = 1
    job = _produce(cast.users["county_reviewer"], "score_sheets", campaign=report_campaign.pk)
    assert job.packed and job.filename.endswith(".zip") and job.file.name.endswith(".zip")
    with zipfile.ZipFile(job.file.path) as archive:
        names = archive.namelist()
        assert names == [
            "2026年关兴镇“五好党支部”创建_评分表_关兴镇（第1册）.pdf",
            "2026年关兴镇“五好党支部”创建_评分表_关兴镇（第2册）.pdf",
        ]
        assert all(archive.read(name).startswith(b"%PDF-") for name in names)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.invalid/a.css",
        "file:///etc/passwd",
        "file:///work/../etc/hostname",
        "data:text/plain,hi",
    ],
)
def test_the_renderer_fetches_nothing_outside_static(url):
    from reports.pdf import STATIC_DIR, ForbiddenResource, _static_only_fetcher

    fetcher = _static_only_fetcher()
    with pytest.raises((ForbiddenResource, ValueError)):
        fetcher.fetch(url)
    allowed = fetcher.fetch(f"file://{STATIC_DIR}/reports/gbt9704.css")
    assert b"GB/T 9704" in allowed.read()


def test_low_verification_scores_go_on_the_ledger_once(client_for, cast, report_campaign):
    """新寨村's verification took 2 points off a graded item; a 3-point item at 1 point is below 60 %."""
    from django.urls import reverse

    from inspections.models import LedgerItem

    participant = report_campaign.participants.get(branch=cast.sibling_branch)
    staff = client_for(cast.users["township_staff"])
    url = reverse("campaigns:to_ledger", args=[participant.pk])
    staff.post(url)
    items = list(LedgerItem.objects.filter(branch=cast.sibling_branch))
    assert len(items) == 1 and items[0].source == "verification" and items[0].problem.startswith("1.2 ")
    staff.post(url)
    assert LedgerItem.objects.filter(branch=cast.sibling_branch).count() == 1  # taken once
    assert client_for(cast.users["branch_secretary"]).post(url).status_code in (403, 404)


def test_a_report_number_comes_only_from_the_issuing_bodys_own_sequence(cast, report_campaign, client_for):
    """The township's report bears its committee's masthead: its staff may take the committee's next
    文号 (shown before they tick), the county's reviewers may make the report but not number it;
    nobody types a 文号 (a typed one is ignored)."""
    from django.core.exceptions import PermissionDenied

    from inspections.models import DocumentNumber

    page = client_for(cast.users["township_staff"]).get(reverse("campaigns:detail", args=[report_campaign.pk]))
    assert f"下一个为 关党发〔{today().year}〕1号" in page.content.decode()
    county_page = client_for(cast.users["county_reviewer"]).get(reverse("campaigns:detail", args=[report_campaign.pk]))
    assert "编发文号" not in county_page.content.decode()
    with pytest.raises(PermissionDenied):
        job_request(
            user=cast.users["county_reviewer"],
            kind="verification_report",
            params={"campaign": report_campaign.pk, "numbered": "1"},
        )
    with mock.patch("reports.services._enqueue"):
        typed, _how = job_request(
            user=cast.users["township_staff"],
            kind="verification_report",
            params={"campaign": report_campaign.pk, "doc_number": "青组发〔2026〕13号"},
        )
    assert "doc_number" not in typed.params and not DocumentNumber.objects.exists()
    with mock.patch("reports.services._enqueue"):
        numbered, _how = job_request(
            user=cast.users["township_staff"],
            kind="verification_report",
            params={"campaign": report_campaign.pk, "numbered": "1"},
        )
    issued = DocumentNumber.objects.get()
    assert numbered.params["doc_number"] == str(issued) == f"关党发〔{today().year}〕1号"
    assert issued.issued_by == cast.users["township_staff"] and issued.purpose.endswith("验收报告")
