"""Issue 14: entries save as they are typed, what cannot be saved yet is kept, one tap states an
aspect's "无扣分情形", and a verification sheet reviews the self-assessment instead of re-typing it."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring.builtin import load_builtin_frameworks
from scoring.entries import RawEntry
from scoring.models import EntryChange, Framework, ScoreSheet, SheetDraft
from scoring.services import (
    AFFIRM_REASON,
    SheetEntryErrors,
    score_sheet_create,
    score_sheet_save,
    sheet_affirm,
)
from tests.factories import township_staff


@pytest.fixture
def sheet(cast, db):
    load_builtin_frameworks()
    return score_sheet_create(
        framework=Framework.objects.get(code="wuhao"),
        branch=cast.branch,
        stage="self_assessment",
        year=2026,
        actor=None,
    )


def _autosave(client, sheet, data):
    revision = ScoreSheet.objects.get(pk=sheet.pk).revision
    return client.post(reverse("scoring:sheet_autosave", args=[sheet.pk]), {**data, "revision": revision})


def test_autosave_saves_what_is_valid_and_keeps_the_rest_as_typed(client_for, cast, sheet):
    secretary = cast.users["branch_secretary"]
    client = client_for(secretary)
    answer = _autosave(client, sheet, {"1.2-value": "3", "1.3-value": "abc", "1.3-comment": "突击队名单待补"})
    assert "已自动保存" not in answer.content.decode()  # one item refused: the status says so
    assert 'id="err-1.3"' in answer.content.decode() and "应为数字" in answer.content.decode()
    assert sheet.entries.get(item__code="1.2").points == 3  # saved at once
    assert not sheet.entries.filter(item__code="1.3").exists()
    assert SheetDraft.objects.get(sheet=sheet, user=secretary).raw["1.3"]["value"] == "abc"

    # a reload (or another device) shows what she typed, with the message beside it
    page = client.get(reverse("scoring:sheet_fill", args=[sheet.pk])).content.decode()
    assert 'name="1.3-value" value="abc"' in page
    assert "突击队名单待补" in page and "已恢复您上次填写但尚未保存的 1 项（1.3）" in page

    # once it is put right the draft is gone
    answer = _autosave(client, sheet, {"1.3-value": "4", "1.3-comment": "突击队名单待补"})
    assert "已自动保存" in answer.content.decode()
    assert sheet.entries.get(item__code="1.3").points == 4
    assert not SheetDraft.objects.filter(sheet=sheet).exists()


def test_the_page_submitted_during_its_own_autosave_is_not_stale_but_another_persons_save_is(client_for, cast, sheet):
    secretary = cast.users["branch_secretary"]
    client = client_for(secretary)
    url = reverse("scoring:sheet_fill", args=[sheet.pk])
    page = client.get(url).content.decode()
    token = page.split('name="page" value="')[1][:32]
    seen = ScoreSheet.objects.get(pk=sheet.pk).revision
    # the page's autosave moves the sheet on while the page's own form still holds `seen`
    _autosave(client, sheet, {"1.2-value": "3", "page": token})
    client.post(url, {"1.2-value": "3", "1.4-value": "2", "revision": seen, "page": token})
    assert sheet.entries.get(item__code="1.4").points == 2

    # another page load (another tab) with the old revision is stale
    refused = client.post(url, {"1.4-value": "1", "revision": seen, "page": "0" * 32})
    assert "保存失败" in refused.content.decode()
    # and so is this page once someone else has saved in between
    staff = cast.users["township_staff"]
    score_sheet_save(sheet=sheet, raw={"1.5": RawEntry(value="1")}, actor=staff)
    refused = client.post(url, {"1.4-value": "1", "revision": seen + 2, "page": token})
    assert "保存失败" in refused.content.decode()
    assert sheet.entries.get(item__code="1.4").points == 2


def test_one_tap_states_an_aspect_without_touching_what_is_filled(cast, sheet):
    secretary = cast.users["branch_secretary"]
    score_sheet_save(sheet=sheet, raw={"1.3": RawEntry(value="2")}, actor=secretary)  # her own entry
    sheet.refresh_from_db()
    stated = sheet_affirm(sheet=sheet, aspect="1", actor=secretary, revision=sheet.revision)
    assert stated == ["1.2", "1.4", "1.5", "1.6"]  # 1.1 and 1.7 came from the register and the records
    entries = {e.item.code: e for e in sheet.entries.select_related("item")}
    assert entries["1.3"].points == 2 and not entries["1.3"].affirmed
    assert entries["1.1"].occurrences == 1 and not entries["1.1"].affirmed  # no secretary on the register
    assert entries["1.6"].occurrences == 0 and entries["1.6"].affirmed  # deduction: none
    assert entries["1.2"].points == 3 and entries["1.2"].affirmed  # graded: the standard met
    history = EntryChange.objects.filter(sheet=sheet, item_code="1.6").get()
    assert history.reason == AFFIRM_REASON and history.changed_by == secretary

    sheet.refresh_from_db()
    sheet_affirm(sheet=sheet, aspect="6", actor=secretary, revision=sheet.revision)
    assert sheet.entries.get(item__code="6.1").points == 0  # bonus: none

    # changing an affirmed item makes it her own entry
    sheet.refresh_from_db()
    score_sheet_save(sheet=sheet, raw={"1.6": RawEntry(value="1")}, actor=secretary, revision=sheet.revision)
    assert not sheet.entries.get(item__code="1.6").affirmed


def test_the_aspect_button_saves_what_was_typed_first(client_for, cast, sheet):
    client = client_for(cast.users["branch_secretary"])
    url = reverse("scoring:sheet_fill", args=[sheet.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="affirm-1"' in page and "其余 5 项按标准自评" in page  # 1.1 and 1.7 from records
    answer = client.post(
        url, {"1.3-value": "2", "affirm": "1", "revision": ScoreSheet.objects.get(pk=sheet.pk).revision}
    )
    assert answer.status_code == 302 and answer["Location"].endswith("#aspect-1")
    assert sheet.entries.get(item__code="1.3").points == 2  # what she typed, not the statement
    assert sheet.entries.get(item__code="1.4").points == 3
    assert 'data-testid="affirm-1"' not in client.get(url).content.decode()  # nothing open in it now


def test_a_verification_sheet_opens_with_the_self_assessment_and_each_change_needs_a_reason(cast, sheet):
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    score_sheet_save(sheet=sheet, raw={"1.2": RawEntry(value="3"), "1.1": RawEntry(value="1")}, actor=secretary)
    verification = score_sheet_create(
        framework=sheet.framework, branch=cast.branch, stage="verification", year=2026, actor=staff, basis=sheet
    )
    entries = {e.item.code: e for e in verification.entries.select_related("item")}
    assert entries["1.2"].points == 3 and entries["1.2"].carried
    assert entries["1.1"].occurrences == 1 and entries["1.1"].carried

    with pytest.raises(SheetEntryErrors) as refused:
        score_sheet_save(sheet=verification, raw={"1.2": RawEntry(value="1")}, actor=staff)
    assert refused.value.errors == {"1.2": "所填与自评（3 分）不同，请写明改动理由。"}
    score_sheet_save(sheet=verification, raw={"1.2": RawEntry(value="1", reason="会议记录不全")}, actor=staff)
    changed = verification.entries.get(item__code="1.2")
    assert changed.points == 1 and not changed.carried and changed.override_reason == "会议记录不全"
    # the same value again needs no reason and stays carried
    score_sheet_save(sheet=verification, raw={"1.1": RawEntry(value="1")}, actor=staff)
    assert verification.entries.get(item__code="1.1").carried

    review = score_sheet_create(
        framework=sheet.framework,
        branch=cast.branch,
        stage="review",
        year=2026,
        actor=township_staff(cast.township, username="x2"),
        basis=verification,
    )
    assert review.entries.get(item__code="1.2").points == D(1)  # the township's, not the secretary's
    with pytest.raises(SheetEntryErrors) as refused:
        score_sheet_save(sheet=review, raw={"1.2": RawEntry(value="2")}, actor=staff)
    assert refused.value.errors == {"1.2": "所填与镇验收（1 分）不同，请写明改动理由。"}


def test_the_verification_page_marks_carried_and_changed_items(client_for, cast, sheet):
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    score_sheet_save(sheet=sheet, raw={"1.2": RawEntry(value="3"), "1.3": RawEntry(value="4")}, actor=secretary)
    verification = score_sheet_create(
        framework=sheet.framework, branch=cast.branch, stage="verification", year=2026, actor=staff, basis=sheet
    )
    score_sheet_save(sheet=verification, raw={"1.3": RawEntry(value="2", reason="突击队未组建")}, actor=staff)
    page = client_for(staff).get(reverse("scoring:sheet_fill", args=[verification.pk])).content.decode()
    assert 'data-testid="carried-1.2">沿用自评' in page
    assert 'data-testid="carried-1.3"' not in page
    assert 'data-testid="differs-1.3">已改 · 自评 4 分' in page
    assert 'placeholder="与自评不同时，写明改动理由"' in page


def test_a_stale_autosave_keeps_nothing_that_could_come_back_over_newer_entries(client_for, cast, sheet):
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    client = client_for(secretary)
    seen = ScoreSheet.objects.get(pk=sheet.pk).revision
    score_sheet_save(sheet=sheet, raw={"1.2": RawEntry(value="1")}, actor=staff, revision=seen)
    answer = client.post(
        reverse("scoring:sheet_autosave", args=[sheet.pk]), {"1.2-value": "3", "revision": seen, "page": "a" * 32}
    )
    assert "保存失败" in answer.content.decode()  # the stale tab says so; its typing stays on it
    assert sheet.entries.get(item__code="1.2").points == 1
    assert not SheetDraft.objects.filter(sheet=sheet, user=secretary).exists()


def test_after_a_refused_autosave_the_page_stays_stale_and_never_writes_over_the_newer_entries(client_for, cast, sheet):
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    client = client_for(secretary)
    page_token = "b" * 32
    seen = ScoreSheet.objects.get(pk=sheet.pk).revision
    score_sheet_save(
        sheet=sheet, raw={"1.2": RawEntry(value="1"), "1.3": RawEntry(value="4")}, actor=staff, revision=seen
    )
    url = reverse("scoring:sheet_autosave", args=[sheet.pk])
    stale = {"1.2-value": "", "1.3-value": "", "1.4-value": "2", "revision": seen, "page": page_token}
    answer = client.post(url, stale).content.decode()
    assert "保存失败" in answer and 'id="sheet-revision"' not in answer  # the page keeps its old revision
    client.post(url, stale)  # its next keystroke is refused the same way
    assert sheet.entries.get(item__code="1.2").points == 1 and sheet.entries.get(item__code="1.3").points == 4
    assert not sheet.entries.filter(item__code="1.4").exists()


def test_a_verifier_ticking_a_veto_must_give_a_reason(cast, sheet):
    staff = cast.users["township_staff"]
    verification = score_sheet_create(
        framework=sheet.framework, branch=cast.branch, stage="verification", year=2026, actor=staff, basis=sheet
    )
    with pytest.raises(SheetEntryErrors) as refused:
        score_sheet_save(sheet=verification, raw={"4.5": RawEntry(veto="是")}, actor=staff)
    assert refused.value.errors == {"4.5": "所填与自评（未填）不同，请写明改动理由。"}
    score_sheet_save(sheet=verification, raw={"4.5": RawEntry(veto="是", reason="核实有越级访")}, actor=staff)
    assert verification.entries.get(item__code="4.5").veto_triggered


def test_a_record_saved_later_moves_the_self_assessment_but_not_what_the_verifier_carried(cast, sheet):
    from records.models import DocumentKind
    from records.services import document_record

    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    verification = score_sheet_create(
        framework=sheet.framework, branch=cast.branch, stage="verification", year=2026, actor=staff, basis=sheet
    )
    carried = verification.entries.get(item__code="2.2")
    assert carried.carried and carried.points == 0  # no plan kept when the sheets were opened
    document_record(branch=cast.branch, kind=DocumentKind.ECONOMY_PLAN, year=2026, actor=secretary)
    assert sheet.entries.get(item__code="2.2").points == 1  # the open self-assessment follows the record
    carried.refresh_from_db()
    assert carried.points == 0 and carried.carried  # the verification sheet reviews the self-assessment


def test_a_draft_never_comes_back_onto_a_closed_item_or_over_a_newer_entry(client_for, cast, sheet):
    secretary = cast.users["branch_secretary"]
    client = client_for(secretary)
    _autosave(client, sheet, {"1.3-value": "abc", "1.4-value": "xyz"})
    sheet.editable_items = ["1.4"]
    sheet.save(update_fields=["editable_items"])
    page = client.get(reverse("scoring:sheet_fill", args=[sheet.pk])).content.decode()
    assert 'name="1.3-value" value="abc"' not in page  # 1.3 is closed now
    assert 'name="1.4-value" value="xyz"' in page
    sheet.editable_items = None
    sheet.save(update_fields=["editable_items"])
    score_sheet_save(sheet=sheet, raw={"1.4": RawEntry(value="2")}, actor=cast.users["township_staff"])
    page = client.get(reverse("scoring:sheet_fill", args=[sheet.pk])).content.decode()
    assert 'name="1.4-value" value="xyz"' not in page  # saved by someone since: theirs stands
