"""Frameworks as data: built-ins, .xlsx import and export, versions."""

import io
import zipfile
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from scoring.builtin import builtin_specs, load_builtin_frameworks
from scoring.framework_io import HEADERS, spec_from_xlsx, spec_from_yaml, spec_to_xlsx, spec_to_yaml
from scoring.models import Framework, Item
from scoring.selectors import framework_spec
from scoring.spec import SpecError

INFO = [
    ("编号", "town-test"),
    ("名称", "镇级测试评分表"),
    ("类别", "五好党支部创建"),
    ("评价对象", "党支部"),
    ("等次", "优秀>=90；良好>=80；达标>=60；不达标>=0"),
    ("星级", "5>=90；4>=80；3>=70；2>=60；1>=0"),
    ("加分上限", 3),
    ("封顶规则", "2.1.1<60%:星级<=2:群众满意率低于60%最高二星"),
    ("依据", ""),
    ("说明", "手工制作"),
]
# A hand-made sheet with every method: 30 + 40 + 30 = 100, plus a bonus and a veto item.
ROWS = [
    ["1.1", "基础工作", "", "支部班子健全", "健全得30分", 30, "达标制", "否", "名单", "member_count"],
    [
        "1.2",
        "基础工作",
        "",
        "集体经济收入达到5万元",
        "达到得30分",
        30,
        "达标制",
        "否",
        "账目",
        "collective_income>=50000",
    ],
    ["2.1.1", "群众评价", "群众满意度", "群众满意", "按满意率折算〔档差0.5分〕", 20, "分档", "否", "测评表", ""],
    ["2.2.1", "群众评价", "信访稳定", "无越级访", "每发生一次扣2分〔每次扣2分〕", 20, "扣分", "是", "信访台账", ""],
    ["3.1", "加分与否决", "", "获上级表彰", "每项加1分〔档差1分〕", 3, "加分", "否", "表彰文件", ""],
    ["3.2", "加分与否决", "", "发生黄赌毒", "发生即否决", 0, "否决", "是", "派出所记录", ""],
]


def _workbook(rows=ROWS, info=INFO, headers=HEADERS) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "评分表"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    info_sheet = workbook.create_sheet("说明")
    info_sheet.append(["项目", "内容"])
    for row in info:
        info_sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("评分表.xlsx", buffer.getvalue())


def test_a_hand_made_sheet_with_every_method_imports():
    spec = spec_from_xlsx(_workbook())
    items = spec.item_map()
    assert [i.method for i in spec.items()] == ["met", "met", "graded", "deduction", "bonus", "veto"]
    assert items["2.1.1"].step == D("0.5") and items["2.1.1"].guidance == "按满意率折算"
    assert items["2.2.1"].per_occurrence == D(2) and items["2.2.1"].veto
    assert (items["1.2"].fact, items["1.2"].fact_min) == ("collective_income", D(50000))
    assert [a.title for a in spec.aspects] == ["基础工作", "群众评价", "加分与否决"]
    assert [s.code for s in spec.aspects[1].standards] == ["2.1", "2.2"]
    assert spec.caps[0].max_stars == 2 and spec.caps[0].below_ratio == D("0.6")
    assert spec.bonus_cap == D(3)


def test_every_builtin_loads_exports_and_reimports_identical(db):
    outcome = load_builtin_frameworks()
    assert len(outcome) == 8 and all(created for _name, _version, created in outcome)
    assert load_builtin_frameworks() == [(name, 1, False) for name, _v, _c in outcome]  # idempotent
    for framework in Framework.objects.all():
        spec = framework_spec(framework)
        assert spec.fingerprint() == framework.fingerprint
        from_xlsx = spec_from_xlsx(SimpleUploadedFile("x.xlsx", spec_to_xlsx(spec)))
        assert from_xlsx == spec, framework.code
        assert spec_from_yaml(spec_to_yaml(spec)) == spec
    assert Framework.objects.count() == 8


def test_builtins_follow_the_seeds_shape():
    specs = {spec.code: spec for spec in builtin_specs()}
    assert set(specs) == {
        "wuhao",
        "wuzhua",
        "standardization",
        "chuangxian-branch",
        "chuangxian-member",
        "demonstration",
        "inspection-organisational-life",
        "member-rating",
    }
    assert [a.title for a in specs["wuhao"].aspects[:5]] == [
        "示范引领能力好",
        "集体经济发展好",
        "人居环境改善好",
        "乡村治理效果好",
        "群众评价反响好",
    ]
    assert sum(1 for i in specs["wuhao"].items() if i.method == "veto") >= 2
    wuzhua_scored = [i for i in specs["wuzhua"].items() if i.method != "bonus"]
    assert len(specs["wuzhua"].aspects[:5]) == 5 and len(wuzhua_scored) == 10
    standardization = specs["standardization"]
    assert [a.title for a in standardization.aspects[:7]] == [
        "政治建设",
        "组织建设",
        "组织生活",
        "队伍建设",
        "党员教育管理",
        "基础保障",
        "考核评价",
    ]
    assert sum(len(a.standards) for a in standardization.aspects[:7]) == 42
    assert standardization.stars and standardization.caps[0].max_stars == 2
    assert specs["chuangxian-member"].subject == "member"
    rating = specs["member-rating"]  # 党员星级评定 (seed 003): 学习、组织生活、践诺、服务群众、遵纪守法, stars by total
    assert [a.title for a in rating.aspects] == ["学习", "组织生活", "践诺", "服务群众", "遵纪守法"]
    assert rating.subject == "member" and [s.min for s in rating.stars] == [90, 80, 70, 60, 0]
    assert len([a for a in specs["demonstration"].aspects if a.title != "加分项"]) == 8
    income_items = [i for s in specs.values() for i in s.items() if i.fact == "collective_income"]
    # 5万元 where the seed says so; 标准化 6.5.1 asks only for some income
    assert income_items and all(i.fact_min == (50000 if "5万" in i.guidance else 1) for i in income_items)


def _import(client, upload):
    return client.post(reverse("scoring:framework_import"), {"file": upload})


@pytest.mark.parametrize(
    "rows,info,expected",
    [
        (
            [ROWS[0], ["1.2", "基础工作", "", "收入", "", 30, "打分制", "否", "", ""]] + ROWS[2:],
            INFO,
            "“评分表”工作表第3行“评分方式”：“打分制”不是可选的评分方式，应为：达标制、分档、扣分、加分、否决。",
        ),
        (
            [ROWS[0], ["1.2", "基础工作", "", "收入", "", "三十", "达标制", "否", "", ""]] + ROWS[2:],
            INFO,
            "“评分表”工作表第3行“分值”：“三十”不是数字。",
        ),
        (
            [ROWS[0], ["1.1", "基础工作", "", "重复", "", 30, "达标制", "否", "", ""]] + ROWS[2:],
            INFO,
            "“评分表”工作表第3行“编号”：编号 1.1 与第2行重复。",
        ),
        (
            [ROWS[0], ["1.2", "", "", "无上级", "", 30, "达标制", "否", "", ""]] + ROWS[2:],
            INFO,
            "“评分表”工作表第3行“一级指标”：必须填写：每个评分项都要写明所属一级指标。",
        ),
        (
            [ROWS[0], ["1.2", "基础工作", "", "收入", "", 25, "达标制", "否", "", ""]] + ROWS[2:],
            INFO,
            "除加分项和否决项外，各评分项分值合计应为 100 分，现为 95 分。",
        ),
        (
            ROWS,
            [row for row in INFO if row[0] != "评价对象"] + [("评价对象", "村委会")],
            "“说明”工作表“评价对象”：应为“党支部”或“党员”。",
        ),
    ],
)
def test_bad_framework_files_are_refused_and_nothing_is_saved(client_for, cast, rows, info, expected):
    client = client_for(cast.users["township_staff"])
    response = _import(client, _workbook(rows, info))
    assert response.status_code == 200
    assert expected in response.context["errors"]
    assert not Framework.objects.exists() and not Item.objects.exists()


def test_a_good_file_imports_for_the_township_and_again_changes_nothing(client_for, cast):
    client = client_for(cast.users["township_staff"])
    response = _import(client, _workbook())
    framework = Framework.objects.get(code="town-test")
    assert response["Location"] == reverse("scoring:framework_detail", args=[framework.pk])
    assert framework.township == cast.township and framework.items.count() == 6
    _import(client, _workbook())
    assert Framework.objects.filter(code="town-test").count() == 1
    # another township cannot see it, nor take over its code
    other = client_for(cast.users["other_township_staff"])
    assert other.get(reverse("scoring:framework_detail", args=[framework.pk])).status_code == 404
    refused = _import(other, _workbook())
    assert refused.context["errors"] == ["编号“town-test”已被关兴镇的标准体系使用，请换一个编号。"]


def test_changed_content_makes_a_new_version_and_old_sheets_keep_theirs(client_for, cast):
    from scoring.services import score_sheet_create

    client = client_for(cast.users["township_staff"])
    _import(client, _workbook())
    first = Framework.objects.get(code="town-test")
    sheet = score_sheet_create(framework=first, branch=cast.branch, stage="self_assessment", year=2026, actor=None)
    changed = [ROWS[0][:4] + ["健全得30分，缺额不得分"] + ROWS[0][5:]] + ROWS[1:]
    _import(client, _workbook(changed))

    versions = list(Framework.objects.filter(code="town-test").order_by("version").values_list("version", flat=True))
    assert versions == [1, 2]
    sheet.refresh_from_db()
    assert sheet.framework_id == first.pk
    assert first.items.get(code="1.1").guidance == "健全得30分"


def _zip_with(extra: dict[str, bytes]) -> SimpleUploadedFile:
    base = _workbook().read()
    source = zipfile.ZipFile(io.BytesIO(base))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        for name, data in extra.items():
            target.writestr(name, data)
    return SimpleUploadedFile("x.xlsx", buffer.getvalue())


def test_hostile_workbooks_are_refused():
    with pytest.raises(SpecError) as macro:
        spec_from_xlsx(_zip_with({"xl/vbaProject.bin": b"\0" * 100}))
    assert macro.value.errors == ["文件含有宏：请另存为不含宏的 .xlsx 文件后再上传。"]
    with pytest.raises(SpecError) as bomb:
        spec_from_xlsx(_zip_with({"xl/media/padding.bin": b"\0" * (120 * 1024 * 1024)}))
    assert bomb.value.errors == ["文件解压后过大，无法读取：请确认上传的是正常的 Excel 文件。"]
    with pytest.raises(SpecError) as not_zip:
        spec_from_xlsx(SimpleUploadedFile("x.xlsx", b"<html>not a workbook</html>"))
    assert not_zip.value.errors[0].startswith("无法读取该文件")


def test_management_commands_share_the_import_path(db, tmp_path, capsys):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(_workbook().read())
    call_command("framework_import", str(path))
    assert "已导入为“镇级测试评分表”第1版" in capsys.readouterr().out
    out = tmp_path / "out.xlsx"
    call_command("framework_export", "town-test", str(out))
    workbook = load_workbook(out)
    assert [c.value for c in workbook["评分表"][1]] == HEADERS
    assert workbook["评分表"]["E5"].value == "每发生一次扣2分〔每次扣2分〕"
    call_command("framework_import", str(out))
    assert "内容未变" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_workbook([ROWS[0]]).read())
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as refused:
        call_command("framework_import", str(bad))
    assert "各评分项分值合计应为 100 分，现为 30 分" in str(refused.value)


def test_secretaries_do_not_manage_frameworks(client_for, cast):
    client = client_for(cast.users["branch_secretary"])
    assert client.get(reverse("scoring:framework_list")).status_code == 403
    assert client.get(reverse("scoring:framework_import")).status_code == 403


COUNTED_ROWS = [
    ["1.1", "基础工作", "", "支部班子健全", "健全得40分", 40, "达标制", "否", "名单", ""],
    ["1.2", "基础工作", "", "三会一课", "每缺一次扣1分〔每次扣1分，最多扣3分〕", 10, "扣分", "否", "记录", ""],
    ["2.1", "为民服务", "", "为群众办实事", "按办成件数计分〔档差1分〕", 50, "分档", "否", "台账", ""],
    ["3.1", "加分", "", "获县级以上表彰", "每获一次加2分〔每次加2分，最多5分〕", 5, "加分", "否", "表彰文件", ""],
]
COUNTED_INFO = [
    *[row for row in INFO if row[0] not in ("封顶规则", "加分上限")],
    ("加分上限", 5),
    ("封顶规则", "2.1<30分:星级<=2:为民服务得分低于30分最高二星"),
]


def test_a_counted_capped_bonus_and_a_points_cap_import_score_and_round_trip(db):
    """Worked example (100 before bonus: 1.1 达标制 40, 1.2 扣分 10, 2.1 分档 50; 3.1 加分 5):

    - 1.1 met: 40.
    - 1.2 four meetings missed, 〔每次扣1分，最多扣3分〕: 4 × 1 = 4 off, capped at 3 → 10 − 3 = 7.
    - 2.1 graded 29 of 50: 29.
    - 3.1 honoured three times, 〔每次加2分，最多5分〕: 3 × 2 = 6, capped at 5 → 5 (within the sheet's 加分上限 5).
    - Total 40 + 7 + 29 + 5 = 81 → 良好 (≥ 80) and 4 stars by the total (≥ 80);
      but 2.1 scored 29 < 30 points → “为民服务得分低于30分最高二星”: 2 stars.
    With 2.1 at 30 (total 82) the cap does not apply and the stars stay 4.
    """
    from scoring.engine import Entry, score

    spec = spec_from_xlsx(_workbook(rows=COUNTED_ROWS, info=COUNTED_INFO))
    items = spec.item_map()
    assert (items["3.1"].method, items["3.1"].per_occurrence, items["3.1"].cap) == ("bonus", D(2), D(5))
    assert (items["1.2"].per_occurrence, items["1.2"].cap) == (D(1), D(3))
    assert (spec.caps[0].below_points, spec.caps[0].max_stars) == (D(30), 2)

    entries = {
        "1.1": Entry(met=True),
        "1.2": Entry(occurrences=4),
        "2.1": Entry(points=D(29)),
        "3.1": Entry(occurrences=3),
    }
    result = score(spec, entries)
    points = {code: r.points for code, r in result.items.items()}
    assert points == {"1.1": D(40), "1.2": D(7), "2.1": D(29), "3.1": D(5)}
    assert result.total == D(81) and result.grade.value == "良好"
    assert result.stars.value == 2 and "为民服务得分低于30分最高二星" in result.stars.rule
    assert score(spec, {**entries, "2.1": Entry(points=D(30))}).stars.value == 4

    # export → import is identical, in the workbook and in YAML; the database keeps it too
    assert spec_from_xlsx(SimpleUploadedFile("a.xlsx", spec_to_xlsx(spec))) == spec
    assert spec_from_yaml(spec_to_yaml(spec)) == spec
    from scoring.services import framework_save
    from tests.factories import UserFactory

    framework, _ = framework_save(spec=spec, actor=UserFactory(is_superuser=True))
    assert framework_spec(framework) == spec


@pytest.mark.parametrize(
    ("guidance", "method", "message"),
    [
        ("每次加1分〔每次加一分〕", "加分", "结尾的“〔每次加一分〕”不是可识别的计分写法"),
        ("按次计分〔每两次扣1分〕", "扣分", "不是可识别的计分写法"),
        ("每次扣1分〔每次扣1分〕", "加分", "与评分方式“加分”不符"),
    ],
)
def test_an_unknown_or_mismatched_method_tail_is_refused_naming_row_and_column(guidance, method, message):
    rows = [*COUNTED_ROWS[:3], ["3.1", "加分", "", "获表彰", guidance, 5, method, "否", "", ""]]
    with pytest.raises(SpecError) as refused:
        spec_from_xlsx(_workbook(rows=rows, info=COUNTED_INFO))
    text = str(refused.value)
    assert message in text and "第5行" in text and "评分标准" in text


def test_a_counted_bonus_is_filled_as_a_count_on_the_page(client_for, cast):
    """The sheet asks how many times (加分次数, 每次 2 分，最多5分) and scores min(5, 2 × n)."""
    from scoring.services import framework_save, score_sheet_create

    spec = spec_from_xlsx(_workbook(rows=COUNTED_ROWS, info=COUNTED_INFO))
    framework, _ = framework_save(spec=spec, township=cast.township, actor=cast.users["township_staff"])
    sheet = score_sheet_create(framework=framework, branch=cast.branch, stage="self_assessment", year=2026, actor=None)
    client = client_for(cast.users["branch_secretary"])
    url = reverse("scoring:sheet_fill", args=[sheet.pk])
    page = client.get(url).content.decode()
    assert "加分次数" in page and "每次 2 分，最多5分" in page
    client.post(url, {"3.1-value": "3", "1.2-value": "4", "revision": sheet.revision})
    sheet.refresh_from_db()
    assert sheet.entries.get(item__code="3.1").occurrences == 3
    assert sheet.bonus_total == D(5) and sheet.entries.get(item__code="1.2").occurrences == 4
    assert 'name="3.1-value" value="3"' in client.get(url).content.decode()
