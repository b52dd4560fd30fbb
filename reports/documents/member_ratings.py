"""The members' yearly star ratings (党员星级评定) as documents: the list of a branch or of a
township for a year, as Excel (every item's points) and as a PDF list (GB/T 9704). Only what the
branch meeting decided is listed (a draft still moves with the records)."""

import hashlib
import json

from common.dates import today
from common.workbooks import workbook_bytes, write_only_workbook, write_report_sheet

from .. import pdf
from .facts import record_branches


def _lists(params):
    from ratings.selectors import rating_lists

    return rating_lists(record_branches(params, with_office=True), params["year"])


def _codes():
    from ratings.selectors import rating_framework
    from scoring.selectors import framework_spec

    return [(item.code, item.requirement) for item in framework_spec(rating_framework()).items()]


def fingerprint(job) -> str:
    """Every row the document lists, with its step and when it was last changed."""
    state = [
        [
            entry.branch.pk,
            entry.rating.status if entry.rating else None,
            entry.rating.revision if entry.rating else None,
            [[row.pk, str(row.total), row.stars, str(row.updated_at)] for row in entry.rows],
        ]
        for entry in _lists(job.params)
    ]
    data = {"kind": job.kind, "params": job.params, "data": state}
    return hashlib.sha256(json.dumps(data, default=str, sort_keys=True).encode()).hexdigest()


def _status(entry) -> str:
    if entry.rating is None:
        return "未开始"
    return entry.rating.get_status_display()


def ratings_table(job, campaign, progress) -> bytes:
    """党员星级评定名册 (Excel): one row per member with every item's points, total, stars and the
    adjustments with their reasons; a second sheet with each branch's step and meeting."""
    from ratings.rules import stars_label

    progress(20, "汇总各党支部评定结果")
    lists = _lists(job.params)
    codes = _codes()
    progress(60, f"写入 {sum(len(e.rows) for e in lists)} 名党员")
    workbook = write_only_workbook()
    write_report_sheet(
        workbook,
        "党员星级",
        title=f"{job.title}（{today():%Y年%m月%d日}）",
        headers=[
            "乡镇",
            "党支部",
            "姓名",
            *(code for code, _text in codes),
            "总分",
            "星级",
            "等次",
            "调整及理由",
            "状态",
        ],
        rows=(
            [
                entry.branch.township.name,
                entry.branch.name,
                row.member.name,
                *(_points(row, code) for code, _text in codes),
                row.total,
                stars_label(row.stars),
                row.grade,
                "；".join(f"{code}：{reason}" for code, reason in row.adjustments),
                _status(entry),
            ]
            for entry in lists
            for row in entry.rows
        ),
        widths=[10, 16, 10] + [6] * len(codes) + [8, 12, 8, 36, 14],
        number_formats={3 + len(codes): "0.0#"},
        wrap_columns={3 + len(codes) + 3},
    )
    write_report_sheet(
        workbook,
        "各支部进度",
        title=f"{job.title}·各党支部进度",
        headers=[
            "乡镇",
            "党支部",
            "状态",
            "支部党员大会",
            "到会人数",
            "大会决定",
            "审批",
            "五星",
            "四星",
            "三星",
            "二星",
            "一星",
        ],
        rows=([*_branch_cells(entry)] for entry in lists),
        widths=[10, 16, 14, 14, 9, 30, 20, 6, 6, 6, 6, 6],
    )
    return workbook_bytes(workbook)


def _points(row, code):
    points = row.items.get(code, {}).get("points")
    return float(points) if points not in (None, "") else None


def _branch_cells(entry):
    rating = entry.rating
    counts = [sum(1 for row in entry.rows if row.stars == stars) for stars in (5, 4, 3, 2, 1)]
    approval = f"{rating.approved_by} {rating.approved_at:%Y-%m-%d}" if rating and rating.approved_at else ""
    return [
        entry.branch.township.name,
        entry.branch.name,
        _status(entry),
        f"{rating.meeting_on:%Y-%m-%d}" if rating and rating.meeting_on else "",
        rating.meeting_attendance if rating else None,
        rating.meeting_result if rating else "",
        approval,
        *counts,
    ]


NUMERALS = "一二三四五六七八九十"


def _numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (GB/T 9704 headings 一、二、…)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def ratings_list(job, campaign, progress) -> bytes:
    """党员星级评定结果名册 (PDF, GB/T 9704): per branch its meeting, its approval and its members by score."""
    progress(20, "汇总各党支部评定结果")
    lists = _lists(job.params)
    progress(60, f"排版 {len(lists)} 个党支部")
    decided = [entry for entry in lists if entry.rows]
    one_branch = bool(job.params.get("branch"))
    unit = lists[0].branch if one_branch and lists else (lists[0].branch.township if lists else None)
    counts = [(stars, sum(1 for e in decided for row in e.rows if row.stars == stars)) for stars in (5, 4, 3, 2, 1, 0)]
    return pdf.render_pdf(
        "reports/pdf/member_ratings.html",
        {
            "title": job.title,
            "year": job.params["year"],
            "unit": unit.name if unit else "",
            "sections": [(_numeral(n), entry) for n, entry in enumerate(decided, start=1)],
            "pending": [entry for entry in lists if not entry.rows],
            "members": sum(len(e.rows) for e in decided),
            "counts": [(stars, n) for stars, n in counts if n],
            "masthead": (f"中共{unit.name}" if one_branch else f"中共{unit.name}委员会") if unit else "",
            "issued_on": today(),
        },
    )
