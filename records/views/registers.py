"""The registers behind the counted targets, one page each beside the other records: 发展党员纪实,
后备干部库, 党费 (one page for the branch's month) and the village's year; and their back-log as
one workbook. Written through ``records.services.registers``; a refusal lands beside the form
with everything typed still in it."""

import re
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from branches.signals import file_imported
from common.dates import ERROR_YEAR_NOT_SHOWN, posted_year, requested_year
from common.dates import today as local_today
from common.workbooks import XLSX_CONTENT_TYPE
from records import selectors
from records.forms import (
    BranchYearForm,
    DuesMonthForm,
    RecruitForm,
    RegistersImportForm,
    ReserveCadreForm,
    StepDateForm,
)
from records.models import BranchYear, DuesPayment, Recruit, ReserveCadre
from records.registers_xlsx import RegistersImportError, registers_import, registers_template
from records.services import registers as services

from . import _branch, _page, _save, _url

ERROR_MAY_NOT_RECORD = "您不能为该党支部记录。"
ERROR_DUES_WHICH_MONTH = "未保存：请在党费页面选定月份后再填写保存。"
RESERVE_TARGET = Decimal(2)  # seed 003: 两委成员与后备干部 1:2


def _require_recorder(user, model) -> None:
    if not model.objects.role_may_edit(user):
        raise PermissionDenied(ERROR_MAY_NOT_RECORD)


def _step_form(recruit_or_cadre, data=None) -> StepDateForm:
    """A one-date form of its own per row (its own ids), dated today unless typed."""
    return StepDateForm(data, initial={"on": local_today()}, auto_id=f"id_step_{recruit_or_cadre.pk}_%s")


# ---------------------------------------------------------------- 发展党员纪实


@login_required
@require_http_methods(["GET", "POST"])
def recruits(request, pk):
    """The people on their way into the party, by stage, each with the dates of their steps and a
    one-tap form for the next step; and a form to put a new applicant (or the back-log) on."""
    branch = _branch(request.user, pk)
    form = RecruitForm(request.POST or None)
    if request.method == "POST":
        _require_recorder(request.user, Recruit)
        recruit = _save(
            request,
            form,
            lambda data: services.recruit_record(branch=branch, actor=request.user, **data),
            lambda r: f"已登记：{r.name}（{r.stage.label}）。",
        )
        if recruit is not None:
            return redirect(f"{_url('recruits', branch.pk)}#recruit-{recruit.pk}")
    return _recruits_page(request, branch, form)


@login_required
@require_POST
def recruit_advance(request, pk):
    recruit = get_object_or_404(Recruit.objects.visible_to(request.user).select_related("branch__township"), pk=pk)
    _require_recorder(request.user, Recruit)
    form = _step_form(recruit, request.POST)
    advanced = _save(
        request,
        form,
        lambda data: services.recruit_advance(recruit, on=data["on"], actor=request.user),
        lambda r: (
            f"已记为{r.stage.label}：{r.name}（{r.stage_date:%Y-%m-%d}）。"
            + ("已列入本支部党员名册（预备党员）。" if r.stage == services.RecruitStage.PROBATIONARY else "")
        ),
    )
    if advanced is not None:
        return redirect(f"{_url('recruits', recruit.branch_id)}#recruit-{recruit.pk}")
    return _recruits_page(request, recruit.branch, RecruitForm(), refused=(recruit.pk, form))


def _recruits_page(request, branch, form, refused=None):
    may_record = Recruit.objects.role_may_edit(request.user)
    stages = selectors.recruits_by_stage(branch)
    for _stage, people in stages:
        for recruit in people:
            if may_record and recruit.next_stage is not None:
                refused_here = refused is not None and refused[0] == recruit.pk
                recruit.step_form = refused[1] if refused_here else _step_form(recruit)
    return _page(
        request,
        "records/recruits.html",
        branch,
        "recruits",
        requested_year(request),
        form=form if may_record else None,
        stages=stages,
        may_record=may_record,
        total=sum(len(people) for _stage, people in stages),
    )


# ---------------------------------------------------------------- 后备干部库


@login_required
@require_http_methods(["GET", "POST"])
def reserves(request, pk):
    """The branch's pool of reserve cadres against its 两委 (1:2), who left it, and a form to add one."""
    branch = _branch(request.user, pk)
    form = ReserveCadreForm(request.POST or None, initial={"added_on": local_today()})
    if request.method == "POST":
        _require_recorder(request.user, ReserveCadre)
        cadre = _save(
            request,
            form,
            lambda data: services.reserve_cadre_record(branch=branch, actor=request.user, **data),
            "已入库：{record.name}。",
        )
        if cadre is not None:
            return redirect("records:reserves", pk=branch.pk)
    return _reserves_page(request, branch, form)


@login_required
@require_POST
def reserve_remove(request, pk):
    cadre = get_object_or_404(ReserveCadre.objects.visible_to(request.user).select_related("branch__township"), pk=pk)
    _require_recorder(request.user, ReserveCadre)
    form = _step_form(cadre, request.POST)
    removed = _save(
        request,
        form,
        lambda data: services.reserve_cadre_remove(cadre, on=data["on"], actor=request.user),
        lambda c: f"已出库：{c.name}（{c.removed_on:%Y-%m-%d}）。",
    )
    if removed is not None:
        return redirect("records:reserves", pk=cadre.branch_id)
    return _reserves_page(
        request, cadre.branch, ReserveCadreForm(initial={"added_on": local_today()}), (cadre.pk, form)
    )


def _reserves_page(request, branch, form, refused=None):
    may_record = ReserveCadre.objects.role_may_edit(request.user)
    year = requested_year(request)
    today = local_today()
    # a year that is over is seen as it stood on 31 December, as its score sheets count it
    on = min(date(year, 12, 31), today)
    everyone = [c for c in branch.reserve_cadres.all() if c.added_on <= on]
    in_pool = [c for c in everyone if c.removed_on is None or c.removed_on > on]
    left = [c for c in everyone if c.removed_on is not None and c.removed_on <= on]
    if may_record and on == today:
        for cadre in in_pool:
            cadre.step_form = refused[1] if refused is not None and refused[0] == cadre.pk else _step_form(cadre)
    cadres = BranchYear.objects.filter(branch=branch, year=year).values_list("cadres", flat=True).first()
    ratio = (Decimal(len(in_pool)) / cadres).quantize(Decimal("0.01")) if cadres else None
    return _page(
        request,
        "records/reserves.html",
        branch,
        "reserves",
        year,
        form=form if may_record else None,
        in_pool=in_pool,
        left=left,
        on=on,
        cadres=cadres,
        ratio=ratio,
        ratio_met=ratio is not None and ratio >= RESERVE_TARGET,
        wanted=cadres * 2 if cadres else None,
        short=max(cadres * 2 - len(in_pool), 0) if cadres else None,
        may_record=may_record,
    )


# ---------------------------------------------------------------- 党费


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _requested_month(request) -> date:
    """``?month=YYYY-MM`` when it is a real month from 2000 to this one; else (``?year=`` from the
    tabs) that year's last month that is over; else last month, the latest that is over."""
    this_month = local_today().replace(day=1)
    last_month = (this_month.replace(day=1) - date.resolution).replace(day=1)
    match = _MONTH.match(request.GET.get("month", "").strip())
    if match and 2000 <= int(match[1]) and 1 <= int(match[2]) <= 12:
        month = date(int(match[1]), int(match[2]), 1)
        if month <= this_month:
            return month
    if "year" in request.GET:
        year = requested_year(request)
        if year < last_month.year:
            return date(year, 12, 1)
    return last_month


def _shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@login_required
@require_http_methods(["GET", "POST"])
def dues(request, pk):
    """The branch's 党费 for one month on one page: a row a member who owes it, 应交 and 实交,
    pre-filled with what was saved, else with the member's previous month; one save."""
    branch = _branch(request.user, pk)
    month = _requested_month(request)
    rows = selectors.dues_sheet(branch, month)
    initial = {}
    for member in rows:
        saved = member.saved_due is not None
        if saved or member.earlier_due is not None:
            initial[f"due_{member.pk}"] = member.saved_due if saved else member.earlier_due
            initial[f"paid_{member.pk}"] = member.saved_paid if saved else member.earlier_paid
    form = DuesMonthForm(request.POST or None, members=rows, initial=initial)
    page_url = f"{_url('dues', branch.pk)}?month={month:%Y-%m}"
    if request.method == "POST":
        _require_recorder(request.user, DuesPayment)
        if request.GET.get("month") != f"{month:%Y-%m}":
            # the amounts belong to the month the form showed; a missing or unusable one saves nothing
            messages.error(request, ERROR_DUES_WHICH_MONTH)
            return redirect(page_url)
        changed = _save(
            request,
            form,
            lambda data: services.dues_month_save(
                branch=branch, month=month, amounts=data["amounts"], actor=request.user
            ),
            lambda n: (
                f"已保存{month.year}年{month.month}月党费：{n} 名党员的记录有新增或修改。"
                if n
                else "金额与已登记的一致，没有改动。"
            ),
        )
        if changed is not None:
            return redirect(page_url)
    this_month = local_today().replace(day=1)
    year_months = selectors.dues_year(branch, month.year, this_month)
    current = next((m for m in year_months if m["month"] == month), None)
    return _page(
        request,
        "records/dues.html",
        branch,
        "dues",
        month.year,
        form=form,
        may_record=DuesPayment.objects.role_may_edit(request.user),
        month=month,
        previous_month=_shift(month, -1) if _shift(month, -1).year >= 2000 else None,
        next_month=_shift(month, 1) if _shift(month, 1) <= this_month else None,
        year_months=year_months,
        current=current,
        unsaved=sum(1 for member in rows if member.saved_due is None),
        page_url=page_url,
    )


# ---------------------------------------------------------------- the village's year


@login_required
@require_http_methods(["GET", "POST"])
def village_year(request, pk):
    """The village's year (“一肩挑”, “三链建设”, 两委 cadres, 村级组织运转经费), pre-filled from the year
    before if not yet recorded; and the quarters' 党务公开 / 村务公开 from the life records."""
    branch = _branch(request.user, pk)
    may_record = BranchYear.objects.role_may_edit(request.user)
    chosen = requested_year(request)
    record = BranchYear.objects.filter(branch=branch, year=chosen).first()
    if record is not None:
        initial = {field: getattr(record, field) for field in services.YEAR_FIELDS}
    else:
        initial = services.last_year_values(branch, chosen)
    form = BranchYearForm(request.POST or None, initial=initial)
    form.helper.form_action = f"?year={chosen}"  # the save goes to the year shown, whatever the date then
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied(ERROR_MAY_NOT_RECORD)
        if posted_year(request) is None:
            form.is_valid()
            form.add_error(None, ERROR_YEAR_NOT_SHOWN)
            messages.error(request, ERROR_YEAR_NOT_SHOWN)
        elif _save(
            request,
            form,
            lambda data: services.branch_year_save(branch=branch, year=chosen, actor=request.user, **data),
            f"已保存{chosen}年村级组织年度情况。",
        ):
            return redirect(f"{_url('year', branch.pk)}?year={chosen}")
    return _page(
        request,
        "records/year.html",
        branch,
        "year",
        chosen,
        form=form if may_record else None,
        may_record=may_record,
        record=record,
        carried=record is None and bool(initial),
        quarters=selectors.quarter_disclosures(branch, chosen),
        this_quarter=(local_today().month - 1) // 3 + 1 if chosen == local_today().year else 5,
    )


# ---------------------------------------------------------------- the back-log as a workbook


@login_required
@require_http_methods(["GET", "POST"])
def registers_import_view(request, pk):
    branch = _branch(request.user, pk)
    _require_recorder(request.user, Recruit)
    form = RegistersImportForm(request.POST or None, request.FILES or None)
    errors = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = registers_import(branch=branch, file=upload, actor=request.user)
        except RegistersImportError as refused:
            errors = refused.errors
            file_imported.send(
                sender=Recruit,
                request=request,
                upload=upload,
                what="支部台账补录",
                outcome=f"拒绝：{len(errors)} 处错误",
            )
        else:
            file_imported.send(
                sender=Recruit,
                request=request,
                upload=upload,
                what="支部台账补录",
                outcome="已导入",
                rows=result.changed,
            )
            messages.success(request, result.summary())
            return redirect("records:recruits", pk=branch.pk)
    return _page(
        request, "records/registers_import.html", branch, "", requested_year(request), form=form, errors=errors
    )


@login_required
def registers_template_download(request, pk):
    branch = _branch(request.user, pk)
    response = HttpResponse(registers_template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{branch.name}台账补录模板.xlsx')}"
    return response
