"""The audit trail in words its reader uses: each change as “字段中文名：旧值 → 新值”, with choices
and foreign keys shown by their labels, yes/no for booleans, times in Asia/Shanghai, and nothing
for the bookkeeping auditlog also records (reverse relations, the row's own id).

``readable_changes(entries)`` reads a page (or an export's chunk) at once: one query per related
model named by its foreign keys, whatever the number of entries."""

from collections import defaultdict
from datetime import UTC, datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

EMPTY = "（空）"
# the fields many models share without a Chinese verbose_name of their own
COMMON_LABELS = {
    "position": "顺序",
    "created_at": "创建时间",
    "updated_at": "修改时间",
    "revision": "版本号",
    "data": "数据",
    "params": "参数",
    "key": "标识",
    "topic": "事项标识",
    "sender": "发送人",
    "campaign": "创建活动",
    "county": "县",
    "township": "乡镇",
    "branch": "党支部",
    "member": "党员",
    "participant": "参加单位",
    "phase": "阶段",
    "framework": "考核标准",
    "sheet": "评分表",
    "report": "述职报告",
    "actor": "操作人",
    "recorded_by": "记录人",
    "recorded_at": "记录时间",
    "opened_by": "发起人",
    "opened_at": "发起时间",
    "created_by": "建立人",
    "granted_by": "批准人",
    "resolved_by": "处理人",
    "resolved_at": "处理时间",
    "issued_by": "印发人",
    "from_status": "原状态",
    "to_status": "新状态",
    "at": "时间",
    "url": "链接",
    "origin": "来源标识",
    "public_token": "公示页标识",
    "is_active": "启用",
    "last_login": "最近登录",
    "password": "密码",
    "username": "账号",
    "full_name": "姓名",
    "email": "电子邮箱",
}
# what the trail calls the records whose models have no Chinese name of their own
MODEL_LABELS = {
    "scoring.scoreentry": "评分项填写",
    "inspections.finding": "督查发现问题",
    "inspections.quarterranking": "季度排名",
    "inspections.secretaryactionflag": "书记约谈提示",
    "inspections.ledgerevent": "台账办理记录",
    "inspections.documentnumber": "文号",
    "inspections.notice": "督查通报",
    "campaigns.phase": "活动阶段",
    "campaigns.transition": "流转记录",
    "campaigns.submission": "申报版本",
    "campaigns.phaseextension": "阶段延期",
    "campaigns.objection": "公示异议",
    "duty_reports.dutyround": "述职评议",
    "duty_reports.roundstep": "述职评议步骤",
    "duty_reports.dutyreport": "述职报告",
    "duty_reports.reportversion": "述职报告版本",
    "duty_reports.vote": "评议票",
    "duty_reports.interview": "约谈记录",
    "duty_reports.reportfile": "述职报告附件",
    "awards.nomination": "推荐",
    "awards.selectionstep": "评选步骤",
    "awards.awardobjection": "评选异议",
}
# auditlog's own words for what happened to a record
ACTION_WORDS = {0: "新建", 1: "修改", 2: "删除", 3: "查看"}
SKIPPED = {"id", "password"}
TEXT = object()  # a change already put in words (a many-to-many one)  # the row's own number (the 对象编号 column has it); never a password hash


def _label(field) -> str:
    name = str(field.verbose_name)
    if name != field.name.replace("_", " "):
        return name  # the model's own Chinese name for it
    if field.name in COMMON_LABELS:
        return COMMON_LABELS[field.name]
    if field.is_relation and field.related_model is not None:
        return str(field.related_model._meta.verbose_name)
    return name


def _is_empty(value) -> bool:
    return value is None or value in ("None", "", "null")


def _as_time(value: str, field) -> str:
    try:
        moment = datetime.fromisoformat(str(value).replace(" ", "T"))
    except ValueError:
        return str(value)
    if isinstance(field, models.DateTimeField):
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)  # auditlog writes times in UTC
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return moment.strftime("%Y-%m-%d")


def readable_changes(entries) -> dict[int, list[tuple[str, str, str]]]:
    """entry pk → [(label, before, after)] for the model changes among ``entries``."""
    models_by_type: dict = {}
    wanted = defaultdict(set)  # related model → pks named
    plan = []
    created = {entry.pk for entry in entries if entry.action == entry.Action.CREATE}
    for entry in entries:
        if entry.content_type_id not in models_by_type:
            models_by_type[entry.content_type_id] = entry.content_type.model_class() if entry.content_type_id else None
        model = models_by_type[entry.content_type_id]
        rows = []
        for name, pair in (entry.changes or {}).items():
            if model is None or name in SKIPPED:
                continue
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                rows.append((name, None, pair))
                continue
            if field.auto_created and not field.concrete:
                continue  # a reverse relation: auditlog writes «app.Model.None»
            if isinstance(pair, dict):  # a many-to-many change: {"type": "m2m", "operation": ..., "objects": [...]}
                objects = "、".join(str(o) for o in pair.get("objects", []))
                words = {"add": "增加", "delete": "移除", "clear": "清空"}.get(pair.get("operation"), "")
                rows.append((_label(field), TEXT, ("", f"{words} {objects}".strip())))
                continue
            if field.is_relation and field.many_to_one:
                for value in pair:
                    if not _is_empty(value):
                        wanted[field.related_model].add(str(value))
            rows.append((_label(field), field, pair))
        plan.append((entry.pk, rows))
    names = {}
    for related, pks in wanted.items():
        valid = (
            [pk for pk in pks if pk.isdigit()]
            if isinstance(related._meta.pk, models.AutoField | models.BigAutoField)
            else list(pks)
        )
        for obj in related._default_manager.filter(pk__in=valid):
            names[related, str(obj.pk)] = str(obj)
    found = {}
    for pk, rows in plan:
        rows = [(label, *(_shown(value, field, names) for value in pair)) for label, field, pair in rows]
        # a record created has no «before»: only what it was created with
        found[pk] = [(label, "" if pk in created else before, after) for label, before, after in rows]
    return found


def _shown(value, field, names) -> str:
    if field is TEXT:
        return value
    if _is_empty(value):
        return EMPTY
    if field is None:
        return str(value)
    if field.is_relation and field.many_to_one:
        return names.get(
            (field.related_model, str(value)), f"{field.related_model._meta.verbose_name} {value}（已删除）"
        )
    if field.choices:
        return str(
            dict(field.flatchoices).get(value, dict((str(k), v) for k, v in field.flatchoices).get(str(value), value))
        )
    if isinstance(field, models.BooleanField):
        return {"True": "是", "False": "否", True: "是", False: "否"}.get(value, str(value))
    if isinstance(field, models.DateTimeField | models.DateField):
        return _as_time(value, field)
    return str(value)


def describe(entry, rows: list[tuple[str, str, str]], *, limit: int | None = None, separator: str = "；") -> str:
    """One entry's content: the changes, then the event's own details, in a line (or one a line
    with ``separator="\n"``); each value cut at ``limit`` characters where one is given."""

    def cut(text):
        return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"

    parts = [
        f"{label}：{cut(before)} → {cut(after)}" if before != "" else f"{label}：{cut(after)}"
        for label, before, after in rows
    ]
    parts += [f"{key}：{cut(str(value))}" for key, value in (entry.additional_data or {}).items()]
    return separator.join(parts)


def object_type(entry) -> str:
    """The kind of record, in Chinese: the model's own name, else the trail's (MODEL_LABELS)."""
    if not entry.content_type_id:
        return ""
    content_type = entry.content_type
    name = str(content_type.name)
    return MODEL_LABELS.get(f"{content_type.app_label}.{content_type.model}", name) if name.isascii() else name


def action_words(entry) -> str:
    return ACTION_WORDS.get(entry.action, entry.get_action_display())
