"""Reads for the selection pages, each a constant number of queries whatever the number of candidates."""

from dataclasses import dataclass

from django.db.models import Count, Q

from campaigns.selectors import results_by_subject
from common.dates import today
from duty_reports.selectors import secretary_tiers
from ratings.selectors import member_stars

from .models import AwardObjection, Nomination, NominationState, Selection, SelectionStep, Status, Subject
from .services import is_organiser, nominator_of


@dataclass(frozen=True)
class ResultLine:
    """One result shown beside a candidate: where it comes from and what it says."""

    source: str
    text: str


def _campaign_line(result, prefix: str = "") -> ResultLine:
    campaign = result.participant.campaign
    parts = [f"{float(result.total):g} 分" if result.total is not None else "未评分"]
    if result.grade:
        parts.append(result.grade)
    if result.stars:
        parts.append(f"{result.stars}星")
    if result.trend:
        parts.append(result.trend)
    decided = f"（{result.decided_by}）" if result.decided_by else ""
    return ResultLine(f"{prefix}{campaign.year}年{campaign.get_kind_display()}", "，".join(parts) + decided)


def candidate_results(nominations, year: int) -> dict[int, list[ResultLine]]:
    """Each candidate's results of ``year`` and the year before, keyed by nomination, in a fixed
    number of queries for all candidates: the campaigns' decided totals, grades and stars (a
    branch's own; a secretary's branch; a member's own member sheets); the members' yearly stars
    (members and secretaries, approved ratings only); the secretaries' 述职评议 tiers (published
    rounds only)."""
    nominations = list(nominations)
    years = (year - 1, year)
    member_subjects = [n for n in nominations if n.member_id and n.selection.subject == Subject.MEMBER]
    branch_subjects = [n for n in nominations if n not in member_subjects]
    campaigns = results_by_subject(
        branch_ids={n.branch_id for n in branch_subjects},
        member_ids={n.member_id for n in member_subjects},
        years=years,
    )
    stars = member_stars({n.member_id for n in nominations if n.member_id}, years)
    secretaries = {n.branch_id for n in branch_subjects if n.member_id}
    tiers = {y: secretary_tiers(secretaries, y) for y in years} if secretaries else {}
    lines: dict[int, list[ResultLine]] = {}
    for nomination in nominations:
        if nomination in member_subjects:
            results, prefix = campaigns.get(("member", nomination.member_id), []), ""
        else:
            results = campaigns.get(("branch", nomination.branch_id), [])
            prefix = "所在党支部 " if nomination.member_id else ""
        found = [_campaign_line(result, prefix) for result in results]
        for y in years:
            if y in stars.get(nomination.member_id, {}):
                found.append(ResultLine(f"{y}年党员星级评定", f"{stars[nomination.member_id][y]}星"))
            if nomination.member_id and nomination in branch_subjects and nomination.branch_id in tiers.get(y, {}):
                found.append(ResultLine(f"{y}年述职评议", tiers[y][nomination.branch_id]))
        lines[nomination.pk] = found
    return lines


def selection_list(user):
    return (
        Selection.objects.visible_to(user)
        .select_related("county", "township")
        .annotate(nomination_count=Count("nominations", distinct=True))
        .order_by("-year", "-created_at")
    )


def selection_nominations(selection, user):
    """The candidates the user sees (the organiser all; a nominating unit its own), with what the page shows."""
    return (
        Nomination.objects.visible_to(user)
        .filter(selection=selection)
        .select_related("selection", "branch__township", "member", "nominator_township", "nominator_branch")
        .order_by("branch__township__name", "branch__name", "member__name", "pk")
    )


def selection_page(selection, user) -> dict:
    """Everything the selection page shows, in a fixed number of queries."""
    nominations = list(selection_nominations(selection, user))
    results = candidate_results(nominations, selection.year)
    objections = list(
        AwardObjection.objects.filter(nomination__in=[n.pk for n in nominations]).select_related(
            "nomination__branch__township", "nomination__member"
        )
    )
    nominator = nominator_of(selection, user)
    own_count = sum(1 for n in nominations if nominator and all(getattr(n, k) == v for k, v in nominator.items()))
    organiser = is_organiser(user, selection)
    steps = SelectionStep.objects.filter(selection=selection).select_related(
        "actor", "nomination__member", "nomination__branch__township"
    )
    if not organiser:  # a nominating unit reads the steps of its own candidates and the selection's own
        steps = steps.filter(Q(nomination__isnull=True) | Q(nomination__in=[n.pk for n in nominations]))
    return {
        "selection": selection,
        "rows": [(n, results[n.pk]) for n in nominations],
        "objections": objections,
        "open_objections": sum(o.resolution == AwardObjection.Resolution.OPEN for o in objections),
        "steps": list(steps),
        "organiser": organiser,
        "nominator": nominator,
        "own_count": own_count,
        "may_nominate": bool(
            nominator and selection.status == Status.NOMINATING and today() <= selection.nomination_deadline
        ),
        "chosen_count": sum(n.on_list for n in nominations),
    }


def public_list(selection):
    """The candidates on the public notice: those chosen (and, once commended, those commended)."""
    return (
        selection.nominations.filter(state__in=(NominationState.CHOSEN, NominationState.COMMENDED))
        .select_related("branch__township", "member")
        .order_by("branch__township__name", "branch__name", "member__name")
    )


def branch_honours(branch):
    """The honours a branch, its secretary or its members were commended with, newest first (one query)."""
    return (
        Nomination.objects.filter(branch=branch, state=NominationState.COMMENDED)
        .select_related("selection__county", "selection__township", "member")
        .order_by("-selection__commended_on", "pk")
    )


@dataclass(frozen=True)
class Task:
    selection: Selection
    text: str
    nominate: bool = False


def home_tasks(user) -> list[Task]:
    """What waits for the user in selections: their unit's nominations (to the deadline), and for
    the organiser the decision, the publicity and the commendation. Two queries, at most 20 selections."""
    day = today()
    selections = list(
        Selection.objects.visible_to(user)
        .filter(status__in=(Status.NOMINATING, Status.DECIDED, Status.PUBLICIZED))
        .select_related("county", "township")
        .annotate(
            nomination_count=Count("nominations", distinct=True),
            own_count=Count(
                "nominations",
                filter=Q(nominations__nominator_township_id=user.township_id)
                if user.township_id
                else Q(nominations__nominator_branch_id=user.branch_id),
                distinct=True,
            ),
        )
        .prefetch_related("nominating_townships", "nominating_branches")
        .order_by("nomination_deadline", "pk")[:20]
    )
    tasks = []
    for selection in selections:
        if is_organiser(user, selection):
            if selection.status == Status.NOMINATING:
                text = f"已收到推荐 {selection.nomination_count} 名，推荐截止 {selection.nomination_deadline:%-m月%-d日}，待评审决定"
            elif selection.status == Status.DECIDED:
                text = "评审已决定，待公示"
            elif day > selection.publicity_ends_on:
                text = "公示期满，待表彰"
            else:
                text = f"公示中，至 {selection.publicity_ends_on:%-m月%-d日}"
            tasks.append(Task(selection, text))
        elif selection.status == Status.NOMINATING and day <= selection.nomination_deadline:
            townships = {t.pk for t in selection.nominating_townships.all()}
            branches = {b.pk for b in selection.nominating_branches.all()}
            if (user.township_id in townships) or (user.branch_id in branches):
                text = (
                    f"待推荐（本单位已推荐 {selection.own_count} 名），截止 {selection.nomination_deadline:%-m月%-d日}"
                )
                tasks.append(Task(selection, text, nominate=True))
    return tasks
