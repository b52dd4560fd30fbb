"""Facts the product already holds that fill score-sheet items, so a
secretary is never asked again for what is on record.

Every fact is computed for a set of branches at once, with a fixed number of
aggregate queries (``facts_for_branches``), over a period: a year for campaign
sheets, a quarter for an inspection round's sheets. ``fact_records`` lists the
records behind the facts of one branch, which count as the items' evidence.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone

from branches.models import (
    SERVICE_KINDS,
    AnnualFigure,
    Appraisal,
    DeedKind,
    LifeKind,
    Member,
    MemberDeed,
    OrganisationalLife,
    Pledge,
    PledgeStatus,
    SolvedProblem,
)

from .engine import Entry
from .spec import SHORTFALL_FACTS, ItemSpec

# 三会一课 (seed 003, demonstration plan): how often each meeting is due.
MONTHLY_MEETINGS = (LifeKind.COMMITTEE_MEETING, LifeKind.GROUP_MEETING)
QUARTERLY_MEETINGS = (LifeKind.GENERAL_MEETING, LifeKind.PARTY_LECTURE)
THREE_ONE_KINDS = QUARTERLY_MEETINGS[:1] + MONTHLY_MEETINGS + QUARTERLY_MEETINGS[1:]


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31), f"{year}年")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = 3 * quarter - 2
        last = first + 2
        return cls(
            date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]), f"{year}年第{quarter}季度"
        )

    def months(self) -> list[tuple[int, int]]:
        months, (y, m) = [], (self.start.year, self.start.month)
        while (y, m) <= (self.end.year, self.end.month):
            months.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return months

    def due_months(self, today: date) -> list[tuple[int, int]]:
        """The months of the period that are over by ``today``: a month still under way is not yet
        missed (a sheet filled on 1 December loses nothing for December)."""
        return [(y, m) for y, m in self.months() if date(y, m, calendar.monthrange(y, m)[1]) < today]


@dataclass(frozen=True)
class FactValue:
    value: Decimal | None
    source: str


@dataclass
class RecordLink:
    label: str
    url: str
    photos: list = field(default_factory=list)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _fmt(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


# One function a fact family: each runs one aggregate query for all the branches and returns
# every branch's facts of that family; ``facts_for_branches`` gathers them.
BranchFacts = dict[int, dict[str, FactValue]]


def facts_for_branches(branch_ids, period: Period, *, today: date | None = None) -> BranchFacts:
    """Every fact of each branch in ``branch_ids`` over ``period``, in seven queries whatever their number."""
    today = today or timezone.localdate()
    ids = list(branch_ids)
    members = _member_counts(ids, period)
    families = (
        _income_facts(ids, period),
        _membership_facts(members),
        _life_facts(ids, period, today),
        _deed_facts(ids, period, members),
        _problem_facts(ids, period),
        _pledge_facts(ids, period, members),
        _appraisal_facts(ids, period),
    )
    return {
        branch_id: {name: fact for family in families for name, fact in family[branch_id].items()} for branch_id in ids
    }


def _member_counts(ids: list[int], period: Period) -> dict[int, int]:
    """How many members each branch has who joined by the end of ``period``."""
    counts = dict(
        Member.objects.filter(branch_id__in=ids, joined_on__lte=period.end)
        .values_list("branch_id")
        .annotate(n=Count("pk"))
        .values_list("branch_id", "n")
    )
    return {branch_id: counts.get(branch_id, 0) for branch_id in ids}


def _membership_facts(members: dict[int, int]) -> BranchFacts:
    return {
        branch_id: {"member_count": FactValue(Decimal(total), f"党员名册：现有党员 {total} 名")}
        for branch_id, total in members.items()
    }


def _income_facts(ids: list[int], period: Period) -> BranchFacts:
    """The village collective's income in the period's year, from the current yearly figures."""
    year = period.end.year
    figures = {f.branch_id: f for f in AnnualFigure.objects.current().filter(branch_id__in=ids, year=year)}
    result = {}
    for branch_id in ids:
        figure = figures.get(branch_id)
        result[branch_id] = {
            "collective_income": FactValue(
                figure.collective_income if figure else None,
                f"年度数据：{year}年村集体经济收入 {figure.collective_income:,.0f} 元"
                if figure
                else f"年度数据：{year}年村集体经济收入尚未填报",
            )
        }
    return result


def _life_facts(ids: list[int], period: Period, today: date) -> BranchFacts:
    """Theme days, life meetings and 三会一课 from the organisational life records."""
    life: dict[int, dict[str, set]] = {}
    life_counts: dict[int, dict[str, int]] = {}
    for row in (
        OrganisationalLife.objects.filter(branch_id__in=ids, held_on__range=(period.start, period.end))
        .annotate(y=ExtractYear("held_on"), m=ExtractMonth("held_on"))
        .values("branch_id", "kind", "y", "m")
        .annotate(n=Count("pk"))
    ):
        life.setdefault(row["branch_id"], {}).setdefault(row["kind"], set()).add((row["y"], row["m"]))
        counts = life_counts.setdefault(row["branch_id"], {})
        counts[row["kind"]] = counts.get(row["kind"], 0) + row["n"]

    due = period.due_months(today)
    # a quarterly meeting is missed only once its quarter is over
    due_quarters = sorted({(y, m // 3) for y, m in due if m % 3 == 0})
    result = {}
    for branch_id in ids:
        months = life.get(branch_id, {})
        theme = months.get(LifeKind.THEME_DAY, set())
        theme_missing = [m for y, m in due if (y, m) not in theme]
        three_one_missing = sum(
            1 for kind in MONTHLY_MEETINGS for ym in due if ym not in months.get(kind, set())
        ) + sum(
            1
            for kind in QUARTERLY_MEETINGS
            for q in due_quarters
            if not any((y, (m - 1) // 3 + 1) == q for y, m in months.get(kind, set()))
        )
        life_meetings = life_counts.get(branch_id, {}).get(LifeKind.LIFE_MEETING, 0)
        result[branch_id] = {
            "theme_day_months": FactValue(
                Decimal(len(theme)), f"组织生活记录：{period.label}有 {len(theme)} 个月开展了主题党日"
            ),
            "theme_days_missing": FactValue(
                Decimal(len(theme_missing)),
                f"组织生活记录：{period.label}"
                + (
                    f"{'、'.join(f'{m}月' for m in theme_missing)}未开展主题党日"
                    if theme_missing
                    else "每月都开展了主题党日"
                ),
            ),
            "life_meetings": FactValue(
                Decimal(life_meetings), f"组织生活记录：{period.label}召开组织生活会 {life_meetings} 次"
            ),
            "three_one_missing": FactValue(
                Decimal(three_one_missing),
                f"组织生活记录：{period.label}「三会一课」按规定应开未开 {three_one_missing} 次"
                "（支部党员大会、党课每季度1次，支委会、党小组会每月1次）",
            ),
        }
    return result


def _deed_facts(ids: list[int], period: Period, members: dict[int, int]) -> BranchFacts:
    """Members who did a deed, and members who served twice, from the confirmed deeds."""
    # confirmed deeds per member and kind; a deed from before the member joined is not a member's deed
    deeds: dict[int, dict[int, dict[str, int]]] = {}
    for row in (
        MemberDeed.objects.filter(
            branch_id__in=ids,
            confirmed_at__isnull=False,
            done_on__range=(period.start, period.end),
            done_on__gte=F("member__joined_on"),
        )
        .values("branch_id", "member_id", "kind")
        .annotate(n=Count("pk"))
    ):
        deeds.setdefault(row["branch_id"], {}).setdefault(row["member_id"], {})[row["kind"]] = row["n"]

    result = {}
    for branch_id in ids:
        member_total = members[branch_id]
        by_member = deeds.get(branch_id, {})
        with_deed = sum(1 for kinds in by_member.values() if kinds.get(DeedKind.DEED, 0) >= 1)
        with_service = sum(1 for kinds in by_member.values() if sum(kinds.get(k, 0) for k in SERVICE_KINDS) >= 2)
        deed_share, service_share = _percent(with_deed, member_total), _percent(with_service, member_total)
        result[branch_id] = {
            "deed_share": FactValue(
                deed_share, f"办实事记录：党员 {member_total} 名中 {with_deed} 名{period.label}已办实事（已确认）"
            ),
            "members_without_deed": FactValue(
                Decimal(member_total - with_deed),
                f"办实事记录：党员 {member_total} 名中 {member_total - with_deed} 名{period.label}尚无已确认的办实事记录",
            ),
            "service_share": FactValue(
                service_share,
                f"服务记录：党员 {member_total} 名中 {with_service} 名{period.label}服务达到2次（已确认）",
            ),
            "members_short_of_service": FactValue(
                Decimal(member_total - with_service),
                f"服务记录：党员 {member_total} 名中 {member_total - with_service} 名{period.label}服务不足2次",
            ),
        }
    return result


def _problem_facts(ids: list[int], period: Period) -> BranchFacts:
    """Difficult problems solved, from the solved-problem records."""
    problems = dict(
        SolvedProblem.objects.filter(branch_id__in=ids, solved_on__range=(period.start, period.end))
        .values("branch_id")
        .annotate(n=Count("pk"))
        .values_list("branch_id", "n")
    )
    return {
        branch_id: {
            "problems_solved": FactValue(
                Decimal(solved), f"困难问题记录：{period.label}解决基础设施、乡村治理等困难问题 {solved} 件"
            )
        }
        for branch_id, solved in ((branch_id, problems.get(branch_id, 0)) for branch_id in ids)
    }


def _pledge_facts(ids: list[int], period: Period, members: dict[int, int]) -> BranchFacts:
    """Pledges kept and open, and members who made none or broke one, in the period's year."""
    year = period.end.year
    pledges: dict[int, dict[str, int]] = {}
    pledge_members: dict[int, dict[int, set]] = {}
    for row in (
        Pledge.objects.filter(branch_id__in=ids, year=year)
        .values("branch_id", "member_id", "status")
        .annotate(n=Count("pk"))
    ):
        counts = pledges.setdefault(row["branch_id"], {})
        counts[row["status"]] = counts.get(row["status"], 0) + row["n"]
        if row["member_id"]:
            pledge_members.setdefault(row["branch_id"], {}).setdefault(row["member_id"], set()).add(row["status"])

    result = {}
    for branch_id in ids:
        pledge_counts = pledges.get(branch_id, {})
        kept, open_ = pledge_counts.get(PledgeStatus.KEPT, 0), pledge_counts.get(PledgeStatus.OPEN, 0)
        members_pledged = pledge_members.get(branch_id, {})
        pledge_short = (members[branch_id] - len(members_pledged)) + sum(
            1 for statuses in members_pledged.values() if PledgeStatus.NOT_KEPT in statuses
        )
        result[branch_id] = {
            "pledges_kept": FactValue(
                Decimal(kept), f"公开承诺：{year}年承诺 {sum(pledge_counts.values())} 项，已践诺 {kept} 项"
            ),
            "pledges_open": FactValue(Decimal(open_), f"公开承诺：{year}年待兑现 {open_} 项"),
            "members_pledge_short": FactValue(
                Decimal(pledge_short), f"公开承诺：{pledge_short} 名党员{year}年未作承诺或有承诺未兑现"
            ),
        }
    return result


def _appraisal_facts(ids: list[int], period: Period) -> BranchFacts:
    """The masses' satisfaction rate, from the branch's (not a member's) appraisals."""
    appraisals = {
        row["branch_id"]: row
        for row in Appraisal.objects.filter(
            branch_id__in=ids, member__isnull=True, held_on__range=(period.start, period.end)
        )
        .values("branch_id")
        .annotate(s=Sum("satisfied"), b=Sum("basically_satisfied"), d=Sum("dissatisfied"))
    }
    result = {}
    for branch_id in ids:
        appraisal = appraisals.get(branch_id)
        good = (appraisal["s"] + appraisal["b"]) if appraisal else 0
        valid = (good + appraisal["d"]) if appraisal else 0
        rate = _percent(good, valid)
        result[branch_id] = {
            "satisfaction_rate": FactValue(
                rate,
                f"群众评议：{period.label}有效测评表 {valid} 份，满意和基本满意 {good} 份，满意率 {_fmt(rate)}%"
                if appraisal
                else f"群众评议：{period.label}尚未开展群众评议",
            )
        }
    return result


def fact_values(branch, year: int, period: Period | None = None) -> dict[str, FactValue]:
    """Every fact for ``branch`` in ``year`` (or a shorter ``period``), with where it comes from."""
    return facts_for_branches([branch.pk], period or Period.year(year))[branch.pk]


def fact_records(branch, period: Period) -> dict[str, list[RecordLink]]:
    """The records behind each fact of ``branch`` in ``period``, each with a link to where it is kept."""
    within = {"branch": branch}
    life_url = reverse("branches:life", args=[branch.pk]) + f"?year={period.end.year}"
    by_kind: dict[str, list[RecordLink]] = {}
    for record in (
        OrganisationalLife.objects.filter(**within, held_on__range=(period.start, period.end))
        .prefetch_related("photos")
        .order_by("held_on")
    ):
        by_kind.setdefault(record.kind, []).append(
            RecordLink(
                f"{record.held_on:%Y-%m-%d} {record.get_kind_display()}：{record.topic}",
                f"{life_url}#life-{record.pk}",
                list(record.photos.all()),
            )
        )
    deeds_url = reverse("branches:deeds", args=[branch.pk]) + f"?year={period.end.year}"
    deed_links, service_links = [], []
    for deed in (
        MemberDeed.objects.filter(**within, confirmed_at__isnull=False, done_on__range=(period.start, period.end))
        .select_related("member")
        .prefetch_related("photos")
        .order_by("done_on")
    ):
        link = RecordLink(
            f"{deed.done_on:%Y-%m-%d} {deed.member.name} {deed.get_kind_display()}：{deed.description}",
            f"{deeds_url}#deed-{deed.pk}",
            list(deed.photos.all()),
        )
        (deed_links if deed.kind == DeedKind.DEED else service_links).append(link)
    problems_url = reverse("branches:problems", args=[branch.pk])
    problem_links = [
        RecordLink(f"{p.solved_on:%Y-%m-%d} {p.title}", f"{problems_url}#problem-{p.pk}", list(p.photos.all()))
        for p in SolvedProblem.objects.filter(**within, solved_on__range=(period.start, period.end)).prefetch_related(
            "photos"
        )
    ]
    pledges_url = reverse("branches:pledges", args=[branch.pk]) + f"?year={period.end.year}"
    pledge_links = [
        RecordLink(
            f"{p.member.name if p.member else '党支部'}：{p.content}（{p.get_status_display()}）",
            f"{pledges_url}#pledge-{p.pk}",
            list(p.photos.all()),
        )
        for p in Pledge.objects.filter(**within, year=period.end.year)
        .select_related("member")
        .prefetch_related("photos")
    ]
    appraisal_links = [
        RecordLink(
            f"{a.held_on:%Y-%m-%d} 群众评议：满意 {a.satisfied}、基本满意 {a.basically_satisfied}、不满意 {a.dissatisfied}",
            reverse("branches:appraisals", args=[branch.pk]) + f"#appraisal-{a.pk}",
        )
        for a in Appraisal.objects.filter(**within, member__isnull=True, held_on__range=(period.start, period.end))
    ]
    theme = by_kind.get(LifeKind.THEME_DAY, [])
    return {
        "theme_day_months": theme,
        "theme_days_missing": theme,
        "life_meetings": by_kind.get(LifeKind.LIFE_MEETING, []),
        "three_one_missing": [link for kind in THREE_ONE_KINDS for link in by_kind.get(kind, [])],
        "deed_share": deed_links,
        "members_without_deed": deed_links,
        "service_share": service_links,
        "members_short_of_service": service_links,
        "problems_solved": problem_links,
        "pledges_kept": pledge_links,
        "pledges_open": pledge_links,
        "members_pledge_short": pledge_links,
        "satisfaction_rate": appraisal_links,
    }


def prefilled_entry(item: ItemSpec, fact: FactValue | None) -> Entry | None:
    """What the facts say this item's entry is, where they decide it: a met item
    is met at ``fact_min``; a deduction item loses one occurrence per unit short
    of ``fact_min``, or per case a shortfall fact counts; a graded item takes the
    points of the highest tier the fact reaches."""
    if fact is None or fact.value is None:
        return None
    if item.method == "met" and item.fact_min is not None:
        return Entry(met=fact.value >= item.fact_min)
    if item.method == "deduction" and item.fact_min is not None:
        return Entry(occurrences=int(max(Decimal(0), item.fact_min - fact.value)))
    if item.method == "deduction" and item.fact in SHORTFALL_FACTS:
        return Entry(occurrences=int(fact.value))
    if item.method == "graded" and item.fact_tiers:
        return Entry(points=next((points for low, points in item.fact_tiers if fact.value >= low), Decimal(0)))
    return None


# The township's grid: the year's facts per branch, with what falls short of the seeds' requirements.
GRID_COLUMNS = [
    ("theme_day_months", "主题党日（月）"),
    ("life_meetings", "组织生活会（次）"),
    ("three_one_missing", "「三会一课」缺开（次）"),
    ("deed_share", "办实事党员占比（%）"),
    ("service_share", "服务达2次党员占比（%）"),
    ("problems_solved", "解决困难问题（件）"),
    ("pledges_kept", "已践诺（项）"),
    ("pledges_open", "待兑现承诺（项）"),
    ("satisfaction_rate", "群众满意率（%）"),
]


def _gaps(facts: dict[str, FactValue]) -> list[str]:
    def n(name) -> int:
        value = facts[name].value
        return int(value) if value is not None else 0

    gaps = []
    if n("theme_days_missing"):
        gaps.append(f"主题党日缺 {n('theme_days_missing')} 个月")
    if not n("life_meetings"):
        gaps.append("未开组织生活会")
    if n("three_one_missing"):
        gaps.append(f"「三会一课」缺 {n('three_one_missing')} 次")
    if n("members_without_deed"):
        gaps.append(f"{n('members_without_deed')} 名党员未办实事")
    if n("members_short_of_service"):
        gaps.append(f"{n('members_short_of_service')} 名党员服务不足2次")
    if not n("problems_solved"):
        gaps.append("未解决困难问题")
    if n("pledges_open"):
        gaps.append(f"{n('pledges_open')} 项承诺待兑现")
    rate = facts["satisfaction_rate"].value
    if rate is None:
        gaps.append("未开展群众评议")
    elif rate < 60:
        gaps.append("群众满意率低于60%")
    return gaps


@dataclass
class GridRow:
    branch: object
    facts: dict[str, FactValue]
    gaps: list[str]

    def cells(self) -> list[Decimal | None]:
        return [self.facts[name].value for name, _label in GRID_COLUMNS]


def facts_grid(branches, year: int, *, today: date | None = None) -> list[GridRow]:
    """Each branch's facts for ``year`` and its gaps, the laggards first; a fixed number of queries."""
    branches = list(branches)
    facts = facts_for_branches([b.pk for b in branches], Period.year(year), today=today)
    rows = [GridRow(b, facts[b.pk], _gaps(facts[b.pk])) for b in branches]
    rows.sort(key=lambda row: (-len(row.gaps), row.branch.name))
    return rows


def secretary_gaps(branch, *, today: date | None = None) -> list[tuple[str, str]]:
    """This year's gaps for a secretary's home page, in plain words, each with where to fill it."""
    today = today or timezone.localdate()
    period = Period.year(today.year)
    held = set(
        branch.life_records.filter(kind=LifeKind.THEME_DAY, held_on__year=today.year)
        .annotate(m=ExtractMonth("held_on"))
        .values_list("m", flat=True)
    )
    gaps = []
    life_url = reverse("branches:life", args=[branch.pk])
    missing = [m for _y, m in period.due_months(today) if m not in held]
    if missing:
        gaps.append((f"{'、'.join(f'{m}月' for m in missing)}没有主题党日记录", life_url))
    if today.month not in held:
        gaps.append((f"本月（{today.month}月）的主题党日还没有记录", life_url))
    if not branch.life_records.filter(kind=LifeKind.LIFE_MEETING, held_on__year=today.year).exists():
        gaps.append((f"{today.year}年组织生活会还没有召开", life_url))
    deeds_url = reverse("branches:deeds", args=[branch.pk])
    without = list(
        branch.members.filter(joined_on__lte=today)
        .exclude(
            deeds__kind=DeedKind.DEED,
            deeds__confirmed_at__isnull=False,
            deeds__done_on__year=today.year,
        )
        .values_list("name", flat=True)
    )
    if without:
        names = "、".join(without[:5]) + (f"等 {len(without)} 名党员" if len(without) > 5 else "")
        gaps.append((f"{names}今年还没有办实事记录", deeds_url))
    waiting = branch.deeds.filter(confirmed_at__isnull=True).count()
    if waiting:
        gaps.append((f"{waiting} 条办实事和服务记录等您确认", deeds_url))
    open_pledges = branch.pledges.filter(year=today.year, status=PledgeStatus.OPEN).count()
    if open_pledges:
        gaps.append((f"{open_pledges} 项公开承诺还没有标记兑现情况", reverse("branches:pledges", args=[branch.pk])))
    return gaps
