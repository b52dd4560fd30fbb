"""Every fact of a set of branches over a period, with a fixed number of aggregate queries."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from branches.models import AnnualFigure, Branch
from common.dates import today as local_today
from records.models import (
    SERVICE_KINDS,
    Appraisal,
    DeedKind,
    LifeKind,
    MemberDeed,
    OrganisationalLife,
    Pledge,
    PledgeStatus,
    SolvedProblem,
)

from .values import MONTHLY_MEETINGS, QUARTERLY_MEETINGS, FactValue, Period, monthly_meetings_due, three_one_rule


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
    today = today or local_today()
    ids = list(branch_ids)
    members, structure = _member_counts(ids, period)
    families = (
        _income_facts(ids, period),
        _membership_facts(members),
        _life_facts(ids, period, today, structure),
        _deed_facts(ids, period, members),
        _problem_facts(ids, period),
        _pledge_facts(ids, period, members),
        _appraisal_facts(ids, period),
    )
    return {
        branch_id: {name: fact for family in families for name, fact in family[branch_id].items()} for branch_id in ids
    }


def _member_counts(ids: list[int], period: Period) -> tuple[dict[int, int], dict[int, tuple]]:
    """How many members each branch has who joined by the end of ``period``, and which of the
    monthly 三会一课 meetings its structure makes due (one query for both)."""
    rows = (
        Branch.objects.filter(pk__in=ids)
        .annotate(n=Count("members", filter=Q(members__joined_on__lte=period.end)))
        .values_list("pk", "n", "has_committee", "party_groups")
    )
    counts, structure = {}, {}
    for branch_id, n, has_committee, party_groups in rows:
        counts[branch_id] = n
        structure[branch_id] = monthly_meetings_due(n, has_committee=has_committee, party_groups=party_groups)
    return {branch_id: counts.get(branch_id, 0) for branch_id in ids}, structure


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


def _life_facts(ids: list[int], period: Period, today: date, structure: dict[int, tuple]) -> BranchFacts:
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
        monthly = structure.get(branch_id, MONTHLY_MEETINGS)
        three_one_missing = sum(1 for kind in monthly for ym in due if ym not in months.get(kind, set())) + sum(
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
                f"（{three_one_rule(monthly)}）",
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
