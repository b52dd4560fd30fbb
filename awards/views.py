"""Selection pages. Each action validates a form, calls one service and redirects; a refusal comes
back beside the field (or at the top) in Chinese and saves nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.views import public_notice

from . import selectors, services
from .forms import (
    DecisionForm,
    NominationForm,
    ObjectionRecordForm,
    ObjectionResolveForm,
    PublicAwardObjectionForm,
    SelectionForm,
)
from .models import AwardObjection, NominationState, Selection, Status


def _get_selection_for_user(user, pk) -> Selection:
    return get_object_or_404(Selection.objects.visible_to(user).select_related("county", "township"), pk=pk)


def _refused(form, refusal: services.AwardError) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, str(refusal))


@login_required
def selection_list(request):
    return render(
        request,
        "awards/selection_list.html",
        {
            "selections": selectors.selection_list(request.user)[:200],
            "may_create": request.user.role in services.ORGANISERS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def selection_new(request):
    if request.user.role not in services.ORGANISERS:
        raise PermissionDenied("只有县委组织部和镇党委工作人员可以发起评选。")
    form = SelectionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = [unit.pk for unit in data.pop("nominating_units")]
        try:
            selection = services.selection_create(**data, nominating_unit_ids=units, actor=request.user)
        except services.AwardError as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, "评选已发起，推荐单位可以开始推荐。")
            return redirect("awards:detail", pk=selection.pk)
    return render(request, "awards/selection_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def selection_detail(request, pk):
    return _detail(request, _get_selection_for_user(request.user, pk))


def _detail(request, selection, *, record_form=None, status=200):
    context = selectors.selection_page(selection, request.user)
    context["resolve_form"] = ObjectionResolveForm()
    if context["organiser"] and selection.status == Status.PUBLICIZED:
        listed = selection.nominations.filter(state=NominationState.CHOSEN).select_related("branch__township", "member")
        context["record_form"] = record_form or ObjectionRecordForm(listed=listed)
    return render(request, "awards/selection_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request, pk):
    selection = _get_selection_for_user(request.user, pk)
    nominator = services.nominator_of(selection, request.user)
    if nominator is None:
        raise PermissionDenied(services.ERROR_NOT_NOMINATOR)
    form = NominationForm(request.POST or None, selection=selection, nominator=nominator)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_create(
                selection=selection,
                candidate_id=form.cleaned_data["candidate"].pk,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except services.AwardError as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, "推荐已提交。")
            return redirect("awards:detail", pk=selection.pk)
    return render(
        request,
        "awards/nomination_form.html",
        {"selection": selection, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, pk):
    selection = _get_selection_for_user(request.user, pk)
    if not services.is_organiser(request.user, selection):
        raise PermissionDenied(
            services.ERROR_NOT_ORGANISER.format(organiser=selection.organiser, action="记录评审决定")
        )
    nominations = selectors.selection_nominations(selection, request.user).filter(state=NominationState.NOMINATED)
    form = DecisionForm(request.POST or None, nominations=nominations)
    if request.method == "POST" and form.is_valid():
        try:
            chosen = services.selection_decide(
                selection=selection,
                met_on=form.cleaned_data["met_on"],
                committee_size=form.cleaned_data["committee_size"],
                present=form.cleaned_data["present"],
                votes=form.votes(),
                actor=request.user,
            )
        except services.AwardError as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, f"评审决定已记录：拟表彰 {len(chosen)} 名。")
            return redirect("awards:detail", pk=selection.pk)
    results = selectors.candidate_results(form.nominations, selection.year)
    return render(
        request,
        "awards/decision_form.html",
        {"selection": selection, "form": form, "rows": [(n, fields, results[n.pk]) for n, fields in form.rows()]},
        status=400 if form.errors else 200,
    )


STEPS = {
    "publicize": (
        lambda selection, actor: services.selection_publicize(selection=selection, actor=actor),
        "已开始公示。",
    ),
    "commend": (lambda selection, actor: services.selection_commend(selection=selection, actor=actor), "已表彰。"),
}


@login_required
@require_POST
def selection_step(request, pk, step):
    selection = _get_selection_for_user(request.user, pk)
    if step not in STEPS:
        raise PermissionDenied("没有这一步。")
    function, message = STEPS[step]
    try:
        function(selection, request.user)
    except services.AwardError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, message)
    return redirect("awards:detail", pk=selection.pk)


@login_required
@require_POST
def objection_new(request, pk):
    """The organiser registers an objection received by letter, telephone or in person."""
    selection = _get_selection_for_user(request.user, pk)
    if not services.is_organiser(request.user, selection):
        raise PermissionDenied(services.ERROR_NOT_ORGANISER.format(organiser=selection.organiser, action="登记异议"))
    form = ObjectionRecordForm(request.POST, listed=selection.nominations.filter(state=NominationState.CHOSEN))
    if form.is_valid():
        try:
            services.objection_record(actor=request.user, **form.cleaned_data)
        except services.AwardError as refusal:
            _refused(form, refusal)
    if form.errors:  # the letter's content stays in the form, with the message beside what was wrong
        messages.error(request, "异议未登记：" + "；".join(e for errors in form.errors.values() for e in errors))
        return _detail(request, selection, record_form=form, status=400)
    messages.success(request, "异议已登记。")
    return redirect("awards:detail", pk=selection.pk)


@login_required
@require_POST
def objection_resolve(request, pk):
    visible = Selection.objects.visible_to(request.user)
    objection = get_object_or_404(AwardObjection.objects.filter(nomination__selection__in=visible), pk=pk)
    selection = objection.nomination.selection
    if not services.is_organiser(request.user, selection):
        raise PermissionDenied(services.ERROR_NOT_ORGANISER.format(organiser=selection.organiser, action="处理异议"))
    form = ObjectionResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("awards:detail", pk=selection.pk)
    try:
        services.objection_resolve(objection=objection, actor=request.user, **form.cleaned_data)
    except services.AwardError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "异议已处理。")
    return redirect("awards:detail", pk=selection.pk)


@public_notice
def publicity_page(request, token):
    """The public notice (公示) of a selection: no login, names and units only, and a form to raise
    an objection while it runs (rate-limited per address with the campaigns' budget, CSRF-checked)."""
    selection = get_object_or_404(Selection.objects.select_related("county", "township"), public_token=token)
    shown = selection.status in (Status.PUBLICIZED, Status.COMMENDED, Status.FAILED)
    listed = selectors.public_list(selection) if shown else selection.nominations.none()
    running = services.publicity_running(selection)
    open_to_objection = listed.filter(state=NominationState.CHOSEN)
    form = PublicAwardObjectionForm(request.POST or None, listed=open_to_objection) if running else None
    context = {"selection": selection, "listed": listed, "shown": shown}
    if request.method == "POST":
        if form is None:
            return render(request, "awards/publicity.html", context, status=400)
        if form.is_valid():
            try:
                services.objection_submit_public(
                    nomination=form.cleaned_data["nomination"],
                    content=form.cleaned_data["content"],
                    contact=form.cleaned_data["contact"],
                )
            except services.AwardError as refusal:
                _refused(form, refusal)
            else:
                return redirect(f"{request.path}?received=1#objection")
    context |= {"form": form if running else None, "received": request.GET.get("received") == "1"}
    return render(request, "awards/publicity.html", context, status=400 if form is not None and form.errors else 200)
