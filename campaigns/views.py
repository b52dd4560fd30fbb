"""Campaign pages. Every action calls one workflow function and redirects;
refusals come back as a Chinese message and change nothing."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from branches.scoping import Role
from common.dates import recent_years, requested_year, today
from common.numbers import plain_int
from inbox import services as inbox
from inspections.services import next_number_label
from scoring.selectors import framework_spec

from . import selectors, sheet_steps, workflow
from .forms import CampaignForm, ObjectionForm, PhaseSchedule, PublicObjectionForm
from .models import Campaign, Objection, Participant, State
from .services import campaign_create, phase_schedule_save

CAMPAIGN_DOCUMENTS = [
    ("verification_report", "验收报告（PDF）"),
    ("score_sheets", "全部评分表（PDF）"),
    ("score_matrix_xlsx", "评分矩阵（Excel）"),
    ("ledger_xlsx", "达标/未达标台账（Excel）"),
    ("progress_xlsx", "进度表（Excel）"),
]
PARTICIPANT_DOCUMENTS = [("verification_report", "验收报告（PDF）"), ("score_sheets", "评分表（PDF）")]


def _get_campaign_for_user(user, pk) -> Campaign:
    return get_object_or_404(Campaign.objects.visible_to(user).select_related("framework", "township", "county"), pk=pk)


def _get_participant_for_user(user, pk) -> Participant:
    return get_object_or_404(
        Participant.objects.visible_to(user).select_related(
            "campaign__framework",
            "campaign__township",
            "branch__township",
            "member",
            "self_sheet",
            "verification_sheet",
            "review_sheet",
        ),
        pk=pk,
    )


def _is_publisher(user, campaign) -> bool:
    """Whether the page offers the user publicity, objections and naming (the workflow decides again)."""
    return user.is_superuser or user.role == workflow.publisher_role(campaign)


@login_required
def campaign_list(request):
    may_create = request.user.is_superuser or request.user.role in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER)
    return render(
        request,
        "campaigns/campaign_list.html",
        {"campaigns": selectors.campaign_list(request.user), "may_create": may_create, "today": today()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    if request.user.role not in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER):
        raise PermissionDenied("只有县委组织部和乡镇党委可以组织创建活动。")
    form = CampaignForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            campaign = campaign_create(actor=request.user, **form.cleaned_data)
        except ValueError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"已创建“{campaign.title}”，各阶段日期已按实施方案预填并经您确认，时间节点随阶段设置，可在“阶段安排”中修改。",
            )
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def campaign_phase_proposal(request):
    """The creation form's phase block for the kind, year and re-check chosen (htmx swaps it in)."""
    if request.user.role not in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER):
        raise PermissionDenied("只有县委组织部和乡镇党委可以组织创建活动。")
    initial = {
        "kind": request.GET.get("kind", ""),
        "year": request.GET.get("year", ""),
        # an unticked box sends nothing
        "county_review": request.GET.get("county_review") in ("on", "true", "1"),
    }
    form = CampaignForm(user=request.user, initial=initial)
    if request.GET.get("proposal_for") == form.proposal_key:
        # the same kind and year (only the re-check changed): the dates typed so far stay as typed
        for name in form.fields:
            typed = request.GET.get(name, "")
            if name.startswith("phase_") and typed and len(typed) <= 10:
                form.fields[name].initial = typed
    return render(request, "campaigns/_phase_proposal.html", {"form": form})


@login_required
def campaign_detail(request, pk):
    campaign = _get_campaign_for_user(request.user, pk)
    progress = selectors.campaign_progress(campaign, request.user)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": progress,
            "participants": selectors.campaign_participants(campaign, request.user),
            "may_edit_phases": any(
                workflow.may_manage_phase(request.user, campaign, p.kind) for p in progress["phases"]
            ),
            "is_county": request.user.role == Role.COUNTY_REVIEWER,
            "is_publisher": _is_publisher(request.user, campaign),
            "may_urge": _may_urge(request.user),
            "documents": CAMPAIGN_DOCUMENTS,
            "next_number": _next_report_number(request.user, campaign),
            "open_objections": Objection.objects.filter(
                participant__campaign=campaign, resolution=Objection.Resolution.OPEN
            ).select_related("participant__branch"),
        },
    )


def _next_report_number(user, campaign) -> str:
    """The 文号 the verification report would take if the user numbers it ("" if they may not)."""
    issuer = selectors.report_issuer(user, campaign)
    return next_number_label(issuer, today().year) if issuer else ""


def _may_urge(user) -> bool:
    return user.is_superuser or user.role in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_urge(request, pk):
    """催办: the township (or the county) picks lagging units by a filter — all shown are ticked —
    writes one note and sends it; the page shows who was urged, when and how often. A refusal
    (no note, nobody picked, a unit outside the sender's scope) keeps the note and the ticks."""
    campaign = _get_campaign_for_user(request.user, pk)
    if not _may_urge(request.user):
        raise PermissionDenied("只有乡镇党委和县委组织部可以催办。")
    show = request.GET.get("show", "")
    show = show if show in selectors.URGE_FILTERS else ""
    candidates = selectors.urge_candidates(campaign, request.user, show)
    note, picked, error = "", None, ""
    if request.method == "POST":
        note = request.POST.get("note", "")
        picked, ids = inbox.posted_branches(request.POST.getlist("branch"))
        try:
            record = inbox.urge(
                sender=request.user,
                branches=ids,
                note=note,
                topic=selectors.urge_topic(campaign),
                topic_label=f"{campaign.title}（自查自评申报）",
                url=reverse("campaigns:detail", args=[campaign.pk]),
                within={row["participant"].branch_id for row in candidates["rows"]},
            )
        except ValueError as refused:
            error = str(refused)
        else:
            messages.success(request, f"已向 {record.branches.count()} 个党支部发送催办。")
            return redirect(f"{reverse('campaigns:urge', args=[campaign.pk])}?show={show}")
    return render(
        request,
        "campaigns/urge.html",
        {
            "campaign": campaign,
            "show": show,
            "filters": selectors.URGE_FILTERS,
            "candidates": candidates,
            "note": note,
            "picked": picked,
            "error": error,
            "sent": inbox.urges_sent(selectors.urge_topic(campaign), request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def phase_edit(request, pk):
    """Each phase's dates and milestones, changed by whoever manages it (``workflow.may_manage_phase``);
    the others are shown read-only and anything posted for them is not read."""
    campaign = _get_campaign_for_user(request.user, pk)
    schedule = PhaseSchedule(campaign, request.user, request.POST or None)
    if not schedule.editable:
        raise PermissionDenied("您不能修改本活动的阶段安排。")
    if request.method == "POST" and schedule.is_valid():
        try:
            phase_schedule_save(campaign=campaign, actor=request.user, changes=schedule.changes())
        except ValueError as refused:
            schedule.errors.append(str(refused))
        else:
            messages.success(request, "阶段安排已保存。")
            return redirect("campaigns:detail", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/phase_form.html", {"campaign": campaign, "schedule": schedule}, status=status)


@login_required
def participant_detail(request, pk):
    participant = _get_participant_for_user(request.user, pk)
    submissions = list(participant.submissions.all())
    changes = []
    if len(submissions) >= 2:
        before, after = submissions[-2].entries, submissions[-1].entries
        changes = [(code, before.get(code), after[code]) for code in after if before.get(code) != after[code]]
    returned = participant.transitions.filter(action="return").order_by("-at").first()
    return render(
        request,
        "campaigns/participant_detail.html",
        {
            "participant": participant,
            "campaign": participant.campaign,
            "timeline": selectors.participant_timeline(participant),
            "actions": workflow.allowed_actions(participant, request.user),
            "rules": workflow.TRANSITIONS,
            "methods": workflow.VERIFICATION_METHODS,
            "items": participant.campaign.framework.items.all(),
            "submissions": submissions,
            "changes": changes,
            "returned": returned,
            "extensions": participant.extensions.select_related("granted_by"),
            "levels": selectors.level_comparison([participant], framework_spec(participant.campaign.framework))[
                participant.pk
            ],
            "objections": participant.objections.all(),
            "objection_form": ObjectionForm(initial={"received_on": today()}),
            "may_extend": request.user.role in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER),
            "is_county": request.user.role == Role.COUNTY_REVIEWER,
            "is_publisher": _is_publisher(request.user, participant.campaign),
            "next_number": _next_report_number(request.user, participant.campaign),
            "documents": PARTICIPANT_DOCUMENTS
            + ([("certificate", "命名证书（PDF）")] if participant.state == State.NAMED else []),
        },
    )


def _refusable(view):
    """Run a workflow call; a refusal becomes a message on the page it came from."""

    def wrapper(request, pk, *args, **kwargs):
        try:
            return view(request, pk, *args, **kwargs)
        except workflow.WorkflowError as refused:
            messages.error(request, str(refused))
            back = request.META.get("HTTP_REFERER", "")
            if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
            return redirect("campaigns:list")

    wrapper.__name__ = view.__name__
    return wrapper


@login_required
@require_POST
@_refusable
def participant_action(request, pk, action):
    participant = _get_participant_for_user(request.user, pk)
    if action not in workflow.TRANSITIONS:
        raise PermissionDenied("未知的操作。")
    data = {}
    if action == "return":
        codes = request.POST.getlist("return_items")
        data["items"] = {code: request.POST.get(f"reason-{code}", "") for code in codes}
    if action in ("pass", "fail"):
        data["methods"] = request.POST.getlist("methods")
        for key in ("satisfied", "basic", "unsatisfied"):
            data[key] = plain_int(request.POST.get(key, ""))
    workflow.transition(participant, action, actor=request.user, comment=request.POST.get("comment", ""), data=data)
    messages.success(request, f"已{workflow.TRANSITIONS[action].label}：{participant.subject_label}。")
    if action == "start":
        participant.refresh_from_db()
        return redirect("scoring:sheet_fill", pk=participant.self_sheet_id)
    return redirect("campaigns:participant", pk=participant.pk)


@login_required
def participant_step(request, pk, stage):
    """The step after a sheet, confirmed: what will lock and what is missing (申报), or what
    changed from the level below with each reason (验收 / 复核), then the one button."""
    participant = _get_participant_for_user(request.user, pk)
    step = sheet_steps.STEPS.get(stage)
    sheet = getattr(participant, step.attribute) if step else None
    if sheet is None:
        raise Http404
    action = sheet_steps.next_action(participant, sheet, request.user)
    if not action:
        messages.error(request, "现在不能进行这一步：评分表已处理，或不在规定的时间内。")
        return redirect("campaigns:participant", pk=participant.pk)
    differences = sheet_steps.sheet_differences(sheet)
    return render(
        request,
        "campaigns/participant_step.html",
        {
            "participant": participant,
            "campaign": participant.campaign,
            "sheet": sheet,
            "stage": stage,
            "action": action,
            "rules": workflow.TRANSITIONS,
            "missing": sheet_steps.missing_items(sheet),
            "evidence_count": sheet.evidence.count(),
            "origins": sheet_steps.entry_origins(sheet),
            "item_count": sheet.framework.items.count(),
            "differences": differences,
            "methods": workflow.VERIFICATION_METHODS,
            "default_methods": ("records",),
            "comment": "；".join(
                f"{d['code']} {d['before'] or '未填'}→{d['after'] or '未填'}（{d['reason']}）" for d in differences
            )[:300],
        },
    )


@login_required
@require_POST
@_refusable
def participant_open_sheet(request, pk, stage):
    participant = _get_participant_for_user(request.user, pk)
    opener = workflow.verification_open if stage == "verification" else workflow.review_open
    sheet = opener(participant, actor=request.user)
    return redirect("scoring:sheet_fill", pk=sheet.pk)


@login_required
@require_POST
def participant_to_ledger(request, pk):
    """Township staff put the standards the verification scored low on the problem ledger."""
    from inspections.services import InspectionError, ledger_from_sheet

    participant = _get_participant_for_user(request.user, pk)
    if request.user.role != Role.TOWNSHIP_STAFF or participant.verification_sheet is None:
        raise PermissionDenied("只有乡镇党委工作人员可以把验收发现的问题列入台账。")
    try:
        added = ledger_from_sheet(
            sheet=participant.verification_sheet,
            actor=request.user,
            deadline=today() + timedelta(days=30),
        )
    except InspectionError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, f"已将 {added} 个得分不足六成的评分项列入问题台账（整改时限 30 天，可在台账中查看）。"
        )
    return redirect("campaigns:participant", pk=participant.pk)


@login_required
@require_POST
@_refusable
def participant_extend(request, pk):
    participant = _get_participant_for_user(request.user, pk)
    until = request.POST.get("until", "")
    try:
        until_date = datetime.strptime(until, "%Y-%m-%d").date()
    except ValueError:
        raise workflow.WorkflowError("请填写延长到的日期。") from None
    workflow.phase_extend(
        participant,
        phase_kind=request.POST.get("phase_kind", ""),
        until=until_date,
        reason=request.POST.get("reason", ""),
        actor=request.user,
    )
    messages.success(request, f"已为“{participant.subject_label}”延长期限至 {until_date}。")
    return redirect("campaigns:participant", pk=participant.pk)


@login_required
@require_POST
@_refusable
def objection_new(request, pk):
    participant = _get_participant_for_user(request.user, pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        raise workflow.WorkflowError("异议登记有误：" + "；".join(e for errors in form.errors.values() for e in errors))
    workflow.objection_record(participant, actor=request.user, **form.cleaned_data)
    messages.success(request, "异议已登记。")
    return redirect("campaigns:participant", pk=participant.pk)


@login_required
@require_POST
@_refusable
def objection_resolve(request, pk):
    visible = Participant.objects.visible_to(request.user)
    objection = get_object_or_404(Objection.objects.filter(participant__in=visible), pk=pk)
    workflow.objection_resolve(
        objection, upheld=request.POST.get("upheld") == "1", note=request.POST.get("note", ""), actor=request.user
    )
    messages.success(request, "异议已处理。")
    return redirect("campaigns:participant", pk=objection.participant_id)


CAMPAIGN_STEPS = {
    "sample": (workflow.review_sample, "已抽样，抽中 {n} 个单位复核。"),
    "close_review": (workflow.review_close, "复核结束，{n} 个未抽中的推荐单位按推荐确认。"),
    "publicize": (workflow.publicity_start, "已开始公示，共 {n} 个单位。"),
    "name": (workflow.naming, "已命名 {n} 个单位。"),
}


@login_required
@require_POST
@_refusable
def campaign_step(request, pk, step):
    campaign = _get_campaign_for_user(request.user, pk)
    if step not in CAMPAIGN_STEPS:
        raise Http404("没有这个操作。")
    function, message = CAMPAIGN_STEPS[step]
    outcome = function(campaign, actor=request.user)
    messages.success(request, message.format(n=len(outcome) if isinstance(outcome, list) else outcome))
    return redirect("campaigns:detail", pk=campaign.pk)


def rate_limited(request, exception):
    return render(request, "429.html", status=429)


def public_notice(view):
    """What every public notice (公示) page is: no login, GET and POST only, rate-limited per address
    (``PUBLIC_RATE`` for every request, ``PUBLIC_OBJECTION_RATE`` for objections, one budget across
    all notices), CSRF-checked like any form."""
    view = require_http_methods(["GET", "POST"])(view)
    view = ratelimit(
        group="public-objection",
        key="ip",
        rate=lambda group, request: settings.PUBLIC_OBJECTION_RATE,
        method="POST",
        block=True,
    )(view)
    return ratelimit(
        group="public-notice",
        key="ip",
        rate=lambda group, request: settings.PUBLIC_RATE,
        method=ratelimit.ALL,
        block=True,
    )(view)


@public_notice
def publicity_page(request, token):
    """The public notice (公示): no login, only what a notice on a wall would say,
    and a form to raise an objection while it runs (rate-limited per address, CSRF-checked)."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("county", "township__county", "framework"), public_token=token
    )
    listed = (
        campaign.participants.filter(state__in=(State.PUBLICIZED, State.NAMED))
        .select_related("branch__township", "member")
        .order_by("branch__township__name", "branch__name")
    )
    day = today()
    running = bool(campaign.publicity_starts_on and campaign.publicity_starts_on <= day <= campaign.publicity_ends_on)
    open_to_objection = listed.filter(state=State.PUBLICIZED)
    form = PublicObjectionForm(request.POST or None, listed=open_to_objection) if running else None
    notice = {"listed": listed, "shown": bool(campaign.publicity_starts_on)}
    if request.method == "POST":
        if form is None:
            return render(request, "campaigns/publicity.html", {**notice, "campaign": campaign}, status=400)
        if form.is_valid():
            try:
                workflow.objection_submit_public(
                    form.cleaned_data["participant"],
                    content=form.cleaned_data["content"],
                    contact=form.cleaned_data["contact"],
                )
            except workflow.WorkflowError as refused:
                form.add_error(None, str(refused))
            else:
                return redirect(f"{request.path}?received=1#objection")
    return render(
        request,
        "campaigns/publicity.html",
        {
            **notice,
            "campaign": campaign,
            "form": form if open_to_objection.exists() else None,
            "received": request.GET.get("received") == "1",
        },
        status=400 if form is not None and form.errors else 200,
    )


STARS_PER_PAGE = 100


@login_required
def stars(request):
    """Each branch's stars and grade this year against last, per kind of campaign (the laggards first)."""
    if request.user.role not in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER):
        raise PermissionDenied("只有县、乡镇党委工作人员可以查看星级对比。")
    kind = request.GET.get("kind", "standardization")
    kinds = dict(Campaign._meta.get_field("kind").choices)
    if kind not in kinds:
        kind = "standardization"
    year = requested_year(request)
    # a county sees every branch: a page at a time, the laggards first
    page = Paginator(selectors.stars_table(request.user, kind, year), STARS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/stars.html",
        {
            "rows": page.object_list,
            "page": page,
            "kind": kind,
            "kind_label": kinds[kind],
            "kinds": kinds,
            "year": year,
            "years": recent_years(),
        },
    )
