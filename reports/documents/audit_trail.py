"""The audit trail as a workbook, filtered as the audit administrator filtered its page."""

import hashlib
import json

from django.db.models import Count, Max
from django.utils import timezone

from common.workbooks import workbook_bytes, write_only_workbook, write_report_sheet


def audit_entries(params):
    """The trail's records the job's ``audit_*`` filters select."""
    from audit.views import audit_entries as filtered

    return filtered({key.removeprefix("audit_"): value for key, value in params.items()}).qs


def fingerprint(job) -> str:
    """The trail only grows: its size and newest record say whether it changed."""
    state = audit_entries(job.params).aggregate(n=Count("pk"), last=Max("pk"))
    return hashlib.sha256(json.dumps({"params": job.params, **state}, sort_keys=True).encode()).hexdigest()


def _rows(entries):
    """One row per record, a chunk at a time: the changes in words (``audit.readable``)."""
    from audit.readable import action_words, describe, object_type, readable_changes

    chunk = []
    for entry in entries.iterator(chunk_size=2000):
        chunk.append(entry)
        if len(chunk) == 2000:
            yield from _chunk_rows(chunk, readable_changes(chunk), describe, object_type, action_words)
            chunk = []
    yield from _chunk_rows(chunk, readable_changes(chunk), describe, object_type, action_words)


def _chunk_rows(chunk, readable, describe, object_type, action_words):
    for e in chunk:
        yield [
            timezone.localtime(e.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
            str(e.actor) if e.actor_id else "",
            e.actor.username if e.actor_id else "",
            e.actor_unit,
            e.remote_addr or "",
            e.get_event_display(),
            action_words(e) if e.event == "change" else "",
            object_type(e),
            e.object_pk,
            e.object_repr,
            describe(e, readable.get(e.pk, []), separator="\n"),
        ]


def audit_trail(job, campaign, progress) -> bytes:
    """The filtered trail, oldest first, one row per record; write-only, so its size costs no memory."""
    progress(30, "读取审计记录")
    entries = audit_entries(job.params).order_by("timestamp", "pk")
    rows = _rows(entries)
    workbook = write_only_workbook()
    write_report_sheet(
        workbook,
        "审计记录",
        title=f"审计记录（导出于 {timezone.localtime():%Y年%m月%d日 %H:%M}）",
        headers=["时间", "人员", "账号", "单位", "地址", "类别", "操作", "对象类型", "对象编号", "对象", "内容"],
        rows=rows,
        widths=[10, 7, 9, 11, 11, 9, 5, 9, 6, 22, 48],
        wrap_columns={0, 1, 3, 7, 9, 10},
    )
    return workbook_bytes(workbook)
