"""The members' yearly rating pages: the township's overview, a branch's year (the one page the
secretary prepares on, the township approves on), and a member's stars year by year. Everything
is looked up through the scoped querysets: another unit's branch or member does not exist (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from branches.models import Branch, Member
from branches.scoping import Role
from common.dates import demo_year, today
from common.numbers import plain_int

from . import selectors, services
from .forms import DecisionForm, ReturnForm, typed_values
from .models import BranchRating, RatingStatus


def _rating_year(text) -> int:
    """The year asked for; by default the year being assessed: the one under way from November
    (when the year-end ratings are prepared), until then the year before."""
    year = plain_int(text, max_digits=4)
    return year if year is not None and 2000 <= year <= today().year else demo_year()


def _posted_revision(request) -> int:
    """The revision the page was drawn at; -1 (never the current one) when missing or not a number."""
    revision = plain_int(request.POST.get("revision", ""))
    return -1 if revision is None else revision


def _branch(user, branch_id) -> Branch:
    return get_object_or_404(Branch.objects.visible_to(user).select_related("township"), pk=branch_id)


def _check_year(year: int) -> None:
    if not 2000 <= year <= today().year:
        raise Http404("没有这一年度的评定。")


@login_required
def index(request):
    """Township staff and the county: every branch's rating of the year, the ones waiting first."""
    year = _rating_year(request.GET.get("year"))
    if request.user.role == Role.BRANCH_SECRETARY and request.user.branch_id:
        return redirect("ratings:branch_year", branch_id=request.user.branch_id, year=year)
    rows = selectors.township_overview(request.user, year)
    years = list(range(today().year, today().year - 4, -1))
    townships = list(dict.fromkeys(branch.township for branch, _rating, _counts in rows))
    context = {"rows": rows, "year": year, "years": years, "townships": townships}
    return render(request, "ratings/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def branch_year(request, branch_id, year):
    branch = _branch(request.user, branch_id)
    _check_year(year)
    if selectors.rating_framework() is None:
        raise Http404("党员星级评定标准尚未导入。")
    if request.method == "POST":
        return _save(request, branch, year)
    return _render(request, branch, year)


def _save(request, branch, year):
    if request.user.role != Role.BRANCH_SECRETARY and not request.user.is_superuser:
        raise PermissionDenied("党员星级评定由党支部书记初评。")
    typed = typed_values(request.POST)
    revision = _posted_revision(request)
    try:
        services.branch_rating_save(branch=branch, year=year, typed=typed, revision=revision, actor=request.user)
    except services.RatingStale as stale:
        messages.warning(
            request,
            f"您打开本页后，{'、'.join(stale.changed) or '他人'}已保存过修改。您填写的内容仍在页面上，没有保存；"
            "请核对后再次保存（将以您填写的为准）。",
        )
        return _render(request, branch, year, typed=typed, revision=stale.revision, status=409)
    except services.RatingErrors as refused:
        messages.error(request, f"有 {len(refused.errors)} 处需要改正，全部内容都没有保存，填写的内容保留在页面上。")
        return _render(request, branch, year, typed=typed, errors=refused.errors, status=400)
    messages.success(request, "已保存。")
    return redirect("ratings:branch_year", branch_id=branch.pk, year=year)


def _render(request, branch, year, *, typed=None, errors=None, revision=None, status=200, decision=None):
    item_errors = {key: message for key, message in (errors or {}).items() if isinstance(key, tuple)}
    shown = {}
    for (member_id, code), (value, reason) in (typed or {}).items():
        if value is not None:
            shown.setdefault(member_id, {})[code] = (value, reason)
    page = selectors.rating_page(branch, year, typed=shown, errors=item_errors)
    rating = page.rating
    current = revision if revision is not None else (rating.revision if rating else 0)
    known = {row.member.pk for row in page.rows}
    decision = decision or DecisionForm(initial={"meeting_on": today()})
    context = {
        "page": page,
        "branch": branch,
        "year": year,
        "revision": current,
        "may_prepare": page.is_open and request.user.role == Role.BRANCH_SECRETARY,
        "may_approve": rating is not None
        and rating.status == RatingStatus.DECIDED
        and request.user.role == Role.TOWNSHIP_STAFF,
        "decision_form": decision,
        "decide_url": reverse("ratings:step", args=[branch.pk, year, "decide"]),
        "other_errors": [m for (mid, code), m in item_errors.items() if code == "" or mid not in known]
        + [m for key, m in (errors or {}).items() if not isinstance(key, tuple)],
        "steps": rating.steps.select_related("actor") if rating else [],
        "member_count": len(page.rows),
    }
    return render(request, "ratings/branch_year.html", context, status=status)


@login_required
@require_POST
def step(request, branch_id, year, action):
    branch = _branch(request.user, branch_id)
    _check_year(year)
    if action == "decide":
        return _decide(request, branch, year)
    rating = get_object_or_404(BranchRating.objects.visible_to(request.user), branch=branch, year=year)
    if action not in ("approve", "return"):
        raise Http404("没有这一步。")
    if request.user.role != Role.TOWNSHIP_STAFF and not request.user.is_superuser:
        raise PermissionDenied("党员星级评定由镇党委审批。")
    try:
        if action == "approve":
            services.branch_rating_approve(rating=rating, actor=request.user)
            messages.success(request, f"已审批 {branch.name}{year}年度党员星级评定。")
        else:
            form = ReturnForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.branch_rating_return(rating=rating, reason=reason, actor=request.user)
            messages.success(request, "已退回党支部。")
    except services.RatingErrors as refused:
        messages.error(request, "；".join(str(m) for m in refused.errors.values()))
    return redirect("ratings:branch_year", branch_id=branch.pk, year=year)


def _decide(request, branch, year):
    if request.user.role != Role.BRANCH_SECRETARY and not request.user.is_superuser:
        raise PermissionDenied("支部党员大会的决定由党支部书记记录。")
    form = DecisionForm(request.POST)
    typed = typed_values(request.POST)  # the members' values go with the decision: saved first, never lost
    item_errors = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.branch_rating_decide(
                branch=branch,
                year=year,
                meeting_on=data["meeting_on"],
                attendance=data["meeting_attendance"],
                result=data["meeting_result"],
                revision=_posted_revision(request),
                typed=typed,
                actor=request.user,
            )
        except services.RatingStale as stale:
            messages.warning(
                request,
                f"您打开本页后，{'、'.join(stale.changed) or '他人'}已保存过修改。您填写的内容仍在页面上，没有保存；"
                "请核对后再次提交（将以您填写的为准）。",
            )
            return _render(request, branch, year, typed=typed, revision=stale.revision, decision=form, status=409)
        except services.RatingErrors as refused:
            for field, message in refused.errors.items():
                if isinstance(field, tuple):
                    item_errors[field] = message
                elif field in form.fields:
                    form.add_error(field, message)
                else:
                    form.add_error(None, message)
        else:
            messages.success(request, "已记录支部党员大会的决定，报镇党委审批。")
            return redirect("ratings:branch_year", branch_id=branch.pk, year=year)
    messages.error(request, "支部党员大会的决定没有记录，填写的内容保留在页面上，请改正后再提交。")
    return _render(request, branch, year, typed=typed, errors=item_errors, decision=form, status=400)


@login_required
def member(request, member_id):
    """A member's stars year by year, each with its branch's step and the items as decided."""
    found = get_object_or_404(Member.objects.visible_to(request.user).select_related("branch__township"), pk=member_id)
    history = list(selectors.member_history(found))
    return render(
        request,
        "ratings/member.html",
        {"member": found, "history": history, "this_year": _rating_year(None)},
    )
