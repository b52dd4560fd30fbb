"""Inspection rounds, the quarter's ranking and the problem ledger. Thin views:
each looks its object up through a scoped queryset and calls one service."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from branches.models import Township
from branches.scoping import Role
from common.dates import today
from common.numbers import plain_int

from . import selectors, services
from .forms import FindingForm, LedgerItemForm, RoundForm
from .models import (
    InspectedBranch,
    InspectionRound,
    LedgerItem,
    LedgerItemQuerySet,
    LedgerStatus,
    Notice,
    QuarterRanking,
    SecretaryActionFlag,
)

STAFF_ROLES = (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER)


def _require_staff(user):
    if not (user.is_superuser or user.role in STAFF_ROLES):
        raise PermissionDenied("只有乡镇党委和县委组织部可以进行督查。")


def _rounds_for(user):
    """Rounds with at least one branch the user may see (unannounced ones hidden from secretaries until closed)."""
    visible = InspectedBranch.objects.visible_to(user)
    return InspectionRound.objects.filter(pk__in=visible.values("inspection_round"))


@login_required
def round_list(request):
    rounds = (
        _rounds_for(request.user)
        .annotate(branch_count=Count("inspected", distinct=True), finding_count=Count("inspected__findings"))
        .select_related("township", "county", "checklist")
    )
    return render(
        request,
        "inspections/round_list.html",
        {
            "rounds": rounds,
            "may_create": request.user.is_superuser or request.user.role in STAFF_ROLES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request):
    _require_staff(request.user)
    form = RoundForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            inspection_round = services.round_create(actor=request.user, **form.cleaned_data)
        except services.InspectionError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已建立“{inspection_round.title}”，请逐个填写督查评分表。")
            return redirect("inspections:round", pk=inspection_round.pk)
    return render(request, "inspections/form.html", {"form": form, "title": "新建督查"})


@login_required
def round_detail(request, pk):
    inspection_round = get_object_or_404(_rounds_for(request.user).select_related("checklist"), pk=pk)
    inspected = (
        InspectedBranch.objects.visible_to(request.user)
        .filter(inspection_round=inspection_round)
        .select_related("branch__township", "sheet")
        .annotate(finding_count=Count("findings"))
        .order_by("branch__name")
    )
    return render(
        request,
        "inspections/round_detail.html",
        {
            "round": inspection_round,
            "inspected": inspected,
            "is_staff": request.user.is_superuser or request.user.role in STAFF_ROLES,
        },
    )


@login_required
@require_POST
def round_close(request, pk):
    _require_staff(request.user)
    inspection_round = get_object_or_404(_rounds_for(request.user), pk=pk)
    try:
        services.round_close(inspection_round, actor=request.user)
    except services.InspectionError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "督查已结束，结果计入本季度排名。")
    return redirect("inspections:round", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def finding_new(request, pk):
    _require_staff(request.user)
    inspected = get_object_or_404(
        InspectedBranch.objects.visible_to(request.user).select_related("branch", "inspection_round"), pk=pk
    )
    form = FindingForm(request.POST or None, request.FILES or None, initial={"responsible": "", "deadline": today()})
    if form.is_valid():
        try:
            services.finding_record(inspected=inspected, actor=request.user, **form.cleaned_data)
        except services.InspectionError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "问题已记录" + ("，并已列入问题台账。" if form.cleaned_data["task"] else "。"))
            return redirect("inspections:round", pk=inspected.inspection_round_id)
    return render(
        request,
        "inspections/form.html",
        {
            "form": form,
            "title": f"记录“{inspected.branch.name}”发现的问题",
            "findings": inspected.findings.prefetch_related("photos"),
        },
    )


def _quarter_asked(data) -> tuple[int | None, int | None]:
    """The ``year`` and ``quarter`` a page was asked for, each None when it is not a real one."""
    year, quarter = plain_int(data.get("year"), max_digits=4), plain_int(data.get("quarter"), max_digits=1)
    return (year if year and 2000 <= year <= today().year + 1 else None), (quarter if quarter in (1, 2, 3, 4) else None)


@login_required
def ranking(request):
    """The quarter's ranking as it stands (computed live), and what was published."""
    townships = Township.objects.visible_to(request.user).order_by("name")
    township = townships.filter(pk=plain_int(request.GET.get("township")) or 0).first()
    day = today()
    year, quarter = day.year, (day.month - 1) // 3 + 1
    if request.GET.get("year") or request.GET.get("quarter"):
        # a year or quarter that is not one (typed into the address) falls back to today's, never a 500
        asked_year, asked_quarter = _quarter_asked(request.GET)
        year, quarter = asked_year or year, asked_quarter or quarter
    elif latest := selectors.latest_ranked_quarter([township] if township else townships):
        # opens on the latest quarter that has a ranking, not on an empty current quarter
        township_id, year, quarter = latest
        township = township or townships.get(pk=township_id)
    township = township or townships.first()
    rows = list(services.ranking_rows(township, year, quarter)) if township else []
    cut = max(len(rows) - services.BOTTOM, 0)
    published = (
        QuarterRanking.objects.filter(township=township, year=year, quarter=quarter).first() if township else None
    )
    flags = (
        SecretaryActionFlag.objects.visible_to(request.user).filter(resolved_at=None).select_related("branch__township")
    )
    return render(
        request,
        "inspections/ranking.html",
        {
            "townships": townships,
            "township": township,
            "year": year,
            "quarter": quarter,
            "rows": rows,
            "cut": cut,
            "published": published,
            "notices": (
                Notice.objects.visible_to(request.user).filter(ranking=published).select_related("number")
                if published
                else []
            ),
            "flags": flags,
            "is_staff": request.user.is_superuser or request.user.role in STAFF_ROLES,
        },
    )


@login_required
@require_POST
def ranking_publish(request):
    _require_staff(request.user)
    township = get_object_or_404(Township.objects.visible_to(request.user), pk=plain_int(request.POST.get("township")))
    year, quarter = _quarter_asked(request.POST)
    if not (year and quarter):
        messages.error(request, "未公布：没有看到要公布的年度和季度，请重新打开排名页面。")
        return redirect(f"{reverse('inspections:ranking')}?township={township.pk}")
    try:
        result = services.ranking_publish(township=township, year=year, quarter=quarter, actor=request.user)
    except services.InspectionError as refused:
        messages.error(request, str(refused))
    else:
        flagged = result.flags.count()
        messages.success(request, "已公布排名" + (f"，{flagged} 个党支部连续两个季度排名后3位。" if flagged else "。"))
    return redirect(f"{reverse('inspections:ranking')}?township={township.pk}&year={year}&quarter={quarter}")


@login_required
@require_POST
def flag_resolve(request, pk):
    flag = get_object_or_404(SecretaryActionFlag.objects.visible_to(request.user), pk=pk)
    try:
        services.flag_resolve(flag, action_taken=request.POST.get("action_taken", ""), actor=request.user)
    except services.InspectionError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "处置情况已记录。")
    return redirect("inspections:ranking")


@login_required
def ledger(request):
    day = today()
    items = (
        LedgerItem.objects.visible_to(request.user)
        .with_overdue(day)
        .select_related("branch__township")
        .order_by("status", "deadline", "pk")
    )
    status = request.GET.get("status", "")
    if status in LedgerStatus.values:
        items = items.filter(status=status)
    per_branch = (
        LedgerItem.objects.visible_to(request.user)
        .values("branch__township__name", "branch__name")
        .annotate(
            open=Count("pk", filter=~Q(status=LedgerStatus.CLOSED)),
            overdue=Count("pk", filter=LedgerItemQuerySet.overdue_filter(day)),
            closed=Count("pk", filter=Q(status=LedgerStatus.CLOSED)),
        )
        .order_by("-overdue", "branch__township__name", "branch__name")
    )
    return render(
        request,
        "inspections/ledger.html",
        {
            "items": items[:300],
            "per_branch": per_branch,
            "status": status,
            "statuses": LedgerStatus.choices,
            "may_create": request.user.is_superuser or request.user.role in STAFF_ROLES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ledger_new(request):
    _require_staff(request.user)
    form = LedgerItemForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            item = services.ledger_item_create(actor=request.user, **form.cleaned_data)
        except services.InspectionError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "已列入问题台账。")
            return redirect("inspections:ledger_item", pk=item.pk)
    return render(request, "inspections/form.html", {"form": form, "title": "登记问题"})


@login_required
@require_http_methods(["GET", "POST"])
def ledger_item(request, pk):
    item = get_object_or_404(
        LedgerItem.objects.visible_to(request.user).with_overdue().select_related("branch__township", "finding"),
        pk=pk,
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in services.LEDGER_STEPS:
            raise PermissionDenied("未知的操作。")
        try:
            services.ledger_step(item, action, text=request.POST.get("text", ""), actor=request.user)
        except services.InspectionError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"已{services.LEDGER_STEPS[action].label}。")
        return redirect("inspections:ledger_item", pk=item.pk)
    steps = [
        (action, step.label)
        for action, step in services.LEDGER_STEPS.items()
        if item.status in step.sources and step.permits(request.user)
    ]
    return render(
        request,
        "inspections/ledger_item.html",
        {
            "item": item,
            "events": item.events.select_related("actor"),
            "steps": steps,
        },
    )


# 催办 of rectification: which branches a township (or the county) may pick, by filter.
LEDGER_URGE_FILTERS = {"": "全部未整改", "closing": "3 天内到期", "overdue": "已逾期"}
LEDGER_URGE_CLOSING_DAYS = 3


@login_required
@require_http_methods(["GET", "POST"])
def ledger_urge(request):
    """催办 of the ledger (or of one inspection round's findings, ``?round=``): the branches with
    items not yet rectified, by filter, all ticked; one note; who was urged, when and how often.
    A refusal keeps the note and the ticks."""
    from inbox import services as inbox

    _require_staff(request.user)
    day = today()
    show = request.GET.get("show", "")
    show = show if show in LEDGER_URGE_FILTERS else ""
    items = LedgerItem.objects.visible_to(request.user).filter(status=LedgerStatus.OPEN)
    inspection_round = None
    if request.GET.get("round"):
        inspection_round = get_object_or_404(_rounds_for(request.user), pk=plain_int(request.GET["round"]) or 0)
        items = items.filter(finding__inspected__inspection_round=inspection_round)
    if show == "closing":
        items = items.filter(deadline__gte=day, deadline__lte=day + timedelta(days=LEDGER_URGE_CLOSING_DAYS))
    elif show == "overdue":
        items = items.filter(deadline__lt=day)
    rows = list(
        items.values("branch_id", "branch__name", "branch__township__name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=day)), nearest=Min("deadline"))
        .order_by("-overdue", "nearest", "branch__township__name", "branch__name")[:500]
    )
    topic = f"inspection:{inspection_round.pk}" if inspection_round else "ledger"
    history = inbox.urge_history(topic, [row["branch_id"] for row in rows])
    for row in rows:
        row["urged"] = history.get(row["branch_id"])
    note, picked, error = "", None, ""
    here = reverse("inspections:ledger_urge") + (f"?round={inspection_round.pk}" if inspection_round else "")
    if request.method == "POST":
        note = request.POST.get("note", "")
        picked, ids = inbox.posted_branches(request.POST.getlist("branch"))
        label = f"{inspection_round}发现问题的整改" if inspection_round else "问题台账整改"
        try:
            record = inbox.urge(
                sender=request.user,
                branches=ids,
                note=note,
                topic=topic,
                topic_label=label,
                url=reverse("inspections:ledger") + "?status=open",
                within={row["branch_id"] for row in rows},
            )
        except ValueError as refused:
            error = str(refused)
        else:
            messages.success(request, f"已向 {record.branches.count()} 个党支部发送催办。")
            return redirect(f"{here}{'&' if inspection_round else '?'}show={show}")
    return render(
        request,
        "inspections/ledger_urge.html",
        {
            "rows": rows,
            "show": show,
            "filters": LEDGER_URGE_FILTERS,
            "inspection_round": inspection_round,
            "note": note,
            "picked": picked,
            "error": error,
            "sent": inbox.urges_sent(topic, request.user),
        },
    )
