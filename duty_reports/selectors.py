"""Reads of 述职评议: a branch's year (shared with the reports app's 述职评议年度实绩), the rounds
and reports a page shows, what still waits, and the tiers other apps ask for."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from branches.models import Branch, BranchKind, Member, Post
from branches.scoping import Role
from campaigns.models import Participant
from inspections.models import LedgerItem, LedgerStatus, RankingEntry, SecretaryActionFlag

from .models import DutyReport, DutyRound, Interview, ReportStatus, RoundStatus, Tier

LEDGER_SHOWN = 5
BAD_TIERS = (Tier.AVERAGE, Tier.POOR)


# --- The year's records, per branch (述职评议) ------------------------------------------------------


@dataclass
class BranchYear:
    """One branch's year for its secretary's annual review: facts, gaps, campaigns, closed ledger
    items, quarterly ranks and the flags of two quarters running in the bottom 3."""

    branch: object
    facts: list  # (label, value, source) for each grid column
    gaps: list[str]
    member_count: int
    secretary: str = ""
    campaigns: list = field(default_factory=list)
    ledger_closed: int = 0
    ledger_items: list = field(default_factory=list)  # (closed on, problem), the first LEDGER_SHOWN
    ledger_overdue: int = 0
    ranks: list = field(default_factory=list)  # (quarter, position, branches ranked, bottom three)
    flags: list = field(default_factory=list)  # (quarter, resolved)


def round_branches(township):
    """The branches whose secretaries report: the township's villages and communities (not its own office)."""
    return (
        Branch.objects.filter(township=township)
        .exclude(kind=BranchKind.TOWNSHIP_OFFICE)
        .select_related("township")
        .order_by("name")
    )


def _secretaries(ids) -> dict[int, list[str]]:
    secretaries: dict[int, list[str]] = defaultdict(list)
    for branch_id, name in (
        Member.objects.filter(branch_id__in=ids, post=Post.SECRETARY)
        .order_by("joined_on", "pk")
        .values_list("branch_id", "name")
    ):
        secretaries[branch_id].append(name)
    return secretaries


def secretary_names(ids) -> dict[int, str]:
    """Each branch's secretary (several joined with 、), from one query."""
    return {branch_id: "、".join(names) for branch_id, names in _secretaries(ids).items()}


def _campaigns(ids, year) -> dict[int, list[dict]]:
    campaigns: dict[int, list[dict]] = defaultdict(list)
    for p in (
        Participant.objects.filter(branch_id__in=ids, member__isnull=True, campaign__year=year)
        .select_related("campaign", "self_sheet", "verification_sheet", "review_sheet")
        .order_by("campaign__created_at", "campaign__pk")
    ):
        campaigns[p.branch_id].append(
            {
                "title": p.campaign.title,
                "state": p.get_state_display(),
                "self_total": p.self_sheet.total if p.self_sheet else None,
                "township_total": p.verification_sheet.total if p.verification_sheet else None,
                "county_total": p.review_sheet.total if p.review_sheet else None,
                "final_total": p.final_total,
                "grade": p.final_grade
                or next((s.grade for s in (p.review_sheet, p.verification_sheet) if s and s.grade), ""),
            }
        )
    return campaigns


def _ranks(ids, year) -> dict[int, list[tuple]]:
    entries = list(
        RankingEntry.objects.filter(branch_id__in=ids, ranking__year=year)
        .order_by("ranking__quarter")
        .values_list("branch_id", "ranking_id", "ranking__quarter", "position", "bottom_three")
    )
    ranked = dict(
        RankingEntry.objects.filter(ranking_id__in={entry[1] for entry in entries})
        .values("ranking_id")
        .annotate(n=Count("pk"))
        .values_list("ranking_id", "n")
    )
    ranks: dict[int, list[tuple]] = defaultdict(list)
    for branch_id, ranking_id, quarter, position, bottom in entries:
        ranks[branch_id].append((quarter, position, ranked.get(ranking_id, position), bottom))
    return ranks


def branch_years(branches, year: int) -> list[BranchYear]:
    """The year of every branch in ``branches``, in branch-name order: the facts grid's
    queries plus one each for secretaries, campaigns, the ledger, ranks and flags, whatever their number."""
    from scoring.facts import SUMMARY_COLUMNS, facts_grid

    rows = sorted(facts_grid(branches, year), key=lambda row: row.branch.name)
    ids = [row.branch.pk for row in rows]
    secretaries = _secretaries(ids)
    campaigns = _campaigns(ids, year)

    start, end = timezone.make_aware(datetime(year, 1, 1)), timezone.make_aware(datetime(year + 1, 1, 1))
    closed_counts: dict[int, int] = defaultdict(int)
    closed: dict[int, list] = defaultdict(list)
    for branch_id, problem, closed_at in (
        LedgerItem.objects.filter(
            branch_id__in=ids, status=LedgerStatus.CLOSED, closed_at__gte=start, closed_at__lt=end
        )
        .order_by("closed_at", "pk")
        .values_list("branch_id", "problem", "closed_at")
    ):
        closed_counts[branch_id] += 1
        if len(closed[branch_id]) < LEDGER_SHOWN:
            closed[branch_id].append((timezone.localtime(closed_at).date(), problem))
    overdue = dict(
        LedgerItem.objects.filter(branch_id__in=ids)
        .overdue()
        .values_list("branch_id")
        .annotate(n=Count("pk"))
        .values_list("branch_id", "n")
    )
    ranks = _ranks(ids, year)
    flags: dict[int, list] = defaultdict(list)
    for branch_id, quarter, resolved_at in (
        SecretaryActionFlag.objects.filter(branch_id__in=ids, year=year)
        .order_by("quarter")
        .values_list("branch_id", "quarter", "resolved_at")
    ):
        flags[branch_id].append((quarter, resolved_at is not None))

    return [
        BranchYear(
            branch=row.branch,
            facts=[(label, row.facts[name].value, row.facts[name].source) for name, label in SUMMARY_COLUMNS],
            gaps=row.gaps,
            member_count=int(row.facts["member_count"].value or 0),
            secretary="、".join(secretaries.get(row.branch.pk, [])),
            campaigns=campaigns.get(row.branch.pk, []),
            ledger_closed=closed_counts.get(row.branch.pk, 0),
            ledger_items=closed.get(row.branch.pk, []),
            ledger_overdue=overdue.get(row.branch.pk, 0),
            ranks=ranks.get(row.branch.pk, []),
            flags=flags.get(row.branch.pk, []),
        )
        for row in rows
    ]


# --- Rounds and reports ----------------------------------------------------------------------------


def open_flags(branch_ids, *, up_to_year: int) -> dict[int, list]:
    """The unresolved flags (two quarters running in the bottom 3) of these branches raised in
    ``up_to_year`` or before (a later flag is a later round's matter), in one query."""
    found: dict[int, list] = defaultdict(list)
    for flag in SecretaryActionFlag.objects.filter(
        branch_id__in=branch_ids, resolved_at=None, year__lte=up_to_year
    ).order_by("year", "quarter"):
        found[flag.branch_id].append(flag)
    return found


@dataclass
class ReportRow:
    """A report as the round's page lists it, with why a 约谈 is needed and whether it was held."""

    report: DutyReport
    votes: dict = field(default_factory=dict)  # group → the Vote that counts
    flags: list = field(default_factory=list)  # open SecretaryActionFlags
    interviews: list = field(default_factory=list)

    @property
    def interview_reasons(self) -> list[str]:
        reasons = []
        if self.report.tier in BAD_TIERS:
            reasons.append(f"评议等次为“{self.report.get_tier_display()}”")
        if self.flags or any(i.resolved_flags for i in self.interviews):
            reasons.append("督查排名连续两个季度后3位")
        return reasons

    @property
    def interview_due(self) -> bool:
        return bool(self.interview_reasons) and not self.interviews


def round_rows(duty_round) -> list[ReportRow]:
    """Every report of the round, with its counted votes, open flags and 约谈: four queries."""
    reports = list(duty_round.reports.select_related("branch").order_by("branch__name"))
    rows = {r.pk: ReportRow(r) for r in reports}
    for vote in current_votes(rows):
        rows[vote.report_id].votes[vote.group] = vote
    flags = open_flags([r.branch_id for r in reports], up_to_year=duty_round.year)
    for interview in Interview.objects.filter(report_id__in=list(rows)).order_by("held_on", "pk"):
        rows[interview.report_id].interviews.append(interview)
    for row in rows.values():
        row.flags = flags.get(row.report.branch_id, [])
    return list(rows.values())


def current_votes(report_ids):
    """The vote that counts per report and group: the newest row (a correction is a new row)."""
    from .models import Vote

    newest = {}
    for vote in Vote.objects.filter(report_id__in=list(report_ids)).order_by("pk"):
        newest[(vote.report_id, vote.group)] = vote
    return list(newest.values())


def rounds_for(user):
    """The rounds a user sees, each with its counts of reports submitted and results in: one query."""
    return (
        DutyRound.objects.visible_to(user)
        .select_related("township")
        .annotate(
            report_count=Count("reports", distinct=True),
            submitted_count=Count("reports", filter=Q(reports__status=ReportStatus.SUBMITTED), distinct=True),
            judged_count=Count("reports", filter=~Q(reports__tier=""), distinct=True),
        )
        .order_by("-year", "township__name")
    )


def _still_due(reports):
    """Those of ``reports`` whose 约谈 is due and not yet recorded: rated 一般/差, or the branch
    flagged two quarters running and not yet dealt with."""
    flagged = Exists(
        SecretaryActionFlag.objects.filter(
            branch=OuterRef("branch"), resolved_at=None, year__lte=OuterRef("duty_round__year")
        )
    )
    talked = Exists(Interview.objects.filter(report=OuterRef("pk")))
    return reports.filter(Q(tier__in=BAD_TIERS) | flagged).exclude(talked)


def _due_reports(user):
    """The 约谈 due under the user's unit, in rounds past writing (for a secretary, only once the
    result is published: before that the list would tell her tier)."""
    reports = DutyReport.objects.visible_to(user).exclude(duty_round__status=RoundStatus.OPEN)
    if user.role == Role.BRANCH_SECRETARY:
        reports = reports.filter(duty_round__status=RoundStatus.PUBLISHED)
    return _still_due(reports)


def interviews_due(user) -> list[ReportRow]:
    """The 约谈 still due under the user's unit, newest round first: two queries."""
    reports = list(
        _due_reports(user)
        .select_related("branch", "duty_round__township")
        .order_by("-duty_round__year", "branch__name")
    )
    flags = open_flags([r.branch_id for r in reports], up_to_year=max((r.duty_round.year for r in reports), default=0))
    return [ReportRow(r, flags=[f for f in flags.get(r.branch_id, []) if f.year <= r.duty_round.year]) for r in reports]


def home_card(user) -> dict:
    """A secretary's report to write while her round is open; for township staff, their rounds' progress."""
    from branches.scoping import Role

    if user.role == Role.BRANCH_SECRETARY:
        report = (
            DutyReport.objects.visible_to(user)
            .filter(duty_round__status=RoundStatus.OPEN)
            .select_related("duty_round")
            .order_by("-duty_round__year")
            .first()
        )
        return {"report": report}
    if user.role == Role.TOWNSHIP_STAFF:
        # one query: the rounds under way or with a 约谈 still due, each with that count
        due = (
            _still_due(DutyReport.objects.filter(duty_round=OuterRef("pk")))
            .order_by()
            .values("duty_round")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        rounds = list(
            rounds_for(user)
            .annotate(due=Coalesce(Subquery(due), 0))
            .filter(~Q(status=RoundStatus.PUBLISHED) | Q(due__gt=0))[:3]
        )
        return {"rounds": rounds, "due": sum(r.due for r in rounds if r.status != RoundStatus.OPEN)}
    return {}


def secretary_tiers(branch_ids, year: int) -> dict[int, str]:
    """Branch id → the tier label (好 / 较好 / 一般 / 差) of its secretary in ``year``'s published
    round; branches without a published result are left out. One query."""
    labels = dict(Tier.choices)
    return {
        branch_id: labels[tier]
        for branch_id, tier in DutyReport.objects.filter(
            branch_id__in=list(branch_ids), duty_round__year=year, duty_round__status=RoundStatus.PUBLISHED
        )
        .exclude(tier="")
        .values_list("branch_id", "tier")
    }
