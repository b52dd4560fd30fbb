"""The branch register's workbook layout, and the workbooks written in it: the
empty template and the export.

One column list serves template, export and import (``register_xlsx``), so a
file exported from the product, or the template filled in by hand, imports
again as it is. The workbook has two sheets: “党支部” (one row a branch, with
one year's collective income) and “党员” (one row a member).
"""

from datetime import date

from common.workbooks import new_workbook, workbook_bytes, write_table

from .models import AnnualFigure, Branch, Member

BRANCH_SHEET = "党支部"
MEMBER_SHEET = "党员"

# (header, form field name, column width)
BRANCH_COLUMNS = [
    ("乡镇", "township", 12),
    ("党支部名称", "name", 20),
    ("类型", "kind", 12),
    ("区划代码", "division_code", 16),
    ("示范点类型", "site_type", 12),
    ("村民小组数", "village_groups", 10),
    ("户数", "households", 10),
    ("人口", "population", 10),
    ("耕地面积（亩）", "farmland_mu", 12),
    ("人均收入（元）", "income_per_head", 12),
    ("人均占有粮（公斤）", "grain_per_head_kg", 14),
    ("距县城（公里）", "distance_to_county_km", 12),
    ("年度", "year", 8),
    ("村集体经济收入（元）", "collective_income", 16),
]
MEMBER_COLUMNS = [
    ("乡镇", "township", 12),
    ("党支部名称", "branch", 20),
    ("姓名", "name", 10),
    ("性别", "gender", 6),
    ("出生年份", "birth_year", 10),
    ("入党日期", "joined_on", 12),
    ("支部职务", "post", 10),
    ("联系电话", "phone", 16),
]


def _branch_row(branch: Branch, figure: AnnualFigure | None) -> list:
    return [
        branch.township.name,
        branch.name,
        branch.get_kind_display(),
        branch.division_code,
        branch.get_site_type_display(),
        branch.village_groups,
        branch.households,
        branch.population,
        branch.farmland_mu,
        branch.income_per_head,
        branch.grain_per_head_kg,
        branch.distance_to_county_km,
        figure.year if figure else None,
        figure.collective_income if figure else None,
    ]


def _member_row(member: Member) -> list:
    return [
        member.branch.township.name,
        member.branch.name,
        member.name,
        member.get_gender_display(),
        member.birth_year,
        member.joined_on,
        member.get_post_display(),
        member.phone,
    ]


def _register_workbook(branch_rows, member_rows) -> bytes:
    workbook = new_workbook()
    for title, columns, rows in (
        (BRANCH_SHEET, BRANCH_COLUMNS, branch_rows),
        (MEMBER_SHEET, MEMBER_COLUMNS, member_rows),
    ):
        sheet = workbook.create_sheet(title)
        write_table(sheet, [c[0] for c in columns], rows, widths=[c[2] for c in columns])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    return workbook_bytes(workbook)


def register_template() -> bytes:
    """An empty register with one example row on each sheet."""
    branch_example = [
        "关兴镇",
        "法泥村党支部",
        "村党支部",
        "",
        "通道型",
        5,
        213,
        817,
        482,
        1310,
        320,
        5,
        2026,
        52000,
    ]
    member_example = ["关兴镇", "法泥村党支部", "张三", "男", 1975, date(2001, 7, 1), "书记", "13800000000"]
    return _register_workbook([branch_example], [member_example])


def register_export(branches) -> bytes:
    """The register of ``branches`` (already scoped), each with its latest year's figure."""
    branches = list(branches.select_related("township"))
    figures = AnnualFigure.objects.current().filter(branch__in=branches).order_by("branch_id", "year")
    latest = {figure.branch_id: figure for figure in figures}  # ascending year: last one wins
    members = Member.objects.filter(branch__in=branches).select_related("branch__township")
    return _register_workbook(
        [_branch_row(branch, latest.get(branch.pk)) for branch in branches],
        [_member_row(member) for member in members.order_by("branch__township__name", "branch__name", "pk")],
    )
