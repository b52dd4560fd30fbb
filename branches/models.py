"""Organisations (county → township → branch), party members and accounts."""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from .scoping import ADMIN_ROLES, BranchScopedQuerySet, Role, ScopedQuerySet

division_code_validator = RegexValidator(r"^\d{12}$", "区划代码应为 12 位数字。")
phone_validator = RegexValidator(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$", "联系电话应为 11 位手机号或带区号的固定电话。")


class SiteType(models.TextChoices):
    CORRIDOR = "corridor", "通道型"
    RESOURCE = "resource", "资源型"
    POVERTY_RELIEF = "poverty_relief", "扶贫型"


class SiteProfile(models.Model):
    """The statistics a work plan gives for a township or a village (seed 001)."""

    site_type = models.CharField("示范点类型", max_length=20, choices=SiteType.choices, blank=True)
    village_groups = models.PositiveIntegerField("村民小组数", null=True, blank=True)
    households = models.PositiveIntegerField("户数", null=True, blank=True)
    population = models.PositiveIntegerField("人口", null=True, blank=True)
    farmland_mu = models.DecimalField(
        "耕地面积（亩）",
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    income_per_head = models.DecimalField(
        "人均收入（元）",
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    grain_per_head_kg = models.DecimalField(
        "人均占有粮（公斤）",
        max_digits=8,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    distance_to_county_km = models.DecimalField(
        "距县城（公里）",
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        abstract = True


class County(models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    division_code = models.CharField("区划代码", max_length=12, blank=True, validators=[division_code_validator])

    class Meta:
        verbose_name = verbose_name_plural = "县"
        ordering = ["name"]

    def __str__(self):
        return self.name


class TownshipQuerySet(ScopedQuerySet):
    scope_lookups = {"county": "county", "township": "pk", "branch": "branches"}


class Township(SiteProfile):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships", verbose_name="所属县")
    name = models.CharField("名称", max_length=50)
    division_code = models.CharField("区划代码", max_length=12, blank=True, validators=[division_code_validator])
    area_km2 = models.DecimalField("国土面积（平方公里）", max_digits=9, decimal_places=1, null=True, blank=True)

    objects = TownshipQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "乡镇"
        ordering = ["county", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "name"],
                name="township_name_unique_in_county",
                violation_error_message="本县已有同名乡镇。",
            ),
        ]

    def __str__(self):
        return self.name


class BranchKind(models.TextChoices):
    VILLAGE = "village", "村党支部"
    COMMUNITY = "community", "社区党支部"
    TOWNSHIP_OFFICE = "township_office", "镇直党支部"


class BranchQuerySet(ScopedQuerySet):
    scope_lookups = {"county": "township__county", "township": "township", "branch": "pk"}


class Branch(SiteProfile):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="branches", verbose_name="所属乡镇")
    name = models.CharField("党支部名称", max_length=60)
    kind = models.CharField("类型", max_length=20, choices=BranchKind.choices, default=BranchKind.VILLAGE)
    division_code = models.CharField(
        "区划代码",
        max_length=12,
        blank=True,
        validators=[division_code_validator],
        help_text="统计用区划代码，12 位数字，可不填。",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = BranchQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党支部"
        ordering = ["township__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "name"],
                name="branch_name_unique_in_township",
                violation_error_message="本乡镇已登记同名党支部。",
            ),
            models.UniqueConstraint(
                fields=["division_code"],
                condition=~Q(division_code=""),
                name="branch_division_code_unique",
                violation_error_message="该区划代码已登记给其他党支部。",
            ),
        ]

    def __str__(self):
        return self.name


class AnnualFigureQuerySet(BranchScopedQuerySet):
    def current(self):
        """The latest record for each (branch, year): corrections never overwrite."""
        newer = self.model.objects.filter(
            branch=models.OuterRef("branch"), year=models.OuterRef("year"), pk__gt=models.OuterRef("pk")
        )
        return self.filter(~models.Exists(newer))


class AnnualFigure(models.Model):
    """A branch's figures for one year. Append-only: a correction is a new row
    beside the old one, so what was reported earlier can still be read."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="annual_figures", verbose_name="党支部")
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    collective_income = models.DecimalField(
        "村集体经济收入（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="填报人"
    )
    recorded_at = models.DateTimeField("填报时间", auto_now_add=True)

    objects = AnnualFigureQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "年度数据"
        ordering = ["-year", "-pk"]

    def __str__(self):
        return f"{self.branch} {self.year}年"


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Post(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    COMMITTEE_MEMBER = "committee_member", "委员"
    ORDINARY = "ordinary", "无职党员"
    PROBATIONARY = "probationary", "预备党员"


class MemberQuerySet(BranchScopedQuerySet):
    # A secretary keeps the member list of their own branch.
    editor_roles = frozenset({Role.TOWNSHIP_STAFF, Role.BRANCH_SECRETARY})


class Member(models.Model):
    """A party member. No more personal data than the campaigns need."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="members", verbose_name="党支部")
    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(
        "出生年份", validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    joined_on = models.DateField("入党日期")
    post = models.CharField("支部职务", max_length=20, choices=Post.choices, default=Post.ORDINARY)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[phone_validator])

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党员"
        ordering = ["branch", "joined_on", "name"]
        constraints = [
            # Two members of one branch may share a name, hardly also a birth year;
            # the register import uses this as the member's identity.
            models.UniqueConstraint(
                fields=["branch", "name", "birth_year"],
                name="member_identity_in_branch",
                violation_error_message="本支部已登记同名且同年出生的党员。",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self) -> str:
        if len(self.phone) < 7:
            return "*" * len(self.phone)
        return f"{self.phone[:3]}****{self.phone[-4:]}"


class User(AbstractUser):
    """An account, tied to the one unit its role works at."""

    full_name = models.CharField("姓名", max_length=30, blank=True)
    role = models.CharField("角色", max_length=30, choices=Role.choices, blank=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, verbose_name="所在县")
    township = models.ForeignKey(Township, on_delete=models.PROTECT, null=True, blank=True, verbose_name="所在乡镇")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, null=True, blank=True, verbose_name="所在党支部")
    # set for every account an administrator or an import creates: the first login changes it
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            # Exactly the unit the role works at, nothing else.
            models.CheckConstraint(
                condition=(
                    Q(role="", county__isnull=True, township__isnull=True, branch__isnull=True)
                    | Q(
                        role__in=[Role.COUNTY_REVIEWER, *ADMIN_ROLES],
                        county__isnull=False,
                        township__isnull=True,
                        branch__isnull=True,
                    )
                    | Q(role=Role.TOWNSHIP_STAFF, county__isnull=True, township__isnull=False, branch__isnull=True)
                    | Q(role=Role.BRANCH_SECRETARY, county__isnull=True, township__isnull=True, branch__isnull=False)
                ),
                name="user_role_matches_unit",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    @property
    def unit(self):
        return self.county or self.township or self.branch

    @property
    def home_township_id(self) -> int | None:
        """The township the user works in, if any."""
        if self.township_id:
            return self.township_id
        return self.branch.township_id if self.branch_id else None

    @property
    def home_county_id(self) -> int | None:
        if self.county_id:
            return self.county_id
        if self.township_id:
            return self.township.county_id
        return self.branch.township.county_id if self.branch_id else None

    @property
    def unit_label(self) -> str:
        if self.branch_id:
            return f"{self.branch.township.name} · {self.branch.name}"
        return str(self.unit or "系统管理")


class LifeKind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", "支部党员大会"
    COMMITTEE_MEETING = "committee_meeting", "支委会"
    GROUP_MEETING = "group_meeting", "党小组会"
    PARTY_LECTURE = "party_lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    LIFE_MEETING = "life_meeting", "组织生活会"
    MEMBER_APPRAISAL = "member_appraisal", "民主评议党员"


class RecordQuerySet(BranchScopedQuerySet):
    """Records a branch keeps about itself: its secretary and township staff write them."""

    editor_roles = frozenset({Role.TOWNSHIP_STAFF, Role.BRANCH_SECRETARY})


class OrganisationalLife(models.Model):
    """A meeting or activity recorded once, when it happens; the score sheets read it."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="life_records", verbose_name="党支部")
    kind = models.CharField("类型", max_length=30, choices=LifeKind.choices)
    held_on = models.DateField("日期")
    topic = models.CharField("主题", max_length=200)
    attendees = models.ManyToManyField(Member, related_name="+", blank=True, verbose_name="参加党员")
    absence_note = models.CharField("缺席补充说明", max_length=300, blank=True)
    minutes = models.TextField("会议记录", blank=True, max_length=5000)
    # photos are checked and served like sheet evidence (scoring.Evidence without a sheet)
    photos = models.ManyToManyField("scoring.Evidence", blank=True, related_name="+", verbose_name="照片")
    recorded_by = models.ForeignKey("User", on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "组织生活记录"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["branch", "kind", "held_on"])]

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()}：{self.topic}"


class AbsenceReason(models.TextChoices):
    ILLNESS = "illness", "因病"
    LEAVE = "leave", "因事请假"
    AWAY = "away", "外出务工经商"
    FRAIL = "frail", "年老体弱"
    OTHER = "other", "其他"


class Absence(models.Model):
    """A member of the branch who missed a meeting, and why (三会一课 records list both)."""

    life = models.ForeignKey(OrganisationalLife, on_delete=models.CASCADE, related_name="absences")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name="党员")
    reason = models.CharField("缺席原因", max_length=20, choices=AbsenceReason.choices)

    class Meta:
        verbose_name = verbose_name_plural = "缺席记录"
        ordering = ["life", "member__name"]
        constraints = [models.UniqueConstraint(fields=["life", "member"], name="one_absence_per_member")]

    def __str__(self):
        return f"{self.member.name}（{self.get_reason_display()}）"


class DeedKind(models.TextChoices):
    DEED = "deed", "为群众办实事"
    SERVICE = "service", "志愿服务"
    PAIRING = "pairing", "一对一帮扶"


# The kinds that count as a member "serving" (seed 002: at least 2 times a year).
SERVICE_KINDS = (DeedKind.SERVICE, DeedKind.PAIRING)


class MemberDeed(models.Model):
    """What a member did for the masses. Counts (facts, points) only once the secretary confirms it."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="deeds", verbose_name="党支部")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="deeds", verbose_name="党员")
    kind = models.CharField("类型", max_length=20, choices=DeedKind.choices)
    done_on = models.DateField("日期")
    description = models.CharField("做了什么", max_length=300)
    # a household or a group, no more personal data than needed
    beneficiary = models.CharField(
        "服务对象", max_length=60, help_text="如“三组刘姓独居老人户”“四组村民”，不填身份证号、电话。"
    )
    photos = models.ManyToManyField("scoring.Evidence", blank=True, related_name="+", verbose_name="照片")
    confirmed_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    recorded_by = models.ForeignKey("User", on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党员办实事和服务记录"
        ordering = ["-done_on", "-pk"]
        indexes = [models.Index(fields=["branch", "done_on"])]

    def __str__(self):
        return f"{self.done_on} {self.member} {self.get_kind_display()}：{self.description}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class PointsRuleQuerySet(ScopedQuerySet):
    # a township's scheme; its branches read it through ``branch.township``
    scope_lookups = {"county": "township__county", "township": "township", "branch": None}


class PointsRule(models.Model):
    """One line of a township's 党员量化积分 scheme: points per confirmed record of a kind, capped per year."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="points_rules", verbose_name="乡镇")
    kind = models.CharField("类型", max_length=20, choices=DeedKind.choices)
    points = models.DecimalField("每次积分", max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    yearly_cap = models.DecimalField("年度上限", max_digits=6, decimal_places=1, validators=[MinValueValidator(0)])
    updated_by = models.ForeignKey("User", on_delete=models.PROTECT, related_name="+", verbose_name="修改人")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = PointsRuleQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党员量化积分规则"
        constraints = [models.UniqueConstraint(fields=["township", "kind"], name="points_rule_once_per_kind")]

    def __str__(self):
        return f"{self.township} {self.get_kind_display()}"


class ProblemCategory(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", "基础设施建设"
    GOVERNANCE = "governance", "乡村治理"


class SolvedProblem(models.Model):
    """A difficult problem the branch solved for the village (seed 002: 1–2 a year)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="solved_problems", verbose_name="党支部")
    category = models.CharField("类别", max_length=20, choices=ProblemCategory.choices)
    title = models.CharField("解决了什么问题", max_length=200)
    solved_on = models.DateField("解决日期")
    description = models.TextField("经过和成效", max_length=2000, blank=True)
    photos = models.ManyToManyField("scoring.Evidence", blank=True, related_name="+", verbose_name="佐证材料")
    recorded_by = models.ForeignKey("User", on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "解决困难问题记录"
        ordering = ["-solved_on", "-pk"]

    def __str__(self):
        return f"{self.solved_on} {self.title}"


class PledgeStatus(models.TextChoices):
    OPEN = "open", "待兑现"
    KEPT = "kept", "已践诺"
    NOT_KEPT = "not_kept", "未兑现"


class Pledge(models.Model):
    """A public pledge (公开承诺) made at the start of a year by the branch (no member) or one member."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="pledges", verbose_name="党支部")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="pledges", verbose_name="承诺党员"
    )
    year = models.PositiveSmallIntegerField("年度")
    content = models.CharField("承诺事项", max_length=300)
    status = models.CharField("兑现情况", max_length=20, choices=PledgeStatus.choices, default=PledgeStatus.OPEN)
    status_note = models.CharField("兑现说明或未兑现原因", max_length=300, blank=True)
    resolved_on = models.DateField("兑现日期", null=True, blank=True)
    photos = models.ManyToManyField("scoring.Evidence", blank=True, related_name="+", verbose_name="践诺佐证")
    leader_comment = models.CharField("领导点评", max_length=300, blank=True)
    commented_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="点评人"
    )
    commented_at = models.DateTimeField("点评时间", null=True, blank=True)
    recorded_by = models.ForeignKey("User", on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "公开承诺"
        ordering = ["-year", "member", "pk"]
        indexes = [models.Index(fields=["branch", "year"])]

    def __str__(self):
        return f"{self.member or '党支部'}：{self.content}"


class Appraisal(models.Model):
    """A round of mass appraisal (群众评议) of the branch (no member) or one member."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="appraisals", verbose_name="党支部")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="appraisals", verbose_name="被评议党员"
    )
    held_on = models.DateField("评议日期")
    forms = models.PositiveIntegerField("发放测评表（份）")
    satisfied = models.PositiveIntegerField("满意")
    basically_satisfied = models.PositiveIntegerField("基本满意")
    dissatisfied = models.PositiveIntegerField("不满意")
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey("User", on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "群众评议"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    forms__gte=models.F("satisfied") + models.F("basically_satisfied") + models.F("dissatisfied")
                ),
                name="appraisal_counts_within_forms",
                violation_error_message="满意、基本满意、不满意票数之和不能超过发放的测评表份数。",
            ),
        ]

    def __str__(self):
        return f"{self.held_on} {self.member or '党支部'} 群众评议"

    @property
    def valid_forms(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def satisfaction_rate(self):
        """满意率: (满意 + 基本满意) / 有效票, in percent; None when no valid form."""
        from decimal import ROUND_HALF_UP, Decimal

        if not self.valid_forms:
            return None
        rate = Decimal(100 * (self.satisfied + self.basically_satisfied)) / self.valid_forms
        return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class PasswordHistory(models.Model):
    """A user's earlier password hashes, so the last few are not used again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class AuditEvent(models.TextChoices):
    CHANGE = "change", "数据修改"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    DOWNLOAD = "download", "下载"
    IMPORT = "import", "导入"
    DENIED = "denied", "越权访问被拒"
    ADMIN = "admin", "管理操作"


class AuditEntryQuerySet(models.QuerySet):
    """The trail is append-only: no path in the product edits or deletes it
    (on PostgreSQL a trigger refuses it as well; only ``purge_audit`` may delete
    records past the retention period)."""

    def update(self, **kwargs):
        raise PermissionError("审计记录不能修改。")

    def delete(self):
        raise PermissionError("审计记录不能删除。")


class AuditEntry(AbstractLogEntry):
    """One line of the audit trail: django-auditlog writes the model changes
    (before → after), the product writes the events it has none for."""

    event = models.CharField(
        "事件", max_length=20, choices=AuditEvent.choices, default=AuditEvent.CHANGE, db_index=True
    )
    actor_unit = models.CharField("所在单位", max_length=100, blank=True, db_index=True)

    objects = LogEntryManager.from_queryset(AuditEntryQuerySet)()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = verbose_name_plural = "审计记录"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_purge", False):
            raise PermissionError("审计记录不能修改。")
        if self.actor_id and not self.actor_unit:
            self.actor_unit = self.actor.unit_label[:100]
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不能删除。")
