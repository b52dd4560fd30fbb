"""The target board (目标任务看板) as a workbook: a township's or the county's figures per target,
this year beside last year, and every branch that misses a target with its value and source."""

import hashlib
import json

from common.dates import today
from common.workbooks import workbook_bytes, write_only_workbook, write_report_sheet
from targets.board import NOT_RECORDED
from targets.selectors import board, scoped_unit, unit_branches

PERCENT = '0.0"%"'


def _board(params):
    unit = scoped_unit(county_id=params.get("county"), township_id=params.get("township"))
    return board(unit, unit_branches(unit), params["year"])


def _units(result) -> list[tuple[str, list]]:
    """(unit name, its rows): the township, or the county's total then each township."""
    if result.townships:
        return [("全县", result.total.rows), *((u.unit.name, u.rows) for u in result.townships)]
    return [(result.unit.township.name, result.total.rows)]


def _percent(figure):
    return float(figure.percent) if figure is not None and figure.percent is not None else None


def _summary_rows(result):
    units = _units(result)
    for index, target in enumerate(result.targets):
        for name, rows in units:
            row = rows[index]
            yield [
                index + 1,
                name,
                target.name,
                f"{target.get_fact_display()} {target.rule}" + ("（只统计村党支部）" if target.villages_only else ""),
                _percent(row.this_year),
                f"{row.this_year.met}/{row.this_year.counted}",
                _percent(row.last_year),
                f"{row.last_year.met}/{row.last_year.counted}" if row.last_year else "",
                target.requirement,
                row.this_year.verdict,
            ]


def _missing_rows(result):
    for row in result.total.rows:
        for miss in row.this_year.missing:
            yield [
                row.target.name,
                miss.branch.township.name,
                miss.branch.name,
                NOT_RECORDED if miss.value is None else float(miss.value),
                miss.source,
            ]


def fingerprint(job) -> str:
    """Everything the workbook shows, and the date (the months due so far change with it)."""
    result = _board(job.params)
    state = {
        "kind": job.kind,
        "params": job.params,
        "targets": [
            [t.pk, t.name, t.fact, t.comparison, str(t.threshold), t.share_comparison, str(t.share)]
            for t in result.targets
        ],
        "summary": list(_summary_rows(result)),
        "missing": list(_missing_rows(result)),
        "day": str(today()),
    }
    return hashlib.sha256(json.dumps(state, default=str, sort_keys=True).encode()).hexdigest()


def target_board_table(job, campaign, progress) -> bytes:
    """目标任务看板: sheet “目标任务” (a row per target and unit: this year, last year, the target,
    达标/未达标) and sheet “未达标支部” (each branch that misses a target, its value, its source)."""
    progress(20, "统计各项目标任务")
    result = _board(job.params)
    year = job.params["year"]
    progress(60, f"写入 {len(result.targets)} 项目标任务")
    workbook = write_only_workbook()
    dated = f"（{today():%Y年%m月%d日}）"
    write_report_sheet(
        workbook,
        "目标任务",
        title=f"{job.title}{dated}",
        headers=[
            "序号",
            "单位",
            "目标任务",
            "每个支部",
            f"{year}年完成",
            f"{year}年达标/统计支部",
            f"{year - 1}年完成",
            f"{year - 1}年达标/统计支部",
            "目标",
            "结果",
        ],
        rows=_summary_rows(result),
        widths=[6, 10, 28, 36, 11, 11, 11, 11, 9, 9],
        number_formats={4: PERCENT, 6: PERCENT},
        wrap_columns={2, 3},
    )
    write_report_sheet(
        workbook,
        "未达标支部",
        title=f"{job.title}·未达标党支部{dated}",
        headers=["目标任务", "乡镇", "党支部", f"{year}年数值", "数据来源"],
        rows=_missing_rows(result),
        widths=[28, 10, 18, 11, 70],
        wrap_columns={0, 4},
    )
    return workbook_bytes(workbook)
