"""The records a branch keeps all year: organisational life with attendance, members'
deeds and services, problems solved, pledges, mass appraisal, and the township's points scheme.
Score sheets read them as facts; records never read the sheets (they announce changes instead)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from branches.models import Branch, Gender, Member, Township
from branches.scoping import BranchScopedQuerySet, Role, ScopedQuerySet
from common.files import EXTENSIONS


class LifeKind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", "支部党员大会"
    COMMITTEE_MEETING = "committee_meeting", "支委会"
    GROUP_MEETING = "group_meeting", "党小组会"
    PARTY_LECTURE = "party_lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    LIFE_MEETING = "life_meeting", "组织生活会"
    MEMBER_APPRAISAL = "member_appraisal", "民主评议党员"
    # activities a branch keeps dated records of besides its meetings (score sheets count them)
    HEART_TO_HEART_TALK = "heart_to_heart_talk", "谈心谈话"
    WORK_REPORT = "work_report", "向党员群众报告工作"
    DUAL_REVIEW = "dual_review", "“双述双评”述职评议"
    ONE_MATTER_DISCUSSION = "one_matter_discussion", "“一事一议”议事"
    PARTY_AFFAIRS_DISCLOSURE = "party_affairs_disclosure", "党务公开"
    VILLAGE_AFFAIRS_DISCLOSURE = "village_affairs_disclosure", "村务公开"
    FINANCE_DISCLOSURE = "finance_disclosure", "财务公开"
    ENVIRONMENT_CLEANUP = "environment_cleanup", "环境卫生集中整治"
    RELAY_STUDY = "relay_study", "传达学习上级决策部署"
    CENTRAL_TRAINING = "central_training", "党员集中轮训"
    THEORY_TALK = "theory_talk", "理论宣讲"
    WINTER_TRAINING = "winter_training", "党员冬训"
    SKILLS_TRAINING = "skills_training", "实用技能培训"


# The kinds of organisational life proper: meetings where every member is due, so a member
# not ticked needs a reason for being away (the other kinds list who took part, if anyone).
ATTENDANCE_KINDS = (
    LifeKind.GENERAL_MEETING,
    LifeKind.COMMITTEE_MEETING,
    LifeKind.GROUP_MEETING,
    LifeKind.PARTY_LECTURE,
    LifeKind.THEME_DAY,
    LifeKind.LIFE_MEETING,
    LifeKind.MEMBER_APPRAISAL,
)
DISCLOSURE_KINDS = (
    LifeKind.PARTY_AFFAIRS_DISCLOSURE,
    LifeKind.VILLAGE_AFFAIRS_DISCLOSURE,
    LifeKind.FINANCE_DISCLOSURE,
)


class RecordQuerySet(BranchScopedQuerySet):
    """Records a branch keeps about itself: its secretary and township staff write them."""

    editor_roles = frozenset({Role.TOWNSHIP_STAFF, Role.BRANCH_SECRETARY})


def _photo_path(instance, filename):
    # a random name: the stored file can never be guessed from the upload
    return f"evidence/records/{instance.branch_id}/{uuid.uuid4().hex}{EXTENSIONS.get(instance.content_type, '')}"


class RecordPhoto(models.Model):
    """A photo or scan attached to a record the branch keeps; checked by content like
    sheet evidence (``common.files``) and never replaced, its SHA-256 kept."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="record_photos", verbose_name="党支部")
    file = models.FileField("文件", upload_to=_photo_path)
    display = models.FileField("显示用副本", upload_to=_photo_path, blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=50)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "记录照片"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class OrganisationalLife(models.Model):
    """A meeting or activity recorded once, when it happens; the score sheets read it."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="life_records", verbose_name="党支部")
    kind = models.CharField("类型", max_length=30, choices=LifeKind.choices)
    held_on = models.DateField("日期")
    topic = models.CharField("主题", max_length=200)
    attendees = models.ManyToManyField(Member, related_name="+", blank=True, verbose_name="参加党员")
    absence_note = models.CharField("缺席补充说明", max_length=300, blank=True)
    minutes = models.TextField("会议记录", blank=True, max_length=5000)
    photos = models.ManyToManyField(RecordPhoto, blank=True, related_name="+", verbose_name="照片")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        db_table = "branches_organisationallife"  # the table kept its name when the model left branches
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
        db_table = "branches_absence"  # the table kept its name when the model left branches
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
    photos = models.ManyToManyField(RecordPhoto, blank=True, related_name="+", verbose_name="照片")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="确认人",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        db_table = "branches_memberdeed"  # the table kept its name when the model left branches
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
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="修改人"
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = PointsRuleQuerySet.as_manager()

    class Meta:
        db_table = "branches_pointsrule"  # the table kept its name when the model left branches
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
    photos = models.ManyToManyField(RecordPhoto, blank=True, related_name="+", verbose_name="佐证材料")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        db_table = "branches_solvedproblem"  # the table kept its name when the model left branches
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
    photos = models.ManyToManyField(RecordPhoto, blank=True, related_name="+", verbose_name="践诺佐证")
    leader_comment = models.CharField("领导点评", max_length=300, blank=True)
    commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="点评人",
    )
    commented_at = models.DateTimeField("点评时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        db_table = "branches_pledge"  # the table kept its name when the model left branches
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
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        db_table = "branches_appraisal"  # the table kept its name when the model left branches
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


class DocumentKind(models.TextChoices):
    """The standing documents (plans, rules, lists, ledgers) the campaigns' standards ask a branch
    to have; kept once a year here, every score sheet that asks for one reads it."""

    STUDY_PLAN = "study_plan", "年度学习计划"
    STUDY_RECORDS = "study_records", "党员学习记录"
    TWO_STUDIES_PLAN = "two_studies_plan", "“两学一做”学习教育计划及记录"
    THEME_EDUCATION = "theme_education", "主题教育实施方案及总结"
    DEVELOPMENT_PLAN = "development_plan", "村发展规划"
    POVERTY_PLAN = "poverty_plan", "脱贫攻坚（巩固提升）计划"
    ASSISTANCE_MEASURES = "assistance_measures", "帮扶措施（落实到户）"
    ECONOMY_PLAN = "economy_plan", "党建引领集体经济提升计划"
    ECONOMY_FIVE_YEAR = "economy_five_year", "集体经济五年发展规划"
    IDLE_ASSETS = "idle_assets", "集体闲置资源清册"
    SANITATION_RULES = "sanitation_rules", "人居环境长效管理制度（含“门前三包”）"
    CLEANERS = "cleaners", "保洁员名单及考勤"
    SANITATION_DUTIES = "sanitation_duties", "清扫收集转运处理责任人公示"
    GRID_MAP = "grid_map", "网格划分图"
    GRID_STAFF = "grid_staff", "网格员名单及公示"
    GRID_SERVICE = "grid_service", "网格服务台账"
    PETTY_POWER_LIST = "petty_power_list", "“小微权力”清单及运行流程图（公开）"
    VILLAGER_COUNCIL = "villager_council", "村民议事会（村民说事）活动记录"
    LEFT_BEHIND_LEDGER = "left_behind_ledger", "“三留守”人员信息台账"
    LEFT_BEHIND_PAIRS = "left_behind_pairs", "“三留守”关爱结对名单"
    LEFT_BEHIND_VISITS = "left_behind_visits", "“三留守”走访关爱记录"
    SUPERVISION_DUTIES = "supervision_duties", "村务监督委员会职责权限（公开）"
    SUPERVISION_RECORDS = "supervision_records", "村务监督工作记录"
    ON_DUTY_ROTA = "on_duty_rota", "村干部坐班排班表（公开）"
    ON_DUTY_REGISTER = "on_duty_register", "坐班登记簿"
    WECHAT_GROUP = "wechat_group", "党支部微信群（党员均已入群）"
    THREE_CHAINS = "three_chains", "“三链建设”台账"
    LOOK_BACK = "look_back", "标准化“回头看”查漏补缺记录"
    LEADING_GROUP = "leading_group", "标准化工作领导小组及分工"
    PROMOTION_PLAN = "promotion_plan", "党支部标准化推进计划"
    VENUE_RULES = "venue_rules", "活动场所管理制度"
    CADRE_TRAINING = "cadre_training", "村干部教育培训措施及记录"
    CADRE_SELECTION = "cadre_selection", "村干部培养选拔措施及记录"
    CADRE_SUPERVISION = "cadre_supervision", "村干部监督监管措施及记录"
    CADRE_APPRAISAL = "cadre_appraisal", "村干部评议考核措施及记录"
    CADRE_INCENTIVES = "cadre_incentives", "村干部激励保障措施及记录"


class BranchDocument(models.Model):
    """One standing document of a branch for one year, with its files: kept once, read by every
    score sheet whose standard asks for it (and shown there as the item's evidence). Never
    replaced: a newer version is another record; the earlier one stays readable."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="documents", verbose_name="党支部")
    kind = models.CharField("材料", max_length=30, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题或说明", max_length=200, blank=True)
    photos = models.ManyToManyField(RecordPhoto, blank=True, related_name="+", verbose_name="文件或照片")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "台账资料"
        ordering = ["kind", "-recorded_at"]

    def __str__(self):
        return f"{self.year}年 {self.get_kind_display()}"


# ---------------------------------------------------------------- registers behind the counted targets
# (seed 003: 发展党员全程纪实, 后备干部 1:2, 党费, 村级组织运转经费, “一肩挑”, “三链建设”)


class RecruitStage(models.TextChoices):
    """The way into the party, in order (发展党员工作细则); each step has its date."""

    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    PROSPECT = "prospect", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"


# the date field of each stage, in the order the stages follow each other
RECRUIT_STAGE_DATES = {
    RecruitStage.APPLICANT: "applied_on",
    RecruitStage.ACTIVIST: "activist_on",
    RecruitStage.PROSPECT: "prospect_on",
    RecruitStage.PROBATIONARY: "probationary_on",
    RecruitStage.FULL: "full_on",
}


def _in_order(earlier: str, later: str) -> Q:
    """``later`` is unset, or set no earlier than ``earlier`` (which is then set too)."""
    return Q(**{f"{later}__isnull": True}) | Q(**{f"{earlier}__isnull": False, f"{later}__gte": models.F(earlier)})


class RegisteredPerson(models.Model):
    """Someone a branch keeps on a register who is not (yet) on its member roll: identified, as
    members are, by name and birth year within the branch."""

    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField("出生年份")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        abstract = True


class Recruit(RegisteredPerson):
    """A person on the way into the party (发展党员全程纪实): one row a person, the date of each step.
    On becoming 预备党员 the person is put on the branch's members (``member``), as 预备党员, and
    becomes an ordinary member on 转正: nobody types them again."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="recruits", verbose_name="党支部")
    applied_on = models.DateField("递交入党申请书日期")
    activist_on = models.DateField("确定为入党积极分子日期", null=True, blank=True)
    prospect_on = models.DateField("确定为发展对象日期", null=True, blank=True)
    probationary_on = models.DateField("接收为预备党员日期", null=True, blank=True)
    full_on = models.DateField("转为正式党员日期", null=True, blank=True)
    member = models.OneToOneField(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="recruit", verbose_name="党员名册"
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "发展党员纪实"
        ordering = ["branch", "applied_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "name", "birth_year"],
                name="recruit_identity_in_branch",
                violation_error_message="本支部的发展党员名册中已有此人。",
            ),
            models.CheckConstraint(condition=_in_order("applied_on", "activist_on"), name="recruit_activist_in_order"),
            models.CheckConstraint(condition=_in_order("activist_on", "prospect_on"), name="recruit_prospect_in_order"),
            models.CheckConstraint(
                condition=_in_order("prospect_on", "probationary_on"), name="recruit_probationary_in_order"
            ),
            models.CheckConstraint(condition=_in_order("probationary_on", "full_on"), name="recruit_full_in_order"),
        ]

    def __str__(self):
        return f"{self.name}（{self.stage.label}）"

    @property
    def stage(self) -> RecruitStage:
        """The latest step reached."""
        reached = [stage for stage, field in RECRUIT_STAGE_DATES.items() if getattr(self, field)]
        return RecruitStage(reached[-1])

    @property
    def next_stage(self) -> RecruitStage | None:
        stages = list(RECRUIT_STAGE_DATES)
        index = stages.index(self.stage)
        return stages[index + 1] if index + 1 < len(stages) else None

    @property
    def stage_date(self):
        return getattr(self, RECRUIT_STAGE_DATES[self.stage])

    def steps(self) -> list[tuple[str, object]]:
        """Every step reached, with its date, in order."""
        return [
            (stage.label, getattr(self, field)) for stage, field in RECRUIT_STAGE_DATES.items() if getattr(self, field)
        ]


class Education(models.TextChoices):
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中（中专）"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科及以上"


class ReserveCadre(RegisteredPerson):
    """A person in the branch's pool of reserve village cadres (村级后备干部库, seed 003: 1:2 to the
    village cadres). Taken out of the pool (used, left) by a date, never deleted."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="reserve_cadres", verbose_name="党支部")
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    is_member = models.BooleanField("是否党员", default=False)
    added_on = models.DateField("入库日期")
    removed_on = models.DateField("出库日期", null=True, blank=True, help_text="已选任村干部或不再作为后备干部时填写。")
    note = models.CharField("培养任务或说明", max_length=200, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "村级后备干部"
        ordering = ["branch", "added_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "name", "birth_year"],
                name="reserve_cadre_identity_in_branch",
                violation_error_message="本支部后备干部库中已有此人。",
            ),
            models.CheckConstraint(condition=_in_order("added_on", "removed_on"), name="reserve_cadre_out_after_in"),
        ]

    def __str__(self):
        return self.name


class DuesPayment(models.Model):
    """One member's 党费 for one month: what was due and what was paid (seed 003: 按月足额交纳).
    A correction is saved over the month's row; the audit trail keeps what it said before."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="dues", verbose_name="党支部")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="dues", verbose_name="党员")
    month = models.DateField("月份", help_text="该月 1 日。")
    due = models.DecimalField("应交（元）", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    paid = models.DecimalField("实交（元）", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党费收缴"
        ordering = ["branch", "-month", "member"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="dues_month_first_day"),
            models.CheckConstraint(condition=Q(due__gte=0, paid__gte=0), name="dues_not_negative"),
        ]
        indexes = [models.Index(fields=["branch", "month"])]

    def __str__(self):
        return f"{self.member} {self.month:%Y-%m}"

    @property
    def in_full(self) -> bool:
        return self.paid >= self.due


class OneShoulder(models.TextChoices):
    """书记、主任“一肩挑” (seed 003 4.3.1: 25% within the year)."""

    DONE = "done", "已实行“一肩挑”"
    PLANNED = "planned", "列入推进计划"
    NOT = "not", "未实行"


class ThreeChains(models.TextChoices):
    """“三链建设” (seed 003 2.4.1: 70%)."""

    DONE = "done", "已完成（有建设台账）"
    UNDER_WAY = "under_way", "推进中"
    NOT = "not", "未开展"


class BranchYear(models.Model):
    """What a village records once a year about itself beside its collective income: the
    “一肩挑” and “三链建设” status, the number of 两委 cadres (the 后备干部 ratio's base) and the
    村级组织运转经费 (seed 003: 办公经费 4.1万元, 村干部报酬 2.4万元, 组干部 8500元). Changes are
    saved over the year's row; the audit trail keeps every earlier value."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="years", verbose_name="党支部")
    year = models.PositiveSmallIntegerField("年度")
    one_shoulder = models.CharField("书记、主任“一肩挑”", max_length=20, choices=OneShoulder.choices, blank=True)
    three_chains = models.CharField("“三链建设”", max_length=20, choices=ThreeChains.choices, blank=True)
    cadres = models.PositiveSmallIntegerField(
        "村“两委”成员人数", null=True, blank=True, validators=[MaxValueValidator(99)]
    )
    office_funds = models.DecimalField(
        "村级办公经费（元）", max_digits=10, decimal_places=0, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    cadre_pay = models.DecimalField(
        "村干部报酬（元/人·年）",
        max_digits=10,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    group_cadre_pay = models.DecimalField(
        "村民小组干部报酬（元/人·年）",
        max_digits=10,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="填报人"
    )
    updated_at = models.DateTimeField("填报时间", auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "村级组织年度情况"
        ordering = ["branch", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="branch_year_once"),
            models.CheckConstraint(
                condition=(Q(office_funds__isnull=True) | Q(office_funds__gte=0))
                & (Q(cadre_pay__isnull=True) | Q(cadre_pay__gte=0))
                & (Q(group_cadre_pay__isnull=True) | Q(group_cadre_pay__gte=0)),
                name="branch_year_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.branch} {self.year}年"
