"""The documents of inspections: a township's 督查通报 (PDF) and the problem ledger
(问题台账, Excel) of a branch, a township or the county."""

import hashlib
import json

from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import timezone

from common.dates import late_days, today
from common.workbooks import workbook_bytes, write_only_workbook, write_report_sheet
from inspections.models import LedgerEvent, LedgerItem, Notice

from .. import pdf

# --- 督查通报 ------------------------------------------------------------------------------------


def notice_fingerprint(job) -> str:
    """A notice is fixed when issued: its 文号, ranking and text."""
    return hashlib.sha256(f"notice:{job.params['notice']}".encode()).hexdigest()


def inspection_notice(job, campaign, progress) -> bytes:
    """督查通报: the ranking, the bottom 3, the flagged secretaries and the overdue ledger items."""
    notice = Notice.objects.select_related("township__county", "ranking", "number").get(pk=job.params["notice"])
    progress(30, "汇总排名与问题")
    entries = list(notice.ranking.entries.select_related("branch").order_by("position"))
    bottom = [e for e in entries if e.bottom_three]
    flags = list(notice.ranking.flags.select_related("branch"))
    late = list(
        LedgerItem.objects.filter(branch__township=notice.township)
        .overdue()
        .select_related("branch")
        .order_by("deadline", "branch__name")
    )
    progress(60, "排版通报")
    return pdf.render_pdf(
        "reports/pdf/notice.html",
        {
            "notice": notice,
            "masthead": f"中共{notice.township.name}委员会",
            "doc_number": str(notice.number),
            "entries": entries,
            "bottom": bottom,
            "flags": flags,
            "late": late,
            "issued_on": notice.issued_on,
            "banji": pdf.township_banji(notice.township, notice.issued_on),
        },
    )


# --- 问题台账 ------------------------------------------------------------------------------------


def ledger_scope(params):
    """The ledger items a job covers: one branch's, a township's or the county's."""
    items = LedgerItem.objects.all()
    if params.get("branch"):
        return items.filter(branch=params["branch"])
    if params.get("township"):
        return items.filter(branch__township=params["township"])
    return items.filter(branch__township__county=params.get("county"))


def ledger_fingerprint(job) -> str:
    """The items and their steps; and the date, since "overdue" changes with it."""
    items = ledger_scope(job.params)
    state = items.aggregate(n=Count("pk"), last=Max("created_at"))
    state["events"] = LedgerEvent.objects.filter(item__in=items).aggregate(n=Count("pk"), last=Max("at"))
    state["day"] = str(today())
    return hashlib.sha256(json.dumps(state, default=str, sort_keys=True).encode()).hexdigest()


LEDGER_HEADERS = [
    "问题清单·序号",
    "问题清单·乡镇",
    "问题清单·党支部",
    "问题清单·问题",
    "问题清单·来源",
    "任务清单·整改任务",
    "任务清单·整改情况",
    "责任清单·责任人",
    "责任清单·整改时限",
    "责任清单·状态",
    "责任清单·是否逾期",
    "责任清单·销号时间",
]


def _lateness(item, overdue: bool) -> str:
    """逾期 N 天 while open past its deadline; 逾期 N 天完成 when closed after it; blank when on time."""
    if item.closed_at:
        days = late_days(timezone.localtime(item.closed_at).date(), item.deadline)
        return f"逾期 {days} 天完成" if days else ""
    return f"逾期 {late_days(today(), item.deadline)} 天" if overdue else ""


def ledger_items(job, campaign, progress) -> bytes:
    """问题台账 in the three-list layout, as column groups of one sheet:
    问题清单 (what and where), 任务清单 (the task and its rectification), 责任清单 (who, by when, status)."""
    progress(30, "读取问题台账")
    latest = LedgerEvent.objects.filter(item=OuterRef("pk"), action="rectify").order_by("-at").values("text")[:1]
    scope = ledger_scope(job.params)
    late = set(scope.overdue().values_list("pk", flat=True))
    items = (
        scope.select_related("branch__township")
        .annotate(rectification=Subquery(latest), last_step=Max("events__at"))
        .order_by("branch__township__name", "branch__name", "deadline")
    )
    rows = (
        [
            index,
            item.branch.township.name,
            item.branch.name,
            item.problem,
            item.get_source_display(),
            item.task,
            item.rectification or "",
            item.responsible,
            item.deadline,
            item.get_status_display(),
            _lateness(item, item.pk in late),
            timezone.localtime(item.closed_at).strftime("%Y-%m-%d") if item.closed_at else "",
        ]
        for index, item in enumerate(items.iterator(), start=1)
    )
    workbook = write_only_workbook()
    write_report_sheet(
        workbook,
        "问题台账",
        title=f"{job.title}（{today():%Y年%m月%d日}）",
        headers=LEDGER_HEADERS,
        rows=rows,
        widths=[5, 7, 12, 24, 7, 22, 22, 9, 11, 7, 8, 10],
        number_formats={8: "yyyy-mm-dd"},
        wrap_columns={1, 2, 3, 5, 6, 7},
    )
    return workbook_bytes(workbook)
