"""The records a branch keeps all year (organisational life, deeds, problems
solved, pledges, mass appraisal), each recorded once on a phone in about a
minute; score sheets, inspections and reports read them. Looked up through the
scoped querysets: another unit's branch or record does not exist (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from branches.models import Branch, Township
from branches.scoping import Role
from branches.signals import file_served
from common.dates import recent_years, requested_year
from common.dates import today as local_today
from common.files import UploadRefused, stored_file_response
from records import selectors, services
from records.forms import (
    AppraisalForm,
    DeedForm,
    DocumentForm,
    OrganisationalLifeForm,
    PledgeCommentForm,
    PledgeForm,
    PledgeResolveForm,
    PointsRuleForm,
    ProblemForm,
)
from records.models import (
    Appraisal,
    BranchDocument,
    DeedKind,
    DocumentKind,
    LifeKind,
    MemberDeed,
    OrganisationalLife,
    Pledge,
    PledgeStatus,
    RecordPhoto,
    SolvedProblem,
)

RECORD_TABS = [
    ("life", "组织生活"),
    ("deeds", "办实事和服务"),
    ("problems", "解决困难问题"),
    ("pledges", "公开承诺"),
    ("appraisals", "群众评议"),
    ("documents", "台账资料"),
    ("recruits", "发展党员"),
    ("reserves", "后备干部"),
    ("dues", "党费"),
    ("year", "年度情况"),
]


def _branch(user, pk) -> Branch:
    return get_object_or_404(Branch.objects.visible_to(user).select_related("township"), pk=pk)


def _save(request, form, save, success: str):
    """Validate, then save through the service; a refusal lands on the form, nothing half-saved."""
    if not form.is_valid():
        messages.error(request, "填写有误，未保存，请按提示修改。")
        return None
    try:
        record = save(form.cleaned_data)
    except (ValueError, UploadRefused) as refused:
        form.add_error(None, str(refused))
        messages.error(request, str(refused))
        return None
    messages.success(request, success(record) if callable(success) else success.format(record=record))
    return record


def _page(request, template, branch, tab, year, **context):
    return render(
        request,
        template,
        {"branch": branch, "tabs": RECORD_TABS, "tab": tab, "year": year, "years": recent_years(), **context},
    )


@login_required
@require_http_methods(["GET", "POST"])
def life_records(request, pk):
    """Record a meeting and see at a glance which months still lack a 主题党日."""
    branch = _branch(request.user, pk)
    may_record = OrganisationalLife.objects.role_may_edit(request.user)
    form = OrganisationalLifeForm(
        request.POST or None,
        request.FILES or None,
        branch=branch,
        # everyone is ticked: on a phone the secretary unticks the few who were absent
        initial={"held_on": local_today(), "kind": LifeKind.THEME_DAY, "attendees": branch.members.all()},
    )
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("您不能为该党支部记录组织生活。")
        record = _save(
            request,
            form,
            lambda data: services.organisational_life_record(branch=branch, actor=request.user, **data),
            lambda record: f"已记录{record.get_kind_display()}（{record.held_on:%Y-%m-%d}）。",
        )
        if record is not None:
            return redirect("records:life", pk=branch.pk)
    year = requested_year(request)
    records = list(
        branch.life_records.filter(held_on__year=year)
        .annotate(attendee_count=Count("attendees", distinct=True))
        .prefetch_related("photos", "absences__member")
        .order_by("-held_on", "-pk")
    )
    theme_months = {r.held_on.month for r in records if r.kind == LifeKind.THEME_DAY}
    today = local_today()
    return _page(
        request,
        "records/life.html",
        branch,
        "life",
        year,
        form=form if may_record else None,
        records=records,
        months=[(m, m in theme_months) for m in range(1, 13)],
        life_meeting_held=any(r.kind == LifeKind.LIFE_MEETING for r in records),
        # red only for months that are over; the month under way is not yet missed
        past_month=today.month - 1 if year == today.year else (12 if year < today.year else 0),
    )


@login_required
@require_http_methods(["GET", "POST"])
def deeds(request, pk):
    """Members' deeds and services; the secretary confirms each; points follow from confirmed ones."""
    branch = _branch(request.user, pk)
    may_record = MemberDeed.objects.role_may_edit(request.user)
    form = DeedForm(
        request.POST or None,
        request.FILES or None,
        branch=branch,
        initial={"done_on": local_today(), "kind": DeedKind.DEED},
    )
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("您不能为该党支部记录。")
        deed = _save(
            request,
            form,
            lambda data: services.deed_record(branch=branch, actor=request.user, **data),
            "已记录，待支部书记确认后计入。",
        )
        if deed is not None:
            return redirect("records:deeds", pk=branch.pk)
    year = requested_year(request)
    return _page(
        request,
        "records/deeds.html",
        branch,
        "deeds",
        year,
        form=form if may_record else None,
        deeds=branch.deeds.filter(done_on__year=year).select_related("member").prefetch_related("photos"),
        may_confirm=request.user.role == Role.BRANCH_SECRETARY or request.user.is_superuser,
        points=selectors.member_points(branch, year),
        rules=selectors.points_rules(branch.township),
    )


@login_required
@require_POST
def deed_confirm(request, pk):
    deed = get_object_or_404(MemberDeed.objects.visible_to(request.user), pk=pk)
    if services.deed_confirm(deed, actor=request.user):
        messages.success(request, f"已确认：{deed.member.name} {deed.get_kind_display()}。")
    return redirect(f"{_url('deeds', deed.branch_id)}?year={deed.done_on.year}#deed-{deed.pk}")


def _url(name, pk):
    return reverse(f"records:{name}", args=[pk])


@login_required
@require_http_methods(["GET", "POST"])
def problems(request, pk):
    branch = _branch(request.user, pk)
    may_record = SolvedProblem.objects.role_may_edit(request.user)
    form = ProblemForm(request.POST or None, request.FILES or None, initial={"solved_on": local_today()})
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("您不能为该党支部记录。")
        if _save(
            request,
            form,
            lambda data: services.problem_record(branch=branch, actor=request.user, **data),
            "已记录：{record.title}。",
        ):
            return redirect("records:problems", pk=branch.pk)
    year = requested_year(request)
    return _page(
        request,
        "records/problems.html",
        branch,
        "problems",
        year,
        form=form if may_record else None,
        problems=branch.solved_problems.filter(solved_on__year=year).prefetch_related("photos"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pledges(request, pk):
    """Pledges made at the start of the year; marked kept or not during it; leader comments."""
    branch = _branch(request.user, pk)
    year = requested_year(request)
    may_record = Pledge.objects.role_may_edit(request.user)
    form = PledgeForm(request.POST or None, branch=branch)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("您不能为该党支部记录。")
        if _save(
            request,
            form,
            lambda data: services.pledge_record(branch=branch, year=year, actor=request.user, **data),
            "已记录承诺。",
        ):
            return redirect(f"{_url('pledges', branch.pk)}?year={year}")
    rows = branch.pledges.filter(year=year).select_related("member", "commented_by").prefetch_related("photos")
    return _page(
        request,
        "records/pledges.html",
        branch,
        "pledges",
        year,
        form=form if may_record else None,
        pledges=rows,
        resolve_form=PledgeResolveForm(initial={"resolved_on": local_today(), "status": PledgeStatus.KEPT}),
        may_comment=request.user.role in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER) or request.user.is_superuser,
        open_count=sum(1 for p in rows if p.status == PledgeStatus.OPEN),
    )


@login_required
@require_POST
def pledge_resolve(request, pk):
    pledge = get_object_or_404(Pledge.objects.visible_to(request.user), pk=pk)
    form = PledgeResolveForm(request.POST, request.FILES)
    target = f"{_url('pledges', pledge.branch_id)}?year={pledge.year}#pledge-{pledge.pk}"
    if not Pledge.objects.role_may_edit(request.user):
        raise PermissionDenied("您不能为该党支部记录。")
    if (
        _save(
            request,
            form,
            lambda data: services.pledge_resolve(pledge, actor=request.user, **data),
            "已标记承诺兑现情况。",
        )
        is None
    ):
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(target)


@login_required
@require_POST
def pledge_comment(request, pk):
    pledge = get_object_or_404(Pledge.objects.visible_to(request.user), pk=pk)
    form = PledgeCommentForm(request.POST)
    if form.is_valid():
        services.pledge_comment(pledge, comment=form.cleaned_data["comment"], actor=request.user)
        messages.success(request, "已保存领导点评。")
    else:
        messages.error(request, "点评内容不能为空，且不超过 300 字。")
    return redirect(f"{_url('pledges', pledge.branch_id)}?year={pledge.year}#pledge-{pledge.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def appraisals(request, pk):
    branch = _branch(request.user, pk)
    may_record = Appraisal.objects.role_may_edit(request.user)
    form = AppraisalForm(request.POST or None, branch=branch, initial={"held_on": local_today()})
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("您不能为该党支部记录。")

        def save(data):
            data["forms"] = data.pop("forms_issued")
            return services.appraisal_record(branch=branch, actor=request.user, **data)

        if _save(request, form, save, "已记录群众评议，满意率 {record.satisfaction_rate}%。"):
            return redirect("records:appraisals", pk=branch.pk)
    year = requested_year(request)
    return _page(
        request,
        "records/appraisals.html",
        branch,
        "appraisals",
        year,
        form=form if may_record else None,
        appraisals=branch.appraisals.filter(held_on__year=year).select_related("member"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def points_scheme(request):
    """A township's 党员量化积分 scheme: points per confirmed record of each kind, capped per year."""
    if request.user.role != Role.TOWNSHIP_STAFF:
        raise PermissionDenied("党员量化积分规则由镇党委工作人员设置。")
    township = get_object_or_404(Township.objects.visible_to(request.user), pk=request.user.township_id)
    current = selectors.points_rules(township)
    forms = {
        kind: PointsRuleForm(
            request.POST or None,
            prefix=kind,
            initial={"points": rule.points, "yearly_cap": rule.yearly_cap} if (rule := current.get(kind)) else None,
        )
        for kind in DeedKind.values
    }
    if request.method == "POST":
        if all(form.is_valid() for form in forms.values()):
            with transaction.atomic():
                for kind, form in forms.items():
                    services.points_rule_save(township=township, kind=kind, actor=request.user, **form.cleaned_data)
            messages.success(request, "已保存本镇党员量化积分规则，党员积分按新规则计算。")
            return redirect("records:points_scheme")
        messages.error(request, "填写有误，未保存，请按提示修改。")
    return render(
        request,
        "records/points_scheme.html",
        {"township": township, "rows": [(DeedKind(kind).label, form) for kind, form in forms.items()]},
    )


@login_required
def photo_file(request, pk, variant="original"):
    """A record's photo, only to users who see its branch (another unit's does not exist), never from a public path."""
    photo = get_object_or_404(RecordPhoto.objects.visible_to(request.user), pk=pk)
    file_served.send(
        sender=RecordPhoto,
        request=request,
        obj=photo,
        filename=photo.original_name,
        data=None,
        detail={"sha256": photo.sha256, "variant": variant},
    )
    return stored_file_response(photo, variant)


@login_required
@require_http_methods(["GET", "POST"])
def documents(request, pk):
    """The branch's standing documents of a year, each kept once: which the standards ask for, which
    are on record (with their files), and a form to add one."""
    branch = _branch(request.user, pk)
    may_record = BranchDocument.objects.role_may_edit(request.user)
    year = requested_year(request)
    chosen = request.GET.get("kind", "")
    initial = {"year": year, "kind": chosen if chosen in DocumentKind.values else ""}
    form = DocumentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("您不能为该党支部记录。")
        record = _save(
            request,
            form,
            lambda data: services.document_record(branch=branch, actor=request.user, **data),
            "已保存：{record}；用到它的评分表已随之更新。",
        )
        if record:
            return redirect(f"{_url('documents', branch.pk)}?year={record.year}")
    kept: dict[str, list] = {}
    for document in branch.documents.filter(year=year).select_related("recorded_by").prefetch_related("photos"):
        kept.setdefault(document.kind, []).append(document)
    return _page(
        request,
        "records/documents.html",
        branch,
        "documents",
        year,
        form=form if may_record else None,
        kinds=[(kind, label, kept.get(kind, [])) for kind, label in DocumentKind.choices],
        kept_count=len(kept),
        chosen=initial["kind"],
    )
