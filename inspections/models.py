"""Inspections, quarterly rankings, the problem ledger and document numbers."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, Q

from branches.models import Branch, County, Township
from branches.scoping import BranchScopedQuerySet, ScopedQuerySet
from common.dates import today
from scoring.models import Framework, ScoreSheet


class RoundKind(models.TextChoices):
    MONTHLY = "monthly", "月调度"
    QUARTERLY = "quarterly", "季督查"
    UNANNOUNCED = "unannounced", "明察暗访"
    SURVEY = "survey", "专项调研"


class InspectionRound(models.Model):
    kind = models.CharField("类型", max_length=20, choices=RoundKind.choices)
    title = models.CharField("名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", choices=[(q, f"第{q}季度") for q in range(1, 5)])
    month = models.PositiveSmallIntegerField("月份", null=True, blank=True)
    held_on = models.DateField("督查日期")
    inspectors = models.CharField("督查人员", max_length=200)
    checklist = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+", verbose_name="督查清单")
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "督查"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(county__isnull=True, township__isnull=False)
                | Q(county__isnull=False, township__isnull=True),
                name="round_run_by_one_unit",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class InspectedQuerySet(BranchScopedQuerySet):
    # A secretary does not see an unannounced round until it is closed.
    scope_limits = {"branch": ~Q(inspection_round__kind=RoundKind.UNANNOUNCED, inspection_round__closed_at=None)}


class InspectedBranch(models.Model):
    """One branch in one round, with its inspection sheet."""

    inspection_round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="inspected")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="inspections")
    sheet = models.OneToOneField(ScoreSheet, on_delete=models.PROTECT, related_name="+")

    objects = InspectedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection_round", "branch"], name="branch_once_per_round"),
        ]

    def __str__(self):
        return f"{self.inspection_round} · {self.branch}"


class Severity(models.TextChoices):
    MINOR = "minor", "一般"
    SERIOUS = "serious", "较重"
    GRAVE = "grave", "严重"


class FindingCategory(models.TextChoices):
    ORGANISATIONAL_LIFE = "organisational_life", "组织生活"
    RULES = "rules", "制度落实"
    PREMISES = "premises", "阵地建设"
    MEMBERS = "members", "党员管理"
    OTHER = "other", "其他"


class Finding(models.Model):
    inspected = models.ForeignKey(InspectedBranch, on_delete=models.CASCADE, related_name="findings")
    description = models.TextField("发现的问题")
    category = models.CharField("类别", max_length=30, choices=FindingCategory.choices)
    severity = models.CharField("程度", max_length=10, choices=Severity.choices, default=Severity.MINOR)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # photos are stored as evidence of the branch's inspection sheet, checked and served the same way
    photos = models.ManyToManyField("scoring.Evidence", blank=True, related_name="+", verbose_name="照片")

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self):
        return self.description[:30]


class QuarterRanking(models.Model):
    """A township's published ranking for one quarter, kept as it was published."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="rankings")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "quarter"], name="one_ranking_per_quarter"),
        ]

    def __str__(self):
        return f"{self.township} {self.year}年第{self.quarter}季度排名"


class RankingEntry(models.Model):
    ranking = models.ForeignKey(QuarterRanking, on_delete=models.CASCADE, related_name="entries")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="ranking_entries")
    position = models.PositiveSmallIntegerField("名次")
    score = models.DecimalField("得分", max_digits=7, decimal_places=2)
    rounds = models.PositiveSmallIntegerField("督查次数")
    bottom_three = models.BooleanField("后3位", default=False)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return f"{self.position}. {self.branch}"


class SecretaryActionFlagQuerySet(BranchScopedQuerySet):
    """SecretaryActionFlag rows, scoped through their branch."""


class SecretaryActionFlag(models.Model):
    """In the bottom 3 two quarters running: the committee must act on the secretary (seed 002)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="action_flags")
    ranking = models.ForeignKey(QuarterRanking, on_delete=models.PROTECT, related_name="flags", null=True)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    action_taken = models.TextField("处置情况", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = SecretaryActionFlagQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "year", "quarter"], name="one_flag_per_branch_quarter"),
        ]

    def __str__(self):
        return f"{self.branch} {self.year}年第{self.quarter}季度连续后3位"


class LedgerStatus(models.TextChoices):
    OPEN = "open", "待整改"
    SUBMITTED = "submitted", "已报整改"
    CLOSED = "closed", "已销号"


class LedgerSource(models.TextChoices):
    INSPECTION = "inspection", "督查发现"
    VERIFICATION = "verification", "验收发现"
    MANUAL = "manual", "录入"


class LedgerItemQuerySet(BranchScopedQuerySet):
    """LedgerItem rows, scoped through their branch."""

    @staticmethod
    def overdue_filter(on: date | None = None) -> Q:
        """The one meaning of "overdue": not yet closed, and its deadline is before today
        (Shanghai's date, ``common.dates.today``) or before ``on``. For a count inside
        ``aggregate``/``annotate``: ``Count("pk", filter=LedgerItemQuerySet.overdue_filter())``."""
        return ~Q(status=LedgerStatus.CLOSED) & Q(deadline__lt=on or today())

    def overdue(self, on: date | None = None):
        return self.filter(self.overdue_filter(on))

    def with_overdue(self, on: date | None = None):
        """Each row with ``is_overdue``, for pages and exports that mark the overdue ones."""
        return self.annotate(is_overdue=ExpressionWrapper(self.overdue_filter(on), output_field=models.BooleanField()))


class LedgerItem(models.Model):
    """One problem on the ledger: 问题清单 (problem), 任务清单 (task), 责任清单 (who, by when)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="ledger_items")
    source = models.CharField("来源", max_length=20, choices=LedgerSource.choices, default=LedgerSource.MANUAL)
    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_item")
    # Where an item taken from a score sheet came from ("sheet:<id>:<item code>"), so it is taken once.
    origin = models.CharField(max_length=60, blank=True)
    problem = models.TextField("问题")
    task = models.TextField("整改任务")
    responsible = models.CharField("责任人", max_length=50)
    deadline = models.DateField("整改时限")
    status = models.CharField("状态", max_length=20, choices=LedgerStatus.choices, default=LedgerStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    objects = LedgerItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "问题台账"
        ordering = ["status", "deadline", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["origin"], condition=~Q(origin=""), name="ledger_origin_once"),
        ]

    def __str__(self):
        return self.problem[:30]


class LedgerEvent(models.Model):
    """Every step on a ledger item: rectification reported, sent back, closed. Nothing is overwritten."""

    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=20)
    text = models.TextField("说明", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.item_id} {self.action}"


class DocumentNumber(models.Model):
    """Issued 文号: per issuing body and year, from 1 with no gaps or duplicates."""

    issuer = models.CharField("发文字", max_length=20)
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    purpose = models.CharField("用途", max_length=200)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "serial"], name="document_number_unique"),
        ]

    def __str__(self):
        return f"{self.issuer}〔{self.year}〕{self.serial}号"


class NoticeQuerySet(ScopedQuerySet):
    """Township staff and the county see their notices; a secretary those that name their branch."""

    scope_lookups = {"county": "township__county", "township": "township", "branch": "branches"}


class Notice(models.Model):
    """An inspection notice (督查通报) for a township's quarter, with its 文号."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="notices")
    ranking = models.ForeignKey(QuarterRanking, on_delete=models.PROTECT, related_name="notices")
    number = models.OneToOneField(DocumentNumber, on_delete=models.PROTECT, related_name="notice")
    title = models.CharField("标题", max_length=200)
    opening = models.TextField("开头")
    closing = models.TextField("结尾")
    branches = models.ManyToManyField(Branch, related_name="notices", verbose_name="涉及的党支部")
    issued_on = models.DateField("成文日期")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return f"{self.number} {self.title}"
