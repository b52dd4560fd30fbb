"""Frameworks (browse, import, export) and score sheets (fill, preview,
print, offline .xlsx). Lookups go through the scoped querysets: outside the
user's unit a sheet does not exist (404)."""

import uuid
from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from audit.services import AuditEvent, audit_download, audit_import, audit_record
from branches.models import Branch
from branches.scoping import Role, unit_owner
from common.dates import today
from common.files import ALLOWED_TYPES, stored_file_response
from common.numbers import plain_int
from common.workbooks import XLSX_CONTENT_TYPE

from . import selectors
from .entries import RawEntry
from .evidence import EvidenceRefused, evidence_add
from .facts import fact_records, prefilled_entry
from .facts.members import member_records
from .forms import FrameworkImportForm, SheetCreateForm
from .framework_io import MAX_UPLOAD_BYTES, spec_from_xlsx, spec_from_yaml, spec_to_xlsx, spec_to_yaml
from .hooks import sheet_panels
from .models import Evidence, Framework, ScoreSheet, SheetDraft
from .services import (
    SheetEntryErrors,
    SheetLocked,
    StaleSheet,
    basis_label,
    entry_text,
    framework_save,
    item_editable,
    may_fill,
    score_sheet_autosave,
    score_sheet_create,
    score_sheet_preview,
    score_sheet_save,
    sheet_affirm,
    sheet_draft,
    sheet_entries,
    sheet_facts,
    sheet_period,
)
from .sheet_xlsx import SheetUploadError, raw_from_xlsx, raw_value, sheet_to_xlsx
from .spec import METHOD_LABELS, SpecError, _number_out

ERROR_NO_REVISION = "页面缺少评分表的修订号，未保存（您填写的内容仍在下方）：请核对后再保存，或刷新页面重新打开。"
FRAMEWORK_READERS = frozenset({Role.COUNTY_REVIEWER, Role.TOWNSHIP_STAFF})
UPLOAD_SALT = "scoring.sheet-upload"


def _download(content: bytes, filename: str, content_type: str = XLSX_CONTENT_TYPE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _require_framework_reader(user):
    if not (user.is_superuser or user.role in FRAMEWORK_READERS):
        raise PermissionDenied("只有县、乡镇党委工作人员可以管理考核标准体系。")


def _get_framework_for_user(user, pk) -> Framework:
    _require_framework_reader(user)
    return get_object_or_404(Framework.objects.visible_to(user), pk=pk)


def _get_sheet_for_user(user, pk, *, fill=False) -> ScoreSheet:
    sheet = get_object_or_404(
        ScoreSheet.objects.visible_to(user).select_related(
            "framework", "branch__township", "member", "basis__basis", "updated_by"
        ),
        pk=pk,
    )
    if fill and not may_fill(user, sheet):
        raise PermissionDenied("您不能填写这一环节的评分表。")
    return sheet


# --- Frameworks ------------------------------------------------------------------------------


@login_required
def framework_list(request):
    _require_framework_reader(request.user)
    return render(request, "scoring/framework_list.html", {"frameworks": selectors.framework_list(request.user)})


@login_required
def framework_detail(request, pk):
    framework = _get_framework_for_user(request.user, pk)
    spec = selectors.framework_spec(framework)
    versions = Framework.objects.visible_to(request.user).filter(code=framework.code).order_by("-version")
    return render(
        request,
        "scoring/framework_detail.html",
        {"framework": framework, "spec": spec, "versions": versions, "method_labels": METHOD_LABELS},
    )


@login_required
def framework_export(request, pk, fmt):
    framework = _get_framework_for_user(request.user, pk)
    spec = selectors.framework_spec(framework)
    filename = f"{framework.name}_第{framework.version}版"
    if fmt == "yaml":
        data, filename, content_type = (
            spec_to_yaml(spec).encode(),
            f"{filename}.yaml",
            "application/yaml; charset=utf-8",
        )
    else:
        data, filename, content_type = spec_to_xlsx(spec), f"{filename}.xlsx", XLSX_CONTENT_TYPE
    audit_download(request, framework, filename=filename, data=data)
    return _download(data, filename, content_type)


@login_required
@require_http_methods(["GET", "POST"])
def framework_import(request):
    _require_framework_reader(request.user)
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    errors = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        owner = unit_owner(request.user)
        try:
            if upload.name.lower().endswith((".yaml", ".yml", ".json")):
                if upload.size > MAX_UPLOAD_BYTES:
                    raise SpecError([f"文件过大：不能超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB。"])
                spec = spec_from_yaml(upload.read().decode("utf-8", errors="replace"))
            else:
                spec = spec_from_xlsx(upload)
            framework, created = framework_save(spec=spec, actor=request.user, **owner)
        except SpecError as refused:
            errors = refused.errors
        except PermissionDenied as refused:
            errors = [str(refused)]
        if errors:
            audit_import(request, upload, what="标准体系", outcome=f"拒绝：{len(errors)} 处错误")
        else:
            audit_import(request, upload, what="标准体系", outcome="已导入", rows=len(spec.items()))
            if created:
                messages.success(
                    request, f"已导入“{framework.name}”第{framework.version}版，共 {len(spec.items())} 个评分项。"
                )
            else:
                messages.info(request, f"文件内容与“{framework.name}”第{framework.version}版完全相同，未作改动。")
            return redirect("scoring:framework_detail", pk=framework.pk)
    return render(request, "scoring/framework_import.html", {"form": form, "errors": errors})


# --- Score sheets -----------------------------------------------------------------------------


@login_required
def sheet_list(request):
    sheets = selectors.sheet_list(request.user)
    return render(request, "scoring/sheet_list.html", {"sheets": sheets[:200], "sheet_count": sheets.count()})


@login_required
@require_http_methods(["GET", "POST"])
def sheet_create(request, branch_pk):
    branch = get_object_or_404(Branch.objects.visible_to(request.user), pk=branch_pk)
    form = SheetCreateForm(request.POST or None, user=request.user, branch=branch, initial={"year": today().year})
    if form.is_valid():
        try:
            sheet = score_sheet_create(branch=branch, actor=request.user, **form.cleaned_data)
        except ValueError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "评分表已建立，系统已有的数据已自动填入。")
            return redirect("scoring:sheet_fill", pk=sheet.pk)
    return render(request, "scoring/sheet_create.html", {"form": form, "branch": branch})


ENTRY_FIELDS = ("value", "veto", "comment", "reason")


def _raw_from_post(post, spec, sheet) -> dict[str, RawEntry]:
    """The entries typed on the page; items the sheet keeps locked are not on the form. An item
    the request does not mention at all is left as it is (the page always sends each editable
    item's comment field), so a partial or hand-made request never erases what it leaves out."""
    return {
        item.code: RawEntry(
            value=post.get(f"{item.code}-value", ""),
            veto="是" if post.get(f"{item.code}-veto") else "",
            comment=post.get(f"{item.code}-comment", ""),
            reason=post.get(f"{item.code}-reason", ""),
        )
        for item in spec.items()
        if item_editable(sheet, item.code) and any(f"{item.code}-{field}" in post for field in ENTRY_FIELDS)
    }


def _describe(item, entry) -> str:
    """An entry in words, for showing beside the next stage's input."""
    if entry is None:
        return "未填"
    if entry.veto_triggered:
        return "触发一票否决"
    if item.method == "met" and entry.met is not None:
        return "达标" if entry.met else "未达标"
    if item.counted and entry.occurrences is not None:
        return f"{'加分' if item.method == 'bonus' else '扣分'} {entry.occurrences} 次"
    if item.method in ("graded", "bonus") and entry.points is not None:
        return f"{raw_value(item.method, entry)} 分"
    return "未填"


def _evidence_by_item(sheet) -> dict[str, list]:
    evidence: dict[str, list] = {}
    for item_evidence in sheet.evidence.all():
        evidence.setdefault(item_evidence.item_code, []).append(item_evidence)
    return evidence


def _basis_chain(sheet) -> list[dict]:
    """The sheets this one is scored beside (self-assessment, then verification), nearest last."""
    chain, basis = [], sheet.basis
    while basis is not None and len(chain) < 2:
        chain.insert(0, {"sheet": basis, "entries": sheet_entries(basis), "evidence": _evidence_by_item(basis)})
        basis = basis.basis
    return chain


def _implied(item, fact) -> str:
    """What the records imply for a linked item, in words (with the points for a deduction)."""
    expected = prefilled_entry(item, fact)
    if expected is None:
        return ""
    text = entry_text(expected)
    if expected.occurrences is not None and item.per_occurrence:
        text += f"，得 {_number_out(max(Decimal(0), item.points - expected.occurrences * item.per_occurrence))} 分"
    return text


def _rows(sheet, spec, entries, facts, raw=None, errors=None, records=None):
    """What the fill page shows for each item, grouped by aspect and standard,
    with the earlier stages' entries and evidence beside it, and for a linked
    item the records behind its fact."""
    errors = errors or {}
    records = records or {}
    evidence = _evidence_by_item(sheet)
    chain = _basis_chain(sheet)
    groups = []
    for aspect, standard, item in spec.sections():
        if not groups or groups[-1]["aspect"] is not aspect:
            groups.append({"aspect": aspect, "standards": []})
        standards = groups[-1]["standards"]
        if not standards or standards[-1]["standard"] is not standard:
            standards.append({"standard": standard, "rows": []})
        entry = entries.get(item.code)
        typed = raw.get(item.code) if raw else None
        below = chain[-1]["entries"].get(item.code) if chain else None
        if item.method != "veto" and item_editable(sheet, item.code) and (entry is None or entry_text(entry) == ""):
            groups[-1]["open"] = groups[-1].get("open", 0) + 1
        standards[-1]["rows"].append(
            {
                "carried": bool(entry and entry.carried),
                "affirmed": bool(entry and entry.affirmed),
                # on a verification (review) sheet: what the level below said, where this sheet says otherwise
                "below_differs": entry_text(below)
                if below and entry and entry_text(below) != entry_text(entry)
                else "",
                "item": item,
                "method_label": METHOD_LABELS[item.method],
                "value": typed.value if typed else raw_value(item.method, entry),
                "veto": (typed.veto == "是") if typed else bool(entry and entry.veto_triggered),
                "comment": typed.comment if typed else (entry.comment if entry else ""),
                "reason": typed.reason if typed else (entry.override_reason if entry else ""),
                "fact": facts.get(item.fact) if item.fact else None,
                "records": records.get(item.fact, []) if item.fact else [],
                "implied": _implied(item, facts.get(item.fact)) if item.fact else "",
                "error": errors.get(item.code, ""),
                "returned_reason": sheet.returned_reasons.get(item.code, ""),
                "editable": item_editable(sheet, item.code),
                "beside": [
                    {
                        "label": basis["sheet"].get_stage_display(),
                        "value": _describe(item, basis["entries"].get(item.code)),
                        "entry": basis["entries"].get(item.code),
                        "evidence": basis["evidence"].get(item.code, []),
                    }
                    for basis in chain
                ],
                "evidence": evidence.get(item.code, []),
            }
        )
    return groups


def _posted_revision(request) -> int:
    revision = plain_int(request.POST.get("revision", ""))
    if revision is None:
        # a save must say which version it was typed on, or it could overwrite a newer one
        raise StaleSheet(ERROR_NO_REVISION)
    return revision


def _posted_page(request) -> str:
    """The token of the page load the request comes from (see ``ScoreSheet.saved_from_page``)."""
    page = request.POST.get("page", "")
    return page if len(page) == 32 and page.isalnum() else ""


def _after_save(request, sheet, panels):
    """Where a successful save goes: the aspect just affirmed, the next step's page (申报), or back."""
    aspect = request.POST.get("affirm", "")
    if aspect:
        sheet.refresh_from_db()
        stated = sheet_affirm(
            sheet=sheet, aspect=aspect, actor=request.user, revision=sheet.revision, page=_posted_page(request)
        )
        messages.success(request, f"已声明第{aspect}部分：{len(stated)} 项按“无扣分情形、按标准”填入，可逐项修改。")
        return redirect(f"{reverse('scoring:sheet_fill', args=[sheet.pk])}#aspect-{aspect}")
    if request.POST.get("next") and panels and panels[0].next_url:
        return redirect(panels[0].next_url)
    messages.success(request, "已保存。")
    return redirect("scoring:sheet_fill", pk=sheet.pk)


@login_required
@require_http_methods(["GET", "POST"])
def sheet_fill(request, pk):
    sheet = _get_sheet_for_user(request.user, pk)
    editable = may_fill(request.user, sheet)
    spec = selectors.framework_spec(sheet.framework)
    facts = sheet_facts(sheet)
    records = (
        (
            member_records(sheet.member, sheet_period(sheet))
            if sheet.member_id
            else fact_records(sheet.branch, sheet_period(sheet))
        )
        if facts
        else {}
    )
    panels = sheet_panels(sheet, request.user)
    raw, errors = None, {}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("您不能填写这一环节的评分表。")
        raw = _raw_from_post(request.POST, spec, sheet)
        aspect = request.POST.get("affirm", "")
        if aspect and aspect not in {section.code for section in spec.aspects}:
            raise Http404("本评分表没有这一部分。")
        try:
            score_sheet_save(
                sheet=sheet,
                raw=raw,
                actor=request.user,
                revision=_posted_revision(request),
                page=_posted_page(request),
            )
            SheetDraft.objects.filter(sheet=sheet, user=request.user).delete()
            return _after_save(request, sheet, panels)
        except SheetEntryErrors as refused:
            errors = refused.errors
            messages.error(request, f"有 {len(errors)} 项填写有误，未保存，请按提示修改。")
        except (StaleSheet, SheetLocked) as refused:
            messages.error(request, str(refused))
    elif editable:
        raw = sheet_draft(sheet, request.user) or None
        if raw:
            _result, errors = score_sheet_preview(sheet=sheet, raw=raw)
            messages.warning(
                request, f"已恢复您上次填写但尚未保存的 {len(raw)} 项（{'、'.join(sorted(raw))}），请按提示改好。"
            )
    entries = sheet_entries(sheet)
    result, _ = score_sheet_preview(sheet=sheet, raw=raw or {})
    return render(
        request,
        "scoring/sheet_fill.html",
        {
            "sheet": sheet,
            "spec": spec,
            "groups": _rows(sheet, spec, entries, facts, raw, errors, records),
            "changes": sheet.changes.select_related("changed_by")[:100],
            "result": result,
            "editable": editable,
            "error_count": len(errors),
            "evidence_accept": ",".join(ALLOWED_TYPES),
            "returned": sorted(sheet.returned_reasons.items()),
            "panels": panels,
            "basis_label": basis_label(sheet),
            "page_token": uuid.uuid4().hex,
        },
    )


@login_required
@require_POST
def sheet_autosave(request, pk):
    """Save as it is typed (htmx): valid entries are saved, the rest kept as the person's draft;
    the answer refreshes the total, the revision the page holds, and each item's message."""
    sheet = _get_sheet_for_user(request.user, pk, fill=True)
    spec = selectors.framework_spec(sheet.framework)
    raw = _raw_from_post(request.POST, spec, sheet)
    status, errors, revision = "", {}, None
    try:
        changed, errors, revision = score_sheet_autosave(
            sheet=sheet,
            raw=raw,
            actor=request.user,
            revision=_posted_revision(request),
            page=_posted_page(request),
        )
        status = f"已自动保存 {timezone.localtime():%H:%M:%S}" if changed else ""
        if errors:
            status = f"{len(errors)} 项有误，暂未保存（已为您留存）：请按提示修改"
    except SheetEntryErrors as refused:
        errors, status = refused.errors, "有误，暂未保存"
    except (StaleSheet, SheetLocked) as refused:
        # what was typed stays on this page, and the page keeps its old revision: it is not told it is
        # up to date (its next autosave would write its view over the newer entries), nor kept as a draft
        status = str(refused)
    sheet.refresh_from_db()
    result, _ = score_sheet_preview(sheet=sheet, raw={code: e for code, e in raw.items() if code in errors})
    return render(
        request,
        "scoring/_autosave.html",
        {
            "sheet": sheet,
            "result": result,
            "error_count": len(errors),
            "status": status,
            "revision": revision,
            "item_errors": [(code, errors.get(code, "")) for code in raw],
        },
    )


@login_required
@require_POST
def sheet_preview(request, pk):
    """The running total for the entries on the page, not yet saved (htmx)."""
    sheet = _get_sheet_for_user(request.user, pk, fill=True)
    spec = selectors.framework_spec(sheet.framework)
    result, errors = score_sheet_preview(sheet=sheet, raw=_raw_from_post(request.POST, spec, sheet))
    return render(request, "scoring/_sheet_total.html", {"sheet": sheet, "result": result, "error_count": len(errors)})


@login_required
def sheet_print(request, pk):
    sheet = _get_sheet_for_user(request.user, pk)
    spec = selectors.framework_spec(sheet.framework)
    entries = sheet_entries(sheet)
    result, _ = score_sheet_preview(sheet=sheet, raw={})
    rows = []
    for aspect, standard, item in spec.sections():
        entry = entries.get(item.code)
        rows.append(
            {
                "aspect": aspect,
                "standard": standard,
                "item": item,
                "result": result.items[item.code],
                "entry": entry,
            }
        )
    return render(request, "scoring/sheet_print.html", {"sheet": sheet, "rows": rows, "result": result})


@login_required
def sheet_download(request, pk):
    sheet = _get_sheet_for_user(request.user, pk)
    spec = selectors.framework_spec(sheet.framework)
    entries = {} if request.GET.get("blank") else sheet_entries(sheet)
    filename = f"{sheet.subject_label}_{sheet.framework.name}_{sheet.get_stage_display()}.xlsx"
    data = sheet_to_xlsx(sheet, spec, entries)
    audit_download(request, sheet, filename=filename, data=data)
    return _download(data, filename)


@login_required
@require_POST
def sheet_upload(request, pk):
    """Read an offline workbook and show what would change; saves nothing."""
    sheet = _get_sheet_for_user(request.user, pk, fill=True)
    spec = selectors.framework_spec(sheet.framework)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择填好的 .xlsx 文件。")
        return redirect("scoring:sheet_fill", pk=sheet.pk)
    what = f"离线评分表（{sheet}）"
    try:
        raw, rows = raw_from_xlsx(upload, sheet, spec, sheet_entries(sheet))
    except SheetUploadError as refused:
        audit_import(request, upload, what=what, outcome=f"拒绝：{len(refused.errors)} 处错误")
        return render(request, "scoring/sheet_upload.html", {"sheet": sheet, "errors": refused.errors})
    result, errors = score_sheet_preview(sheet=sheet, raw=raw)
    if errors:
        audit_import(request, upload, what=what, outcome=f"拒绝：{len(errors)} 处错误")
        located = [f"第{rows.get(code, '?')}行（编号 {code}）：{message}" for code, message in errors.items()]
        return render(request, "scoring/sheet_upload.html", {"sheet": sheet, "errors": located})
    # read for a preview; what is then confirmed is recorded entry by entry as changes
    audit_import(request, upload, what=what, outcome="已读取，待确认", rows=len(raw))
    entries = sheet_entries(sheet)
    changes = []
    for item in spec.items():
        typed = raw.get(item.code)
        if typed is None:
            continue
        entry = entries.get(item.code)
        before = (
            raw_value(item.method, entry),
            bool(entry and entry.veto_triggered),
            entry.comment if entry else "",
            entry.override_reason if entry else "",
        )
        after = (typed.value.strip(), typed.veto.strip() == "是", typed.comment.strip(), typed.reason.strip())
        if before != after:
            changes.append({"item": item, "before": before, "after": after})
    token = signing.dumps(
        # the revision read: a save in between makes the confirmation fail rather than overwrite it
        {"sheet": sheet.pk, "revision": sheet.revision, "raw": {code: vars(entry) for code, entry in raw.items()}},
        salt=UPLOAD_SALT,
        compress=True,
    )
    return render(
        request, "scoring/sheet_upload.html", {"sheet": sheet, "changes": changes, "token": token, "result": result}
    )


@login_required
@require_POST
def sheet_upload_confirm(request, pk):
    sheet = _get_sheet_for_user(request.user, pk, fill=True)
    try:
        payload = signing.loads(request.POST.get("token", ""), salt=UPLOAD_SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(request, "确认已过期或无效，请重新上传文件。")
        return redirect("scoring:sheet_fill", pk=sheet.pk)
    if payload["sheet"] != sheet.pk:
        raise PermissionDenied("确认信息与评分表不符。")
    raw = {code: RawEntry(**values) for code, values in payload["raw"].items()}
    try:
        changed = score_sheet_save(sheet=sheet, raw=raw, actor=request.user, revision=payload.get("revision"))
    except SheetEntryErrors as refused:
        messages.error(request, f"数据已变化，{len(refused.errors)} 项无法保存，请重新上传。")
    except (StaleSheet, SheetLocked) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已从 Excel 文件保存 {len(changed)} 项改动。")
    return redirect("scoring:sheet_fill", pk=sheet.pk)


# --- Evidence ------------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_upload(request, pk):
    """One file for one item. From the page (htmx) only that item's evidence block is sent
    back, so nothing typed elsewhere on the page is reloaded away; without script, a redirect."""
    sheet = _get_sheet_for_user(request.user, pk, fill=True)
    code = request.POST.get("item", "")
    refused, message = False, ""
    try:
        evidence = evidence_add(
            sheet=sheet, item_code=code, upload=request.FILES.get(f"file-{code}"), actor=request.user
        )
    except EvidenceRefused as refusal:
        refused, message = True, f"佐证材料未上传：{refusal}"
    else:
        message = f"已为评分项 {code} 上传“{evidence.original_name}”。"
    item = sheet.framework.items.filter(code=code).first()
    if request.htmx and item is not None:
        context = {
            "sheet": sheet,
            "item": item,
            "editable": may_fill(request.user, sheet),
            "row": {"editable": item_editable(sheet, code), "evidence": list(sheet.evidence.filter(item_code=code))},
            "evidence_accept": ",".join(ALLOWED_TYPES),
            "evidence_message": message,
            "evidence_refused": refused,
        }
        return render(request, "scoring/_evidence.html", context)
    (messages.error if refused else messages.success)(request, message)
    return redirect(f"{reverse('scoring:sheet_fill', args=[sheet.pk])}#item-{code}")


@login_required
def evidence_file(request, pk, variant="original"):
    """A file is served only to users who may see its sheet, never from a public path."""
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    audit_record(request, AuditEvent.DOWNLOAD, evidence, detail={"sha256": evidence.sha256, "variant": variant})
    return stored_file_response(evidence, variant)
