"""Home pages and the branch register. Every object is looked up through the
scoped querysets: outside the user's unit it does not exist (404); inside it
but beyond the user's role it is refused (403)."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from common.dates import today
from common.workbooks import XLSX_CONTENT_TYPE

from . import selectors
from .filters import BranchFilter
from .forms import AnnualFigureForm, BranchForm, MemberForm, RegisterImportForm
from .models import Branch, Member
from .register_xlsx import RegisterImportError, register_export, register_import, register_template
from .scoping import Role
from .services import annual_figure_record
from .signals import file_imported, file_served
from .tables import BranchTable


def _get_branch_for_user(user, pk, *, edit=False) -> Branch:
    branch = get_object_or_404(Branch.objects.visible_to(user), pk=pk)
    if edit and not Branch.objects.role_may_edit(user):
        raise PermissionDenied("您只能查看该党支部，不能修改。")
    return branch


def _require_register_editor(user):
    if not Branch.objects.role_may_edit(user):
        raise PermissionDenied("只有乡镇党委工作人员可以维护党支部登记册。")


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def branch_list(request):
    if request.user.role == Role.BRANCH_SECRETARY:
        return redirect("home:branch", pk=request.user.branch_id)
    branch_filter = BranchFilter(request.GET, queryset=selectors.branch_register(request.user), user=request.user)
    table = BranchTable(branch_filter.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(
        request,
        "branches/branch_list.html",
        {"filter": branch_filter, "table": table, "may_edit": Branch.objects.role_may_edit(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def branch_create(request):
    _require_register_editor(request.user)
    form = BranchForm(request.POST or None, user=request.user)
    if form.is_valid():
        branch = form.save()
        messages.success(request, f"已登记党支部“{branch.name}”。")
        return redirect("home:branch", pk=branch.pk)
    return render(request, "branches/form.html", {"form": form, "title": "登记党支部"})


@login_required
@require_http_methods(["GET", "POST"])
def branch_edit(request, pk):
    branch = _get_branch_for_user(request.user, pk, edit=True)
    form = BranchForm(request.POST or None, instance=branch, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, "基本情况已保存。")
        return redirect("home:branch", pk=branch.pk)
    return render(
        request, "branches/form.html", {"form": form, "title": f"修改“{branch.name}”基本情况", "branch": branch}
    )


@login_required
@require_http_methods(["GET", "POST"])
def figure_create(request, pk):
    branch = _get_branch_for_user(request.user, pk, edit=True)
    form = AnnualFigureForm(request.POST or None, initial={"year": today().year})
    if form.is_valid():
        figure = annual_figure_record(branch=branch, actor=request.user, **form.cleaned_data)
        if figure is None:
            messages.info(request, "该年度的数值与现有记录相同，未作改动。")
        else:
            messages.success(request, f"已记录 {figure.year} 年村集体经济收入。")
        return redirect("home:branch", pk=branch.pk)
    return render(
        request, "branches/form.html", {"form": form, "title": f"填报“{branch.name}”年度数据", "branch": branch}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, pk):
    branch = get_object_or_404(Branch.objects.visible_to(request.user), pk=pk)
    if not Member.objects.role_may_edit(request.user):
        raise PermissionDenied("您不能维护该党支部的党员名册。")
    form = MemberForm(request.POST or None, instance=Member(branch=branch))
    if form.is_valid():
        member = form.save()
        messages.success(request, f"已登记党员“{member.name}”。")
        return redirect("home:branch", pk=branch.pk)
    return render(request, "branches/form.html", {"form": form, "title": f"登记“{branch.name}”党员", "branch": branch})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("branch"), pk=pk)
    if not Member.objects.role_may_edit(request.user):
        raise PermissionDenied("您不能维护该党支部的党员名册。")
    form = MemberForm(request.POST or None, instance=member)
    if form.is_valid():
        form.save()
        messages.success(request, f"党员“{member.name}”的信息已保存。")
        return redirect("home:branch", pk=member.branch_id)
    return render(
        request, "branches/form.html", {"form": form, "title": f"修改党员“{member.name}”", "branch": member.branch}
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_import_view(request):
    _require_register_editor(request.user)
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    errors = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = register_import(file=upload, actor=request.user)
        except RegisterImportError as refused:
            errors = refused.errors
            file_imported.send(
                sender=Branch,
                request=request,
                upload=upload,
                what="党支部登记册",
                outcome=f"拒绝：{len(errors)} 处错误",
            )
        else:
            rows = result.branches_created + result.branches_updated + result.members_created + result.members_updated
            file_imported.send(
                sender=Branch, request=request, upload=upload, what="党支部登记册", outcome="已导入", rows=rows
            )
            messages.success(request, result.summary())
            return redirect("branches:list")
    return render(request, "branches/import.html", {"form": form, "errors": errors})


@login_required
def register_template_download(request):
    _require_register_editor(request.user)
    return _xlsx_response(register_template(), "党支部登记册模板.xlsx")


@login_required
def register_export_download(request):
    if request.user.role == Role.BRANCH_SECRETARY:
        raise PermissionDenied("党支部书记请在本支部页面查看信息。")
    branch_filter = BranchFilter(request.GET, queryset=Branch.objects.visible_to(request.user), user=request.user)
    stamp = timezone.localtime().strftime("%Y%m%d")
    data, filename = register_export(branch_filter.qs), f"党支部登记册_{stamp}.xlsx"
    # the register carries members' names and phones: who took a copy is on the trail
    file_served.send(
        sender=Branch,
        request=request,
        obj=request.user.unit,
        filename=filename,
        data=data,
        detail={"filter": request.GET.urlencode()},
    )
    return _xlsx_response(data, filename)
