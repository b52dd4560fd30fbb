"""A branch's registers as a workbook, for the back-log: 发展党员, 后备干部, 党费 and 年度情况 in one
file, one sheet each. The template has the headers and no rows (what it explains is on its 说明
sheet: an example row would be imported as real data).

Every row is read and checked first; then all are saved in one transaction through the same
services the pages use, so the same rules apply, and any refusal — a cell, or a service's
rule — rolls everything back and is reported by sheet, row and column. Importing a file again
changes nothing: a person already recorded with the same dates, an amount already saved, a
year already holding the values, are left as they are."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db import transaction

from branches.models import Branch
from common.sheet_rows import (
    TEXT_ERRORS,
    LabelChoiceField,
    RowsRefused,
    cell_error,
    date_field,
    decimal_field,
    integer_field,
    read_sheet,
    validate_rows,
)
from common.workbooks import WorkbookRefused, new_workbook, open_uploaded_workbook, workbook_bytes, write_table
from records.models import (
    RECRUIT_STAGE_DATES,
    BranchYear,
    DuesPayment,
    Education,
    OneShoulder,
    Recruit,
    ReserveCadre,
    ThreeChains,
)
from records.services.registers import (
    YEAR_FIELDS,
    branch_year_save,
    dues_month_save,
    recruit_advance,
    recruit_record,
    reserve_cadre_record,
    reserve_cadre_remove,
)

RECRUIT_SHEET, RESERVE_SHEET, DUES_SHEET, YEAR_SHEET = "发展党员", "后备干部", "党费", "年度情况"

# (header, form field name, column width)
RECRUIT_COLUMNS = [
    ("姓名", "name", 10),
    ("性别", "gender", 6),
    ("出生年份", "birth_year", 10),
    ("递交申请日期", "applied_on", 14),
    ("确定积极分子日期", "activist_on", 16),
    ("确定发展对象日期", "prospect_on", 16),
    ("接收预备党员日期", "probationary_on", 16),
    ("转正日期", "full_on", 12),
]
RESERVE_COLUMNS = [
    ("姓名", "name", 10),
    ("性别", "gender", 6),
    ("出生年份", "birth_year", 10),
    ("学历", "education", 12),
    ("是否党员", "is_member", 10),
    ("入库日期", "added_on", 12),
    ("出库日期", "removed_on", 12),
    ("说明", "note", 30),
]
DUES_COLUMNS = [
    ("月份", "month", 10),
    ("党员姓名", "name", 10),
    ("出生年份", "birth_year", 10),
    ("应交", "due", 10),
    ("实交", "paid", 10),
]
YEAR_COLUMNS = [
    ("年度", "year", 8),
    ("一肩挑", "one_shoulder", 18),
    ("三链建设", "three_chains", 18),
    ("两委人数", "cadres", 10),
    ("办公经费", "office_funds", 12),
    ("村干部报酬", "cadre_pay", 12),
    ("组干部报酬", "group_cadre_pay", 12),
]
SHEETS = [
    (RECRUIT_SHEET, RECRUIT_COLUMNS),
    (RESERVE_SHEET, RESERVE_COLUMNS),
    (DUES_SHEET, DUES_COLUMNS),
    (YEAR_SHEET, YEAR_COLUMNS),
]
GUIDE_SHEET = "说明"

ERROR_NO_ROWS = "文件中没有任何数据：请在“发展党员”“后备干部”“党费”“年度情况”工作表中填写后再上传。"
ERROR_TWICE_IN_FILE = "与第{first}行是同一{what}，同一{what}只填一行。"
ERROR_RECRUIT_OTHER_DATES = "{name}已登记，已登记的“{stage}”日期为 {saved}，与表中不同：请在发展党员页面核对。"
ERROR_RESERVE_OTHER_DATES = "{name}已在后备干部库中，入库日期为 {added:%Y-%m-%d}，与表中不同。"
ERROR_RESERVE_OUT_DIFFERS = "{name}已于 {on:%Y-%m-%d} 出库，与表中不同。"
ERROR_NO_SUCH_MEMBER = "本支部党员名册中没有“{name}”{born}：请先在党员名册中登记。"
ERROR_MEMBER_AMBIGUOUS = "本支部有不止一名“{name}”：请填写出生年份加以区分。"

GENDERS = {"男": "M", "女": "F"}
YES_NO = {"是": True, "否": False}


class GenderField(forms.TypedChoiceField):
    def __init__(self):
        super().__init__(
            choices=[(label, label) for label in GENDERS],
            coerce=GENDERS.get,
            error_messages={"required": "必须填写。", "invalid_choice": "“%(value)s”不是可选值，应为：男、女。"},
        )


class MonthField(forms.DateField):
    """A month as YYYY-MM (or a date in it, as Excel stores a typed 2026-03): its first day."""

    def __init__(self):
        super().__init__(
            input_formats=["%Y-%m", "%Y/%m", "%Y.%m", "%Y-%m-%d", "%Y/%m/%d"],
            error_messages={"required": "必须填写。", "invalid": "应为月份，如 2026-03。"},
        )

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class RecruitRowForm(forms.Form):
    name = forms.CharField(max_length=30, error_messages=TEXT_ERRORS)
    gender = GenderField()
    birth_year = integer_field(1900, 2100, required=True)
    applied_on = date_field()
    activist_on = date_field(required=False)
    prospect_on = date_field(required=False)
    probationary_on = date_field(required=False)
    full_on = date_field(required=False)


class ReserveRowForm(forms.Form):
    name = forms.CharField(max_length=30, error_messages=TEXT_ERRORS)
    gender = GenderField()
    birth_year = integer_field(1900, 2100, required=True)
    education = LabelChoiceField(Education, required=False)
    is_member = forms.TypedChoiceField(
        choices=[("", ""), *((label, label) for label in YES_NO)],
        coerce=YES_NO.get,
        required=False,
        empty_value=False,
        error_messages={"invalid_choice": "“%(value)s”不是可选值，应为：是、否。"},
    )
    added_on = date_field()
    removed_on = date_field(required=False)
    note = forms.CharField(max_length=200, required=False, error_messages=TEXT_ERRORS)


class DuesRowForm(forms.Form):
    month = MonthField()
    name = forms.CharField(max_length=30, error_messages=TEXT_ERRORS)
    birth_year = integer_field(1900, 2100)
    due = decimal_field(7, 2, required=True, maximum=99999)
    paid = decimal_field(7, 2, required=True, maximum=99999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("due", "paid"):  # the example the task names: 应为不小于 0 的数
            self.fields[name].error_messages["min_value"] = "应为不小于 0 的数。"
            self.fields[name].error_messages["invalid"] = "应为不小于 0 的数。"


# what people type for the statuses besides the labels themselves
ONE_SHOULDER_ALIASES = {"是": OneShoulder.DONE, "已实行": OneShoulder.DONE, "否": OneShoulder.NOT}
THREE_CHAINS_ALIASES = {"已完成": ThreeChains.DONE}


class YearRowForm(forms.Form):
    year = integer_field(2000, 2100, required=True)
    one_shoulder = LabelChoiceField(OneShoulder, required=False, aliases=ONE_SHOULDER_ALIASES)
    three_chains = LabelChoiceField(ThreeChains, required=False, aliases=THREE_CHAINS_ALIASES)
    cadres = integer_field(0, 99)
    office_funds = decimal_field(10, 0)
    cadre_pay = decimal_field(10, 0)
    group_cadre_pay = decimal_field(10, 0)


# --- Template ------------------------------------------------------------------------------

GUIDE = [
    ("怎样填写", ""),
    ("", "每个工作表第 1 行是列名，请勿修改；从第 2 行起每行填一条。不用的工作表留空即可。"),
    ("", "日期写成 2024-03-15，月份写成 2024-03；金额只填数字（元）。"),
    ("", "先校验全部行：只要有一处错误，就列出所在的工作表、行和列，不保存任何数据。"),
    ("", "同一文件重复导入不会产生重复记录：已登记且日期相同的人员、金额相同的党费不作改动。"),
    ("发展党员", "一人一行。递交申请日期必填；已完成的后续步骤填日期，未到的留空。各步骤日期不能早于上一步，"),
    ("", "也不能晚于今天。填了接收预备党员日期的，自动列入本支部党员名册（预备党员）。"),
    ("后备干部", "性别填男或女；学历填：" + "、".join(Education.labels) + "；是否党员填是或否。出库日期仍在库的不填。"),
    ("党费", "一名党员一个月一行：月份、党员姓名（与党员名册一致）、出生年份（同名时必填）、应交、实交。"),
    ("", "入党之前和离开本支部之后的月份不能登记。"),
    (
        "年度情况",
        "一年一行。一肩挑填："
        + "、".join(OneShoulder.labels)
        + "；三链建设填："
        + "、".join(ThreeChains.labels)
        + "。",
    ),
    ("", "两委人数为村“两委”成员人数；办公经费（标准 4.1万元）、村干部报酬（2.4万元）、组干部报酬（8500元）填元。"),
    ("", "留空的格子不改变已保存的值。"),
]


def registers_template() -> bytes:
    """The four sheets with their headers and no rows, and a 说明 sheet that explains them."""
    workbook = new_workbook()
    for title, columns in SHEETS:
        sheet = workbook.create_sheet(title)
        write_table(sheet, [c[0] for c in columns], [], widths=[c[2] for c in columns])
    guide = workbook.create_sheet(GUIDE_SHEET)
    write_table(guide, ["工作表", "说明"], GUIDE, widths=[12, 100])
    return workbook_bytes(workbook)


# --- Import --------------------------------------------------------------------------------


class RegistersImportError(RowsRefused):
    """The file was refused; ``errors`` lists every problem, by sheet, row and column."""


@dataclass
class RegistersImportResult:
    recruits_created: int = 0
    recruits_advanced: int = 0
    reserves_created: int = 0
    reserves_removed: int = 0
    dues_saved: int = 0
    years_saved: int = 0
    rows_unchanged: int = 0

    @property
    def changed(self) -> int:
        return (
            self.recruits_created
            + self.recruits_advanced
            + self.reserves_created
            + self.reserves_removed
            + self.dues_saved
            + self.years_saved
        )

    def summary(self) -> str:
        if not self.changed:
            return f"导入完成：文件内容与已登记的一致，没有任何改动（{self.rows_unchanged} 行未变）。"
        return (
            f"导入完成：发展党员新增 {self.recruits_created} 人、记入后续步骤 {self.recruits_advanced} 人；"
            f"后备干部入库 {self.reserves_created} 人、出库 {self.reserves_removed} 人；"
            f"党费保存 {self.dues_saved} 条；年度情况保存 {self.years_saved} 年；{self.rows_unchanged} 行未变。"
        )


def registers_import(*, branch: Branch, file, actor) -> RegistersImportResult:
    """Check every row, then save all through the services in one transaction, or nothing."""
    try:
        workbook = open_uploaded_workbook(file, max_bytes=settings.REGISTER_IMPORT_MAX_BYTES)
    except WorkbookRefused as refused:
        raise RegistersImportError([str(refused)]) from None
    errors: list[str] = []
    records = {title: read_sheet(workbook, title, columns, errors) for title, columns in SHEETS}
    workbook.close()
    if errors:
        raise RegistersImportError(errors)
    if not any(records.values()):
        raise RegistersImportError([ERROR_NO_ROWS])
    forms_by_sheet = {
        RECRUIT_SHEET: RecruitRowForm,
        RESERVE_SHEET: ReserveRowForm,
        DUES_SHEET: DuesRowForm,
        YEAR_SHEET: YearRowForm,
    }
    rows = {
        title: validate_rows(records[title], forms_by_sheet[title], title, columns, errors) for title, columns in SHEETS
    }
    _refuse_twins(rows, errors)
    if errors:
        raise RegistersImportError(errors)
    with transaction.atomic():
        result = RegistersImportResult()
        _import_recruits(branch, rows[RECRUIT_SHEET], actor, result, errors)
        _import_reserves(branch, rows[RESERVE_SHEET], actor, result, errors)
        _import_dues(branch, rows[DUES_SHEET], actor, result, errors)
        _import_years(branch, rows[YEAR_SHEET], actor, result, errors)
        if errors:
            raise RegistersImportError(errors)  # leaving the block rolls back what the rows before saved
    return result


def _refuse_twins(rows: dict, errors: list[str]) -> None:
    """The same person (or member and month, or year) twice in a sheet: the second row is an error."""
    identities = {
        RECRUIT_SHEET: (lambda d: (d["name"], d["birth_year"]), "姓名", "人"),
        RESERVE_SHEET: (lambda d: (d["name"], d["birth_year"]), "姓名", "人"),
        DUES_SHEET: (lambda d: (d["month"], d["name"], d["birth_year"]), "党员姓名", "党员同一月份"),
        YEAR_SHEET: (lambda d: d["year"], "年度", "年度"),
    }
    for title, (identity, column, what) in identities.items():
        seen: dict = {}
        for row, data in rows[title]:
            key = identity(data)
            if key in seen:
                errors.append(cell_error(title, row, column, ERROR_TWICE_IN_FILE.format(first=seen[key], what=what)))
            else:
                seen[key] = row


def _service(errors: list[str], sheet: str, row: int, column, service, *args, **kwargs):
    """``service(*args, **kwargs)``; its refusal becomes the row's error (its own savepoint undid its
    writes). ``column`` is the header, or a function finding it in the refusal's message."""
    try:
        return service(*args, **kwargs)
    except ValueError as refused:
        message = str(refused)
        errors.append(cell_error(sheet, row, column(message) if callable(column) else column, message))
        return None


def _recruit_column(message: str) -> str:
    """The column a refusal of ``recruit_record`` is about: the step its message names first (the
    one out of order, in the future, or missing), the birth year, else the person."""
    named = [
        (message.index(f"“{stage.label}”"), field)
        for stage, field in RECRUIT_STAGE_DATES.items()
        if f"“{stage.label}”" in message
    ]
    if named:
        return _header(RECRUIT_COLUMNS, min(named)[1])
    if "出生年份" in message or "十八岁" in message:
        return "出生年份"
    return "姓名"


def _import_recruits(branch, rows, actor, result, errors) -> None:
    saved = {(r.name, r.birth_year): r for r in Recruit.objects.filter(branch=branch).select_related("branch")}
    for row, data in rows:
        name = data["name"].strip()
        recruit = saved.get((name, data["birth_year"]))
        dates = {field: data[field] for field in RECRUIT_STAGE_DATES.values()}
        if recruit is None:
            if _service(
                errors, RECRUIT_SHEET, row, _recruit_column, recruit_record, branch=branch, actor=actor, **data
            ):
                result.recruits_created += 1
            continue
        # already recorded: the same steps are skipped; further steps in the file are taken, in order
        differing = [
            (stage, getattr(recruit, field))
            for stage, field in RECRUIT_STAGE_DATES.items()
            if getattr(recruit, field) is not None and getattr(recruit, field) != dates[field]
        ]
        if differing:
            stage, on = differing[0]
            column = _header(RECRUIT_COLUMNS, RECRUIT_STAGE_DATES[stage])
            errors.append(
                cell_error(
                    RECRUIT_SHEET,
                    row,
                    column,
                    ERROR_RECRUIT_OTHER_DATES.format(name=name, stage=stage.label, saved=f"{on:%Y-%m-%d}"),
                )
            )
            continue
        advanced = False
        for field in RECRUIT_STAGE_DATES.values():
            if getattr(recruit, field) is None and dates[field] is not None:
                on = dates[field]
                recruit = _service(
                    errors,
                    RECRUIT_SHEET,
                    row,
                    _header(RECRUIT_COLUMNS, field),
                    recruit_advance,
                    recruit,
                    on=on,
                    actor=actor,
                )
                if recruit is None:
                    break
                advanced = True
        if advanced and recruit is not None:
            result.recruits_advanced += 1
        elif not advanced:
            result.rows_unchanged += 1


def _import_reserves(branch, rows, actor, result, errors) -> None:
    saved = {(c.name, c.birth_year): c for c in ReserveCadre.objects.filter(branch=branch)}
    for row, data in rows:
        name = data["name"].strip()
        cadre = saved.get((name, data["birth_year"]))
        removed_on = data.pop("removed_on")
        if cadre is None:
            cadre = _service(
                errors, RESERVE_SHEET, row, "姓名", reserve_cadre_record, branch=branch, actor=actor, **data
            )
            if cadre is None:
                continue
            result.reserves_created += 1
        elif cadre.added_on != data["added_on"]:
            errors.append(
                cell_error(
                    RESERVE_SHEET, row, "入库日期", ERROR_RESERVE_OTHER_DATES.format(name=name, added=cadre.added_on)
                )
            )
            continue
        elif removed_on == cadre.removed_on:
            result.rows_unchanged += 1
            continue
        if removed_on is None:
            continue
        if cadre.removed_on is not None:
            errors.append(
                cell_error(
                    RESERVE_SHEET, row, "出库日期", ERROR_RESERVE_OUT_DIFFERS.format(name=name, on=cadre.removed_on)
                )
            )
        elif _service(errors, RESERVE_SHEET, row, "出库日期", reserve_cadre_remove, cadre, on=removed_on, actor=actor):
            result.reserves_removed += 1


def _import_dues(branch, rows, actor, result, errors) -> None:
    members: dict[str, list] = {}
    for member in branch.members.all():
        members.setdefault(member.name, []).append(member)
    saved = {
        (p.member_id, p.month): (p.due, p.paid)
        for p in DuesPayment.objects.filter(branch=branch, month__in={data["month"] for _row, data in rows})
    }
    for row, data in rows:
        name = data["name"].strip()
        candidates = [
            m for m in members.get(name, []) if data["birth_year"] is None or m.birth_year == data["birth_year"]
        ]
        if not candidates:
            born = f"（{data['birth_year']}年出生）" if data["birth_year"] else ""
            errors.append(cell_error(DUES_SHEET, row, "党员姓名", ERROR_NO_SUCH_MEMBER.format(name=name, born=born)))
            continue
        if len(candidates) > 1:
            errors.append(cell_error(DUES_SHEET, row, "出生年份", ERROR_MEMBER_AMBIGUOUS.format(name=name)))
            continue
        member, month, amounts = candidates[0], data["month"], (data["due"], data["paid"])
        if saved.get((member.pk, month)) == amounts:
            result.rows_unchanged += 1
            continue
        # one row a call, so that a refusal (before joining, after leaving) names its row
        changed = _service(
            errors,
            DUES_SHEET,
            row,
            "月份",
            dues_month_save,
            branch=branch,
            month=month,
            amounts={member: amounts},
            actor=actor,
        )
        result.dues_saved += changed or 0


def _import_years(branch, rows, actor, result, errors) -> None:
    saved = {y.year: y for y in BranchYear.objects.filter(branch=branch)}
    for row, data in rows:
        year = data.pop("year")
        # a blank cell leaves what is saved (never erases)
        values = {field: data[field] for field in YEAR_FIELDS if data[field] not in (None, "")}
        record = saved.get(year)
        if record is not None and all(getattr(record, f) == v for f, v in values.items()):
            result.rows_unchanged += 1
            continue
        if not values and record is None:
            result.rows_unchanged += 1
            continue
        if _service(
            errors,
            YEAR_SHEET,
            row,
            "年度",
            branch_year_save,
            branch=branch,
            year=year,
            actor=actor,
            **values,
        ):
            result.years_saved += 1


def _header(columns, field: str) -> str:
    return next(title for title, name, _ in columns if name == field)
