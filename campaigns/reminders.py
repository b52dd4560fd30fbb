"""Campaign deadlines in the daily reminders (``inbox.reminders``): three days before a phase
ends, whoever still has work in it hears of it — secretaries whose sheet is not yet submitted,
townships with sheets waiting for verification, the county with sampled ones waiting for its
re-check, the organiser for its own phases — and a branch with an extension three days before
the extension ends (three queries); three days before a milestone, whoever it names (the
campaign's branches, its townships or the county; two queries). Whatever the number of
campaigns and branches."""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse

from inbox.models import Kind
from inbox.reminders import DAYS_AHEAD
from inbox.services import Note

from .models import Milestone, MilestoneActor, Participant, Phase, PhaseExtension, PhaseKind, State

# Who has work left in a phase: the participants' states that wait, and the level told of them.
WAITING = {
    PhaseKind.SELF_ASSESSMENT: ((State.NOT_STARTED, State.DRAFTING, State.RETURNED), "branch"),
    PhaseKind.VERIFICATION: ((State.SUBMITTED,), "township"),
    PhaseKind.REVIEW: ((State.RECOMMENDED,), "county"),
}
WORDS = {"branch": "尚未申报", "township": "待验收", "county": "待复核"}


def _county_of(campaign) -> int:
    return campaign.county_id or campaign.township.county_id


def _organiser(campaign, kind) -> dict:
    """The unit that acts in a phase nobody below waits in: the organiser, or for 公示 and 命名 the publisher."""
    if kind in (PhaseKind.PUBLICITY, PhaseKind.NAMING) and campaign.county_review:
        return {"counties": frozenset([_county_of(campaign)])}
    if campaign.township_id:
        return {"townships": frozenset([campaign.township_id])}
    return {"counties": frozenset([campaign.county_id])}


def phase_reminders(on: date):
    target = on + timedelta(days=DAYS_AHEAD)
    phases = list(Phase.objects.filter(ends_on=target).select_related("campaign__township"))
    waiting_kinds = [p for p in phases if p.kind in WAITING]
    units = defaultdict(set)  # (phase id) → unit ids still with work
    counts = defaultdict(int)
    if waiting_kinds:
        by_campaign = {(p.campaign_id, p.kind): p for p in waiting_kinds}
        states = {state for kind in WAITING.values() for state in kind[0]}
        extended = PhaseExtension.objects.filter(participant=OuterRef("pk"), until__gt=target)
        rows = (
            Participant.objects.filter(campaign_id__in={p.campaign_id for p in waiting_kinds}, state__in=states)
            .annotate(extended=Exists(extended.filter(phase_kind=PhaseKind.SELF_ASSESSMENT)))
            .values_list("campaign_id", "state", "sampled", "extended", "branch_id", "branch__township_id")
        )
        for campaign_id, state, sampled, extended_on, branch_id, township_id in rows.iterator(chunk_size=5000):
            for kind, (states_waiting, level) in WAITING.items():
                phase = by_campaign.get((campaign_id, kind))
                if phase is None or state not in states_waiting:
                    continue
                if level == "branch" and not extended_on:
                    units[phase.pk].add(branch_id)
                elif level == "township":
                    units[phase.pk].add(township_id)
                elif level == "county" and sampled:
                    units[phase.pk].add(_county_of(phase.campaign))
                counts[phase.pk] += 1
    for phase in phases:
        campaign = phase.campaign
        title = f"{campaign.title}：“{phase.title}”{target.month}月{target.day}日截止（还有 {DAYS_AHEAD} 天）"
        key = f"phase_due:{phase.pk}:{target:%Y%m%d}"
        url = reverse("campaigns:detail", args=[campaign.pk])
        if phase.kind in WAITING:
            level = WAITING[phase.kind][1]
            if not units[phase.pk]:
                continue
            yield Note(
                kind=Kind.PHASE_DUE,
                title=title,
                body=f"本阶段还有 {counts[phase.pk]} 个单位{WORDS[level]}。"
                if level != "branch"
                else "自评表尚未申报。",
                url=url,
                key=key,
                **{
                    {"branch": "branches", "township": "townships", "county": "counties"}[level]: frozenset(
                        units[phase.pk]
                    )
                },
            )
        else:
            yield Note(kind=Kind.PHASE_DUE, title=title, url=url, key=key, **_organiser(campaign, phase.kind))
    # a branch given more time hears of its own last day
    extensions = PhaseExtension.objects.filter(
        until=target,
        phase_kind=PhaseKind.SELF_ASSESSMENT,
        participant__state__in=WAITING[PhaseKind.SELF_ASSESSMENT][0],
    ).values_list("pk", "participant_id", "participant__branch_id", "participant__campaign__title")
    for pk, participant_id, branch_id, title in extensions.iterator(chunk_size=5000):
        yield Note(
            kind=Kind.PHASE_DUE,
            title=f"{title}：延长的自查自评期限 {target.month}月{target.day}日截止（还有 {DAYS_AHEAD} 天）",
            url=reverse("campaigns:participant", args=[participant_id]),
            key=f"extension_due:{pk}:{target:%Y%m%d}",
            branches=frozenset([branch_id]),
        )


def milestone_reminders(on: date):
    target = on + timedelta(days=DAYS_AHEAD)
    milestones = list(Milestone.objects.filter(due_on=target).select_related("phase__campaign__township"))
    if not milestones:
        return
    branches, townships = defaultdict(set), defaultdict(set)
    rows = Participant.objects.filter(campaign_id__in={m.phase.campaign_id for m in milestones}).values_list(
        "campaign_id", "branch_id", "branch__township_id"
    )
    for campaign_id, branch_id, township_id in rows.iterator(chunk_size=5000):
        branches[campaign_id].add(branch_id)
        townships[campaign_id].add(township_id)
    for milestone in milestones:
        campaign = milestone.phase.campaign
        if milestone.actor == MilestoneActor.BRANCH:
            audience = {"branches": frozenset(branches[campaign.pk])}
        elif milestone.actor == MilestoneActor.TOWNSHIP:
            audience = {
                "townships": frozenset([campaign.township_id] if campaign.township_id else townships[campaign.pk])
            }
        else:
            audience = {"counties": frozenset([_county_of(campaign)])}
        yield Note(
            kind=Kind.MILESTONE_DUE,
            title=f"{campaign.title}：“{milestone.title}”{target.month}月{target.day}日前完成（还有 {DAYS_AHEAD} 天）",
            body=f"所属阶段：{milestone.phase.title}；责任主体：{milestone.get_actor_display()}。",
            url=reverse("campaigns:detail", args=[campaign.pk]),
            key=f"milestone_due:{milestone.pk}:{target:%Y%m%d}",
            **audience,
        )
