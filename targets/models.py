"""A county's yearly targets (目标任务): what share of its branches must reach what on a fact the
product already reads from the records (seed 003: “全镇90%以上的行政村有稳定的集体经济收入…”)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from branches.models import County
from branches.scoping import Role, ScopedQuerySet
from scoring.spec import FACTS

# the facts a target may count: yearly facts of a branch that a township's work plan sets shares of
TARGET_FACT_NAMES = (
    "collective_income_stable",
    "collective_income",
    "three_chains",
    "one_shoulder",
    "reserve_cadre_ratio",
    "activists_cultivated",
    "members_developed",
    "prospects",
    "theme_days_missing",
    "affairs_disclosures_missing",
    "members_dues_short",
)
TARGET_FACTS = [(name, FACTS[name]) for name in TARGET_FACT_NAMES]

ERROR_SHARE_RANGE = "比例应在 0 至 100 之间。"


class Comparison(models.TextChoices):
    """How one branch's fact is compared with the target's threshold."""

    AT_LEAST = "gte", "≥"
    MORE_THAN = "gt", ">"
    AT_MOST = "lte", "≤"


class ShareComparison(models.TextChoices):
    """How the share of branches that meet it is compared with the target's share."""

    AT_LEAST = "gte", "≥"
    MORE_THAN = "gt", ">"


class TargetPlanQuerySet(ScopedQuerySet):
    # a plan is the county's: its townships and branches read it, the county reviewer keeps it
    scope_lookups = {"county": "county", "township": "county__townships", "branch": "county__townships__branches"}
    scope_distinct = True
    editor_roles = frozenset({Role.COUNTY_REVIEWER})


class TargetPlan(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="target_plans", verbose_name="县")
    year = models.PositiveSmallIntegerField("年度")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="修改人",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = TargetPlanQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "目标任务计划"
        ordering = ["county", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"],
                name="target_plan_once_a_year",
                violation_error_message="本县该年度已有目标任务。",
            )
        ]

    def __str__(self):
        return f"{self.county}{self.year}年目标任务"


class TargetQuerySet(ScopedQuerySet):
    scope_lookups = {
        "county": "plan__county",
        "township": "plan__county__townships",
        "branch": "plan__county__townships__branches",
    }
    scope_distinct = True
    editor_roles = frozenset({Role.COUNTY_REVIEWER})


class Target(models.Model):
    plan = models.ForeignKey(TargetPlan, on_delete=models.CASCADE, related_name="targets", verbose_name="目标任务计划")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("目标任务", max_length=60)
    fact = models.CharField("统计项", max_length=40, choices=TARGET_FACTS)
    comparison = models.CharField("比较", max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST)
    threshold = models.DecimalField("标准值", max_digits=12, decimal_places=2)
    share_comparison = models.CharField(
        "比例比较", max_length=3, choices=ShareComparison.choices, default=ShareComparison.AT_LEAST
    )
    share = models.DecimalField(
        "达标支部比例（%）",
        max_digits=5,
        decimal_places=1,
        validators=[
            MinValueValidator(Decimal(0), message=ERROR_SHARE_RANGE),
            MaxValueValidator(Decimal(100), message=ERROR_SHARE_RANGE),
        ],
    )
    villages_only = models.BooleanField("只统计村党支部", default=False)
    note = models.CharField("依据或说明", max_length=200, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "目标任务"
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gte=0, share__lte=100),
                name="target_share_percent",
                violation_error_message=ERROR_SHARE_RANGE,
            )
        ]

    def __str__(self):
        return self.name

    @property
    def code(self) -> str:
        """The target's id on the board (``?target=``, the chart, the collapsible list)."""
        return f"t{self.pk}"

    @property
    def requirement(self) -> str:
        """e.g. ``≥ 90%``."""
        return f"{self.get_share_comparison_display()} {self.share.normalize():f}%"

    @property
    def rule(self) -> str:
        """What one branch must reach, e.g. ``村集体经济收入（元） ≥ 50000``."""
        return f"{self.get_comparison_display()} {self.threshold.normalize():,f}"
