"""Every fact of a set of branches over a period, with a fixed number of aggregate queries."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear

from branches.models import AnnualFigure, Branch, Post, on_roll
from common.dates import today as local_today
from records.models import (
    SERVICE_KINDS,
    Appraisal,
    DeedKind,
    LifeKind,
    MemberDeed,
    Pledge,
    PledgeStatus,
    PointsRule,
    SolvedProblem,
)

from .activities import LifeRows, activity_facts, life_rows, org_life_shortfalls, record_quality_facts
from .documents import document_facts
from .registers import register_facts
from .registry import registered_families
from .values import (
    COMMITTEE_FROM_MEMBERS,
    MONTHLY_MEETINGS,
    QUARTERLY_MEETINGS,
    BranchFacts,
    FactValue,
    Period,
    fmt,
    monthly_meetings_due,
    percent,
    three_one_rule,
)

COMMITTEE_POSTS = (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.COMMITTEE_MEMBER)
COMMITTEE_MIN = 3  # 支委会 members, the secretary among them
YOUNG_AGE = 35  # 年轻党员: 35 or younger when joining


# One function a fact family: each runs one aggregate query for all the branches (or reads the
# rows another family fetched) and returns every branch's facts of that family;
# ``facts_for_branches`` gathers them, then the families apps above scoring registered.


def facts_for_branches(branch_ids, period: Period, *, today: date | None = None) -> BranchFacts:
    """Every fact of each branch in ``branch_ids`` over ``period``, in ten queries (and one or two
    more for each registered family) whatever their number."""
    today = today or local_today()
    ids = list(branch_ids)
    rows = _branch_rows(ids, period)
    members = {branch_id: row["n"] for branch_id, row in rows.items()}
    structure = {
        branch_id: monthly_meetings_due(row["n"], has_committee=row["has_committee"], party_groups=row["party_groups"])
        for branch_id, row in rows.items()
    }
    life = life_rows(ids, period)
    deeds = _confirmed_deeds(ids, period)
    pledges = _pledge_rows(ids, period.end.year)
    families = (
        _income_facts(ids, period),
        _membership_facts(rows, period),
        _life_facts(ids, period, today, structure, life),
        activity_facts(ids, period, today, life),
        record_quality_facts(ids, period),
        _deed_facts(ids, period, members, deeds),
        _problem_facts(ids, period),
        _pledge_facts(ids, period, members, pledges),
        _engagement_facts(ids, period, members, deeds, pledges),
        _points_facts(ids, period, members, deeds),
        _appraisal_facts(ids, period),
        document_facts(ids, period),
        register_facts(ids, period, today),
        *(family(ids, period, today) for family in registered_families()),
    )
    facts = {
        branch_id: {name: fact for family in families for name, fact in family[branch_id].items()} for branch_id in ids
    }
    for branch_facts in facts.values():
        branch_facts.update(org_life_shortfalls(branch_facts, period))
    return facts


def _branch_rows(ids: list[int], period: Period) -> dict[int, dict]:
    """Per branch, in one query: its members by the end of ``period``, its structure (which of the
    monthly 三会一课 meetings are due), the posts of its committee and the members who joined in the period."""
    by_end = on_roll(period.end, "members__")  # on the roll at the period's end: joined, not left
    joined = Q(members__joined_on__range=(period.start, period.end))
    rows = (
        Branch.objects.filter(pk__in=ids)
        .annotate(
            n=Count("members", filter=by_end),
            secretaries=Count("members", filter=by_end & Q(members__post=Post.SECRETARY)),
            committee=Count("members", filter=by_end & Q(members__post__in=COMMITTEE_POSTS)),
            joined=Count("members", filter=joined),
            # 35 or younger in the year they joined
            young=Count(
                "members", filter=joined & Q(members__birth_year__gte=ExtractYear("members__joined_on") - YOUNG_AGE)
            ),
        )
        .values("pk", "n", "has_committee", "party_groups", "secretaries", "committee", "joined", "young")
    )
    found = {row["pk"]: row for row in rows}
    empty = {"n": 0, "has_committee": None, "party_groups": None, "secretaries": 0, "committee": 0, "joined": 0}
    return {branch_id: found.get(branch_id, empty | {"young": 0}) for branch_id in ids}


def committee_vacancies(row: dict) -> tuple[int, str]:
    """Posts short in the branch's committee, and the rule counted against: a branch with a committee
    (recorded, else 7 members or more) has a secretary and at least 3 members in all; one without, a secretary."""
    has_committee = row["has_committee"] if row["has_committee"] is not None else row["n"] >= COMMITTEE_FROM_MEMBERS
    no_secretary = 0 if row["secretaries"] else 1
    if not has_committee:
        return no_secretary, "未设支委会，应设书记1名"
    return max(no_secretary, COMMITTEE_MIN - row["committee"]), f"支委会应有书记在内委员至少{COMMITTEE_MIN}名"


def _membership_facts(rows: dict[int, dict], period: Period) -> BranchFacts:
    result = {}
    for branch_id, row in rows.items():
        vacancies, rule = committee_vacancies(row)
        result[branch_id] = {
            "member_count": FactValue(Decimal(row["n"]), f"党员名册：现有党员 {row['n']} 名"),
            "committee_vacancies": FactValue(
                Decimal(vacancies),
                f"党员名册：书记 {row['secretaries']} 名、支委会成员（含书记、副书记）{row['committee']} 名，"
                f"缺额 {vacancies} 名（{rule}）",
            ),
            "members_joined": FactValue(Decimal(row["joined"]), f"党员名册：{period.label}入党 {row['joined']} 名"),
            "young_members_joined": FactValue(
                Decimal(row["young"]),
                f"党员名册：{period.label}入党 {row['joined']} 名，其中入党时{YOUNG_AGE}岁及以下 {row['young']} 名",
            ),
        }
    return result


def _income_facts(ids: list[int], period: Period) -> BranchFacts:
    """The village collective's income in the period's year, and its change from the year before,
    from the current yearly figures (one query for both years)."""
    year = period.end.year
    figures = {
        (f.branch_id, f.year): f.collective_income
        for f in AnnualFigure.objects.current().filter(branch_id__in=ids, year__in=(year - 1, year))
    }
    result = {}
    for branch_id in ids:
        income, last = figures.get((branch_id, year)), figures.get((branch_id, year - 1))
        reported = f"年度数据：{year}年村集体经济收入 {income:,.0f} 元" if income is not None else ""
        if income is None:
            change_source = f"年度数据：{year}年村集体经济收入尚未填报"
        elif last is None:
            change_source = f"{reported}；{year - 1}年尚未填报，无法比较"
        else:
            change_source = f"{reported}，{year - 1}年 {last:,.0f} 元，" + (
                f"增加 {income - last:,.0f} 元"
                if income > last
                else (f"减少 {last - income:,.0f} 元" if income < last else "持平")
            )
        # 稳定的集体经济收入 (seed 003): income this year and the year before; the lower of the two
        stable = min(income, last) if income is not None and last is not None else None
        result[branch_id] = {
            "collective_income_stable": FactValue(
                stable,
                f"年度数据：{year - 1}年 {last:,.0f} 元、{year}年 {income:,.0f} 元，取较低的 {stable:,.0f} 元"
                if stable is not None
                else f"年度数据：{year - 1}年或{year}年村集体经济收入尚未填报",
            ),
            "collective_income": FactValue(income, reported or f"年度数据：{year}年村集体经济收入尚未填报"),
            "collective_income_change": FactValue(
                income - last if income is not None and last is not None else None, change_source
            ),
        }
    return result


def _life_facts(
    ids: list[int], period: Period, today: date, structure: dict[int, tuple], life: LifeRows
) -> BranchFacts:
    """Theme days, life meetings and 三会一课 from the organisational life records."""
    life, life_counts = life
    due = period.due_months(today)
    # a quarterly meeting is missed only once its quarter is over
    due_quarters = period.due_quarters(today)
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
                f"组织生活记录：{period.label}“三会一课”按规定应开未开 {three_one_missing} 次"
                f"（{three_one_rule(monthly)}）",
            ),
        }
    return result


# confirmed deeds: branch → member → kind → how many
DeedRows = dict[int, dict[int, dict[str, int]]]


def _confirmed_deeds(ids: list[int], period: Period) -> DeedRows:
    """Confirmed deeds per member and kind; a deed from before the member joined is not a member's deed."""
    deeds: DeedRows = {}
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
    return deeds


def _deed_facts(ids: list[int], period: Period, members: dict[int, int], deeds: DeedRows) -> BranchFacts:
    """Members who did a deed, members who served twice and members who paired with a household,
    from the confirmed deeds."""
    result = {}
    for branch_id in ids:
        member_total = members[branch_id]
        by_member = deeds.get(branch_id, {})
        with_deed = sum(1 for kinds in by_member.values() if kinds.get(DeedKind.DEED, 0) >= 1)
        with_service = sum(1 for kinds in by_member.values() if sum(kinds.get(k, 0) for k in SERVICE_KINDS) >= 2)
        deed_share, service_share = percent(with_deed, member_total), percent(with_service, member_total)
        paired = sum(1 for kinds in by_member.values() if kinds.get(DeedKind.PAIRING, 0) >= 1)
        result[branch_id] = {
            "members_without_pairing": FactValue(
                Decimal(member_total - paired),
                f"一对一帮扶记录：党员 {member_total} 名中 {member_total - paired} 名"
                f"{period.label}尚无已确认的一对一帮扶记录",
            ),
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


# pledges of the year: branch → (status → how many, member → the statuses of their pledges)
PledgeRows = dict[int, tuple[dict[str, int], dict[int, set]]]


def _pledge_rows(ids: list[int], year: int) -> PledgeRows:
    pledges: PledgeRows = {}
    for row in (
        Pledge.objects.filter(branch_id__in=ids, year=year)
        .values("branch_id", "member_id", "status")
        .annotate(n=Count("pk"))
    ):
        counts, by_member = pledges.setdefault(row["branch_id"], ({}, {}))
        counts[row["status"]] = counts.get(row["status"], 0) + row["n"]
        if row["member_id"]:
            by_member.setdefault(row["member_id"], set()).add(row["status"])
    return pledges


def _pledge_facts(ids: list[int], period: Period, members: dict[int, int], pledges: PledgeRows) -> BranchFacts:
    """Pledges kept and open, and members who made none or broke one, in the period's year."""
    year = period.end.year
    result = {}
    for branch_id in ids:
        pledge_counts, members_pledged = pledges.get(branch_id, ({}, {}))
        kept, open_ = pledge_counts.get(PledgeStatus.KEPT, 0), pledge_counts.get(PledgeStatus.OPEN, 0)
        pledge_short = (members[branch_id] - len(members_pledged)) + sum(
            1 for statuses in members_pledged.values() if PledgeStatus.NOT_KEPT in statuses
        )
        pledged = min(members[branch_id], len(members_pledged))
        share = percent(pledged, members[branch_id])
        result[branch_id] = {
            "pledge_share": FactValue(
                share, f"公开承诺：党员 {members[branch_id]} 名中 {pledged} 名作出{year}年承诺，占 {fmt(share)}%"
            ),
            "pledges_kept": FactValue(
                Decimal(kept), f"公开承诺：{year}年承诺 {sum(pledge_counts.values())} 项，已践诺 {kept} 项"
            ),
            "pledges_open": FactValue(Decimal(open_), f"公开承诺：{year}年待兑现 {open_} 项"),
            "members_pledge_short": FactValue(
                Decimal(pledge_short), f"公开承诺：{pledge_short} 名党员{year}年未作承诺或有承诺未兑现"
            ),
        }
    return result


def _engagement_facts(
    ids: list[int], period: Period, members: dict[int, int], deeds: DeedRows, pledges: PledgeRows
) -> BranchFacts:
    """The share of members who pledged (公开承诺, 承诺践诺) in the period's year or have a confirmed deed
    or service in the period: the members the records show taking part. The register does not say who
    is fit to work, so every member counts."""
    result = {}
    for branch_id in ids:
        total = members[branch_id]
        engaged = min(total, len(set(deeds.get(branch_id, {})) | set(pledges.get(branch_id, ({}, {}))[1])))
        share = percent(engaged, total)
        result[branch_id] = {
            "members_engaged_share": FactValue(
                share,
                f"公开承诺和办实事记录：党员 {total} 名中 {engaged} 名{period.label}作出承诺或有已确认的"
                f"办实事、服务记录，占 {fmt(share)}%（名册未记劳动能力，按全体党员计）",
            )
        }
    return result


def _points_facts(ids: list[int], period: Period, members: dict[int, int], deeds: DeedRows) -> BranchFacts:
    """The share of members with points under the township's 党员量化积分 scheme: a confirmed record of a
    kind the scheme gives points for (the points follow every record confirmed, so the ledger is kept up)."""
    scored: dict[int, set] = {}
    for branch_id, kind in PointsRule.objects.filter(township__branches__in=ids, points__gt=0).values_list(
        "township__branches", "kind"
    ):
        scored.setdefault(branch_id, set()).add(kind)
    result = {}
    for branch_id in ids:
        kinds = scored.get(branch_id, set())
        with_points = sum(1 for by_kind in deeds.get(branch_id, {}).values() if kinds & set(by_kind))
        share = percent(with_points, members[branch_id])
        result[branch_id] = {
            "points_share": FactValue(
                share,
                f"党员量化积分：党员 {members[branch_id]} 名中 {with_points} 名{period.label}有积分，占 {fmt(share)}%"
                if kinds
                else "党员量化积分：镇党委尚未设置积分规则",
            )
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
        rate = percent(good, valid)
        result[branch_id] = {
            "satisfaction_rate": FactValue(
                rate,
                f"群众评议：{period.label}有效测评表 {valid} 份，满意和基本满意 {good} 份，满意率 {fmt(rate)}%"
                if appraisal
                else f"群众评议：{period.label}尚未开展群众评议",
            )
        }
    return result
