"""The branch register as a workbook: template, export and import.

The layout (the two sheets and their columns), the template and the export
live in ``register_template``; this module reads the register back in. One
column list serves all three, so a file exported from the product, or the
template filled in by hand, imports again as it is.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.conf import settings
from django.db import transaction

from common.sheet_rows import (
    ERROR_CELL,  # noqa: F401  (re-exported)
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
from common.workbooks import (
    ERROR_NOT_XLSX,  # noqa: F401  (re-exported for callers that name the error)
    WorkbookRefused,
    open_uploaded_workbook,
)

from .models import (
    MAX_HOUSEHOLDS,
    MAX_POPULATION,
    MAX_VILLAGE_GROUPS,
    Branch,
    BranchKind,
    Gender,
    Member,
    Post,
    SiteType,
    Township,
    joined_on_error,
)
from .register_template import (
    BRANCH_COLUMNS,
    BRANCH_SHEET,
    MEMBER_COLUMNS,
    MEMBER_SHEET,
    register_export,  # noqa: F401  (re-exported: the template and export, for callers of this module)
    register_template,  # noqa: F401
)

PROFILE_FIELDS = [
    "kind",
    "division_code",
    "site_type",
    "village_groups",
    "households",
    "population",
    "farmland_mu",
    "income_per_head",
    "grain_per_head_kg",
    "distance_to_county_km",
]
MEMBER_FIELDS = ["gender", "joined_on", "post", "phone"]

ERROR_NO_ROWS = "文件中没有任何党支部或党员数据。"
ERROR_TOWNSHIP_NOT_YOURS = "“{value}”不是您可以维护的乡镇。"
ERROR_DUPLICATE_BRANCH = "党支部“{name}”在本表中重复出现（第{first}行）。"
ERROR_DUPLICATE_MEMBER = "党员“{name}”（{birth_year}年生）在本表中重复出现（第{first}行）。"
ERROR_UNKNOWN_BRANCH = "党支部“{name}”既不在登记册中，也不在“党支部”工作表中。"
ERROR_DIVISION_CODE_TAKEN = "区划代码 {code} 已属于党支部“{name}”。"
ERROR_YEAR_WITHOUT_INCOME = "填写了年度，请同时填写村集体经济收入。"
ERROR_INCOME_WITHOUT_YEAR = "填写了村集体经济收入，请同时填写年度。"


def _integer(minimum=0, maximum=None, required=False):
    return integer_field(minimum, maximum, required)


def _decimal(max_digits, places):
    return decimal_field(max_digits, places)


class BranchRowForm(forms.Form):
    township = forms.CharField(max_length=50, error_messages=TEXT_ERRORS)
    name = forms.CharField(max_length=60, error_messages=TEXT_ERRORS)
    kind = LabelChoiceField(BranchKind)
    division_code = forms.RegexField(r"^\d{12}$", required=False, error_messages={"invalid": "应为 12 位数字。"})
    site_type = LabelChoiceField(SiteType, required=False)
    village_groups = _integer(maximum=MAX_VILLAGE_GROUPS)
    households = _integer(maximum=MAX_HOUSEHOLDS)
    population = _integer(maximum=MAX_POPULATION)
    farmland_mu = _decimal(12, 1)
    income_per_head = _decimal(12, 0)
    grain_per_head_kg = _decimal(8, 0)
    distance_to_county_km = _decimal(7, 1)
    year = _integer(2000, 2100)
    collective_income = _decimal(14, 2)

    def clean(self):
        data = super().clean()
        if (
            data.get("year") is not None
            and data.get("collective_income") is None
            and "collective_income" not in self.errors
        ):
            self.add_error("collective_income", ERROR_YEAR_WITHOUT_INCOME)
        if data.get("collective_income") is not None and data.get("year") is None and "year" not in self.errors:
            self.add_error("year", ERROR_INCOME_WITHOUT_YEAR)
        return data


class MemberRowForm(forms.Form):
    township = forms.CharField(max_length=50, error_messages=TEXT_ERRORS)
    branch = forms.CharField(max_length=60, error_messages=TEXT_ERRORS)
    name = forms.CharField(max_length=30, error_messages=TEXT_ERRORS)
    gender = LabelChoiceField(Gender)
    birth_year = _integer(1900, 2100, required=True)
    joined_on = date_field()
    post = LabelChoiceField(Post)
    phone = forms.RegexField(
        r"^(1\d{10}|0\d{2,3}-?\d{7,8})$",
        required=False,
        error_messages={"invalid": "应为 11 位手机号或带区号的固定电话。"},
    )

    def clean(self):
        data = super().clean()
        if error := joined_on_error(data.get("birth_year"), data.get("joined_on")):
            self.add_error("joined_on", error)
        return data


# --- Import --------------------------------------------------------------------------


class RegisterImportError(RowsRefused):
    """The file was refused; ``errors`` lists every problem found, in Chinese."""


@dataclass
class ImportResult:
    branches_created: int = 0
    branches_updated: int = 0
    figures_recorded: int = 0
    members_created: int = 0
    members_updated: int = 0
    rows_unchanged: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.branches_created,
                self.branches_updated,
                self.figures_recorded,
                self.members_created,
                self.members_updated,
            )
        )

    def summary(self) -> str:
        if not self.changed:
            return f"导入完成：文件内容与登记册一致，没有任何改动（{self.rows_unchanged} 行未变）。"
        return (
            f"导入完成：新增党支部 {self.branches_created} 个，更新 {self.branches_updated} 个；"
            f"记录年度数据 {self.figures_recorded} 条；新增党员 {self.members_created} 名，"
            f"更新 {self.members_updated} 名；{self.rows_unchanged} 行未变。"
        )


def register_import(*, file, actor) -> ImportResult:
    """Validate every row of the workbook first; save nothing unless all are
    valid, then save everything in one transaction. Importing the same file
    again changes nothing."""
    branch_records, member_records = _read_register(file)
    errors: list[str] = []
    branch_rows = validate_rows(branch_records, BranchRowForm, BRANCH_SHEET, BRANCH_COLUMNS, errors)
    member_rows = validate_rows(member_records, MemberRowForm, MEMBER_SHEET, MEMBER_COLUMNS, errors)

    townships = {t.name: t for t in Township.objects.editable_by(actor)}
    existing = {(b.township.name, b.name): b for b in Branch.objects.editable_by(actor).select_related("township")}
    planned_branches = _plan_branches(branch_rows, townships, existing, errors)
    planned_members = _plan_members(member_rows, townships, existing, planned_branches, errors)
    if errors:
        raise RegisterImportError(errors)
    return _apply(planned_branches, planned_members, townships, existing, actor)


def _read_register(file) -> tuple[list[tuple[int, dict]], list[tuple[int, dict]]]:
    """The rows of both sheets; a refused file, a missing sheet or column, or no rows at all raise."""
    try:
        workbook = open_uploaded_workbook(file, max_bytes=settings.REGISTER_IMPORT_MAX_BYTES)
    except WorkbookRefused as refused:
        raise RegisterImportError([str(refused)]) from None

    errors: list[str] = []
    branch_records = read_sheet(workbook, BRANCH_SHEET, BRANCH_COLUMNS, errors)
    member_records = read_sheet(workbook, MEMBER_SHEET, MEMBER_COLUMNS, errors)
    workbook.close()
    if errors:
        raise RegisterImportError(errors)
    if not branch_records and not member_records:
        raise RegisterImportError([ERROR_NO_ROWS])
    return branch_records, member_records


def _plan_branches(branch_rows, townships, existing, errors) -> dict[tuple[str, str], tuple[int, dict]]:
    """The valid branch rows by (township, name): in the actor's townships, each once, and with a
    division code no other branch holds; every other row is reported in ``errors``."""
    code_owner = {
        b.division_code: b
        for b in Branch.objects.exclude(division_code="").only("division_code", "name", "township_id")
    }
    planned_branches: dict[tuple[str, str], tuple[int, dict]] = {}
    for row, data in branch_rows:
        key = (data["township"], data["name"])
        if data["township"] not in townships:
            errors.append(
                cell_error(BRANCH_SHEET, row, "乡镇", ERROR_TOWNSHIP_NOT_YOURS.format(value=data["township"]))
            )
            continue
        if key in planned_branches:
            errors.append(
                cell_error(
                    BRANCH_SHEET,
                    row,
                    "党支部名称",
                    ERROR_DUPLICATE_BRANCH.format(name=data["name"], first=planned_branches[key][0]),
                )
            )
            continue
        owner = code_owner.get(data["division_code"])
        current = existing.get(key)
        if owner is not None and (current is None or owner.pk != current.pk):
            errors.append(
                cell_error(
                    BRANCH_SHEET,
                    row,
                    "区划代码",
                    ERROR_DIVISION_CODE_TAKEN.format(code=data["division_code"], name=owner.name),
                )
            )
            continue
        planned_branches[key] = (row, data)
    return planned_branches


def _plan_members(member_rows, townships, existing, planned_branches, errors) -> dict[tuple, tuple[int, dict]]:
    """The valid member rows by (township, branch, name, birth year): in the actor's townships, of a
    branch in the register or in the file, each once; every other row is reported in ``errors``."""
    planned_members: dict[tuple, tuple[int, dict]] = {}
    for row, data in member_rows:
        branch_key = (data["township"], data["branch"])
        identity = (*branch_key, data["name"], data["birth_year"])
        if data["township"] not in townships:
            errors.append(
                cell_error(MEMBER_SHEET, row, "乡镇", ERROR_TOWNSHIP_NOT_YOURS.format(value=data["township"]))
            )
        elif branch_key not in existing and branch_key not in planned_branches:
            errors.append(cell_error(MEMBER_SHEET, row, "党支部名称", ERROR_UNKNOWN_BRANCH.format(name=data["branch"])))
        elif identity in planned_members:
            errors.append(
                cell_error(
                    MEMBER_SHEET,
                    row,
                    "姓名",
                    ERROR_DUPLICATE_MEMBER.format(
                        name=data["name"], birth_year=data["birth_year"], first=planned_members[identity][0]
                    ),
                )
            )
        else:
            planned_members[identity] = (row, data)
    return planned_members


@transaction.atomic
def _apply(planned_branches, planned_members, townships, existing, actor) -> ImportResult:
    result = ImportResult()
    branches = dict(existing)
    for key, (_row, data) in planned_branches.items():
        profile = {name: data[name] for name in PROFILE_FIELDS}
        branch = branches.get(key)
        row_changed = False
        if branch is None:
            branch = Branch(township=townships[data["township"]], name=data["name"], **profile)
            branch.full_clean()
            branch.save()
            branches[key] = branch
            result.branches_created += 1
            row_changed = True
        elif _assign_changes(branch, profile):
            branch.full_clean()
            branch.save()
            result.branches_updated += 1
            row_changed = True
        if data["year"] is not None and _record_figure(branch, data["year"], data["collective_income"], actor):
            result.figures_recorded += 1
            row_changed = True
        result.rows_unchanged += not row_changed

    member_index = {
        (m.branch.township.name, m.branch.name, m.name, m.birth_year): m
        for m in Member.objects.filter(branch__in=[b for b in branches.values() if b.pk]).select_related(
            "branch__township"
        )
    }
    for identity, (_row, data) in planned_members.items():
        values = {name: data[name] for name in MEMBER_FIELDS}
        member = member_index.get(identity)
        if member is None:
            branch = branches[identity[:2]]
            member = Member(branch=branch, name=data["name"], birth_year=data["birth_year"], **values)
            member.full_clean()
            member.save()
            result.members_created += 1
        elif _assign_changes(member, values):
            member.full_clean()
            member.save()
            result.members_updated += 1
        else:
            result.rows_unchanged += 1
    return result


def _assign_changes(instance, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if value is None and isinstance(getattr(instance, name), str):
            value = ""
        if isinstance(value, Decimal) and getattr(instance, name) is not None:
            if Decimal(getattr(instance, name)) == value:
                continue
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _record_figure(branch, year, collective_income, actor) -> bool:
    from .services import annual_figure_record

    return (
        annual_figure_record(
            branch=branch, year=year, collective_income=collective_income, actor=actor, note="登记册导入"
        )
        is not None
    )
