"""Score sheets: filling on the page, facts that pre-fill items, offline .xlsx."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from branches.services import annual_figure_record
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework, ScoreEntry, ScoreSheet
from scoring.services import score_sheet_create
from tests.factories import BranchFactory


@pytest.fixture
def frameworks(db):
    load_builtin_frameworks()
    return {f.code: f for f in Framework.objects.all()}


# what the wuhao sheet of the one-member 法泥村 opens with: 2.1 (income, met: 6) and the items its
# records decide — 1.1 (no secretary recorded: 1 vacancy, 2 of 3), 1.7 (0 %), 3.5, 5.2 and 5.4 (none held
# in 2026's months and quarters that are over: 0), and 2.2, 2.4, 3.1, 4.1, 4.3 and 4.8 (no 台账资料 kept: 0) → 8 points
PREFILLED = 12
PREFILLED_TOTAL = D(8)


@pytest.fixture
def wuhao_sheet(cast, frameworks):
    annual_figure_record(branch=cast.branch, year=2026, collective_income=D(62000), actor=None)
    return score_sheet_create(
        framework=frameworks["wuhao"], branch=cast.branch, stage="self_assessment", year=2026, actor=None
    )


def test_facts_prefill_items_with_their_source(client_for, cast, wuhao_sheet):
    entry = wuhao_sheet.entries.get(item__code="2.1")
    assert entry.met is True  # 62,000 ≥ 50,000
    assert wuhao_sheet.entries.count() == PREFILLED
    assert wuhao_sheet.total == PREFILLED_TOTAL
    page = client_for(cast.users["branch_secretary"]).get(reverse("scoring:sheet_fill", args=[wuhao_sheet.pk]))
    assert "系统数据：年度数据：2026年村集体经济收入 62,000 元" in page.content.decode()


def _revision(sheet) -> str:
    """The revision the page carries in its hidden field."""
    return str(ScoreSheet.objects.get(pk=sheet.pk).revision)


def test_overriding_a_fact_needs_a_reason(client_for, cast, wuhao_sheet):
    client = client_for(cast.users["branch_secretary"])
    url = reverse("scoring:sheet_fill", args=[wuhao_sheet.pk])
    refused = client.post(url, {"2.1-value": "否", "revision": _revision(wuhao_sheet)})
    assert refused.status_code == 200
    assert (
        "所填与系统数据（年度数据：2026年村集体经济收入 62,000 元）不一致，请写明修正说明。" in refused.content.decode()
    )
    assert wuhao_sheet.entries.get(item__code="2.1").met is True

    client.post(
        url,
        {"2.1-value": "否", "2.1-reason": "其中3万元为一次性补助，不计经营收入", "revision": _revision(wuhao_sheet)},
    )
    entry = wuhao_sheet.entries.get(item__code="2.1")
    assert entry.met is False and entry.override_reason.startswith("其中3万元")


def test_a_draft_keeps_every_entry_and_the_stored_total(client_for, cast, wuhao_sheet):
    """8 (pre-filled) + 2.5 (1.4) + 2 − 2 × 1 (1.6: 2 occurrences) = 10.5; bonus 6.1 = 2 → 12.5."""
    client = client_for(cast.users["branch_secretary"])
    url = reverse("scoring:sheet_fill", args=[wuhao_sheet.pk])
    response = client.post(
        url,
        {
            "2.1-value": "是",
            "1.4-value": "2.5",
            "1.6-value": "2",
            "1.6-comment": "已补开支委会",
            "6.1-value": "2",
            "4.5-veto": "",
            "revision": _revision(wuhao_sheet),
        },
    )
    assert response.status_code == 302
    wuhao_sheet.refresh_from_db()
    assert (wuhao_sheet.total, wuhao_sheet.bonus_total, wuhao_sheet.grade) == (D("12.5"), D(2), "不达标")
    assert not wuhao_sheet.complete
    assert wuhao_sheet.entries.get(item__code="1.6").comment == "已补开支委会"
    page = client.get(url).content.decode()
    assert 'name="1.4-value" value="2.5"' in page and 'value="已补开支委会"' in page


def test_invalid_entries_are_shown_and_nothing_is_saved(client_for, cast, wuhao_sheet):
    client = client_for(cast.users["branch_secretary"])
    response = client.post(
        reverse("scoring:sheet_fill", args=[wuhao_sheet.pk]),
        {"1.4-value": "3.5", "1.2-value": "1.3", "revision": _revision(wuhao_sheet)},
    )
    html = response.content.decode()
    assert "得分不能超过分值 3 分。" in html and "得分应以 1 分为档。" in html
    assert "有 2 项填写有误，未保存" in html
    assert wuhao_sheet.entries.count() == PREFILLED  # only the pre-filled fact


@pytest.mark.parametrize("revision", [None, "", "abc", "-1"])
def test_a_save_without_a_valid_revision_is_refused_and_keeps_what_was_typed(client_for, cast, wuhao_sheet, revision):
    client = client_for(cast.users["branch_secretary"])
    data = {"1.4-value": "2.5", "1.6-comment": "已补开支委会"}
    if revision is not None:
        data["revision"] = revision
    response = client.post(reverse("scoring:sheet_fill", args=[wuhao_sheet.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200 and "页面缺少评分表的修订号，未保存" in html
    assert 'name="1.4-value" value="2.5"' in html and 'value="已补开支委会"' in html
    assert wuhao_sheet.entries.count() == PREFILLED  # only the pre-filled fact


def test_the_preview_shows_the_running_total(client_for, cast, wuhao_sheet):
    client = client_for(cast.users["branch_secretary"])
    response = client.post(
        reverse("scoring:sheet_preview", args=[wuhao_sheet.pk]), {"2.1-value": "是", "1.5-value": "2"}
    )
    assert response.context["result"].total == PREFILLED_TOTAL + 2
    assert ScoreSheet.objects.get(pk=wuhao_sheet.pk).total == PREFILLED_TOTAL  # nothing saved


def test_a_member_framework_scores_a_member_of_the_branch(client_for, cast, frameworks):
    client = client_for(cast.users["township_staff"])
    url = reverse("scoring:sheet_create", args=[cast.branch.pk])
    refused = client.post(url, {"framework": frameworks["chuangxian-member"].pk, "stage": "verification", "year": 2026})
    assert "该标准体系评价党员，请选择一名党员。" in refused.content.decode()
    client.post(
        url,
        {
            "framework": frameworks["chuangxian-member"].pk,
            "stage": "verification",
            "year": 2026,
            "member": cast.member.pk,
        },
    )
    sheet = ScoreSheet.objects.get()
    assert sheet.member == cast.member and sheet.subject_label == "法泥村党支部 张三"


def test_sheet_pages_answer_only_inside_the_unit(client_for, cast, wuhao_sheet):
    pages = ["sheet_fill", "sheet_print", "sheet_download"]
    for role in ("county_reviewer", "township_staff", "branch_secretary"):
        for page in pages:
            assert (
                client_for(cast.users[role]).get(reverse(f"scoring:{page}", args=[wuhao_sheet.pk])).status_code == 200
            )
            outsider = client_for(cast.users[f"other_{role}"])
            assert outsider.get(reverse(f"scoring:{page}", args=[wuhao_sheet.pk])).status_code == 404
        outsider = client_for(cast.users[f"other_{role}"])
        assert outsider.post(reverse("scoring:sheet_preview", args=[wuhao_sheet.pk])).status_code == 404
    # a county reviewer reads a self-assessment but does not fill it
    county = client_for(cast.users["county_reviewer"])
    assert county.post(reverse("scoring:sheet_fill", args=[wuhao_sheet.pk]), {"1.4-value": "1"}).status_code == 403
    listed = county.get(reverse("scoring:sheet_list")).context["sheets"]
    assert [s.pk for s in listed] == [wuhao_sheet.pk]
    assert (
        client_for(cast.users["other_county_reviewer"]).get(reverse("scoring:sheet_list")).context["sheet_count"] == 0
    )


def test_sheet_list_uses_a_constant_number_of_queries(client_for, cast, frameworks, django_assert_max_num_queries):
    client = client_for(cast.users["county_reviewer"])
    for _ in range(3):
        score_sheet_create(
            framework=frameworks["wuzhua"], branch=cast.branch, stage="verification", year=2026, actor=None
        )
    with django_assert_max_num_queries(9) as few:  # with the top bar's unread count
        client.get(reverse("scoring:sheet_list"))
    for _ in range(12):
        branch = BranchFactory(township=cast.township)
        score_sheet_create(framework=frameworks["wuzhua"], branch=branch, stage="verification", year=2026, actor=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("scoring:sheet_list"))
    assert response.context["sheet_count"] == 15


def _download(client, sheet, **params):
    response = client.get(reverse("scoring:sheet_download", args=[sheet.pk]), params)
    return load_workbook(io.BytesIO(response.content))


def _upload(client, sheet, workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return client.post(
        reverse("scoring:sheet_upload", args=[sheet.pk]), {"file": SimpleUploadedFile("评分.xlsx", buffer.getvalue())}
    )


def _row_of(worksheet, code):
    return next(row for row in worksheet.iter_rows(min_row=2) if row[0].value == code)


def test_offline_filling_shows_changes_then_saves_on_confirm(client_for, cast, wuhao_sheet):
    client = client_for(cast.users["branch_secretary"])
    workbook = _download(client, wuhao_sheet)
    worksheet = workbook["评分"]
    assert _row_of(worksheet, "2.1")[7].value == "是"  # entries so far are in the file
    _row_of(worksheet, "1.4")[7].value = 2.5
    _row_of(worksheet, "3.2")[7].value = 2
    _row_of(worksheet, "3.2")[9].value = "垃圾点两处未清理，已整改"

    preview = _upload(client, wuhao_sheet, workbook)
    changes = preview.context["changes"]
    assert [c["item"].code for c in changes] == ["1.4", "3.2"]
    assert wuhao_sheet.entries.count() == PREFILLED  # nothing saved yet

    client.post(reverse("scoring:sheet_upload_confirm", args=[wuhao_sheet.pk]), {"token": preview.context["token"]})
    wuhao_sheet.refresh_from_db()
    assert wuhao_sheet.entries.get(item__code="3.2").occurrences == 2
    assert wuhao_sheet.total == PREFILLED_TOTAL + D("2.5") + D(4) - 2 * D("0.5")


def test_offline_errors_name_the_row_and_save_nothing(client_for, cast, wuhao_sheet):
    client = client_for(cast.users["branch_secretary"])
    workbook = _download(client, wuhao_sheet, blank=1)
    worksheet = workbook["评分"]
    assert _row_of(worksheet, "2.1")[7].value is None  # blank copy
    row = _row_of(worksheet, "1.4")
    row[7].value = 9
    response = _upload(client, wuhao_sheet, workbook)
    assert response.context["errors"] == [f"第{row[0].row}行（编号 1.4）：得分不能超过分值 3 分。"]
    assert wuhao_sheet.entries.count() == PREFILLED


@pytest.mark.parametrize(
    "count, message",
    [
        (99999999999, "扣分次数不能超过 1000 次，请核对。"),  # PostgreSQL's "integer out of range" (a 500)
        ("99999999999", "扣分次数不能超过 1000 次，请核对。"),
        (10**20, "扣分次数不能超过 1000 次，请核对。"),  # beyond SQLite's 64 bits too
        (-1, "扣分次数应为不小于 0 的整数。"),
    ],
)
def test_an_offline_count_beyond_its_range_is_refused_on_its_row(client_for, cast, wuhao_sheet, count, message):
    client = client_for(cast.users["branch_secretary"])
    workbook = _download(client, wuhao_sheet)
    row = _row_of(workbook["评分"], "3.2")
    row[7].value = count
    response = _upload(client, wuhao_sheet, workbook)
    assert response.status_code == 200
    assert response.context["errors"] == [f"第{row[0].row}行（编号 3.2）：{message}"]
    assert wuhao_sheet.entries.count() == PREFILLED


def test_a_workbook_of_another_sheet_is_refused(client_for, cast, frameworks, wuhao_sheet):
    client = client_for(cast.users["branch_secretary"])
    other = score_sheet_create(
        framework=frameworks["wuhao"], branch=cast.branch, stage="self_assessment", year=2025, actor=None
    )
    response = _upload(client, wuhao_sheet, _download(client, other))
    assert response.context["errors"] == ["该文件属于另一张评分表（法泥村党支部），请下载本评分表的文件填写。"]


def test_a_request_that_leaves_an_item_out_does_not_erase_it(client_for, cast, wuhao_sheet):
    client = client_for(cast.users["branch_secretary"])
    client.post(
        reverse("scoring:sheet_fill", args=[wuhao_sheet.pk]), {"1.4-value": "2.5", "revision": _revision(wuhao_sheet)}
    )
    assert wuhao_sheet.entries.get(item__code="2.1").met is True  # the pre-filled fact, not in the request


def test_a_blank_workbook_leaves_the_prefilled_facts_and_entries_alone(client_for, cast, wuhao_sheet):
    client = client_for(cast.users["branch_secretary"])
    client.post(
        reverse("scoring:sheet_fill", args=[wuhao_sheet.pk]),
        {"1.4-value": "2.5", "1.4-comment": "学习记录齐全", "revision": _revision(wuhao_sheet)},
    )
    workbook = _download(client, wuhao_sheet, blank=1)
    _row_of(workbook["评分"], "3.2")[7].value = 1  # the one thing typed offline

    preview = _upload(client, wuhao_sheet, workbook)
    assert [c["item"].code for c in preview.context["changes"]] == ["3.2"]
    client.post(reverse("scoring:sheet_upload_confirm", args=[wuhao_sheet.pk]), {"token": preview.context["token"]})
    entries = {e.item.code: e for e in wuhao_sheet.entries.select_related("item")}
    assert entries["2.1"].met is True  # the fact the system filled in
    assert (entries["1.4"].points, entries["1.4"].comment) == (D("2.5"), "学习记录齐全")
    assert entries["3.2"].occurrences == 1


def test_a_workbook_made_before_a_newer_save_is_refused_naming_the_items(client_for, cast, wuhao_sheet):
    client = client_for(cast.users["branch_secretary"])
    workbook = _download(client, wuhao_sheet)
    staff = client_for(cast.users["township_staff"])
    staff.post(
        reverse("scoring:sheet_fill", args=[wuhao_sheet.pk]), {"1.4-value": "3", "revision": _revision(wuhao_sheet)}
    )
    _row_of(workbook["评分"], "1.4")[7].value = 1

    errors = _upload(client, wuhao_sheet, workbook).context["errors"]
    assert errors[0].startswith("下载该文件后，这张评分表已被保存过")
    assert len(errors) == 2 and errors[1].startswith("编号 1.4：") and "改为“3 分”" in errors[1]
    assert wuhao_sheet.entries.get(item__code="1.4").points == D(3)


def test_a_confirmation_after_a_newer_save_is_refused(client_for, cast, wuhao_sheet):
    client = client_for(cast.users["branch_secretary"])
    workbook = _download(client, wuhao_sheet)
    _row_of(workbook["评分"], "1.4")[7].value = 1
    preview = _upload(client, wuhao_sheet, workbook)
    client.post(
        reverse("scoring:sheet_fill", args=[wuhao_sheet.pk]), {"1.4-value": "3", "revision": _revision(wuhao_sheet)}
    )
    client.post(reverse("scoring:sheet_upload_confirm", args=[wuhao_sheet.pk]), {"token": preview.context["token"]})
    assert wuhao_sheet.entries.get(item__code="1.4").points == D(3)


def test_a_workbook_without_its_revision_is_refused(client_for, cast, wuhao_sheet):
    client = client_for(cast.users["branch_secretary"])
    workbook = _download(client, wuhao_sheet)
    info = workbook["说明"]
    for row in info.iter_rows(min_row=2):
        if row[0].value == "修订号（请勿修改）":
            row[1].value = None
    assert _upload(client, wuhao_sheet, workbook).context["errors"] == [
        "该文件缺少评分表的修订号（可能是旧版文件或被改动过）：请重新下载本评分表的 Excel 文件填写。"
    ]


def test_a_forged_confirmation_is_refused(client_for, cast, wuhao_sheet):
    client = client_for(cast.users["branch_secretary"])
    client.post(reverse("scoring:sheet_upload_confirm", args=[wuhao_sheet.pk]), {"token": "forged"})
    assert ScoreEntry.objects.count() == PREFILLED  # only what the facts filled in


def test_printable_view_has_the_printed_columns(client_for, cast, wuhao_sheet):
    html = (
        client_for(cast.users["township_staff"])
        .get(reverse("scoring:sheet_print", args=[wuhao_sheet.pk]))
        .content.decode()
    )
    for header in ("考核项目", "考核内容", "评分标准", "分值", "得分", "备注"):
        assert f">{header}</th>" in html
    assert "示范引领能力好" in html


@pytest.mark.parametrize(
    "data, message",
    [
        ({"1.6-value": "99999999999"}, "扣分次数不能超过 1000 次，请核对。"),
        ({"1.6-value": "²"}, "扣分次数应为不小于 0 的整数。"),
        ({"1.6-value": "-1"}, "扣分次数应为不小于 0 的整数。"),
        ({"1.6-comment": "很" * 600}, "备注不能超过 500 字（现为 600 字）。"),
        ({"2.1-value": "否", "2.1-reason": "因" * 301}, "修正说明不能超过 300 字（现为 301 字）。"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_typed_is_lost(client_for, cast, wuhao_sheet, data, message):
    client = client_for(cast.users["branch_secretary"])
    response = client.post(
        reverse("scoring:sheet_fill", args=[wuhao_sheet.pk]),
        {**data, "1.4-value": "2.5", "revision": _revision(wuhao_sheet)},
    )
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert 'name="1.4-value" value="2.5"' in html  # the rest of what was typed stays on the page
    assert wuhao_sheet.entries.count() == PREFILLED  # nothing saved: all or none
