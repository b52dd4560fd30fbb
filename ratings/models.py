"""Members' yearly star ratings (党员星级评定): one rating per branch and year, carried by the
branch meeting's decision and the township's approval, and one row per member and year."""

from django.conf import settings
from django.db import models

from branches.models import Branch, Member
from branches.scoping import BranchScopedQuerySet, Role
from scoring.models import Framework

BUILTIN_FRAMEWORK = "member-rating"  # scoring/builtin/member-rating.yaml


class RatingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    DECIDED = "decided", "支部大会已决定"
    RETURNED = "returned", "镇党委已退回"
    APPROVED = "approved", "镇党委已审批"


OPEN_STATUSES = (RatingStatus.DRAFT, RatingStatus.RETURNED)


class BranchRatingQuerySet(BranchScopedQuerySet):
    # the secretary prepares and records the meeting; township staff approve or return
    editor_roles = frozenset({Role.BRANCH_SECRETARY, Role.TOWNSHIP_STAFF})


class BranchRating(models.Model):
    """A branch's member ratings of one year, as one piece of work: prepared by the secretary,
    decided by the branch meeting (支部党员大会), approved by the township (镇党委)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="member_ratings", verbose_name="党支部")
    year = models.PositiveSmallIntegerField("年度")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+", verbose_name="评分标准")
    status = models.CharField("状态", max_length=20, choices=RatingStatus.choices, default=RatingStatus.DRAFT)
    # bumped by every save: a page saved from an older revision is told what changed since
    revision = models.PositiveIntegerField("版本", default=0)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prepared_at = models.DateTimeField("最后保存时间", null=True, blank=True)
    meeting_on = models.DateField("支部党员大会日期", null=True, blank=True)
    meeting_attendance = models.PositiveIntegerField("到会党员人数", null=True, blank=True)
    meeting_result = models.CharField("大会决定", max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("报审时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    returned_reason = models.CharField("退回理由", max_length=300, blank=True)

    objects = BranchRatingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党员星级评定（支部年度）"
        ordering = ["-year", "branch"]
        constraints = [models.UniqueConstraint(fields=["branch", "year"], name="one_member_rating_per_branch_year")]

    def __str__(self):
        return f"{self.branch.name}{self.year}年党员星级评定"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class MemberRatingQuerySet(BranchScopedQuerySet):
    scope_lookups = {
        "county": "branch_rating__branch__township__county",
        "township": "branch_rating__branch__township",
        "branch": "branch_rating__branch",
    }


class MemberRating(models.Model):
    """One member's rating of one year. ``overrides`` holds what the secretary set differently
    from what the records (or the standard) give, each with its reason; ``items`` is the whole
    sheet as the branch meeting decided it (points, source, reason), fixed from then on."""

    branch_rating = models.ForeignKey(BranchRating, on_delete=models.PROTECT, related_name="member_rows")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ratings", verbose_name="党员")
    year = models.PositiveSmallIntegerField("年度")
    overrides = models.JSONField("调整", default=dict, blank=True)  # code → {"value": "…", "reason": "…"}
    items = models.JSONField("评定明细", default=dict, blank=True)  # code → {"value", "points", "source", …}
    total = models.DecimalField("总分", max_digits=6, decimal_places=2, null=True, blank=True)
    stars = models.PositiveSmallIntegerField("星级", null=True, blank=True)
    grade = models.CharField("等次", max_length=20, blank=True)
    stars_rule = models.CharField("星级依据", max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = MemberRatingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党员星级评定（党员年度）"
        ordering = ["-year", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="one_rating_per_member_year",
                violation_error_message="该党员本年度已评定，一名党员一年只评定一次。",
            )
        ]

    def __str__(self):
        return f"{self.member.name}{self.year}年星级评定"

    @property
    def adjustments(self) -> list[tuple[str, str]]:
        """(item code, reason) of what the secretary set apart from the records or the standard, as decided."""
        return [(code, item.get("reason", "")) for code, item in self.items.items() if item.get("origin") == "entered"]


class MemberRatingChange(models.Model):
    """Who changed which item of a member's rating, from what to what, and why (kept, never edited)."""

    member_rating = models.ForeignKey(MemberRating, on_delete=models.PROTECT, related_name="changes")
    item_code = models.CharField("评分项", max_length=20)
    before = models.CharField("原值", max_length=40, blank=True)
    after = models.CharField("新值", max_length=40, blank=True)
    reason = models.CharField("理由", max_length=200, blank=True)
    revision = models.PositiveIntegerField("保存版本")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField("修改时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "党员星级评定修改记录"
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.item_code}：{self.before} → {self.after}"


class RatingStep(models.Model):
    """A step of the year's rating: decided by the branch meeting, approved or returned by the township."""

    branch_rating = models.ForeignKey(BranchRating, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=20, choices=RatingStatus.choices)
    to_status = models.CharField("新状态", max_length=20, choices=RatingStatus.choices)
    # the meeting's date and attendance before its 300-character result: a text, never cut
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "党员星级评定流程记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
