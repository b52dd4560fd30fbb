"""Campaigns, their phases, and each branch's (or member's) way through the
assessment workflow. State changes only through campaigns.workflow."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from branches.models import Branch, Member, RunByOneUnit, run_by_one_unit
from branches.scoping import BranchScopedQuerySet, ScopedQuerySet
from scoring.models import Framework, ScoreSheet
from scoring.spec import KINDS


class CampaignQuerySet(ScopedQuerySet):
    """County reviewers: every campaign in the county (run by the county or by one of its
    townships). Township staff: their township's, and the county's campaigns their branches
    take part in. Secretaries: the campaigns their branch takes part in."""

    scope_lookups = {
        "county": ("county", "township__county"),
        "township": ("township", "participants__branch__township"),
        "branch": "participants__branch",
    }
    scope_distinct = True  # through participants: once per campaign, not once per branch


def _public_token():
    return secrets.token_urlsafe(16)


class Campaign(RunByOneUnit):
    kind = models.CharField("类别", max_length=20, choices=list(KINDS.items()))
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=100)
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="campaigns", verbose_name="考核标准"
    )
    # Run by a county or by a township (exactly one is set: RunByOneUnit).
    # A township may run a campaign of its own to the end: without the county's re-check it
    # publishes and names what it verified itself. A county campaign is always re-checked.
    county_review = models.BooleanField(
        "报县委组织部抽查复核",
        default=True,
        help_text="不勾选：乡镇验收通过后由乡镇党委直接公示、命名。",
    )
    publicity_days = models.PositiveSmallIntegerField("公示天数", default=5)
    sample_rate = models.DecimalField("抽查比例", max_digits=4, decimal_places=2, default=0.3)
    sample_min_per_township = models.PositiveSmallIntegerField("每个乡镇至少抽查", default=1)
    sample_seed = models.CharField("抽样种子", max_length=64, blank=True)
    sampled_at = models.DateTimeField("抽样时间", null=True, blank=True)
    publicity_starts_on = models.DateField("公示开始", null=True, blank=True)
    publicity_ends_on = models.DateField("公示截止", null=True, blank=True)
    objection_contact = models.CharField("异议受理方式", max_length=200, blank=True)
    public_token = models.CharField(max_length=32, unique=True, default=_public_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "创建活动"
        ordering = ["-year", "-created_at"]
        constraints = [
            run_by_one_unit("campaign_run_by_one_unit"),
            models.CheckConstraint(
                condition=Q(county_review=True) | Q(township__isnull=False),
                name="county_campaign_reviewed_by_county",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def publisher(self):
        """Who publishes and names: the county, or the township running it without the county's re-check."""
        if not self.county_review:
            return self.township
        return self.county or self.township.county

    @property
    def publisher_name(self) -> str:
        """The body that publishes, as a notice names it: 青山县委组织部, or 关兴镇党委."""
        return f"{self.township.name}党委" if not self.county_review else f"{self.publisher.name}委组织部"


class PhaseKind(models.TextChoices):
    PREPARATION = "preparation", "组织实施"
    SELF_ASSESSMENT = "self_assessment", "自查自评"
    VERIFICATION = "verification", "镇党委验收"
    REVIEW = "review", "县委抽查复核"
    PUBLICITY = "publicity", "公示"
    NAMING = "naming", "命名"


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField("环节", max_length=20, choices=PhaseKind.choices)
    title = models.CharField("阶段名称", max_length=60)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("截止日期")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="phase_kind_once_per_campaign"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="phase_ends_after_start"),
        ]

    def __str__(self):
        return self.title


class MilestoneActor(models.TextChoices):
    BRANCH = "branch", "党支部"
    TOWNSHIP = "township", "乡镇党委"
    COUNTY = "county", "县委组织部"


class Milestone(models.Model):
    """A dated step inside a phase (e.g. 专题业务培训 6月10日前), and who does it."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点名称", max_length=60)
    due_on = models.DateField("完成日期")
    actor = models.CharField("责任主体", max_length=20, choices=MilestoneActor.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "时间节点"
        ordering = ["due_on", "position", "pk"]

    def __str__(self):
        return self.title


class State(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    DRAFTING = "drafting", "自评中"
    SUBMITTED = "submitted", "已申报"
    RETURNED = "returned", "已退回"
    VERIFIED = "verified", "验收通过"
    FAILED = "failed", "验收未通过"
    RECOMMENDED = "recommended", "已推荐"
    REVIEWED = "reviewed", "复核通过"
    REJECTED = "rejected", "复核未通过"
    PUBLICIZED = "publicized", "公示中"
    WITHDRAWN = "withdrawn", "公示未通过"
    NAMED = "named", "已命名"


class ParticipantQuerySet(BranchScopedQuerySet):
    """Participant rows, scoped through their branch."""


class Participant(models.Model):
    """One branch (or one member of it) in one campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="participations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="participations")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.NOT_STARTED)
    self_sheet = models.OneToOneField(ScoreSheet, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    verification_sheet = models.OneToOneField(
        ScoreSheet, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_sheet = models.OneToOneField(ScoreSheet, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField("首次申报时间", null=True, blank=True)
    submitted_on_time = models.BooleanField("按时申报", null=True)
    verification_methods = models.JSONField("验收方式", default=list, blank=True)
    appraisal_satisfied = models.PositiveIntegerField("满意", null=True, blank=True)
    appraisal_basic = models.PositiveIntegerField("基本满意", null=True, blank=True)
    appraisal_unsatisfied = models.PositiveIntegerField("不满意", null=True, blank=True)
    sampled = models.BooleanField("抽中复核", default=False)
    final_total = models.DecimalField("最终得分", max_digits=7, decimal_places=2, null=True, blank=True)
    final_grade = models.CharField("最终等次", max_length=20, blank=True)
    named_on = models.DateField("命名日期", null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "参加单位"
        ordering = ["branch__township__name", "branch__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "branch"], condition=Q(member__isnull=True), name="participant_branch_once"
            ),
            models.UniqueConstraint(
                fields=["campaign", "member"], condition=Q(member__isnull=False), name="participant_member_once"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.subject_label}"

    @property
    def subject_label(self) -> str:
        return f"{self.branch.name} {self.member.name}" if self.member_id else self.branch.name


class Transition(models.Model):
    """One step of the workflow: who, when, from, to, and why."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField("操作", max_length=30)
    from_state = models.CharField("原状态", max_length=20, choices=State.choices)
    to_state = models.CharField("新状态", max_length=20, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    comment = models.TextField("说明", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.action}: {self.from_state} → {self.to_state}"


class Submission(models.Model):
    """A self-assessment exactly as it was submitted; every version is kept."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveSmallIntegerField("版本")
    entries = models.JSONField("填写内容")
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("申报时间", auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["participant", "number"], name="submission_number_unique")]

    def __str__(self):
        return f"第{self.number}次申报"


class PhaseExtension(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="extensions")
    phase_kind = models.CharField("环节", max_length=20, choices=PhaseKind.choices)
    until = models.DateField("延长至")
    reason = models.CharField("原因", max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-granted_at"]

    def __str__(self):
        return f"{self.get_phase_kind_display()}延长至{self.until}"


class Objection(models.Model):
    """An objection raised during publicity, and how it was resolved."""

    class Resolution(models.TextChoices):
        OPEN = "open", "待处理"
        UPHELD = "upheld", "成立（取消）"
        DISMISSED = "dismissed", "不成立"

    class Channel(models.TextChoices):
        REGISTERED = "registered", "来信来电登记"
        ONLINE = "online", "公示页面网上反映"

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField("收到日期")
    content = models.TextField("异议内容", max_length=1000)
    contact = models.CharField("反映人联系方式", max_length=100, blank=True)
    channel = models.CharField("来源", max_length=20, choices=Channel.choices, default=Channel.REGISTERED)
    # empty for an objection raised on the public page (no login)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField("处理结果", max_length=20, choices=Resolution.choices, default=Resolution.OPEN)
    resolution_note = models.TextField("处理说明", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_on", "pk"]

    def __str__(self):
        return f"{self.participant.subject_label}：{self.content[:20]}"
