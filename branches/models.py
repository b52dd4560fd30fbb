"""Organisations (county → township → branch), party members and accounts."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from common.dates import today

from .scoping import ADMIN_ROLES, BranchScopedQuerySet, Role, ScopedQuerySet

division_code_validator = RegexValidator(r"^\d{12}$", "区划代码应为 12 位数字。")
phone_validator = RegexValidator(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$", "联系电话应为 11 位手机号或带区号的固定电话。")


class SiteType(models.TextChoices):
    CORRIDOR = "corridor", "通道型"
    RESOURCE = "resource", "资源型"
    POVERTY_RELIEF = "poverty_relief", "扶贫型"


# more than any township or village has: a number beyond is a typing slip (and beyond the column, a 500)
MAX_VILLAGE_GROUPS, MAX_HOUSEHOLDS, MAX_POPULATION = 999, 1_000_000, 10_000_000


class SiteProfile(models.Model):
    """The statistics a work plan gives for a township or a village (seed 001)."""

    site_type = models.CharField("示范点类型", max_length=20, choices=SiteType.choices, blank=True)
    village_groups = models.PositiveIntegerField(
        "村民小组数", null=True, blank=True, validators=[MaxValueValidator(MAX_VILLAGE_GROUPS)]
    )
    households = models.PositiveIntegerField(
        "户数", null=True, blank=True, validators=[MaxValueValidator(MAX_HOUSEHOLDS)]
    )
    population = models.PositiveIntegerField(
        "人口", null=True, blank=True, validators=[MaxValueValidator(MAX_POPULATION)]
    )
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
    # the branch's structure, which decides which of 三会一课 are due: a branch of 7 or more members
    # elects a 支部委员会 (fewer: only a secretary), and a branch may have no 党小组
    has_committee = models.BooleanField(
        "设支部委员会", null=True, blank=True, help_text="不填则按党员人数：7 人以上设支委会，不足 7 人只设书记。"
    )
    party_groups = models.PositiveSmallIntegerField(
        "党小组数",
        null=True,
        blank=True,
        validators=[MaxValueValidator(99)],
        help_text="不填视为设有党小组；没有党小组填 0。",
    )
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


class RunByOneUnit(models.Model):
    """Something a county or a township runs (a campaign, a selection): exactly one of the two is set,
    as ``run_by_one_unit`` makes the database hold."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, verbose_name="组织单位（县）")
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, verbose_name="组织单位（乡镇）"
    )

    class Meta:
        abstract = True

    @property
    def organiser(self):
        return self.township or self.county


def run_by_one_unit(name: str) -> models.CheckConstraint:
    """The constraint a ``RunByOneUnit`` model lists among its own (a model's Meta replaces its base's)."""
    return models.CheckConstraint(
        condition=Q(county__isnull=True, township__isnull=False) | Q(county__isnull=False, township__isnull=True),
        name=name,
    )


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


def on_roll(day, prefix: str = "") -> Q:
    """Members on a branch's roll on ``day``: joined by then and not yet left (``Member.left_on``).
    ``prefix`` reaches them through a relation, e.g. ``on_roll(day, "members__")`` on branches."""
    return Q(**{f"{prefix}joined_on__lte": day}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": day})
    )


# 党章: a member is at least eighteen; the birth year is all the register holds, so count by year
# (as the recruits' register does)
JOINING_AGE = 18
ERROR_JOINED_TOO_YOUNG = "入党日期不对：{birth_year}年出生，应在 {earliest} 年（年满十八岁）以后入党。"
ERROR_JOINED_IN_FUTURE = "入党日期不能晚于今天（{today:%Y-%m-%d}）。"


def joined_on_error(birth_year: int | None, joined_on) -> str | None:
    """What is wrong with a member's 入党日期, in Chinese, or None: not after today, and not before
    the year they turned eighteen. Shared by the member form and the register import."""
    if joined_on is None:
        return None
    if joined_on > today():
        return ERROR_JOINED_IN_FUTURE.format(today=today())
    if birth_year is not None and joined_on.year - birth_year < JOINING_AGE:
        return ERROR_JOINED_TOO_YOUNG.format(birth_year=birth_year, earliest=birth_year + JOINING_AGE)
    return None


class MemberQuerySet(BranchScopedQuerySet):
    # A secretary keeps the member list of their own branch.
    editor_roles = frozenset({Role.TOWNSHIP_STAFF, Role.BRANCH_SECRETARY})

    def on_roll(self, day):
        return self.filter(on_roll(day))


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
    # 转出或离开本支部 (transferred out, died, left): the member stays on the register for the years
    # before, but is no longer rated or counted from that day
    left_on = models.DateField("转出/离开本支部日期", null=True, blank=True, help_text="仍在本支部的党员不填。")

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

    def clean(self):
        super().clean()
        if error := joined_on_error(self.birth_year, self.joined_on):
            raise ValidationError({"joined_on": error})
        if self.left_on is None:
            return
        if self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": "转出/离开本支部日期不能早于入党日期。"})
        if self.left_on > today():
            raise ValidationError({"left_on": "转出/离开本支部日期不能晚于今天。"})

    def in_branch_during(self, year: int) -> bool:
        """Whether the member belonged to the branch in some part of ``year`` and had not left by its end."""
        return self.joined_on.year <= year and (self.left_on is None or self.left_on.year > year)

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
