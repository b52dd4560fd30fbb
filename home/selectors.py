from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Q

from awards.selectors import branch_honours
from awards.selectors import home_tasks as award_home_tasks
from branches.models import AnnualFigure, Branch, BranchKind, Member, Post, Township, on_roll
from branches.scoping import Role
from campaigns.models import State
from common.dates import today
from duty_reports.selectors import home_card as duty_home_card
from inbox.selectors import home_card as inbox_home_card


@dataclass
class Attention:
    """One line on a home page: what needs doing, and where."""

    text: str
    branches: list = field(default_factory=list)


@dataclass
class TownshipSummary:
    township: Township
    branch_count: int = 0
    member_count: int = 0
    missing_figure: int = 0


def _branches_with_flags(user, year):
    return (
        Branch.objects.visible_to(user)
        .select_related("township")
        .annotate(
            member_count=Count("members", filter=on_roll(today(), "members__"), distinct=True),
            has_secretary=Exists(Member.objects.filter(branch=OuterRef("pk"), post=Post.SECRETARY)),
            has_figure=Exists(AnnualFigure.objects.filter(branch=OuterRef("pk"), year=year)),
            phone_missing=Count("members", filter=Q(members__phone=""), distinct=True),
        )
        .order_by("township__name", "name")
    )


def home_overview(user) -> dict:
    """What the user's home page (工作台) shows: the units below them and
    the register gaps that need their attention. Constant query count."""
    from ratings.selectors import rating_tasks

    year = today().year
    branches = list(_branches_with_flags(user, year))
    attention = [
        Attention(f"{year}年村集体经济收入尚未填报", [b for b in branches if not b.has_figure]),
        Attention("尚未登记党员", [b for b in branches if b.member_count == 0]),
        Attention("党员中没有登记书记", [b for b in branches if b.member_count and not b.has_secretary]),
        Attention(
            "基本情况（户数、人口）不全",
            [
                b
                for b in branches
                if b.kind != BranchKind.TOWNSHIP_OFFICE and (b.households is None or b.population is None)
            ],
        ),
    ]
    if user.role == Role.BRANCH_SECRETARY:
        attention.append(Attention("有党员未登记联系电话", [b for b in branches if b.phone_missing]))
    campaign_tasks = _campaign_tasks(user)
    summaries: dict[int, TownshipSummary] = {}
    for township in Township.objects.visible_to(user):
        summaries[township.pk] = TownshipSummary(township)
    counts = defaultdict(int)
    for branch in branches:
        summary = summaries.get(branch.township_id)
        if summary is None:
            continue
        summary.branch_count += 1
        summary.member_count += branch.member_count
        summary.missing_figure += not branch.has_figure
        counts["members"] += branch.member_count
    overview = {
        "year": year,
        "branches": branches,
        "branch_count": len(branches),
        "member_count": counts["members"],
        "township_summaries": list(summaries.values()),
        "attention": [item for item in attention if item.branches],
        "campaign_tasks": campaign_tasks,
        "inspection_tasks": _inspection_tasks(user),
        "record_gaps": _record_gaps(user),
        "rating_tasks": rating_tasks(user),
        "duty_card": duty_home_card(user),
        "award_tasks": award_home_tasks(user),
        "inbox_card": inbox_home_card(user),
    }
    if user.role == Role.COUNTY_REVIEWER:
        overview["township_progress"] = township_progress(user, [s.township for s in summaries.values()])
    overview["has_work"] = has_work(overview)
    return overview


def has_work(overview: dict) -> bool:
    """Whether any card of the home page lists something to do: only when none does, the page says
    暂无待办事项 (a card listing work next to «nothing to do» reads as a contradiction)."""
    inspection = overview["inspection_tasks"]
    duty = overview["duty_card"]
    return any(
        (
            overview["attention"],
            overview["campaign_tasks"],
            inspection["open"] or inspection["submitted"] or inspection["overdue"],
            inspection["flags"] or inspection["notices"],
            overview["record_gaps"],
            overview["rating_tasks"],
            duty.get("report") or duty.get("rounds") or duty.get("due"),
            overview["award_tasks"],
            overview["inbox_card"]["urges"],
        )
    )


# The county's chart: how far each township's units have come in the running campaigns, the
# twelve workflow states folded into five steps a reader takes in at a glance.
PROGRESS_STEPS = [
    ("未申报", (State.NOT_STARTED, State.DRAFTING, State.RETURNED)),
    ("已申报待验收", (State.SUBMITTED,)),
    ("验收通过", (State.VERIFIED, State.RECOMMENDED, State.REVIEWED, State.PUBLICIZED)),
    ("已命名", (State.NAMED,)),
    ("未通过", (State.FAILED, State.REJECTED, State.WITHDRAWN)),
]
_FINISHED_STATES = (State.NAMED, State.FAILED, State.REJECTED, State.WITHDRAWN)


def township_progress(user, townships) -> dict:
    """Per township, its participants in the running campaigns (those with a participant still on
    its way: not named, not failed) counted by step; one aggregate query, however many townships."""
    from campaigns.models import Participant

    unfinished = Participant.objects.filter(campaign=OuterRef("campaign")).exclude(state__in=_FINISHED_STATES)
    rows = (
        Participant.objects.visible_to(user)
        .filter(Exists(unfinished))
        .values("branch__township_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    step_of = {state: index for index, (_, states) in enumerate(PROGRESS_STEPS) for state in states}
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(PROGRESS_STEPS))
    for row in rows:
        counts[row["branch__township_id"]][step_of[row["state"]]] += row["n"]
    table = []
    for township in townships:
        steps = counts[township.pk]
        total = sum(steps)
        submitted = total - steps[0]
        table.append(
            {
                "township": township,
                "steps": steps,
                "total": total,
                "submitted_share": round(100 * submitted / total) if total else None,
            }
        )
    return {
        "steps": [label for label, _ in PROGRESS_STEPS],
        "rows": table,
        "total": sum(row["total"] for row in table),
        "chart": {
            "labels": [row["township"].name for row in table],
            "datasets": [
                {"label": label, "data": [row["steps"][index] for row in table]}
                for index, (label, _) in enumerate(PROGRESS_STEPS)
            ],
        },
    }


def _record_gaps(user) -> list[tuple[str, str]]:
    if user.role != Role.BRANCH_SECRETARY or not user.branch_id:
        return []
    from scoring.facts import secretary_gaps

    return secretary_gaps(user.branch)


def _inspection_tasks(user) -> dict:
    """Open and overdue ledger items, and secretaries awaiting action, under the user's unit."""
    from inspections.models import LedgerItem, LedgerItemQuerySet, LedgerStatus, SecretaryActionFlag

    ledger = LedgerItem.objects.visible_to(user).aggregate(
        open=Count("pk", filter=Q(status=LedgerStatus.OPEN)),
        submitted=Count("pk", filter=Q(status=LedgerStatus.SUBMITTED)),
        overdue=Count("pk", filter=LedgerItemQuerySet.overdue_filter()),
        nearest=Min("deadline", filter=Q(status=LedgerStatus.OPEN)),
    )
    flags = list(SecretaryActionFlag.objects.visible_to(user).filter(resolved_at=None).select_related("branch")[:10])
    from inspections.models import Notice

    notices = (
        list(Notice.objects.visible_to(user).select_related("number")[:5]) if user.role == Role.BRANCH_SECRETARY else []
    )
    return {**ledger, "flags": flags, "notices": notices}


# What each role has to do in running campaigns: (states that wait for the role, the words for it).
_WAITING = {
    Role.BRANCH_SECRETARY: (("not_started", "drafting"), "自查自评待申报"),
    Role.TOWNSHIP_STAFF: (("submitted",), "已申报，待镇党委验收"),
    Role.COUNTY_REVIEWER: (("recommended",), "已推荐，待县委组织部复核"),
}


_TASK_PHASE = {
    Role.BRANCH_SECRETARY: "self_assessment",
    Role.TOWNSHIP_STAFF: "verification",
    Role.COUNTY_REVIEWER: "review",
}
_OPEN_LIMIT = 8  # participants listed with a one-tap 验收 / 复核 button on the card


def _campaign_tasks(user) -> list[dict]:
    """Per campaign, how many participants wait for this user's role, and the returned ones;
    the current phase's last day; the secretary's own sheet (or the button that starts it); for
    township and county, the first waiting participants with the button that opens their sheet."""
    from campaigns.models import Participant, Phase
    from campaigns.workflow.machine import phase_deadline

    waiting_states, label = _WAITING.get(user.role, ((), ""))
    states = (*waiting_states, "returned")
    rows = (
        Participant.objects.visible_to(user)
        .filter(state__in=states)
        .values("campaign_id", "campaign__title", "state")
        .annotate(n=Count("pk"))
        .order_by("campaign_id")
    )
    tasks: dict[int, dict] = {}
    for row in rows:
        task = tasks.setdefault(
            row["campaign_id"], {"campaign_id": row["campaign_id"], "title": row["campaign__title"], "lines": {}}
        )
        text = "被退回，待修改后重新申报" if row["state"] == "returned" else label
        task["lines"][text] = task["lines"].get(text, 0) + row["n"]
    phase_kind = _TASK_PHASE.get(user.role)
    for phase in Phase.objects.filter(campaign_id__in=list(tasks), kind=phase_kind):
        tasks[phase.campaign_id].update(deadline=phase.ends_on, days_left=(phase.ends_on - today()).days)
    if user.role == Role.BRANCH_SECRETARY:
        # the secretary's card opens her own sheet, or starts it
        for own in (
            Participant.objects.visible_to(user)
            .filter(state__in=states, member=None, campaign_id__in=list(tasks))
            .select_related("campaign")
            .prefetch_related("campaign__phases", "extensions")
        ):
            last_day = phase_deadline(own, phase_kind)
            tasks[own.campaign_id].update(
                participant_id=own.pk,
                sheet_id=own.self_sheet_id,
                can_start=own.state == "not_started",
                deadline=last_day,
                days_left=(last_day - today()).days if last_day else None,
            )
    elif user.role in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER):
        waiting = Participant.objects.visible_to(user).filter(state__in=waiting_states)
        if user.role == Role.COUNTY_REVIEWER:
            waiting = waiting.filter(sampled=True)
        stage = ("review", "复核") if user.role == Role.COUNTY_REVIEWER else ("verification", "验收")
        # the first few of each campaign only, however many wait: one query a campaign with work waiting
        for campaign_id, task in tasks.items():
            task["open_stage"], task["open_label"] = stage
            task["open"] = list(
                waiting.filter(campaign_id=campaign_id)
                .select_related("branch", "member")
                .order_by("submitted_at", "pk")[:_OPEN_LIMIT]
            )
    return list(tasks.values())


def branch_page(branch, user) -> dict:
    """What the branch's page shows: the register (members, yearly figures) and, from the
    apps above it, its score sheets, campaigns and titles, open flags and ledger items, each
    read through its own scoping (a secretary never sees an unannounced round's sheet)."""
    from branches.models import Member
    from branches.selectors import branch_figures, branch_members
    from campaigns.models import Participant, State
    from campaigns.selectors import branch_results
    from inspections.models import LedgerItem, LedgerStatus, SecretaryActionFlag
    from ratings.selectors import branch_card
    from scoring.models import ScoreSheet

    participations = Participant.objects.visible_to(user).filter(branch=branch).select_related("campaign", "member")
    return {
        "branch": branch,
        "members": branch_members(branch),
        "figures": branch_figures(branch),
        "may_edit": Branch.objects.role_may_edit(user),
        "may_edit_members": Member.objects.role_may_edit(user),
        "sheets": ScoreSheet.objects.visible_to(user)
        .filter(branch=branch)
        .select_related("framework", "member")
        .order_by("-year", "-updated_at"),
        "titles": participations.filter(state=State.NAMED, member__isnull=True).order_by("-named_on"),
        "honours": branch_honours(branch),
        "participations": participations.order_by("-campaign__year"),
        "results": branch_results(participations),
        "action_flags": SecretaryActionFlag.objects.visible_to(user).filter(branch=branch, resolved_at=None),
        "member_ratings": branch_card(branch),
        "open_ledger": LedgerItem.objects.filter(branch=branch)
        .exclude(status=LedgerStatus.CLOSED)
        .order_by("deadline")[:10],
    }
