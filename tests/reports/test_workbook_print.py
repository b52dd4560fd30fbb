"""Every workbook the product makes prints legibly: made from the demo data by the document jobs,
printed to PDF by LibreOffice headless (as a clerk's "print" would), and read back with pdfplumber.
No text on page 1 is smaller than 8 pt; the matrix too wide for a page goes across pages with the
township and unit repeated on each; long text wraps inside its column; a cell of typed text that
starts like a formula prints as typed, without the apostrophe of the old escape."""

import os
import shutil
import subprocess
from io import BytesIO
from unittest import mock

import pdfplumber
import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from branches.models import User
from campaigns.models import Campaign
from common.dates import today
from inspections.models import LedgerItem
from reports.documents.registry import DOCUMENTS
from reports.models import JobStatus
from reports.services import job_execute, job_request

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")  # scripts/install.sh --dev installs it

SMALLEST = 8.0
FORMULA_LIKE = "-5分：7月主题党日无记录"

_MADE: dict = {}


def _requests():
    """(kind, user, params) for every workbook, on the demo's 关兴镇 and its widest campaign."""
    campaign = max(Campaign.objects.filter(township__name="关兴镇"), key=lambda c: c.framework.items.count())
    year = today().year
    return {
        "score_matrix_xlsx": ("guanxing", {"campaign": campaign.pk}),
        "ledger_xlsx": ("guanxing", {"campaign": campaign.pk}),
        "progress_xlsx": ("guanxing", {"campaign": campaign.pk}),
        "ledger_items_xlsx": ("guanxing", {}),
        "audit_xlsx": ("auditor", {}),
        "facts_grid_xlsx": ("guanxing", {"year": year}),
        "member_ratings_xlsx": ("guanxing", {"year": year}),
        "target_board_xlsx": ("guanxing", {"year": year}),
    }


@pytest.fixture
def printed(db, tmp_path_factory):
    """Each workbook and its LibreOffice printout (PDF), made once for the module."""
    if not _MADE:
        call_command("seed_demo", stdout=open(os.devnull, "w"))
        item = LedgerItem.objects.filter(branch__township__name="关兴镇").first()
        item.problem = FORMULA_LIKE  # as a clerk might type a deduction
        item.save(update_fields=["problem"])
        directory = tmp_path_factory.mktemp("workbooks")
        for kind, (username, params) in _requests().items():
            with mock.patch("reports.services._enqueue"):
                job, _how = job_request(user=User.objects.get(username=username), kind=kind, params=params)
            job_execute(job.pk, worker="test")
            job.refresh_from_db()
            assert job.status == JobStatus.SUCCEEDED, (kind, job.error)
            (directory / f"{kind}.xlsx").write_bytes(job.file.read())
        subprocess.run(
            [SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(directory)]
            + [str(directory / f"{kind}.xlsx") for kind in _requests()],
            check=True,
            capture_output=True,
            timeout=300,
            env={**os.environ, "HOME": str(directory)},  # a profile of its own, whatever else runs
        )
        _MADE.update({kind: (directory / f"{kind}.xlsx", directory / f"{kind}.pdf") for kind in _requests()})
    return _MADE


def test_every_workbook_kind_is_printed(printed):
    kinds = {kind for kind, document in DOCUMENTS.items() if document.xlsx}
    assert kinds == set(_REQUESTED) == set(_requests()), "a new workbook must be added to this test"


_REQUESTED = (
    "score_matrix_xlsx",
    "ledger_xlsx",
    "progress_xlsx",
    "ledger_items_xlsx",
    "audit_xlsx",
    "facts_grid_xlsx",
    "member_ratings_xlsx",
    "target_board_xlsx",
)


@pytest.mark.parametrize("kind", _REQUESTED)
def test_page_one_has_no_text_below_8pt(printed, kind):
    _xlsx, pdf_path = printed[kind]
    with pdfplumber.open(pdf_path) as pdf:
        first = pdf.pages[0]
        sizes = [c["size"] for c in first.chars if not c["text"].isspace()]
        assert sizes, f"{kind}: page 1 is empty"
        assert min(sizes) >= SMALLEST, (kind, round(min(sizes), 2))
        # A4, either way round
        assert sorted((round(first.width / 72 * 25.4), round(first.height / 72 * 25.4))) == [210, 297]


def test_the_matrix_goes_across_pages_with_the_unit_repeated(printed):
    xlsx, pdf_path = printed["score_matrix_xlsx"]
    sheet = load_workbook(xlsx)["自评得分"]
    assert sheet.max_column > 30 and sheet.print_title_cols == "$A:$B" and sheet.print_title_rows == "$2:$2"
    with pdfplumber.open(pdf_path) as pdf:
        texts = [page.extract_text() for page in pdf.pages]
    across = [text for text in texts if "法泥村党支部" in text]
    assert len(across) >= 2  # the unit's name on each page its row runs across
    assert all("单位" in text for text in across)


def test_typed_text_that_looks_like_a_formula_prints_as_typed(printed):
    xlsx, pdf_path = printed["ledger_items_xlsx"]
    cells = [c for row in load_workbook(xlsx).active.iter_rows() for c in row if c.value == FORMULA_LIKE]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    with pdfplumber.open(pdf_path) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages).replace("\n", "")
    assert "-5分：7月主题党日" in text and "'-5分" not in text


def test_long_text_wraps_inside_its_column(printed):
    """The audit export's 内容 (one change a line) and the ledger's problems wrap: rows grow, and no
    printed character falls outside the page."""
    for kind in ("audit_xlsx", "ledger_items_xlsx"):
        xlsx, pdf_path = printed[kind]
        sheet = load_workbook(xlsx).active
        assert any((sheet.row_dimensions[r].height or 0) > 15 for r in range(3, sheet.max_row + 1)), kind
        with pdfplumber.open(pdf_path) as pdf:
            for page in pdf.pages:
                assert all(0 <= c["x0"] and c["x1"] <= page.width for c in page.chars), kind
    content = [row[10].value for row in load_workbook(printed["audit_xlsx"][0]).active.iter_rows(min_row=3)]
    assert any("\n" in (text or "") and "→" in (text or "") for text in content)  # one change a line


def test_a_text_taller_than_a_page_continues_on_the_next_row():
    from openpyxl import Workbook

    from common.workbooks import MAX_ROW_LINES, _wrapped_lines, write_report_sheet

    long = "\n".join(f"第{n}项：旧值 → 新值" for n in range(80))
    workbook = Workbook(write_only=True)
    write_report_sheet(
        workbook, "记录", title="t", headers=["对象", "内容"], rows=[["甲", long]], widths=[10, 30], wrap_columns={1}
    )
    buffer = BytesIO()
    workbook.save(buffer)
    rows = list(load_workbook(BytesIO(buffer.getvalue())).active.iter_rows(min_row=3, values_only=True))
    assert len(rows) > 1 and all(row[0] == "甲" for row in rows)  # the other cells repeated
    assert all(_wrapped_lines(row[1], 30) <= MAX_ROW_LINES + 1 for row in rows)
    assert rows[1][1].startswith("（续）")
    joined = "\n".join(row[1].removeprefix("（续）") for row in rows)
    assert joined == long  # nothing lost
