"""The county's review of the recommendations: a reproducible sample, then closing the review
(every recommendation not drawn is confirmed as the township recommended it)."""

import math
import random
import secrets

from django.db import transaction
from django.utils import timezone

from ..models import Campaign, Participant, PhaseKind, State
from .machine import (
    COUNTY,
    ERROR_ALREADY_SAMPLED,
    ERROR_NOT_YET_SAMPLED,
    ERROR_NOTHING,
    ERROR_SAMPLED_OPEN,
    WorkflowError,
    campaign_level_step,
    campaign_locked,
    check_actor,
    check_phase,
    check_step_applies,
    record_event,
)


def draw_sample(recommended: list[Participant], *, rate, minimum: int, seed: str) -> list[int]:
    """Reproducible sample: per township, max(minimum, ceil(rate × n)) of its
    recommendations (at most all), drawn with a generator seeded by ``seed``
    and the township, from the participants in id order."""
    by_township: dict[int, list[int]] = {}
    for participant in sorted(recommended, key=lambda p: p.pk):
        by_township.setdefault(participant.branch.township_id, []).append(participant.pk)
    chosen = []
    for township_id, ids in sorted(by_township.items()):
        size = min(len(ids), max(minimum, math.ceil(float(rate) * len(ids))))
        chosen += random.Random(f"{seed}:{township_id}").sample(ids, size)
    return sorted(chosen)


@transaction.atomic
def review_sample(campaign: Campaign, *, actor, seed: str | None = None) -> list[Participant]:
    """Draw and record the county's sample of the recommendations (once)."""
    campaign = campaign_locked(campaign)
    check_actor(actor, {COUNTY}, "抽样", campaign=campaign)
    check_step_applies("confirm", campaign, "抽样")
    check_phase(campaign, (PhaseKind.REVIEW,), "抽样")
    if campaign.sampled_at:
        raise WorkflowError(
            ERROR_ALREADY_SAMPLED.format(when=timezone.localtime(campaign.sampled_at).strftime("%Y-%m-%d %H:%M"))
        )
    recommended = list(campaign.participants.filter(state=State.RECOMMENDED).select_related("branch"))
    if not recommended:
        raise WorkflowError(ERROR_NOTHING.format(action="抽样"))
    campaign.sample_seed = seed or secrets.token_hex(8)
    campaign.sampled_at = timezone.now()
    campaign.save(update_fields=["sample_seed", "sampled_at"])
    chosen = set(
        draw_sample(
            recommended, rate=campaign.sample_rate, minimum=campaign.sample_min_per_township, seed=campaign.sample_seed
        )
    )
    sampled = [p for p in recommended if p.pk in chosen]
    Participant.objects.filter(pk__in=chosen).update(sampled=True)
    for participant in sampled:
        record_event(participant, "sampled", actor=actor, data={"seed": campaign.sample_seed})
    return sampled


@transaction.atomic
def review_close(campaign: Campaign, *, actor) -> int:
    """Confirm every recommendation that was not sampled; returns how many."""
    campaign = campaign_locked(campaign)
    check_actor(actor, {COUNTY}, "结束复核", campaign=campaign)
    check_step_applies("confirm", campaign, "结束复核")
    if not campaign.sampled_at:
        raise WorkflowError(ERROR_NOT_YET_SAMPLED)
    open_sampled = campaign.participants.filter(state=State.RECOMMENDED, sampled=True).count()
    if open_sampled:
        raise WorkflowError(ERROR_SAMPLED_OPEN.format(count=open_sampled))
    count = 0
    for participant in campaign.participants.filter(state=State.RECOMMENDED, sampled=False):
        campaign_level_step(participant, "confirm", actor, "未抽中复核，按乡镇推荐确认。")
        count += 1
    return count
