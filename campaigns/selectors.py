"""Reads for the campaign pages, each a constant number of queries."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from common.dates import today
from inspections.services import own_issuer
from scoring.engine import Entry
from scoring.entries import entry_words
from scoring.models import ScoreEntry

from .models import Campaign, Participant, State

# The columns of the progress table, in workflow order.
PROGRESS_STATES = [
    State.NOT_STARTED,
    State.DRAFTING,
    State.SUBMITTED,
    State.RETURNED,
    State.VERIFIED,
    State.FAILED,
    State.RECOMMENDED,
    State.REVIEWED,
    State.REJECTED,
    State.PUBLICIZED,
    State.WITHDRAWN,
    State.NAMED,
]
NOT_YET_SUBMITTED = (State.NOT_STARTED, State.DRAFTING, State.RETURNED)


def campaign_list(user):
    """Each campaign with its counts and ``current_phase``: the phase under way today, else the
    next to come (None once all are over), whose deadline the list counts down to."""
    campaigns = list(
        Campaign.objects.visible_to(user)
        .select_related("framework", "county", "township")
        .prefetch_related("phases")
        .annotate(
            participant_count=Count("participants", distinct=True),
            named_count=Count("participants", filter=Q(participants__state=State.NAMED), distinct=True),
        )
        .order_by("-year", "-created_at")
    )
    on = today()
    for campaign in campaigns:
        campaign.current_phase = next((p for p in campaign.phases.all() if p.ends_on >= on), None)
    return campaigns


def campaign_participants(campaign, user):
    return (
        Participant.objects.visible_to(user)
        .filter(campaign=campaign)
        .select_related("branch__township", "member", "self_sheet", "verification_sheet", "review_sheet")
        .order_by("branch__township__name", "branch__name", "member__name")
    )


def campaign_progress(campaign, user) -> dict:
    """Counts per township and state, the on-time rate, and who lags behind."""
    participants = Participant.objects.visible_to(user).filter(campaign=campaign)
    rows = participants.values("branch__township__name", "state").annotate(n=Count("pk")).order_by()
    by_township: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(PROGRESS_STATES, 0))
    totals = dict.fromkeys(PROGRESS_STATES, 0)
    for row in rows:
        by_township[row["branch__township__name"]][row["state"]] += row["n"]
        totals[row["state"]] += row["n"]
    submitted = participants.aggregate(
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        on_time=Count("pk", filter=Q(submitted_on_time=True)),
    )
    total = sum(totals.values())
    phases = list(campaign.phases.prefetch_related("milestones"))
    self_phase = next((p for p in phases if p.kind == "self_assessment"), None)
    self_assessment_over = self_phase is not None and today() > self_phase.ends_on
    lagging = list(
        participants.filter(state__in=NOT_YET_SUBMITTED)
        .select_related("branch__township", "member")
        .order_by("branch__township__name", "branch__name")[:50]
    )
    return {
        "states": [(state.value, state.label) for state in PROGRESS_STATES],
        "townships": [
            {"name": name, "counts": [counts[s] for s in PROGRESS_STATES], "total": sum(counts.values())}
            for name, counts in sorted(by_township.items())
        ],
        "totals": [totals[s] for s in PROGRESS_STATES],
        "total": total,
        "submitted": submitted["submitted"],
        "on_time": submitted["on_time"],
        "on_time_rate": round(100 * submitted["on_time"] / total, 1) if total else 0,
        "lagging": lagging,
        "lagging_overdue": self_assessment_over,  # the phase has ended (not the ledger's "overdue")
        "chart": {"labels": [s.label for s in PROGRESS_STATES], "values": [totals[s] for s in PROGRESS_STATES]},
        "phases": phases,
    }


# 催办: which lagging units a township (or the county) may pick, by filter.
URGE_FILTERS = {
    "": "全部未申报",
    "not_started": "未开始",
    "closing": "自评中、剩 3 天内",
    "overdue": "已逾期未申报",
}
URGE_CLOSING_DAYS = 3
URGE_LIST_LIMIT = 500


def urge_topic(campaign) -> str:
    return f"campaign:{campaign.pk}"


def urge_candidates(campaign, user, show: str = "") -> dict:
    """The units not yet submitted, each with its own last day (the phase's end or its extension),
    the days left and how often and when it was urged; filtered by ``show`` (URGE_FILTERS).
    Three queries however many units."""
    from inbox.services import urge_history

    phase = next((p for p in campaign.phases.all() if p.kind == "self_assessment"), None)
    rows = (
        Participant.objects.visible_to(user)
        .filter(campaign=campaign, state__in=NOT_YET_SUBMITTED)
        .select_related("branch__township", "member")
        .prefetch_related("extensions")
        .order_by("branch__township__name", "branch__name", "member__name")
    )
    on = today()
    found = []
    for participant in rows:
        deadline = None
        if phase is not None:
            deadline = max(
                [phase.ends_on, *(e.until for e in participant.extensions.all() if e.phase_kind == "self_assessment")]
            )
        days_left = (deadline - on).days if deadline else None
        overdue = days_left is not None and days_left < 0
        if show == "not_started" and participant.state != State.NOT_STARTED:
            continue
        if show == "closing" and not (
            participant.state in (State.DRAFTING, State.RETURNED)
            and days_left is not None
            and 0 <= days_left <= URGE_CLOSING_DAYS
        ):
            continue
        if show == "overdue" and not overdue:
            continue
        found.append({"participant": participant, "deadline": deadline, "days_left": days_left})
    shown = found[:URGE_LIST_LIMIT]
    history = urge_history(urge_topic(campaign), {row["participant"].branch_id for row in shown})
    for row in shown:
        row["urged"] = history.get(row["participant"].branch_id)
    return {"rows": shown, "count": len(found), "cut": len(found) > URGE_LIST_LIMIT}


def participant_timeline(participant):
    return participant.transitions.select_related("actor").order_by("at", "pk")


@dataclass(frozen=True)
class LevelRow:
    """One item of a participant as each level scored it, with the reasons for each change."""

    code: str
    requirement: str
    self_text: str
    township_text: str
    county_text: str
    township_reason: str
    county_reason: str

    @property
    def township_differs(self) -> bool:
        return bool(self.township_text) and self.township_text != self.self_text

    @property
    def county_differs(self) -> bool:
        return bool(self.county_text) and self.county_text != (self.township_text or self.self_text)


def level_comparison(participants, spec, *, differing_only=True) -> dict[int, list[LevelRow]]:
    """Self / township / county side by side for each participant, item by item (by default only
    the items some level changed), from one query over the three sheets' entries."""
    sheets = {}
    for p in participants:
        for level, sheet_id in (
            ("self", p.self_sheet_id),
            ("township", p.verification_sheet_id),
            ("county", p.review_sheet_id),
        ):
            if sheet_id:
                sheets[sheet_id] = (p.pk, level)
    found: dict[tuple, tuple[str, str]] = {}
    for sheet_id, code, method, met, points, occurrences, veto, reason in (
        ScoreEntry.objects.filter(sheet_id__in=list(sheets))
        .values_list(
            "sheet_id",
            "item__code",
            "item__method",
            "met",
            "points",
            "occurrences",
            "veto_triggered",
            "override_reason",
        )
        .iterator(chunk_size=5000)
    ):
        entry = Entry(met=met, points=points, occurrences=occurrences, veto_triggered=veto)
        found[(*sheets[sheet_id], code)] = (entry_words(entry, method), reason)
    result = {}
    for p in participants:
        rows = []
        for item in spec.items():
            own, town, county = (
                (found.get((p.pk, level, item.code)) or ("", "")) for level in ("self", "township", "county")
            )
            row = LevelRow(item.code, item.requirement, own[0], town[0], county[0], town[1], county[1])
            if not differing_only or row.township_differs or row.county_differs:
                rows.append(row)
        result[p.pk] = rows
    return result


@dataclass(frozen=True)
class YearResult:
    """One branch's result in one campaign: the decided sheet's (county's, else township's, else its
    own) total, grade and stars, and how it moved against the same kind of campaign the year before."""

    participant: Participant
    total: object
    grade: str
    stars: int | None
    decided_by: str
    trend: str = ""


def _decided(participant) -> tuple:
    for sheet, by in (
        (participant.review_sheet, "县委复核"),
        (participant.verification_sheet, "镇党委验收"),
        (participant.self_sheet, "自评"),
    ):
        if sheet is not None:
            return sheet.total, sheet.grade, sheet.stars, by
    return None, "", None, ""


def _trend(now: YearResult, before: YearResult | None) -> str:
    if before is None or now.total is None or before.total is None:
        return ""
    if now.stars is not None and before.stars is not None and now.stars != before.stars:
        return "升星" if now.stars > before.stars else "降星"
    if now.total != before.total:
        return "上升" if now.total > before.total else "下降"
    return "持平"


def branch_results(participations) -> list[YearResult]:
    """A branch's results year by year (the branch itself, not its members), newest first, each with
    its trend against the same kind of campaign the year before; one query."""
    return _year_results(
        participations.filter(member__isnull=True).select_related(
            "campaign", "self_sheet", "verification_sheet", "review_sheet"
        )
    )


def results_by_subject(*, branch_ids=(), member_ids=(), years=()) -> dict[tuple[str, int], list[YearResult]]:
    """The results of many subjects at once — branches (their own, not their members') and members —
    in the campaigns of ``years``, keyed ``("branch", id)`` / ``("member", id)``, each list as
    ``branch_results`` gives it; one query."""
    participations = (
        Participant.objects.filter(campaign__year__in=list(years))
        .filter(Q(branch_id__in=list(branch_ids), member__isnull=True) | Q(member_id__in=list(member_ids)))
        .select_related("campaign", "self_sheet", "verification_sheet", "review_sheet")
    )
    grouped: dict[tuple[str, int], list] = defaultdict(list)
    for participant in participations:
        key = ("member", participant.member_id) if participant.member_id else ("branch", participant.branch_id)
        grouped[key].append(participant)
    return {key: _year_results(rows) for key, rows in grouped.items()}


def _year_results(participations) -> list[YearResult]:
    rows = sorted(participations, key=lambda p: (p.campaign.kind, p.campaign.year))
    results, previous = [], {}
    for participant in rows:
        total, grade, stars, by = _decided(participant)
        result = YearResult(participant, total, grade, stars, by)
        kind = participant.campaign.kind
        before = previous.get(kind)
        if before is not None and before.participant.campaign.year < participant.campaign.year:
            result = YearResult(participant, total, grade, stars, by, _trend(result, before))
        previous[kind] = result
        results.append(result)
    return sorted(results, key=lambda r: (-r.participant.campaign.year, r.participant.campaign.kind))


def stars_table(user, kind: str, year: int) -> list[dict]:
    """Each branch the user sees, its result in ``kind`` campaigns of ``year`` against ``year`` − 1,
    laggards (降星, 下降) first; one query."""
    participants = (
        Participant.objects.visible_to(user)
        .filter(member__isnull=True, campaign__kind=kind, campaign__year__in=(year - 1, year))
        .select_related("branch__township", "campaign", "self_sheet", "verification_sheet", "review_sheet")
    )
    by_branch: dict[int, dict] = {}
    for participant in participants:
        total, grade, stars, by = _decided(participant)
        row = by_branch.setdefault(participant.branch_id, {"branch": participant.branch, "before": None, "now": None})
        row["now" if participant.campaign.year == year else "before"] = YearResult(participant, total, grade, stars, by)
    rows = []
    for row in by_branch.values():
        row["trend"] = _trend(row["now"], row["before"]) if row["now"] else ""
        rows.append(row)
    order = {"降星": 0, "下降": 1, "": 2, "持平": 3, "上升": 4, "升星": 5}
    return sorted(rows, key=lambda r: (order.get(r["trend"], 2), r["branch"].township.name, r["branch"].name))


def report_issuer(user, campaign) -> str | None:
    """The 发文字 ``user`` may number the campaign's verification report with: the report bears the
    organiser's masthead (the township committee, or the county's organisation department), and
    only that body's own people take a 文号 from its sequence."""
    body = {"township": campaign.township} if campaign.township_id else {"county": campaign.county}
    return own_issuer(user, **body)
