"""Importing the register from the township's own spreadsheet."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import AnnualFigure, Branch, Member
from branches.register_xlsx import ERROR_NOT_XLSX, RegisterImportError, register_import

BRANCH_ROWS = [
    # 乡镇, 名称, 类型, 区划代码, 示范点类型, 小组, 户数, 人口, 耕地, 人均收入, 人均粮, 距县城, 年度, 集体收入
    ["关兴镇", "法泥村党支部", "村党支部", "", "通道型", 5, 213, 817, 482, 1310, 320, 5, 2026, 52000],
    ["关兴镇", "河边村党支部", "村党支部", "520000000101", "", 7, 193, 1626, 900, 1200, 300, 12.5, 2025, 31000.5],
    ["关兴镇", "关兴社区党支部", "社区党支部", "", "", None, 593, 1830, None, None, None, 1, None, None],
]
MEMBER_ROWS = [
    # 乡镇, 党支部名称, 姓名, 性别, 出生年份, 入党日期, 职务, 联系电话
    ["关兴镇", "河边村党支部", "王国华", "男", 1968, date(1995, 7, 1), "书记", "13900000001"],
    ["关兴镇", "河边村党支部", "李秀兰", "女", 1980, "2010-06-30", "委员", ""],
    ["关兴镇", "法泥村党支部", "张三", "男", 1970, date(1998, 7, 1), "委员", "13812345678"],
]


def _register_file(client, branch_rows, member_rows, name="登记册.xlsx"):
    """The template as downloaded from the page, filled in as a clerk would."""
    template = client.get(reverse("branches:import_template")).content
    workbook = load_workbook(BytesIO(template))
    for sheet, rows in (("党支部", branch_rows), ("党员", member_rows)):
        worksheet = workbook[sheet]
        worksheet.delete_rows(2, worksheet.max_row)
        for row in rows:
            worksheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _snapshot():
    return (
        sorted(Branch.objects.values_list("name", "households", "population", "division_code", "site_type")),
        sorted(Member.objects.values_list("branch__name", "name", "birth_year", "post", "phone")),
        sorted(AnnualFigure.objects.values_list("branch__name", "year", "collective_income")),
    )


@pytest.fixture
def staff_client(client_for, cast):
    return client_for(cast.users["township_staff"])


def test_it_imports_a_good_file(staff_client, cast):
    upload = _register_file(staff_client, BRANCH_ROWS, MEMBER_ROWS)
    response = staff_client.post(reverse("branches:import"), {"file": upload}, follow=True)

    assert (
        "导入完成：新增党支部 2 个，更新 1 个；记录年度数据 2 条；新增党员 2 名，更新 1 名" in response.content.decode()
    )
    river = Branch.objects.get(name="河边村党支部")
    assert (river.households, river.population, river.division_code) == (193, 1626, "520000000101")
    assert river.distance_to_county_km == Decimal("12.5")
    assert river.annual_figures.get().collective_income == Decimal("31000.50")
    assert Branch.objects.get(name="关兴社区党支部").kind == "community"
    fani = Branch.objects.get(name="法泥村党支部")
    assert fani.site_type == "corridor" and fani.households == 213
    # 张三 existed (same name and birth year): updated, not duplicated
    assert fani.members.get(name="张三").post == "committee_member"
    assert river.members.get(name="李秀兰").joined_on == date(2010, 6, 30)


def test_a_bad_file_is_refused_whole_with_every_error_located(staff_client, cast):
    before = _snapshot()
    branch_rows = [
        BRANCH_ROWS[0],
        [
            "关兴镇",
            "河边村党支部",
            "村党支部",
            "5200001",
            "",
            7,
            "一百九十三",
            1626,
            None,
            None,
            None,
            None,
            2025,
            None,
        ],
        ["远山镇", "外乡村党支部", "村委会", "", "", None, -3, 99999999999, None, None, None, None, None, None],
    ]
    member_rows = [["关兴镇", "不存在村党支部", "王五", "未知", 1968, "去年", "书记", "123"]]
    upload = _register_file(staff_client, branch_rows, member_rows)

    response = staff_client.post(reverse("branches:import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["errors"] == [
        "“党支部”工作表第3行“区划代码”：应为 12 位数字。",
        "“党支部”工作表第3行“户数”：应为整数。",
        "“党支部”工作表第3行“村集体经济收入（元）”：填写了年度，请同时填写村集体经济收入。",
        "“党支部”工作表第4行“类型”：“村委会”不是可选值，应为：村党支部、社区党支部、镇直党支部。",
        "“党支部”工作表第4行“户数”：不能小于 0。",
        "“党支部”工作表第4行“人口”：不能大于 10000000。",
        "“党员”工作表第2行“性别”：“未知”不是可选值，应为：男、女。",
        "“党员”工作表第2行“入党日期”：应为日期，如 2005-07-01。",
        "“党员”工作表第2行“联系电话”：应为 11 位手机号或带区号的固定电话。",
    ]
    assert "文件未导入" in response.content.decode()
    assert _snapshot() == before  # the valid first row was not saved either


def test_cross_row_errors_are_reported_before_anything_is_saved(staff_client, cast):
    before = _snapshot()
    branch_rows = [BRANCH_ROWS[0], BRANCH_ROWS[0], ["远山镇", "外乡村党支部", "村党支部"] + [None] * 11]
    member_rows = [["关兴镇", "不存在村党支部", "王五", "男", 1968, date(1990, 1, 1), "书记", ""]]
    upload = _register_file(staff_client, branch_rows, member_rows)

    response = staff_client.post(reverse("branches:import"), {"file": upload})

    assert response.context["errors"] == [
        "“党支部”工作表第3行“党支部名称”：党支部“法泥村党支部”在本表中重复出现（第2行）。",
        "“党支部”工作表第4行“乡镇”：“远山镇”不是您可以维护的乡镇。",
        "“党员”工作表第2行“党支部名称”：党支部“不存在村党支部”既不在登记册中，也不在“党支部”工作表中。",
    ]
    assert _snapshot() == before


def test_reimporting_the_same_file_changes_nothing(staff_client, cast):
    first = register_import(
        file=_register_file(staff_client, BRANCH_ROWS, MEMBER_ROWS), actor=cast.users["township_staff"]
    )
    assert first.changed
    after_first = _snapshot()

    again = register_import(
        file=_register_file(staff_client, BRANCH_ROWS, MEMBER_ROWS), actor=cast.users["township_staff"]
    )

    assert not again.changed
    assert again.rows_unchanged == len(BRANCH_ROWS) + len(MEMBER_ROWS)
    assert _snapshot() == after_first
    assert "没有任何改动" in again.summary()


def test_an_exported_register_imports_back_unchanged(staff_client, cast):
    register_import(file=_register_file(staff_client, BRANCH_ROWS, MEMBER_ROWS), actor=cast.users["township_staff"])
    before = _snapshot()
    exported = staff_client.get(reverse("branches:export")).content

    result = register_import(file=SimpleUploadedFile("导出.xlsx", exported), actor=cast.users["township_staff"])

    assert not result.changed
    assert _snapshot() == before


def test_a_changed_income_is_a_new_record_beside_the_old(staff_client, cast):
    actor = cast.users["township_staff"]
    register_import(file=_register_file(staff_client, BRANCH_ROWS, []), actor=actor)
    corrected = [BRANCH_ROWS[0][:13] + [58000]]

    result = register_import(file=_register_file(staff_client, corrected, []), actor=actor)

    assert result.figures_recorded == 1 and result.branches_updated == 0
    incomes = AnnualFigure.objects.filter(branch__name="法泥村党支部", year=2026).order_by("pk")
    assert [f.collective_income for f in incomes] == [Decimal("52000"), Decimal("58000")]
    assert AnnualFigure.objects.current().get(branch__name="法泥村党支部", year=2026).collective_income == 58000


def test_a_file_that_is_not_a_workbook_is_refused(staff_client, cast):
    upload = SimpleUploadedFile("登记册.xlsx", "乡镇,党支部名称\n关兴镇,法泥村".encode())
    response = staff_client.post(reverse("branches:import"), {"file": upload})
    assert response.context["errors"] == [ERROR_NOT_XLSX]


def test_a_workbook_without_the_template_columns_is_refused(cast):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "党支部"
    workbook.active.append(["乡镇", "党支部名称"])
    workbook.create_sheet("党员").append(["姓名"])
    buffer = BytesIO()
    workbook.save(buffer)
    with pytest.raises(RegisterImportError) as refused:
        register_import(file=SimpleUploadedFile("x.xlsx", buffer.getvalue()), actor=cast.users["township_staff"])
    assert refused.value.errors[0].startswith("“党支部”工作表缺少列：类型、区划代码、示范点类型")
    assert refused.value.errors[1] == (
        "“党员”工作表缺少列：乡镇、党支部名称、性别、出生年份、入党日期、支部职务、联系电话。请使用本系统提供的模板。"
    )


def test_exported_text_cannot_run_as_a_formula(staff_client, cast):
    cast.branch.name = '=HYPERLINK("http://x")'
    cast.branch.save()
    workbook = load_workbook(BytesIO(staff_client.get(reverse("branches:export")).content))
    cells = [row[1] for row in workbook["党支部"].iter_rows(min_row=2)]
    hostile = [cell for cell in cells if cell.value == '=HYPERLINK("http://x")']  # kept exactly as typed
    assert hostile and all(cell.data_type == "s" and cell.quotePrefix for cell in hostile)  # text, never a formula
