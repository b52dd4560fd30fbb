"""A score sheet as a workbook for offline filling (Excel or WPS), and back.

The upload goes through ``parse_entries`` like the page does, so both are
checked the same way; nothing is saved until the user confirms the changes.
"""

from datetime import datetime

from django.utils import timezone

from common.numbers import plain_int
from common.workbooks import (
    WorkbookRefused,
    new_workbook,
    open_uploaded_workbook,
    read_table,
    workbook_bytes,
    wrap_rows,
    write_table,
)

from .entries import RawEntry
from .models import EntryChange
from .spec import METHOD_LABELS, FrameworkSpec, _number_out

ENTRY_SHEET = "评分"
INFO_SHEET = "说明"
HEADERS = [
    "编号",
    "一级指标",
    "二级指标",
    "考核内容",
    "评分标准",
    "分值",
    "评分方式",
    "填写",
    "触发否决",
    "备注",
    "修正说明",
]
EDITABLE = ["填写", "触发否决", "备注", "修正说明"]
WIDTHS = [8, 14, 14, 36, 36, 6, 8, 10, 9, 24, 20]
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
FILL_HINT = {
    "met": "填“是”或“否”",
    "graded": "填得分",
    "bonus": "填加分",
    "deduction": "填扣分次数",
    "veto": "只填“触发否决”",
}
ERROR_OTHER_SHEET = "该文件属于另一张评分表（{found}），请下载本评分表的文件填写。"
ERROR_OTHER_VERSION = "该文件按标准体系第{found}版制作，本评分表使用第{expected}版，请重新下载。"
ERROR_NO_REVISION = "该文件缺少评分表的修订号（可能是旧版文件或被改动过）：请重新下载本评分表的 Excel 文件填写。"
ERROR_STALE_FILE = (
    "下载该文件后，这张评分表已被保存过（{who}，{when}）。为免覆盖较新的填写，未读取该文件：请重新下载后再填写。"
)
ERROR_CHANGED_SINCE = "编号 {code}：已于 {when} 由 {who} 改为“{after}”"
REVISION_LABEL = "修订号（请勿修改）"
DOWNLOADED_LABEL = "下载时间"
BLANK_HINT = "空白单元格表示不修改：已填写的内容和系统预填的数据不会被清空。"


def raw_value(method: str, entry) -> str:
    """An entry as the one “填写” value the page and the workbook show."""
    if entry is None:
        return ""
    if method == "met":
        return "" if entry.met is None else ("是" if entry.met else "否")
    if entry.occurrences is not None:  # a counted item (扣分, or 按次加分)
        return str(entry.occurrences)
    if method in ("graded", "bonus"):
        return "" if entry.points is None else str(_number_out(entry.points))
    return ""


def sheet_to_xlsx(sheet, spec: FrameworkSpec, entries: dict) -> bytes:
    rows = []
    for aspect, standard, item in spec.sections():
        entry = entries.get(item.code)
        rows.append(
            [
                item.code,
                aspect.title,
                standard.title if standard else "",
                item.requirement,
                item.guidance,
                _number_out(item.points),
                f"{METHOD_LABELS[item.method]}（{'填加分次数' if item.method == 'bonus' and item.counted else FILL_HINT[item.method]}）",
                raw_value(item.method, entry),
                ("是" if entry and entry.veto_triggered else "否") if item.can_veto else "",
                entry.comment if entry else "",
                entry.override_reason if entry else "",
            ]
        )
    workbook = new_workbook()
    worksheet = workbook.create_sheet(ENTRY_SHEET)
    write_table(worksheet, HEADERS, rows, widths=WIDTHS)
    wrap_rows(worksheet, WIDTHS)
    info = workbook.create_sheet(INFO_SHEET)
    write_table(
        info,
        ["项目", "内容"],
        [
            ["评分表编号", sheet.pk],
            ["评价对象", sheet.subject_label],
            ["标准体系", sheet.framework.name],
            ["版本", sheet.framework.version],
            ["环节", sheet.get_stage_display()],
            ["年度", sheet.year],
            [REVISION_LABEL, sheet.revision],
            [DOWNLOADED_LABEL, timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")],
            [
                "填写说明",
                "只修改“填写”“触发否决”“备注”“修正说明”四列，保存后在系统中上传；上传后先显示改动，确认后才保存。"
                + BLANK_HINT,
            ],
        ],
        widths=[12, 80],
    )
    return workbook_bytes(workbook)


class SheetUploadError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


def raw_from_xlsx(file, sheet, spec: FrameworkSpec, entries: dict) -> tuple[dict[str, RawEntry], dict[str, int]]:
    """The entries typed into an offline workbook, and each item's row. A blank cell
    keeps what the sheet holds (never erases it); a workbook downloaded before the
    sheet was last saved is refused, naming the items changed since."""
    try:
        workbook = open_uploaded_workbook(file, max_bytes=MAX_UPLOAD_BYTES)
        records = read_table(workbook, ENTRY_SHEET, HEADERS, required=["编号", *EDITABLE])
        info = {str(v["项目"]): v["内容"] for _row, v in read_table(workbook, INFO_SHEET, ["项目", "内容"])}
        workbook.close()
    except WorkbookRefused as refused:
        raise SheetUploadError([str(refused)]) from None
    if str(info.get("评分表编号", "")) != str(sheet.pk):
        raise SheetUploadError([ERROR_OTHER_SHEET.format(found=info.get("评价对象") or "未知")])
    if str(info.get("版本", "")) != str(sheet.framework.version):
        raise SheetUploadError([ERROR_OTHER_VERSION.format(found=info.get("版本"), expected=sheet.framework.version)])
    _check_revision(sheet, info)
    methods = {item.code: item.method for item in spec.items()}
    raw, rows = {}, {}
    for row, values in records:
        code = str(values["编号"]).strip()
        rows[code] = row
        raw[code] = _kept_where_blank(values, methods.get(code, ""), entries.get(code))
    return raw, rows


def _check_revision(sheet, info: dict) -> None:
    revision = plain_int(info.get(REVISION_LABEL, ""))
    if revision is None:
        raise SheetUploadError([ERROR_NO_REVISION])
    if revision == sheet.revision:
        return
    errors = [
        ERROR_STALE_FILE.format(
            who=sheet.updated_by or "他人", when=timezone.localtime(sheet.updated_at).strftime("%Y-%m-%d %H:%M")
        )
    ]
    try:
        since = timezone.make_aware(datetime.strptime(str(info.get(DOWNLOADED_LABEL, "")), "%Y-%m-%d %H:%M:%S"))
    except ValueError:
        raise SheetUploadError(errors) from None
    changes = EntryChange.objects.filter(sheet=sheet, changed_at__gt=since).select_related("changed_by")
    errors += [
        ERROR_CHANGED_SINCE.format(
            code=change.item_code,
            when=timezone.localtime(change.changed_at).strftime("%m-%d %H:%M"),
            who=change.changed_by or "系统",
            after=change.after or "空",
        )
        for change in changes.order_by("item_code", "changed_at")
    ]
    raise SheetUploadError(errors)


def _kept_where_blank(values: dict, method: str, entry) -> RawEntry:
    """A row of the workbook as the entry it asks for: each blank cell keeps what the sheet holds."""

    def typed(column: str, current: str) -> str:
        text = str(values[column]).strip()
        return text if text else current

    return RawEntry(
        value=typed("填写", raw_value(method, entry)),
        veto=typed("触发否决", "是" if entry is not None and entry.veto_triggered else ""),
        comment=typed("备注", entry.comment if entry else ""),
        reason=typed("修正说明", entry.override_reason if entry else ""),
    )
