"""Facts the product already holds that fill score-sheet items, so a
secretary is never asked again for what is on record.

Every fact is computed for a set of branches at once, with a fixed number of
aggregate queries (``facts_for_branches``), over a period: a year for campaign
sheets, a quarter for an inspection round's sheets. ``fact_records`` lists the
records behind the facts of one branch, which count as the items' evidence.

``values`` holds what facts are made of (the period, a fact's value, a record
link); ``families`` computes them, one function a family of facts.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models.functions import ExtractMonth
from django.urls import reverse

from common.dates import today as local_today
from records.models import (
    ATTENDANCE_KINDS,
    DISCLOSURE_KINDS,
    Appraisal,
    DeedKind,
    DuesPayment,
    LifeKind,
    MemberDeed,
    OrganisationalLife,
    Pledge,
    PledgeStatus,
    SolvedProblem,
)

from ..engine import Entry
from ..spec import SHORTFALL_FACTS, ItemSpec
from .activities import EDUCATION_KINDS, WINTER_KINDS
from .documents import document_links
from .families import facts_for_branches
from .registers import register_links
from .values import MONTHLY_MEETINGS, QUARTERLY_MEETINGS, THREE_ONE_KINDS, FactValue, Period, RecordLink

__all__ = [
    "GRID_COLUMNS",
    "GRID_STATUS_WORDS",
    "SUMMARY_COLUMNS",
    "MONTHLY_MEETINGS",
    "QUARTERLY_MEETINGS",
    "THREE_ONE_KINDS",
    "FactValue",
    "GridRow",
    "Period",
    "RecordLink",
    "fact_records",
    "fact_values",
    "facts_for_branches",
    "facts_grid",
    "prefilled_entry",
    "secretary_gaps",
]


def fact_values(branch, year: int, period: Period | None = None) -> dict[str, FactValue]:
    """Every fact for ``branch`` in ``year`` (or a shorter ``period``), with where it comes from."""
    return facts_for_branches([branch.pk], period or Period.year(year))[branch.pk]


def _life_links(branch, period: Period) -> dict[str, list[RecordLink]]:
    """The period's organisational life and activity records of ``branch`` by kind."""
    within = {"branch": branch}
    life_url = reverse("records:life", args=[branch.pk]) + f"?year={period.end.year}"
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
    return by_kind


def _deed_links(branch, period: Period) -> tuple[list[RecordLink], list[RecordLink], list[RecordLink]]:
    """The period's confirmed deeds of ``branch``: deeds, services (pairings among them) and pairings."""
    within = {"branch": branch}
    deeds_url = reverse("records:deeds", args=[branch.pk]) + f"?year={period.end.year}"
    deed_links, service_links, pairing_links = [], [], []
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
        if deed.kind == DeedKind.PAIRING:
            pairing_links.append(link)
    return deed_links, service_links, pairing_links


def fact_records(branch, period: Period) -> dict[str, list[RecordLink]]:
    """The records behind each fact of ``branch`` in ``period``, each with a link to where it is kept."""
    within = {"branch": branch}
    by_kind = _life_links(branch, period)
    deed_links, service_links, pairing_links = _deed_links(branch, period)
    problems_url = reverse("records:problems", args=[branch.pk])
    problem_links = [
        RecordLink(f"{p.solved_on:%Y-%m-%d} {p.title}", f"{problems_url}#problem-{p.pk}", list(p.photos.all()))
        for p in SolvedProblem.objects.filter(**within, solved_on__range=(period.start, period.end)).prefetch_related(
            "photos"
        )
    ]
    pledges_url = reverse("records:pledges", args=[branch.pk]) + f"?year={period.end.year}"
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
            reverse("records:appraisals", args=[branch.pk]) + f"#appraisal-{a.pk}",
        )
        for a in Appraisal.objects.filter(**within, member__isnull=True, held_on__range=(period.start, period.end))
    ]
    theme = by_kind.get(LifeKind.THEME_DAY, [])
    meetings = [link for kind in ATTENDANCE_KINDS for link in by_kind.get(kind, [])]
    disclosures = [link for kind in DISCLOSURE_KINDS for link in by_kind.get(kind, [])]
    documents = document_links(branch, period)
    return (
        documents
        | register_links(branch, period, documents["three_chains_ledger"])
        | {
            "relay_studies": by_kind.get(LifeKind.RELAY_STUDY, []),
            "education_forms": [link for kind in EDUCATION_KINDS for link in by_kind.get(kind, [])],
            "winter_training": [link for kind in WINTER_KINDS for link in by_kind.get(kind, [])],
            "member_appraisals": by_kind.get(LifeKind.MEMBER_APPRAISAL, []),
            "heart_to_heart_talks": by_kind.get(LifeKind.HEART_TO_HEART_TALK, []),
            "work_reports": by_kind.get(LifeKind.WORK_REPORT, []),
            "dual_reviews": by_kind.get(LifeKind.DUAL_REVIEW, []),
            "one_matter_discussions": by_kind.get(LifeKind.ONE_MATTER_DISCUSSION, []),
            "environment_cleanups_missing": by_kind.get(LifeKind.ENVIRONMENT_CLEANUP, []),
            "disclosures_missing": disclosures,
            "affairs_disclosures_missing": disclosures,
            "life_records_incomplete": meetings,
            "life_record_gaps": meetings,
            "attendance_rate": meetings,
            "org_life_shortfalls": meetings,
            "members_engaged_share": pledge_links + deed_links + service_links,
            "members_without_pairing": pairing_links,
            "points_share": deed_links + service_links,
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
    )


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
    ("three_one_missing", "“三会一课”缺开（次）"),
    ("deed_share", "办实事党员占比（%）"),
    ("service_share", "服务达2次党员占比（%）"),
    ("problems_solved", "解决困难问题（件）"),
    ("pledges_kept", "已践诺（项）"),
    ("pledges_open", "待兑现承诺（项）"),
    ("satisfaction_rate", "群众满意率（%）"),
    # the yearly figures and the registers behind the counted targets
    ("collective_income", "集体经济收入（元）"),
    ("collective_income_change", "较上年增减（元）"),
    ("affairs_disclosures_missing", "党务村务公开缺（季度）"),
    ("members_dues_short", "党费未按月足额（人）"),
    ("activists_cultivated", "培养入党积极分子（名）"),
    ("members_developed", "发展党员（名）"),
    ("reserve_cadre_ratio", "后备干部比（两委1:x）"),
    ("one_shoulder", "“一肩挑”"),
    ("three_chains", "“三链建设”"),
    ("office_funds", "办公经费（元）"),
    ("cadre_pay", "村干部报酬（元）"),
    ("group_cadre_pay", "组干部报酬（元）"),
]
# the 述职评议 yearly summary keeps to one A4 page a branch: the year's work and its income
SUMMARY_COLUMNS = GRID_COLUMNS[:11]
# facts that are a status: the grid shows the word, the workbook the number with this legend
GRID_STATUS_WORDS = {
    "one_shoulder": {2: "已实行", 1: "列入计划", 0: "未实行"},
    "three_chains": {2: "已完成", 1: "推进中", 0: "未开展"},
}


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
        gaps.append(f"“三会一课”缺 {n('three_one_missing')} 次")
    if n("members_without_deed"):
        gaps.append(f"{n('members_without_deed')} 名党员未办实事")
    if n("members_short_of_service"):
        gaps.append(f"{n('members_short_of_service')} 名党员服务不足2次")
    if not n("problems_solved"):
        gaps.append("未解决困难问题")
    if n("pledges_open"):
        gaps.append(f"{n('pledges_open')} 项承诺待兑现")
    if n("members_dues_short"):
        gaps.append(f"{n('members_dues_short')} 名党员党费未按月足额交纳")
    ratio = facts["reserve_cadre_ratio"].value
    if ratio is not None and ratio < 2:
        gaps.append("后备干部未达两委成员的2倍")
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

    def shown(self) -> list[tuple[Decimal | str | None, str]]:
        """Each cell as a page shows it (a status in words), with the fact's source."""
        return [
            (
                GRID_STATUS_WORDS[name].get(int(fact.value), fact.value)
                if name in GRID_STATUS_WORDS and fact.value is not None
                else fact.value,
                fact.source,
            )
            for name, fact in ((name, self.facts[name]) for name, _label in GRID_COLUMNS)
        ]


def facts_grid(branches, year: int, *, today: date | None = None) -> list[GridRow]:
    """Each branch's facts for ``year`` and its gaps, the laggards first; a fixed number of queries."""
    branches = list(branches)
    facts = facts_for_branches([b.pk for b in branches], Period.year(year), today=today)
    rows = [GridRow(b, facts[b.pk], _gaps(facts[b.pk])) for b in branches]
    rows.sort(key=lambda row: (-len(row.gaps), row.branch.name))
    return rows


def secretary_gaps(branch, *, today: date | None = None) -> list[tuple[str, str]]:
    """This year's gaps for a secretary's home page, in plain words, each with where to fill it."""
    today = today or local_today()
    period = Period.year(today.year)
    held = set(
        branch.life_records.filter(kind=LifeKind.THEME_DAY, held_on__year=today.year)
        .annotate(m=ExtractMonth("held_on"))
        .values_list("m", flat=True)
    )
    gaps = []
    life_url = reverse("records:life", args=[branch.pk])
    missing = [m for _y, m in period.due_months(today) if m not in held]
    if missing:
        gaps.append((f"{'、'.join(f'{m}月' for m in missing)}没有主题党日记录", life_url))
    if today.month not in held:
        gaps.append((f"本月（{today.month}月）的主题党日还没有记录", life_url))
    if not branch.life_records.filter(kind=LifeKind.LIFE_MEETING, held_on__year=today.year).exists():
        gaps.append((f"{today.year}年组织生活会还没有召开", life_url))
    deeds_url = reverse("records:deeds", args=[branch.pk])
    without = list(
        branch.members.on_roll(today)
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
    # last month's 党费: the month just over, while the secretary still has it in mind
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    owing = (
        branch.members.filter(joined_on__lte=today.replace(day=1) - timedelta(days=1)).exclude(left_on__lt=last).count()
    )
    entered = DuesPayment.objects.filter(branch=branch, month=last).count()
    if owing and entered < owing:
        gaps.append(
            (
                f"{last.month}月党费还没有登记完（已登记 {entered}/{owing} 名）",
                reverse("records:dues", args=[branch.pk]) + f"?month={last:%Y-%m}",
            )
        )
    open_pledges = branch.pledges.filter(year=today.year, status=PledgeStatus.OPEN).count()
    if open_pledges:
        gaps.append((f"{open_pledges} 项公开承诺还没有标记兑现情况", reverse("records:pledges", args=[branch.pk])))
    return gaps
