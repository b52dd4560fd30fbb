"""评选表彰: a selection (what is awarded, how many, who may be a candidate, who nominates),
its nominations with reasons, the committee's decision with the vote, publicity with
objections, and the commendation. Status changes only through ``awards.services``."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from branches.models import Branch, Member, RunByOneUnit, Township, run_by_one_unit
from branches.scoping import BranchScopedQuerySet, ScopedQuerySet
from campaigns.models import Objection as CampaignObjection


class Subject(models.TextChoices):
    BRANCH = "branch", "党支部"
    MEMBER = "member", "党员"
    SECRETARY = "secretary", "党支部书记"


class Status(models.TextChoices):
    NOMINATING = "nominating", "提名中"
    DECIDED = "decided", "已决定"
    PUBLICIZED = "publicized", "公示中"
    COMMENDED = "commended", "已表彰"
    FAILED = "failed", "公示未通过"


class SelectionQuerySet(ScopedQuerySet):
    """County reviewers: every selection in the county (the county's and its townships').
    Township staff: their township's, and the county's their township nominates for.
    Secretaries: the township's selections their branch nominates for."""

    scope_lookups = {
        "county": ("county", "township__county"),
        "township": ("township", "nominating_townships"),
        "branch": "nominating_branches",
    }
    scope_distinct = True  # through the nominating units


def _public_token():
    return secrets.token_urlsafe(16)


class Selection(RunByOneUnit):
    # run by a county (its townships nominate) or by a township (its branches nominate); exactly one
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("评选名称", max_length=100)
    honour = models.CharField("荣誉称号", max_length=40)
    subject = models.CharField("评选对象", max_length=20, choices=Subject.choices)
    quota = models.PositiveSmallIntegerField("名额", validators=[MinValueValidator(1), MaxValueValidator(999)])
    per_nominator_quota = models.PositiveSmallIntegerField(
        "每个推荐单位限报", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    nominating_townships = models.ManyToManyField(
        Township, blank=True, related_name="award_selections_to_nominate", verbose_name="推荐单位（乡镇）"
    )
    nominating_branches = models.ManyToManyField(
        Branch, blank=True, related_name="award_selections_to_nominate", verbose_name="推荐单位（党支部）"
    )
    nomination_deadline = models.DateField("推荐截止日期")
    publicity_days = models.PositiveSmallIntegerField(
        "公示天数", default=5, validators=[MinValueValidator(5), MaxValueValidator(30)]
    )
    objection_contact = models.CharField("异议受理方式", max_length=200, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.NOMINATING)
    # the committee's meeting (recorded once, by the decision)
    committee_met_on = models.DateField("评审会议日期", null=True, blank=True)
    committee_size = models.PositiveSmallIntegerField("评审委员会应到人数", null=True, blank=True)
    committee_present = models.PositiveSmallIntegerField("实到人数", null=True, blank=True)
    publicity_starts_on = models.DateField("公示开始", null=True, blank=True)
    publicity_ends_on = models.DateField("公示截止", null=True, blank=True)
    commended_on = models.DateField("表彰日期", null=True, blank=True)
    public_token = models.CharField(max_length=32, unique=True, default=_public_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = SelectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评选表彰"
        ordering = ["-year", "-created_at"]
        constraints = [
            run_by_one_unit("selection_run_by_one_unit"),
        ]

    def __str__(self):
        return self.title

    @property
    def issuing_body(self) -> str:
        """Who commends, as a certificate and the notice name it."""
        return f"中共{self.township.name}委员会" if self.township_id else f"中共{self.county.name}委组织部"


class NominationState(models.TextChoices):
    NOMINATED = "nominated", "已推荐"
    CHOSEN = "chosen", "拟表彰"
    NOT_CHOSEN = "not_chosen", "未当选"
    REMOVED = "removed", "异议成立，已取消"
    COMMENDED = "commended", "已表彰"


class NominationQuerySet(BranchScopedQuerySet):
    """A candidate lies under its branch (a member's or a secretary's branch, or the branch itself)."""

    editor_roles = frozenset()


class Nomination(models.Model):
    """One candidate of a selection, with the nominating unit's reason and the committee's vote."""

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="nominations")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="award_nominations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # the nominating unit: a township (county selections) or a branch (township selections)
    nominator_township = models.ForeignKey(Township, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    nominator_branch = models.ForeignKey(Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField("推荐理由", max_length=1000)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField("推荐时间", auto_now_add=True)
    state = models.CharField("状态", max_length=20, choices=NominationState.choices, default=NominationState.NOMINATED)
    votes_for = models.PositiveSmallIntegerField("赞成", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("反对", null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField("弃权", null=True, blank=True)
    decision_reason = models.TextField("当选理由", max_length=500, blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            # a candidate is nominated once per selection (the database says so too, against a race)
            models.UniqueConstraint(
                fields=["selection", "branch"], condition=Q(member__isnull=True), name="nomination_branch_once"
            ),
            models.UniqueConstraint(
                fields=["selection", "member"], condition=Q(member__isnull=False), name="nomination_member_once"
            ),
        ]

    def __str__(self):
        return self.candidate_label

    @property
    def candidate_label(self) -> str:
        """Name and unit only, as the public notice shows it (never a phone, ID or birth date)."""
        if self.member_id:
            return f"{self.member.name}（{self.branch.township.name}{self.branch.name}）"
        return f"{self.branch.township.name}{self.branch.name}"

    @property
    def on_list(self) -> bool:
        return self.state in (NominationState.CHOSEN, NominationState.COMMENDED)


STEP_LABELS = {
    "create": "发起评选",
    "nominate": "推荐",
    "decide": "记录评审决定",
    "publicize": "开始公示",
    "objection": "收到异议",
    "objection_dismissed": "异议不成立",
    "objection_upheld": "异议成立，取消表彰资格",
    "fail": "公示未通过",
    "commend": "表彰",
}


class SelectionStep(models.Model):
    """Who moved a selection (or one of its candidates) from one status to the next, when and why."""

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="steps")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField("操作", max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField("说明", blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.selection}：{self.action_label}"

    @property
    def action_label(self) -> str:
        return STEP_LABELS.get(self.action, self.action)


class AwardObjection(models.Model):
    """An objection to a candidate on the public list, and how it was resolved."""

    Resolution = CampaignObjection.Resolution
    Channel = CampaignObjection.Channel

    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField("收到日期")
    content = models.TextField("异议内容", max_length=1000)
    contact = models.CharField("反映人联系方式", max_length=100, blank=True)
    channel = models.CharField("来源", max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    resolution = models.CharField("处理结果", max_length=20, choices=Resolution.choices, default=Resolution.OPEN)
    resolution_note = models.TextField("处理说明", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_on", "pk"]

    def __str__(self):
        return f"{self.nomination.candidate_label}：{self.content[:20]}"
