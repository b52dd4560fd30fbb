from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from branches.models import Township
from branches.scoping import Role
from branches.signals import file_served
from common.files import stored_file_response

from . import selectors, services
from .forms import InterviewForm, MeetingForm, ReportForm, RoundForm, VotesForm
from .models import DutyReport, DutyRound, ReportFile, RoundStatus, VoteGroup

ERROR_STAFF_ONLY = "只有镇党委工作人员可以{action}。"


def _staff_only(user, action):
    if not (user.is_superuser or user.role == Role.TOWNSHIP_STAFF):
        raise PermissionDenied(ERROR_STAFF_ONLY.format(action=action))


def _refused(form, refused: services.DutyError):
    form.add_error(refused.field if refused.field in form.fields else None, str(refused))


@login_required
def round_list(request):
    """Township staff and the county: the rounds and the 约谈 still due; a secretary: her reports."""
    context = {
        "rounds": selectors.rounds_for(request.user),
        "reports": DutyReport.objects.visible_to(request.user)
        .filter(branch_id=request.user.branch_id)
        .select_related("duty_round", "branch")
        if request.user.branch_id
        else [],
        "may_open": request.user.role == Role.TOWNSHIP_STAFF,
    }
    return render(request, "duty_reports/round_list.html", context)


@login_required
def round_new(request):
    _staff_only(request.user, "开启述职评议")
    township = get_object_or_404(Township.objects.visible_to(request.user), pk=request.user.township_id or 0)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            duty_round = services.round_open(
                township=township,
                year=data["year"],
                weights=services.weights_from(data),
                rule=services.rule_from(data),
                report_deadline=data["report_deadline"],
                actor=request.user,
            )
        except services.DutyError as refused:
            _refused(form, refused)
        else:
            messages.success(request, f"已开启{duty_round}，已为 {duty_round.reports.count()} 个党支部起草述职报告。")
            return redirect("duty_reports:round", duty_round.pk)
    return render(request, "duty_reports/form.html", {"form": form, "title": f"开启{township.name}党支部书记述职评议"})


@login_required
def round_detail(request, pk):
    duty_round = get_object_or_404(DutyRound.objects.visible_to(request.user).select_related("township"), pk=pk)
    rows = selectors.round_rows(duty_round)
    return render(
        request,
        "duty_reports/round_detail.html",
        {
            "round": duty_round,
            "rows": rows,
            "groups": [(VoteGroup(g).label, w) for g, w in duty_round.weights.items()],
            "steps": duty_round.steps.select_related("actor"),
            "meeting_form": MeetingForm() if duty_round.status == RoundStatus.OPEN else None,
            "is_staff": request.user.role == Role.TOWNSHIP_STAFF,
            "submitted": sum(r.report.status == "submitted" for r in rows),
            "judged": sum(bool(r.report.tier) for r in rows),
        },
    )


@login_required
@require_POST
def round_advance(request, pk):
    duty_round = get_object_or_404(DutyRound.objects.visible_to(request.user), pk=pk)
    _staff_only(request.user, "推进述职评议")
    form = MeetingForm(request.POST) if duty_round.status == RoundStatus.OPEN else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
        return redirect("duty_reports:round", pk)
    data = form.cleaned_data if form else {}
    try:
        advanced = services.round_advance(
            duty_round=duty_round,
            meeting_on=data.get("meeting_on"),
            meeting_place=data.get("meeting_place", ""),
            actor=request.user,
        )
    except services.DutyError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"述职评议已进入“{advanced.get_status_display()}”。")
    return redirect("duty_reports:round", pk)


def _report_for(user, pk):
    return get_object_or_404(
        DutyReport.objects.visible_to(user).select_related("duty_round__township", "branch"), pk=pk
    )


@login_required
def report_detail(request, pk):
    """The report: the secretary edits and submits it while the round is open; everyone who sees it reads it
    with its versions, votes and 约谈."""
    report = _report_for(request.user, pk)
    may_edit = (
        request.user.role == Role.BRANCH_SECRETARY
        and request.user.branch_id == report.branch_id
        and report.duty_round.status == RoundStatus.OPEN
    )
    form = ReportForm(request.POST or None, initial={"text": report.text, "revision": report.revision})
    if request.method == "POST":
        if request.user.role != Role.BRANCH_SECRETARY or request.user.branch_id != report.branch_id:
            raise PermissionDenied(services.ERROR_NOT_SECRETARY)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                services.report_save(
                    report=report,
                    text=form.cleaned_data["text"],
                    revision=form.cleaned_data["revision"],
                    submit=submit,
                    actor=request.user,
                )
            except services.StaleReport as stale:
                # keep what she typed, now over the newer version: sending it again saves it
                form = ReportForm({"text": form.cleaned_data["text"], "revision": stale.revision})
                form.is_valid()
                _refused(form, stale)
            except services.DutyError as refused:
                _refused(form, refused)
                if not may_edit:  # the meeting was held meanwhile: the page shows her text to keep, not the form
                    messages.error(request, str(refused))
            else:
                messages.success(request, "述职报告已提交。" if submit else "述职报告已保存。")
                return redirect("duty_reports:report", pk)
    row = next(r for r in selectors.round_rows(report.duty_round) if r.report.pk == report.pk)
    return render(
        request,
        "duty_reports/report_detail.html",
        {
            "report": report,
            "row": row,
            "form": form,
            "may_edit": may_edit,
            "versions": report.versions.select_related("saved_by"),
            "files": report.files.all(),
            "is_staff": request.user.role == Role.TOWNSHIP_STAFF,
            "votes_open": report.duty_round.status == RoundStatus.MEETING_HELD,
            # the counts give the tier away: a secretary sees them with the published result
            "show_votes": request.user.role != Role.BRANCH_SECRETARY
            or report.duty_round.status == RoundStatus.PUBLISHED,
            "kept_text": form.data.get("text", "") if request.method == "POST" and not may_edit else "",
        },
    )


@login_required
def votes_record(request, pk):
    report = _report_for(request.user, pk)
    _staff_only(request.user, "录入评议票数")
    groups = [g for g, weight in report.duty_round.weights.items() if weight]
    current = {v.group: v for v in selectors.current_votes([report.pk])}
    form = VotesForm(request.POST or None, groups=groups, initial_votes=current)
    if request.method == "POST" and form.is_valid():
        try:
            judged = services.votes_record(report=report, ballots=form.ballots(), actor=request.user)
        except services.DutyError as refused:
            _refused(form, refused)
        else:
            messages.success(request, f"{report.branch.name}的票数已记录：{judged.tier_rule}。")
            return redirect("duty_reports:round", report.duty_round_id)
    return render(request, "duty_reports/votes.html", {"form": form, "report": report, "round": report.duty_round})


@login_required
def interview_record(request, pk):
    report = _report_for(request.user, pk)
    _staff_only(request.user, "记录约谈")
    form = InterviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_record(report=report, actor=request.user, **form.cleaned_data)
        except services.DutyError as refused:
            _refused(form, refused)
        else:
            messages.success(request, f"已记录与{report.branch.name}书记的约谈。")
            return redirect("duty_reports:report", pk)
    row = next(r for r in selectors.round_rows(report.duty_round) if r.report.pk == report.pk)
    return render(
        request,
        "duty_reports/form.html",
        {
            "form": form,
            "title": f"约谈{report.branch.name}书记{report.secretary_name}",
            "reasons": row.interview_reasons,
        },
    )


@login_required
def interviews_due(request):
    return render(request, "duty_reports/interviews_due.html", {"rows": selectors.interviews_due(request.user)})


@login_required
@require_POST
def report_upload(request, pk):
    """The secretary adds a file (a signed scan, a PDF) to her report; refused files leave nothing."""
    report = _report_for(request.user, pk)
    try:
        stored = services.report_file_store(report=report, upload=request.FILES.get("upload"), actor=request.user)
    except services.DutyError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已上传“{stored.original_name}”。")
    return redirect("duty_reports:report", pk)


@login_required
def report_file(request, pk):
    """A report's file, only to users who see its branch, never from a public path."""
    stored = get_object_or_404(ReportFile.objects.visible_to(request.user), pk=pk)
    file_served.send(
        sender=ReportFile,
        request=request,
        obj=stored,
        filename=stored.original_name,
        data=None,
        detail={"sha256": stored.sha256},
    )
    return stored_file_response(stored)
