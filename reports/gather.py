"""The data behind the campaign documents, gathered in a few aggregate
queries whatever the number of branches."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Sum

from campaigns.models import Participant, State
from campaigns.selectors import level_comparison
from scoring.engine import Entry, item_points
from scoring.models import ScoreEntry
from scoring.selectors import framework_spec

WEAK_RATIO = Decimal("0.6")
MAX_ADJUSTMENTS = 200  # rows of the report's table of changed items


@dataclass
class Row:
    participant: Participant
    self_total: Decimal | None
    township_total: Decimal | None
    county_total: Decimal | None


@dataclass
class CampaignData:
    campaign: object
    scope_label: str
    rows: list[Row]
    spec: object
    counts: dict = field(default_factory=dict)
    weakest: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    problem_total: int = 0
    # (participant, campaigns.selectors.LevelRow): the items the township or the county changed, with reasons
    adjustments: list = field(default_factory=list)
    adjustment_total: int = 0


def participants_for(campaign, *, township_id=None, participant_id=None):
    qs = (
        Participant.objects.filter(campaign=campaign)
        .select_related("branch__township", "member", "self_sheet", "verification_sheet", "review_sheet")
        .order_by("branch__township__name", "branch__name", "member__name")
    )
    if township_id:
        qs = qs.filter(branch__township_id=township_id)
    if participant_id:
        qs = qs.filter(pk=participant_id)
    return qs


def fingerprint_inputs(participants) -> dict:
    """What a document depends on, in one aggregate: a changed sheet or step changes it."""
    return participants.aggregate(
        n=Count("pk", distinct=True),
        last_step=Max("transitions__at"),
        self_revisions=Sum("self_sheet__revision", distinct=True),
        verification_revisions=Sum("verification_sheet__revision", distinct=True),
        review_revisions=Sum("review_sheet__revision", distinct=True),
        named=Count("named_on", distinct=True),
    )


def item_points_by_sheet(sheet_ids, spec) -> dict[int, dict[str, Decimal]]:
    """Points per item for many sheets, from one query over their entries."""
    items = spec.item_map()
    points: dict[int, dict[str, Decimal]] = defaultdict(dict)
    entries = (
        ScoreEntry.objects.filter(sheet_id__in=sheet_ids)
        .values_list("sheet_id", "item__code", "met", "points", "occurrences", "veto_triggered")
        .iterator(chunk_size=5000)
    )
    for sheet_id, code, met, value, occurrences, veto in entries:
        item = items.get(code)
        if item is None:
            continue
        try:
            result = item_points(item, Entry(met=met, points=value, occurrences=occurrences, veto_triggered=veto))
        except ValueError:
            continue
        points[sheet_id][code] = result.points
    return points


def campaign_data(campaign, *, township_id=None, participant_id=None, scope_label="") -> CampaignData:
    participants = list(participants_for(campaign, township_id=township_id, participant_id=participant_id))
    spec = framework_spec(campaign.framework)
    rows = [
        Row(
            p,
            p.self_sheet.total if p.self_sheet else None,
            p.verification_sheet.total if p.verification_sheet else None,
            p.review_sheet.total if p.review_sheet else None,
        )
        for p in participants
    ]
    counts = defaultdict(int)
    for p in participants:
        counts[p.state] += 1
    data = CampaignData(campaign, scope_label, rows, spec, counts=dict(counts))

    # The township's scores where there are, else the self-assessment's: which standards fall short.
    judged = {
        p.pk: (p.verification_sheet_id or p.self_sheet_id)
        for p in participants
        if p.verification_sheet_id or p.self_sheet_id
    }
    points = item_points_by_sheet(list(judged.values()), spec)
    sums = defaultdict(Decimal)
    aspects = {item.code: aspect.title for aspect, _standard, item in spec.sections()}
    for p in participants:
        sheet_points = points.get(judged.get(p.pk), {})
        for item in spec.items():
            if not item.counts_to_full_marks or item.points == 0:
                continue
            got = sheet_points.get(item.code)
            if got is None:
                continue
            sums[item.code] += got / item.points
            if got < WEAK_RATIO * item.points:
                data.problems.append((p, item, got))
    sheets_judged = len(points) or 1
    averages = sorted(
        ((total / sheets_judged, code) for code, total in sums.items()), key=lambda pair: (pair[0], pair[1])
    )
    items = spec.item_map()
    data.weakest = [
        {"item": items[code], "aspect": aspects[code], "ratio": round(ratio * 100, 1)} for ratio, code in averages[:5]
    ]
    data.problem_total = len(data.problems)
    data.problems = data.problems[:60]
    levels = level_comparison(participants, spec)
    data.adjustments = [(p, row) for p in participants for row in levels[p.pk]]
    data.adjustment_total = len(data.adjustments)
    data.adjustments = data.adjustments[:MAX_ADJUSTMENTS]
    return data


def state_label(state: str) -> str:
    return State(state).label
