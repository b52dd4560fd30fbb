"""The documents read from the records branches keep all year (党支部工作实绩): a township's
facts grid (Excel) and the annual summary for the secretaries' review, 述职评议 (PDF), of a
township's branches or of one branch."""

import hashlib
import json

from common.dates import today
from common.workbooks import workbook_bytes, write_only_workbook, write_report_sheet
from duty_reports.selectors import branch_years

from .. import pdf


def record_branches(params, *, with_office: bool = False):
    """The branches a 实绩 document covers: one branch, or a township's branches but its own office
    (``with_office``: its office too, whose members are rated like any other's)."""
    from branches.models import Branch, BranchKind

    branches = Branch.objects.select_related("township").order_by("name")
    if params.get("branch"):
        return branches.filter(pk=params["branch"])
    branches = branches.filter(township=params["township"])
    return branches if with_office else branches.exclude(kind=BranchKind.TOWNSHIP_OFFICE)


def _grid(params):
    from scoring.facts import facts_grid

    return facts_grid(record_branches(params), params["year"])


def _state(job) -> list:
    if job.kind == "facts_grid_xlsx":
        return [[row.branch.pk, row.branch.name, row.cells(), row.gaps] for row in _grid(job.params)]
    return [
        [
            page.branch.pk,
            page.branch.name,
            page.branch.township.name,
            page.secretary,
            page.member_count,
            page.facts,
            page.gaps,
            page.campaigns,
            page.ledger_closed,
            page.ledger_items,
        ]
        for page in branch_years(record_branches(job.params), job.params["year"])
    ]


def fingerprint(job) -> str:
    """Everything the document shows, from the same fixed queries; and the date, since the
    months due so far change with it."""
    state = {"kind": job.kind, "params": job.params, "data": _state(job)}
    state["day"] = str(today())
    return hashlib.sha256(json.dumps(state, default=str, sort_keys=True).encode()).hexdigest()


def facts_grid_table(job, campaign, progress) -> bytes:
    """党支部工作实绩表: the township's grid, one row per branch, the laggards first as on the page."""
    from scoring.facts import GRID_COLUMNS

    progress(20, "汇总各党支部实绩")
    rows = _grid(job.params)
    progress(60, f"写入 {len(rows)} 个党支部")
    workbook = write_only_workbook()
    write_report_sheet(
        workbook,
        "工作实绩",
        title=f"{job.title}（{today():%Y年%m月%d日}）",
        headers=["党支部", *(label for _name, label in GRID_COLUMNS), "差距"],
        rows=(
            [row.branch.name, *("—" if value is None else value for value, _source in row.shown()), "；".join(row.gaps)]
            for row in rows
        ),
        widths=[18] + [11] * len(GRID_COLUMNS) + [50],
        wrap_columns={len(GRID_COLUMNS) + 1},
    )
    return workbook_bytes(workbook)


def annual_summary(job, campaign, progress) -> bytes:
    """述职评议年度实绩: one A4 page per branch, for the secretaries' annual review (双述双评)."""
    progress(10, "汇总各党支部实绩")
    pages = branch_years(record_branches(job.params), job.params["year"])
    progress(50, f"排版 {len(pages)} 个党支部")
    return pdf.render_pdf(
        "reports/pdf/annual_summary.html",
        {"title": job.title, "year": job.params["year"], "pages": pages, "issued_on": today()},
    )
