"""The branch register's workbook layout, and the workbooks written in it: the
empty template and the export.

One column list serves template, export and import (``register_xlsx``), so a
file exported from the product, or the template filled in by hand, imports
again as it is. The workbook has two sheets: “党支部” (one row a branch, with
one year's collective income) and “党员” (one row a member); the template adds
a “说明” sheet, never read, that holds the rules and invented example rows.
"""

from datetime import date

from common.workbooks import new_workbook, workbook_bytes, wrap_rows, write_table

from .models import AnnualFigure, Branch, BranchKind, Member, Post, SiteType

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


GUIDE_SHEET = "说明"

GUIDE = [
    ("怎样填写", ""),
    ("", "在“党支部”“党员”两个工作表中填写：第 1 行是列名，请勿修改；从第 2 行起每行填一条。"),
    ("", "本“说明”工作表不会导入，下面的示例单位和人员是虚构的，仅示意格式。"),
    (
        "党支部",
        "一个党支部一行。乡镇须是您负责的乡镇；类型填："
        + "、".join(BranchKind.labels)
        + "；示范点类型填："
        + "、".join(SiteType.labels)
        + "，或留空；区划代码为 12 位数字，可留空。",
    ),
    ("", "年度和村集体经济收入（元）要么都填，要么都不填；同一年的收入变了，新记录与旧记录并存。"),
    ("党员", "一名党员一行。党支部名称须已在登记册中，或在本文件“党支部”工作表中。性别填：男、女。"),
    (
        "",
        "出生年份写四位数，如 1975；入党日期写成 2001-07-01，不能晚于今天，也不能早于年满十八岁的那一年。"
        "支部职务填：" + "、".join(Post.labels) + "。联系电话为 11 位手机号或带区号的固定电话，可留空。",
    ),
    ("", "已有的党支部按“乡镇＋党支部名称”更新，党员按“党支部＋姓名＋出生年份”更新；同一文件重复导入不会产生改动。"),
]
# invented, matching no unit: were an example copied into a data sheet by mistake, its 乡镇 is
# none the importer keeps and the row is refused
EXAMPLE_BRANCH = ["示例镇", "示例村党支部", "村党支部", "", "通道型", 5, 200, 800, 450, 1300, 300, 5, 2026, 50000]
EXAMPLE_MEMBER = ["示例镇", "示例村党支部", "王某某", "男", 1975, "2001-07-01", "书记", ""]


def _example_line(columns, example) -> str:
    return "；".join(
        f"{header}：{value}" for (header, _, _), value in zip(columns, example, strict=True) if value != ""
    )


def register_template() -> bytes:
    """The two data sheets with their headers and no rows, and a 说明 sheet with the rules and an
    example row of each (an example row in a data sheet would be imported as real data)."""
    workbook = new_workbook()
    for title, columns in ((BRANCH_SHEET, BRANCH_COLUMNS), (MEMBER_SHEET, MEMBER_COLUMNS)):
        sheet = workbook.create_sheet(title)
        write_table(sheet, [c[0] for c in columns], [], widths=[c[2] for c in columns])
    examples = [
        ("示例（虚构）", f"“{BRANCH_SHEET}”工作表一行：" + _example_line(BRANCH_COLUMNS, EXAMPLE_BRANCH)),
        ("", f"“{MEMBER_SHEET}”工作表一行：" + _example_line(MEMBER_COLUMNS, EXAMPLE_MEMBER)),
    ]
    guide = workbook.create_sheet(GUIDE_SHEET)
    write_table(guide, ["工作表", "说明"], GUIDE + examples, widths=[12, 100])
    wrap_rows(guide, [12, 100])
    return workbook_bytes(workbook)


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
