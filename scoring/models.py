"""Standards frameworks (versioned trees of aspects, standards and items) and
the score sheets filled against them."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from branches.models import Branch, County, Member, Township
from branches.scoping import BranchScopedQuerySet, Role, ScopedQuerySet, unit_scope

from .spec import FACTS, KINDS, METHOD_LABELS, SUBJECTS

BUILTIN = Q(county__isnull=True, township__isnull=True)


class FrameworkQuerySet(ScopedQuerySet):
    """Built-ins to everyone signed in; a county's or a township's own frameworks to the
    people under that unit and to those above it: a county reviewer sees the county's and
    every township's in it, township staff their township's and their county's, a
    secretary their township's and their county's."""

    scope_lookups = {
        "county": ("county", "township__county"),
        "township": ("township", "county__townships"),
        "branch": ("township__branches", "county__townships__branches"),
    }

    def visible_to(self, user):
        """The one rule, and the built-ins besides (distinct: a county's frameworks are reached
        through its townships and their branches)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(BUILTIN | unit_scope(user, **self.scope_lookups)).distinct()

    def latest_versions(self):
        newer = self.model.objects.filter(code=models.OuterRef("code"), version__gt=models.OuterRef("version"))
        return self.filter(~models.Exists(newer))


class Framework(models.Model):
    """One version of a standards framework. Never edited once a sheet uses
    it: importing changed content makes the next version."""

    code = models.CharField("编号", max_length=50)
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=list(KINDS.items()))
    subject = models.CharField("评价对象", max_length=10, choices=list(SUBJECTS.items()), default="branch")
    description = models.TextField("说明", blank=True)
    source = models.CharField("依据", max_length=200, blank=True)
    grades = models.JSONField("等次分数线", default=list)
    stars = models.JSONField("星级分数线", default=list, blank=True)
    bonus_cap = models.DecimalField("加分上限", max_digits=6, decimal_places=2, null=True, blank=True)
    caps = models.JSONField("封顶规则", default=list, blank=True)
    fingerprint = models.CharField(max_length=64, editable=False)
    # Owner: both empty for a built-in framework.
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, verbose_name="所属县")
    township = models.ForeignKey(Township, on_delete=models.PROTECT, null=True, blank=True, verbose_name="所属乡镇")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "考核标准体系"
        ordering = ["kind", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="framework_code_version_unique")]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"

    @property
    def is_builtin(self) -> bool:
        return self.county_id is None and self.township_id is None

    @property
    def owner_label(self) -> str:
        return str(self.township or self.county or "系统内置")


class Section(models.Model):
    """An aspect (一级指标, no parent) or a standard (二级指标)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    code = models.CharField("编号", max_length=20)
    title = models.CharField("名称", max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="section_code_unique")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Item(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    code = models.CharField("编号", max_length=20)
    requirement = models.TextField("考核内容")
    guidance = models.TextField("评分标准", blank=True)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    method = models.CharField("评分方式", max_length=10, choices=list(METHOD_LABELS.items()))
    step = models.DecimalField("档差", max_digits=5, decimal_places=2, null=True, blank=True)
    per_occurrence = models.DecimalField("每次扣分/加分", max_digits=5, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField("按次最多", max_digits=6, decimal_places=2, null=True, blank=True)
    veto = models.BooleanField("一票否决", default=False)
    evidence = models.TextField("佐证材料", blank=True)
    fact = models.CharField("关联数据", max_length=30, blank=True, choices=list(FACTS.items()))
    fact_min = models.DecimalField("达标值", max_digits=14, decimal_places=2, null=True, blank=True)
    fact_tiers = models.JSONField("分档对照", default=list, blank=True, encoder=DjangoJSONEncoder)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="item_code_unique")]

    def __str__(self):
        return f"{self.code} {self.requirement[:20]}"


class Stage(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", "自查自评"
    VERIFICATION = "verification", "镇党委验收"
    REVIEW = "review", "县委复核"
    INSPECTION = "inspection", "督查"


# Who fills a sheet of each stage (the campaign workflow adds phases and locks).
STAGE_FILLERS = {
    Stage.SELF_ASSESSMENT: frozenset({Role.BRANCH_SECRETARY, Role.TOWNSHIP_STAFF}),
    Stage.VERIFICATION: frozenset({Role.TOWNSHIP_STAFF}),
    Stage.INSPECTION: frozenset({Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER}),
    Stage.REVIEW: frozenset({Role.COUNTY_REVIEWER}),
}


class ScoreSheetQuerySet(BranchScopedQuerySet):
    # An unannounced inspection's sheet stays out of the secretary's sight until the round closes.
    scope_limits = {"branch": Q(hidden_from_branch=False)}


class ScoreSheet(models.Model):
    """One subject (a branch, or a member of it) scored against one framework
    version at one stage. Totals are stored and recomputed on every save."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="sheets", verbose_name="标准体系")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="score_sheets", verbose_name="党支部")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="score_sheets", verbose_name="党员"
    )
    stage = models.CharField("环节", max_length=20, choices=Stage.choices)
    year = models.PositiveSmallIntegerField("年度")
    # the items a verifier sent back, with the reason for each, shown on the sheet until it is resubmitted
    returned_reasons = models.JSONField("退回修改的评分项及原因", default=dict, blank=True)
    # an inspection sheet covers a quarter of the year (its round's); other sheets the whole year
    quarter = models.PositiveSmallIntegerField(
        "季度", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    # The sheet this one is scored beside (verification beside self-assessment, review beside verification).
    basis = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="对照评分表"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="建立人"
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="最后填写人"
    )
    updated_at = models.DateTimeField("最后填写时间", auto_now=True)

    # Set by the campaign workflow: a submitted sheet is locked; a returned one
    # opens only the items sent back (None: every item).
    locked = models.BooleanField("已锁定", default=False)
    editable_items = models.JSONField("可修改的评分项", null=True, blank=True)
    # An unannounced inspection's sheet stays out of the branch's sight until the round closes.
    hidden_from_branch = models.BooleanField("对党支部隐藏", default=False)
    # Raised on every save, so a save based on an older view is refused.
    revision = models.PositiveIntegerField("修订号", default=0)
    # The one load of the fill page that made the latest save: its own autosaves never make it stale
    saved_from_page = models.CharField("最后保存的页面", max_length=32, blank=True)

    total = models.DecimalField("总分", max_digits=7, decimal_places=2, default=Decimal(0))
    base_total = models.DecimalField("基本分", max_digits=7, decimal_places=2, default=Decimal(0))
    bonus_total = models.DecimalField("加分", max_digits=7, decimal_places=2, default=Decimal(0))
    vetoed = models.BooleanField("一票否决", default=False)
    grade = models.CharField("等次", max_length=20, blank=True)
    stars = models.PositiveSmallIntegerField("星级", null=True, blank=True)
    complete = models.BooleanField("已填完", default=False)
    verdict = models.JSONField("评定依据", default=dict, blank=True)

    objects = ScoreSheetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评分表"
        ordering = ["-year", "-updated_at"]

    def __str__(self):
        return f"{self.subject_label} · {self.framework.name} · {self.get_stage_display()}"

    @property
    def subject_label(self) -> str:
        return f"{self.branch.name} {self.member.name}" if self.member_id else self.branch.name


class ScoreEntry(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField("达标", null=True)
    points = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True)
    occurrences = models.PositiveIntegerField("扣分次数", null=True)
    veto_triggered = models.BooleanField("触发否决", default=False)
    comment = models.CharField("备注", max_length=500, blank=True)
    override_reason = models.CharField("修正说明", max_length=300, blank=True)
    # taken over unchanged from the sheet below (“沿用自评” on a verification sheet); cleared once a person changes it
    carried = models.BooleanField("沿用下一级", default=False)
    # the filler stated "no deduction / full marks" for the aspect's open items with one tap
    affirmed = models.BooleanField("一键声明", default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="entry_item_unique_in_sheet")]

    def __str__(self):
        return f"{self.sheet_id}/{self.item_id}"


class SheetDraft(models.Model):
    """What one person typed on a sheet that could not be saved yet (a refused value, a missing
    reason), kept as typed so a reload, a closed tab or another device never loses it."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    raw = models.JSONField("未保存的填写", default=dict)
    updated_at = models.DateTimeField("暂存时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "评分表暂存"
        constraints = [models.UniqueConstraint(fields=["sheet", "user"], name="one_draft_per_sheet_and_user")]

    def __str__(self):
        return f"{self.sheet_id}/{self.user_id}"


class EntryChange(models.Model):
    """One change to one item of a sheet, kept for good: who (or which record) changed it, from what, to what, why."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="changes")
    item_code = models.CharField("评分项", max_length=20)
    before = models.CharField("修改前", max_length=100, blank=True)
    after = models.CharField("修改后", max_length=100, blank=True)
    reason = models.CharField("修正说明", max_length=300, blank=True)
    # blank for a person's entry; the fact's source when recorded facts moved the entry
    source = models.CharField("依据系统数据", max_length=300, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评分修改记录"
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.item_code}: {self.before} → {self.after}"


def _evidence_path(instance, filename):
    # A random name: the stored file can never be guessed from the upload.
    return f"evidence/{instance.sheet_id}/{uuid.uuid4().hex}{instance.extension}"


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A sheet's evidence to those who see the sheet (a record's photos are ``records.RecordPhoto``)."""
        return self.filter(sheet__in=ScoreSheet.objects.visible_to(user))


class Evidence(models.Model):
    """A photo, scan or PDF attached to one item of a sheet. Never replaced:
    its SHA-256 lets a later reader confirm it is the file that was judged."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="evidence")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+", verbose_name="党支部")
    item_code = models.CharField("评分项", max_length=20)
    file = models.FileField("文件", upload_to=_evidence_path)
    display = models.FileField("显示用副本", upload_to=_evidence_path, blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=50)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"
        ordering = ["item_code", "uploaded_at"]

    def __str__(self):
        return self.original_name

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(self.content_type, "")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
