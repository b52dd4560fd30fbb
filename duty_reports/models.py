"""述职评议 (双述双评): a township's yearly round, each branch secretary's 述职报告 with every
version kept, the meeting's votes by group, the tier that follows, and the 约谈 it may call for."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from branches.models import Branch, Township
from branches.scoping import BranchScopedQuerySet, Role, ScopedQuerySet


class RoundStatus(models.TextChoices):
    OPEN = "open", "开放撰写"
    MEETING_HELD = "meeting_held", "已召开评议会"
    PUBLISHED = "published", "已公布结果"


# The one table of the round's steps: from → to (STYLE habit 2); ``services.round_advance`` alone applies it.
TRANSITIONS = {
    RoundStatus.OPEN: RoundStatus.MEETING_HELD,
    RoundStatus.MEETING_HELD: RoundStatus.PUBLISHED,
}


class Tier(models.TextChoices):
    GOOD = "good", "好"
    FAIR = "fair", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


class VoteGroup(models.TextChoices):
    MEMBERS = "members", "党员代表"
    MASSES = "masses", "群众代表"
    COMMITTEE = "committee", "镇党委"


class DutyRoundQuerySet(ScopedQuerySet):
    """A round belongs to its township: its staff and the county see it; a secretary sees her report, not the round."""

    scope_lookups = {"county": "township__county", "township": "township", "branch": None}


class DutyRound(models.Model):
    """One township's 述职评议 for one year, with the weights and the tier rule it was judged by."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="duty_rounds")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    # weights in per cent, summing to 100 (checked by the service and the database)
    weight_members = models.PositiveSmallIntegerField("党员代表权重（%）", default=40)
    weight_masses = models.PositiveSmallIntegerField("群众代表权重（%）", default=30)
    weight_committee = models.PositiveSmallIntegerField("镇党委权重（%）", default=30)
    # the tier rule: weighted score ≥ good → 好, ≥ fair → 较好, ≥ average → 一般, else 差;
    # and whatever the score, a weighted share of 差 votes above poor_share → 差
    threshold_good = models.DecimalField("“好”最低分", max_digits=5, decimal_places=2, default=Decimal("90"))
    threshold_fair = models.DecimalField("“较好”最低分", max_digits=5, decimal_places=2, default=Decimal("80"))
    threshold_average = models.DecimalField("“一般”最低分", max_digits=5, decimal_places=2, default=Decimal("60"))
    poor_share = models.DecimalField("“差”票占比上限（%）", max_digits=5, decimal_places=2, default=Decimal("33.33"))
    report_deadline = models.DateField("述职报告提交截止日期", null=True, blank=True)
    meeting_on = models.DateField("评议会日期", null=True, blank=True)
    meeting_place = models.CharField("评议会地点", max_length=100, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = DutyRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "township__name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="one_duty_round_per_township_year"),
            models.CheckConstraint(
                condition=models.Q(weight_members__lte=100, weight_masses__lte=100, weight_committee__lte=100),
                name="duty_round_weights_at_most_100",
            ),
        ]

    def __str__(self):
        return f"{self.township.name}{self.year}年度党支部书记述职评议"

    @property
    def weights(self) -> dict[str, int]:
        return {
            VoteGroup.MEMBERS: self.weight_members,
            VoteGroup.MASSES: self.weight_masses,
            VoteGroup.COMMITTEE: self.weight_committee,
        }


class RoundStep(models.Model):
    """Who moved a round from one status to the next, and when (kept, never changed)."""

    duty_round = models.ForeignKey(DutyRound, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=20, choices=RoundStatus.choices)
    to_status = models.CharField(max_length=20, choices=RoundStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.duty_round_id}: {self.from_status} → {self.to_status}"


class DutyReportQuerySet(BranchScopedQuerySet):
    """A report belongs to its branch: the secretary sees hers, the township and county all of theirs."""

    editor_roles = frozenset({Role.BRANCH_SECRETARY})


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"


class DutyReport(models.Model):
    """A branch secretary's 述职报告 in a round: the current text (every version is a ReportVersion),
    and the result the meeting's votes give (stored when the votes are saved, so lists never compute)."""

    duty_round = models.ForeignKey(DutyRound, on_delete=models.PROTECT, related_name="reports")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="duty_reports")
    secretary_name = models.CharField("党支部书记", max_length=50, blank=True)
    text = models.TextField("述职报告")
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    revision = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField("加权得分", max_digits=5, decimal_places=2, null=True, blank=True)
    tier = models.CharField("评议等次", max_length=10, choices=Tier.choices, blank=True)
    tier_rule = models.CharField("判定依据", max_length=200, blank=True)

    objects = DutyReportQuerySet.as_manager()

    class Meta:
        ordering = ["duty_round", "branch__name"]
        constraints = [models.UniqueConstraint(fields=["duty_round", "branch"], name="one_duty_report_per_branch")]

    def __str__(self):
        return f"{self.branch.name}{self.duty_round.year}年度述职报告"


class ReportVersion(models.Model):
    """Every saved text of a report, the draft the product wrote first included; never changed."""

    report = models.ForeignKey(DutyReport, on_delete=models.CASCADE, related_name="versions")
    revision = models.PositiveIntegerField()
    text = models.TextField()
    drafted_by_system = models.BooleanField(default=False)
    submitted = models.BooleanField(default=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-revision"]
        constraints = [models.UniqueConstraint(fields=["report", "revision"], name="one_report_version_per_revision")]

    def __str__(self):
        return f"{self.report_id} 第{self.revision}稿"


class ReportPartQuerySet(BranchScopedQuerySet):
    """Votes, 约谈 and files: scoped through their report's branch."""

    scope_lookups = {
        "county": "report__branch__township__county",
        "township": "report__branch__township",
        "branch": "report__branch",
    }


class Vote(models.Model):
    """One group's ballots on one report. A correction is a new row; the newest per group counts."""

    report = models.ForeignKey(DutyReport, on_delete=models.PROTECT, related_name="votes")
    group = models.CharField("评议组", max_length=20, choices=VoteGroup.choices)
    group_size = models.PositiveIntegerField("应到人数")
    present = models.PositiveIntegerField("实到人数")
    good = models.PositiveIntegerField("好")
    fair = models.PositiveIntegerField("较好")
    average = models.PositiveIntegerField("一般")
    poor = models.PositiveIntegerField("差")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ReportPartQuerySet.as_manager()

    class Meta:
        ordering = ["report", "group", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(present__lte=models.F("group_size")), name="vote_present_within_group"
            ),
        ]

    def __str__(self):
        return f"{self.report_id} {self.group} {self.good}/{self.fair}/{self.average}/{self.poor}"


class Interview(models.Model):
    """约谈: the talk the committee holds with a secretary rated 一般/差 or flagged two quarters running."""

    report = models.ForeignKey(DutyReport, on_delete=models.PROTECT, related_name="interviews")
    held_on = models.DateField("约谈日期")
    interviewers = models.CharField("约谈人", max_length=100)
    points_raised = models.TextField("指出的问题")
    outcome = models.TextField("约谈结果")
    commitment = models.TextField("书记整改承诺")
    reason = models.CharField("约谈原因", max_length=200)
    resolved_flags = models.CharField("一并处置的督查标记", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ReportPartQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.report_id} 约谈 {self.held_on}"


def _report_file_path(instance, filename):
    # a random name: the stored file can never be guessed from the upload
    from common.files import EXTENSIONS

    return f"evidence/duty_reports/{instance.report_id}/{uuid.uuid4().hex}{EXTENSIONS.get(instance.content_type, '')}"


class ReportFile(models.Model):
    """A file the secretary uploads with her report (a signed scan, a PDF she wrote elsewhere):
    checked by content like all uploads (``common.files``), never replaced, its SHA-256 kept."""

    report = models.ForeignKey(DutyReport, on_delete=models.PROTECT, related_name="files")
    revision = models.PositiveIntegerField("所附稿次")
    file = models.FileField("文件", upload_to=_report_file_path)
    display = models.FileField("显示用副本", upload_to=_report_file_path, blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=50)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = ReportPartQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name
