"""Report benchmarks: our code beside the bare library, in the same run.

Each case runs in a fresh process so its peak memory (ru_maxrss) is its own.
Ratios, not absolute times, are the figures to read: this machine is shared.

    .venv/bin/python bench/reports.py            # all cases
    .venv/bin/python bench/reports.py --quick    # smaller sizes, for a smoke run

Cases
- matrix: the score matrix of 16,000 branches × 42 items through our
  write_report_sheet (title row, styled header, number formats, formula
  escaping, autofilter) against openpyxl write-only appending the same cells.
- report: the county verification report's score table over 400 branches
  through our GB/T 9704 template and fetcher against WeasyPrint rendering a
  plain HTML table of the same rows and columns.
- pages: a long score-sheet PDF, seconds per page, ours against a plain table.
"""

import argparse
import multiprocessing as mp
import os
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _setup():
    import django

    django.setup()


def _matrix_rows(branches: int, items: int):
    for b in range(branches):
        yield [f"第{b // 40}镇", f"第{b}村党支部"] + [Decimal(i % 5) for i in range(items)] + [Decimal(90)]


def matrix_ours(branches, items):
    _setup()
    from common.workbooks import workbook_bytes, write_only_workbook, write_report_sheet

    workbook = write_only_workbook()
    headers = ["乡镇", "单位"] + [f"{i}.1 评分项" for i in range(items)] + ["总分"]
    write_report_sheet(
        workbook,
        "镇验收得分",
        title="评分矩阵",
        headers=headers,
        rows=_matrix_rows(branches, items),
        widths=[10, 18] + [9] * items + [8],
        number_formats={items + 2: "0.0#"},
    )
    return len(workbook_bytes(workbook))


def matrix_bare(branches, items):
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("sheet")
    ws.append(["乡镇", "单位"] + [f"{i}.1 评分项" for i in range(items)] + ["总分"])
    for row in _matrix_rows(branches, items):
        ws.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return len(buffer.getvalue())


def _report_rows(branches):
    for b in range(branches):
        participant = SimpleNamespace(
            branch=SimpleNamespace(township=SimpleNamespace(name=f"第{b // 40}镇")),
            subject_label=f"第{b}村党支部",
            final_total=Decimal("91.5"),
            final_grade="优秀",
            get_state_display="已推荐",
        )
        yield SimpleNamespace(
            participant=participant, self_total=Decimal("95"), township_total=Decimal("91.5"), county_total=None
        )


def report_ours(branches):
    _setup()
    from django.utils import timezone

    from reports.pdf import render_pdf

    data = SimpleNamespace(rows=list(_report_rows(branches)), weakest=[], problems=[], problem_total=0)
    campaign = SimpleNamespace(
        title="2026年全县“五好党支部”创建",
        township=None,
        framework=SimpleNamespace(name="“五好党支部”创建考核评分表", version=1),
    )
    pdf = render_pdf(
        "reports/pdf/verification_report.html",
        {
            "campaign": campaign,
            "masthead": "中共示范县委组织部",
            "doc_number": "示组发〔2026〕1号",
            "issued_on": timezone.localdate(),
            "data": data,
            "states": [("已推荐", branches)],
            "recommended": branches,
            "scope_label": "全县",
        },
    )
    return _pages(pdf)


def report_bare(branches):
    from weasyprint import HTML

    rows = "".join(
        f"<tr><td>{b + 1}</td><td>第{b // 40}镇</td><td>第{b}村党支部</td><td>95</td><td>91.5</td><td>—</td>"
        f"<td>91.5</td><td>优秀</td><td>已推荐</td></tr>"
        for b in range(branches)
    )
    html = (
        "<html><body><table><thead><tr><th>序号</th><th>乡镇</th><th>单位</th><th>自评得分</th><th>镇验收得分</th>"
        f"<th>县复核得分</th><th>最终得分</th><th>等次</th><th>状态</th></tr></thead><tbody>{rows}</tbody></table>"
        "</body></html>"
    )
    return _pages(HTML(string=html).write_pdf())


def _pages(pdf: bytes) -> int:
    """Page count from poppler's pdfinfo (WeasyPrint compresses its page objects)."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _run(case, args, queue):
    _setup()  # Django's start-up is not what is measured
    start = time.perf_counter()
    result = globals()[case](*args)
    seconds = time.perf_counter() - start
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, result))


def measure(case, *args):
    queue = mp.get_context("fork").Queue()
    process = mp.get_context("fork").Process(target=_run, args=(case, args, queue))
    process.start()
    seconds, peak_mb, result = queue.get()
    process.join()
    return seconds, peak_mb, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    branches, items, report_branches = (2000, 42, 100) if options.quick else (16000, 42, 400)
    print(f"{'case':<44}{'ours s':>9}{'bare s':>9}{'ratio':>7}{'ours MB':>9}{'bare MB':>9}")

    def line(name, ours, bare, extra=""):
        print(
            f"{name:<44}{ours[0]:>9.2f}{bare[0]:>9.2f}{ours[0] / bare[0]:>7.2f}{ours[1]:>9.0f}{bare[1]:>9.0f} {extra}"
        )

    ours, bare = measure("matrix_ours", branches, items), measure("matrix_bare", branches, items)
    line(f"score matrix {branches} × {items} (xlsx)", ours, bare)
    ours, bare = measure("report_ours", report_branches), measure("report_bare", report_branches)
    line(f"county report, {report_branches} branches (PDF)", ours, bare, f"pages {ours[2]} / {bare[2]}")
    print(
        f"{'per page':<44}{ours[0] / max(ours[2], 1):>9.3f}{bare[0] / max(bare[2], 1):>9.3f}"
        f"{(ours[0] / max(ours[2], 1)) / (bare[0] / max(bare[2], 1)):>7.2f}"
    )


if __name__ == "__main__":
    main()
