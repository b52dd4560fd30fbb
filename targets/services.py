"""Writes of the targets: a year's plan made when first needed, and the county reviewer's edits."""

from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from .models import Target, TargetPlan

DEFAULTS_FILE = Path(__file__).with_name("defaults.yaml")
TARGET_FIELDS = ("name", "fact", "comparison", "threshold", "share_comparison", "share", "villages_only", "note")

ERROR_NOT_EDITOR = "目标任务由县委组织部设定，您可以查看，不能修改。"


@cache
def default_targets() -> tuple[dict, ...]:
    """The seed's targets (``defaults.yaml``), for a county without a plan of an earlier year."""
    rows = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))
    return tuple(
        {**row, "threshold": Decimal(str(row["threshold"])), "share": Decimal(str(row["share"]))} for row in rows
    )


def _starting_targets(county, year: int) -> list[dict]:
    earlier = TargetPlan.objects.filter(county=county, year__lt=year).order_by("-year").first()
    if earlier is None:
        return [dict(row) for row in default_targets()]
    return [{name: getattr(t, name) for name in TARGET_FIELDS} for t in earlier.targets.order_by("position", "pk")]


def target_plan_ensure(*, county, year: int) -> TargetPlan:
    """The county's plan for ``year``. A year without one gets a copy of the county's latest earlier
    plan, else of the seed's targets, at once and whole; asking again (or two requests at once)
    gives the same plan and nothing more."""
    plan = TargetPlan.objects.filter(county=county, year=year).first()
    if plan is not None:
        return plan
    try:
        with transaction.atomic():
            plan = TargetPlan.objects.create(county=county, year=year)
            for position, values in enumerate(_starting_targets(county, year), start=1):
                # one by one, not bulk: the audit trail records each target the plan started with
                Target.objects.create(plan=plan, position=position, **values)
    except IntegrityError:
        # a concurrent request made the plan first: its copy stands, ours was rolled back whole
        plan = TargetPlan.objects.get(county=county, year=year)
    return plan


def target_plan_update(*, plan: TargetPlan, saved: list[Target], deleted: list[Target], actor) -> TargetPlan:
    """Save the county reviewer's edits of ``plan`` at once: targets changed or added (``saved``,
    validated again here) and removed (``deleted``); all or nothing. Only those who may edit the
    plan (the county reviewer of its county) may."""
    if not TargetPlan.objects.editable_by(actor).filter(pk=plan.pk).exists():
        raise PermissionDenied(ERROR_NOT_EDITOR)
    with transaction.atomic():
        for target in deleted:
            if target.pk and target.plan_id == plan.pk:
                target.delete()
        for target in saved:
            target.plan = plan
            target.full_clean()
            target.save()
        plan.updated_by = actor
        plan.save(update_fields=["updated_by", "updated_at"])
    return plan
