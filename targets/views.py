"""The target board (目标任务看板) and the county's plan of targets. Thin: scoping is
``selectors.board_unit`` (the one rule), the arithmetic ``board.py``, writes ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from branches.models import Branch
from common.dates import ERROR_YEAR_NOT_SHOWN, posted_year, recent_years, requested_year

from . import selectors
from .charts import chart_data
from .forms import TargetFormSet
from .models import TargetPlan
from .services import ERROR_NOT_EDITOR, target_plan_ensure, target_plan_update

SAVED = "目标任务已保存。"


def _may_edit(user, plan) -> bool:
    return TargetPlan.objects.editable_by(user).filter(pk=plan.pk).exists()


@login_required
def board_page(request):
    """A township's board (its staff; the county picking one), the county's townships side by side
    (the county reviewer), or a secretary's own branch against each target."""
    unit = selectors.board_unit(request.user, request.GET.get("township"))
    year = requested_year(request)
    visible = selectors.unit_branches(unit, Branch.objects.visible_to(request.user))
    board = selectors.board(unit, visible, year)
    return render(
        request,
        "targets/board.html",
        {
            "board": board,
            "unit": unit,
            "year": year,
            "years": recent_years(),
            "opened": request.GET.get("target", ""),
            "chart": chart_data(board),
            "may_edit": _may_edit(request.user, board.plan),
        },
    )


@login_required
def plan_page(request):
    """The county's targets for the year: the county reviewer edits them on one page, all at once;
    township staff and secretaries read them."""
    unit = selectors.board_unit(request.user)
    if request.method == "POST" and not TargetPlan.objects.role_may_edit(request.user):
        # refused before anything is made, the year's plan included
        raise PermissionDenied(ERROR_NOT_EDITOR)
    year = requested_year(request)
    plan = target_plan_ensure(county=unit.county, year=year)
    may_edit = _may_edit(request.user, plan)
    queryset = plan.targets.all()
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(ERROR_NOT_EDITOR)
        formset = TargetFormSet(request.POST, queryset=queryset)
        if posted_year(request) is None:
            formset.is_valid()
            messages.error(request, ERROR_YEAR_NOT_SHOWN)
        elif formset.is_valid():
            saved = formset.save(commit=False)
            target_plan_update(plan=plan, saved=saved, deleted=formset.deleted_objects, actor=request.user)
            messages.success(request, SAVED)
            return redirect(f"{reverse('targets:plan')}?year={year}")
        else:
            messages.error(request, "目标任务未保存：请按提示修改。")
    else:
        formset = TargetFormSet(queryset=queryset)
    return render(
        request,
        "targets/plan.html",
        {"plan": plan, "year": year, "years": recent_years(), "formset": formset, "may_edit": may_edit, "unit": unit},
        status=400 if request.method == "POST" else 200,
    )
