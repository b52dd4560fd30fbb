"""Reads for the rating pages, the branch page and the documents, each in a fixed number of
queries whatever the number of members (the records of all members are read at once)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q

from branches.models import Branch, Member
from branches.selectors import branch_members
from scoring.facts import Period
from scoring.facts.members import members_facts
from scoring.models import Framework
from scoring.selectors import framework_spec
from scoring.spec import FrameworkSpec, ItemSpec

from . import rules
from .models import BUILTIN_FRAMEWORK, BranchRating, MemberRating, RatingStatus

STAR_LEVELS = (5, 4, 3, 2, 1, 0)


def rating_framework() -> Framework:
    """The newest version of the built-in member rating framework (a new rating takes it)."""
    return Framework.objects.filter(code=BUILTIN_FRAMEWORK).order_by("-version").first()


def eligible_members(branch, year: int):
    """The branch's members to rate for ``year``: joined by its end and not left by then."""
    end = date(year, 12, 31)
    return branch_members(branch).filter(Q(left_on__isnull=True) | Q(left_on__gt=end), joined_on__lte=end)


@dataclass
class ItemRow:
    item: ItemSpec
    prefill: rules.Prefill
    value: str  # what the page shows: typed, else the override, else the prefill
    reason: str = ""
    error: str = ""
    points: Decimal | None = None

    @property
    def adjusted(self) -> bool:
        return self.value != self.prefill.value

    @property
    def value_label(self) -> str:
        return rules.describe(self.item, self.value)


@dataclass
class MemberRow:
    member: Member
    rating: MemberRating | None
    items: list[ItemRow]
    total: Decimal | None = None
    stars: int | None = None
    grade: str = ""
    stars_rule: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def from_records(self) -> int:
        return sum(1 for row in self.items if row.prefill.origin == rules.RECORD)

    @property
    def adjusted(self) -> int:
        return sum(1 for row in self.items if row.adjusted)


@dataclass
class RatingPage:
    branch: Branch
    year: int
    rating: BranchRating | None
    spec: FrameworkSpec
    rows: list[MemberRow]
    rated_elsewhere: list[MemberRating] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.rating is None or self.rating.is_open

    def distribution(self) -> list[tuple[int, int]]:
        counts = Counter(row.stars for row in self.rows if row.stars is not None)
        return [(stars, counts.get(stars, 0)) for stars in STAR_LEVELS]


def rating_page(branch, year: int, *, typed=None, errors=None) -> RatingPage:
    """The year's rating of every member of ``branch``: each item pre-filled from the member's records
    (or the standard), the secretary's adjustments with their reasons, what was ``typed`` on a refused
    save with its ``errors`` ((member id, code) → message), and each member's total and stars.
    Queries: the rating, its framework (2), the members, their rows, their records (5) — constant."""
    typed, errors = typed or {}, errors or {}
    rating = BranchRating.objects.filter(branch=branch, year=year).select_related("framework").first()
    framework = rating.framework if rating else rating_framework()
    spec = framework_spec(framework)
    if rating is not None and not rating.is_open:
        # decided: the members the meeting rated, as it rated them (one who left since stays listed)
        decided = (
            rating.member_rows.filter(total__isnull=False)
            .select_related("member")
            .order_by("member__joined_on", "member__name")
        )
        return RatingPage(branch, year, rating, spec, [_frozen_row(spec, row.member, row) for row in decided])
    members = list(eligible_members(branch, year))
    saved = {
        row.member_id: row
        for row in MemberRating.objects.filter(year=year, member__in=[m.pk for m in members]).select_related(
            "branch_rating__branch", "member"
        )
    }
    # a member rated this year in another branch (before a transfer) is not rated again here
    elsewhere = [row for row in saved.values() if row.branch_rating.branch_id != branch.pk]
    members = [m for m in members if m.pk not in {row.member_id for row in elsewhere}]
    facts = members_facts(members, Period.year(year))
    rows = [
        _open_row(spec, member, saved.get(member.pk), facts[member.pk], typed.get(member.pk, {}), errors)
        for member in members
    ]
    return RatingPage(branch, year, rating, spec, rows, elsewhere)


def _open_row(spec, member, saved, facts, typed, errors) -> MemberRow:
    overrides = saved.overrides if saved else {}
    items = []
    for item in spec.items():
        start = rules.prefill(item, facts.get(item.fact) if item.fact else None)
        override = overrides.get(item.code, {})
        value, reason = typed.get(item.code, (override.get("value", start.value), override.get("reason", "")))
        items.append(ItemRow(item, start, value, reason, errors.get((member.pk, item.code), "")))
    row = MemberRow(member, saved, items, errors=[message for (mid, _c), message in errors.items() if mid == member.pk])
    _score(spec, row)
    return row


def _frozen_row(spec, member, saved) -> MemberRow:
    """A decided rating: the sheet as the branch meeting decided it, read from the row, not the records."""
    kept = saved.items if saved else {}
    items = []
    for item in spec.items():
        entry = kept.get(item.code, {})
        start = rules.Prefill(entry.get("prefill", ""), entry.get("source", ""), entry.get("origin", rules.STANDARD))
        row = ItemRow(item, start, entry.get("value", ""), entry.get("reason", ""))
        row.points = Decimal(entry["points"]) if entry.get("points") is not None else None
        items.append(row)
    row = MemberRow(member, saved, items)
    if saved is not None:
        row.total, row.stars, row.grade, row.stars_rule = saved.total, saved.stars, saved.grade, saved.stars_rule
    return row


def _score(spec, row: MemberRow) -> None:
    """Total and stars by the engine; a row with a value the item refuses shows no total yet."""
    try:
        result = rules.member_result(spec, {r.item.code: r.value for r in row.items})
    except rules.EntryError:
        return
    for item_row in row.items:
        item_row.points = result.items[item_row.item.code].points
    row.total, row.grade = result.total, result.grade.value
    row.stars, row.stars_rule = result.stars.value, result.stars.rule


# --- other pages -------------------------------------------------------------------------------


def member_history(member):
    """Every year's rating of ``member``, newest first, with the branch's step it has reached."""
    return (
        MemberRating.objects.filter(member=member)
        .select_related("branch_rating__branch", "branch_rating__approved_by")
        .prefetch_related("changes__changed_by")
        .order_by("-year")
    )


def member_stars(member_ids, years) -> dict[int, dict[int, int]]:
    """member id → year → stars, of approved ratings only (one query). Other apps call this."""
    stars: dict[int, dict[int, int]] = {}
    for member_id, year, value in MemberRating.objects.filter(
        member_id__in=list(member_ids),
        year__in=list(years),
        branch_rating__status=RatingStatus.APPROVED,
        stars__isnull=False,
    ).values_list("member_id", "year", "stars"):
        stars.setdefault(member_id, {})[year] = value
    return stars


@dataclass
class YearDistribution:
    rating: BranchRating
    counts: list[tuple[int, int]]

    @property
    def rated(self) -> int:
        return sum(n for _stars, n in self.counts)


def _distributions(ratings) -> list[YearDistribution]:
    ratings = list(ratings)
    counts: dict[int, Counter] = {r.pk: Counter() for r in ratings}
    for rating_id, stars in MemberRating.objects.filter(
        branch_rating__in=[r.pk for r in ratings], stars__isnull=False
    ).values_list("branch_rating_id", "stars"):
        counts[rating_id][stars] += 1
    return [YearDistribution(r, [(s, counts[r.pk].get(s, 0)) for s in STAR_LEVELS]) for r in ratings]


def branch_distribution(branch) -> list[YearDistribution]:
    """The stars of the branch's members per year, decided by the branch meeting or approved (two queries)."""
    decided = BranchRating.objects.filter(branch=branch).exclude(status=RatingStatus.DRAFT).order_by("-year")
    return _distributions(decided)


def branch_card(branch) -> dict:
    """What the branch's page shows of the ratings: the year being assessed (to prepare or read) and the
    stars of every year decided, newest first (two queries)."""
    from common.dates import demo_year

    return {"year": demo_year(), "years": branch_distribution(branch)}


def township_overview(user, year: int):
    """Every branch the user sees with its rating of ``year`` (status and stars), waiting ones first."""
    branches = list(Branch.objects.visible_to(user).select_related("township").order_by("township__name", "name"))
    ratings = {
        r.branch_id: r
        for r in BranchRating.objects.visible_to(user).filter(year=year).select_related("approved_by", "decided_by")
    }
    by_rating = {d.rating.pk: d for d in _distributions(ratings.values())}
    order = {RatingStatus.DECIDED: 0, RatingStatus.RETURNED: 1, RatingStatus.DRAFT: 2, RatingStatus.APPROVED: 3}
    rows = [(b, ratings.get(b.pk), by_rating.get(getattr(ratings.get(b.pk), "pk", None))) for b in branches]
    rows.sort(key=lambda row: order.get(row[1].status, 4) if row[1] else 5)
    return rows


@dataclass
class BranchList:
    """One branch's rating of a year, for the documents: its step and its members' rows."""

    branch: Branch
    rating: BranchRating | None
    rows: list[MemberRating]


def rating_lists(branches, year: int) -> list[BranchList]:
    """The year's decided or approved ratings of ``branches`` with each member's row (three queries;
    a branch not yet decided is listed with no rows: its draft moves with the records)."""
    branches = list(branches)
    ratings = {
        r.branch_id: r
        for r in BranchRating.objects.filter(branch__in=[b.pk for b in branches], year=year).select_related(
            "approved_by", "decided_by"
        )
    }
    decided = [r.pk for r in ratings.values() if r.status in (RatingStatus.DECIDED, RatingStatus.APPROVED)]
    rows: dict[int, list[MemberRating]] = {}
    for row in (
        MemberRating.objects.filter(branch_rating__in=decided, total__isnull=False)
        .select_related("member")
        .order_by("-total", "member__name")
    ):
        rows.setdefault(row.branch_rating_id, []).append(row)
    return [BranchList(b, ratings.get(b.pk), rows.get(getattr(ratings.get(b.pk), "pk", None), [])) for b in branches]


def rating_tasks(user) -> list[tuple[str, str]]:
    """The home page's ratings work, each with where to do it: for township staff the ratings the branch
    meetings sent up; for a secretary this year's rating until it is sent up (two queries at most)."""
    from django.urls import reverse

    from branches.scoping import Role
    from common.dates import demo_year

    if user.role == Role.TOWNSHIP_STAFF:
        waiting = BranchRating.objects.visible_to(user).filter(status=RatingStatus.DECIDED).select_related("branch")
        return [
            (
                f"{r.branch.name}{r.year}年度党员星级评定待审批",
                reverse("ratings:branch_year", args=[r.branch_id, r.year]),
            )
            for r in waiting.order_by("decided_at")[:20]
        ]
    if user.role == Role.BRANCH_SECRETARY and user.branch_id:
        year = demo_year()
        rating = BranchRating.objects.filter(branch_id=user.branch_id, year=year).first()
        link = reverse("ratings:branch_year", args=[user.branch_id, year])
        if rating is None or rating.status == RatingStatus.DRAFT:
            return [(f"{year}年度党员星级评定：逐人初评后提交支部党员大会评定", link)]
        if rating.status == RatingStatus.RETURNED:
            return [(f"{year}年度党员星级评定被镇党委退回：{rating.returned_reason}", link)]
    return []
