"""Facts from the registers behind the counted targets (``records``): 发展党员纪实, 后备干部,
党费 and the village's year (“一肩挑”, “三链建设”, 两委 cadres, 村级组织运转经费). Four queries for
any number of branches."""

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q

from branches.models import Branch, Member
from records.models import BranchYear, OneShoulder, ReserveCadre, ThreeChains

from .values import BranchFacts, FactValue, Period, fmt

ONE_SHOULDER_VALUES = {OneShoulder.DONE: 2, OneShoulder.PLANNED: 1, OneShoulder.NOT: 0}
THREE_CHAINS_VALUES = {ThreeChains.DONE: 2, ThreeChains.UNDER_WAY: 1, ThreeChains.NOT: 0}


def _recruit_counts(ids: list[int], period: Period) -> dict[int, dict]:
    """Per branch, in one query: those cultivated as 入党积极分子 in the period (an activist at some
    time in it), those admitted as 预备党员 in it (发展党员), and each stage's people at its end."""
    start, end = period.start, period.end
    activist_in_period = Q(recruits__activist_on__lte=end) & (
        Q(recruits__prospect_on__isnull=True) | Q(recruits__prospect_on__gte=start)
    )

    def at_end(field: str, next_field: str | None) -> Q:
        reached = Q(**{f"recruits__{field}__lte": end})
        if next_field is None:
            return reached
        return reached & (Q(**{f"recruits__{next_field}__isnull": True}) | Q(**{f"recruits__{next_field}__gt": end}))

    rows = (
        Branch.objects.filter(pk__in=ids)
        .annotate(
            activists=Count("recruits", filter=activist_in_period),
            developed=Count("recruits", filter=Q(recruits__probationary_on__range=(start, end))),
            # 示范点 3.1: 发展党员（或确定发展对象）— a person counted once, whichever step came in the period
            advanced=Count(
                "recruits",
                filter=Q(recruits__probationary_on__range=(start, end)) | Q(recruits__prospect_on__range=(start, end)),
            ),
            applicants_now=Count("recruits", filter=at_end("applied_on", "activist_on")),
            activists_now=Count("recruits", filter=at_end("activist_on", "prospect_on")),
            prospects_now=Count("recruits", filter=at_end("prospect_on", "probationary_on")),
            probationary_now=Count("recruits", filter=at_end("probationary_on", "full_on")),
        )
        .values(
            "pk",
            "activists",
            "developed",
            "advanced",
            "applicants_now",
            "activists_now",
            "prospects_now",
            "probationary_now",
        )
    )
    return {row.pop("pk"): row for row in rows}


def _reserve_counts(ids: list[int], period: Period) -> dict[int, int]:
    """Reserve cadres in each branch's pool at the period's end, in one query."""
    in_pool = Q(added_on__lte=period.end) & (Q(removed_on__isnull=True) | Q(removed_on__gt=period.end))
    return dict(
        ReserveCadre.objects.filter(in_pool, branch_id__in=ids)
        .values("branch_id")
        .annotate(n=Count("pk"))
        .values_list("branch_id", "n")
    )


def _month_first(y: int, m: int) -> date:
    return date(y, m, 1)


def _dues_short(ids: list[int], period: Period, today: date) -> dict[int, tuple[int, int]]:
    """Per branch: (members who owed 党费 in a month of the period that is over, those among them
    short in some such month — no payment recorded, or less paid than due). One query: each
    member's months paid in full; the months owed follow from when they joined and left."""
    months = period.due_months(today)
    if not months:
        return {}
    first, last = _month_first(*months[0]), _month_first(*months[-1])
    last_end = date(months[-1][0], months[-1][1], calendar.monthrange(*months[-1])[1])
    rows = (
        Member.objects.filter(branch_id__in=ids, joined_on__lte=last_end)
        .exclude(left_on__lt=first)
        .annotate(
            full=Count(
                "dues",
                filter=Q(dues__month__range=(first, last)) & Q(dues__paid__gte=F("dues__due")),
            )
        )
        .values_list("branch_id", "joined_on", "left_on", "full")
    )
    result: dict[int, tuple[int, int]] = {}
    for branch_id, joined_on, left_on, full in rows:
        owed = sum(
            1
            for y, m in months
            if joined_on <= date(y, m, calendar.monthrange(y, m)[1]) and (left_on is None or left_on >= date(y, m, 1))
        )
        if not owed:
            continue
        members, short = result.get(branch_id, (0, 0))
        result[branch_id] = (members + 1, short + (1 if full < owed else 0))
    return result


def _ratio(part: int, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _status(record: BranchYear | None, year: int, field: str, values: dict) -> FactValue:
    """A status of the village's year as its number (the framework's tiers read it)."""
    value = getattr(record, field, "") if record else ""
    label = BranchYear._meta.get_field(field).verbose_name
    shown = getattr(record, f"get_{field}_display")() if value else "尚未填报"
    return FactValue(Decimal(values[value]) if value else None, f"村级组织年度情况：{year}年{label}：{shown}")


def _amount(record: BranchYear | None, year: int, field: str) -> FactValue:
    value = getattr(record, field, None) if record else None
    label = BranchYear._meta.get_field(field).verbose_name
    shown = f" {value:,.0f}" if value is not None else "尚未填报"
    return FactValue(value, f"村级组织年度情况：{year}年{label}{shown}")


def _with(fact: FactValue, beside: FactValue) -> FactValue:
    return FactValue(fact.value, f"{fact.source}；{beside.source.split('：', 1)[1]}")


def register_facts(ids: list[int], period: Period, today: date) -> BranchFacts:
    """Every register fact of each branch over ``period`` (its year for the village's year)."""
    year = period.end.year
    recruits = _recruit_counts(ids, period)
    reserves = _reserve_counts(ids, period)
    years = {row.branch_id: row for row in BranchYear.objects.filter(branch_id__in=ids, year=year)}
    dues = _dues_short(ids, period, today)
    due_months = period.due_months(today)
    result = {}
    for branch_id in ids:
        r = recruits.get(branch_id) or dict.fromkeys(
            (
                "activists",
                "developed",
                "advanced",
                "applicants_now",
                "activists_now",
                "prospects_now",
                "probationary_now",
            ),
            0,
        )
        record = years.get(branch_id)
        cadres = record.cadres if record else None
        pool = reserves.get(branch_id, 0)
        ratio = _ratio(pool, cadres)
        owed, short = dues.get(branch_id, (0, 0))

        pipeline = (
            f"发展党员纪实：{period.label}末 入党申请人 {r['applicants_now']} 人、入党积极分子 {r['activists_now']} 人、"
            f"发展对象 {r['prospects_now']} 人、预备党员 {r['probationary_now']} 人"
        )
        result[branch_id] = {
            "activists_cultivated": FactValue(
                Decimal(r["activists"]), f"发展党员纪实：{period.label}培养入党积极分子 {r['activists']} 名"
            ),
            "members_developed": FactValue(
                Decimal(r["developed"]), f"发展党员纪实：{period.label}接收预备党员 {r['developed']} 名"
            ),
            "prospects": FactValue(Decimal(r["prospects_now"]), pipeline),
            "developed_or_prospects": FactValue(
                Decimal(r["advanced"]),
                f"发展党员纪实：{period.label}接收预备党员或确定发展对象 {r['advanced']} 名",
            ),
            # 示范点 3.4 村干部一职一备: each post of the 两委 without a reserve in the pool
            "reserve_posts_uncovered": FactValue(
                Decimal(max(0, cadres - pool)) if cadres is not None else None,
                f"村“两委”成员 {cadres} 人，后备干部库 {pool} 人，缺后备人选 {max(0, cadres - pool)} 名"
                if cadres is not None
                else f"村级组织年度情况：{year}年村“两委”成员人数尚未填报",
            ),
            "reserve_cadres": FactValue(Decimal(pool), f"后备干部库：{period.label}末在库 {pool} 人"),
            "reserve_cadre_ratio": FactValue(
                ratio,
                f"后备干部库 {pool} 人 ÷ 村“两委”成员 {cadres} 人 = {fmt(ratio)}（1:2 即 2）"
                if ratio is not None
                else f"后备干部库 {pool} 人；村级组织年度情况：{year}年村“两委”成员人数尚未填报",
            ),
            "members_dues_short": FactValue(
                Decimal(short) if due_months else None,
                f"党费收缴台账：{period.label}已过的 {len(due_months)} 个月中，应交党费的党员 {owed} 名，"
                f"未按月足额交纳 {short} 名"
                if due_months
                else f"党费收缴台账：{period.label}尚无已过的月份",
            ),
            "one_shoulder": _status(record, year, "one_shoulder", ONE_SHOULDER_VALUES),
            "three_chains": _status(record, year, "three_chains", THREE_CHAINS_VALUES),
            "office_funds": _amount(record, year, "office_funds"),
            # 6.1.2 asks for both pays; the item reads 村干部报酬, the source shows the 组干部's beside it
            "cadre_pay": _with(_amount(record, year, "cadre_pay"), _amount(record, year, "group_cadre_pay")),
            "group_cadre_pay": _amount(record, year, "group_cadre_pay"),
        }
    return result


def register_links(branch, period: Period, three_chains_ledger: list) -> dict:
    """The register pages behind each register fact of ``branch`` (they count as the items' evidence):
    the 发展党员 people of the period, the pool, the 党费 of the period's last month, the village's year."""
    from django.urls import reverse

    from .values import RecordLink

    year = period.end.year
    recruits_url = reverse("records:recruits", args=[branch.pk])
    recruits = [
        RecordLink(f"{r.name}：{'，'.join(f'{label} {on:%Y-%m-%d}' for label, on in r.steps())}", recruits_url)
        # the people on the way during the period: applied by its end, not full members before it
        for r in branch.recruits.filter(
            Q(full_on__isnull=True) | Q(full_on__gte=period.start), applied_on__lte=period.end
        ).order_by("applied_on", "pk")
    ]
    in_pool = Q(added_on__lte=period.end) & (Q(removed_on__isnull=True) | Q(removed_on__gt=period.end))
    reserves = [
        RecordLink(f"后备干部 {c.name}（{c.added_on:%Y-%m-%d}入库）", reverse("records:reserves", args=[branch.pk]))
        for c in branch.reserve_cadres.filter(in_pool).order_by("added_on", "pk")
    ]
    year_link = [RecordLink(f"{year}年村级组织年度情况", reverse("records:year", args=[branch.pk]) + f"?year={year}")]
    dues_link = [
        RecordLink(
            f"{period.label}党费收缴台账", reverse("records:dues", args=[branch.pk]) + f"?month={period.end:%Y-%m}"
        )
    ]
    return {
        "activists_cultivated": recruits,
        "members_developed": recruits,
        "prospects": recruits,
        "reserve_cadres": reserves,
        "reserve_cadre_ratio": reserves + year_link,
        "members_dues_short": dues_link,
        "one_shoulder": year_link,
        "three_chains": year_link + three_chains_ledger,
        "office_funds": year_link,
        "cadre_pay": year_link,
        "group_cadre_pay": year_link,
    }
