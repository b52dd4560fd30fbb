"""Facts from the organisational life records beyond 三会一课: the activities a branch keeps dated
records of (talks, reports, disclosures, clean-ups), how complete its meeting records are
(“三定三有”) and how many members attend, and the composite count of organisational-life
shortfalls the 五抓五提升 sheet deducts for."""

from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import ExtractMonth, ExtractYear

from records.models import ATTENDANCE_KINDS, DISCLOSURE_KINDS, LifeKind, OrganisationalLife

from .values import BranchFacts, FactValue, Period, fmt, percent

# branch → kind → the (year, month)s it was held in; branch → kind → how many records
LifeRows = tuple[dict[int, dict[str, set]], dict[int, dict[str, int]]]

# activities counted by their number of records in the period: fact name → kind, what it is
COUNTED_KINDS = {
    "member_appraisals": (LifeKind.MEMBER_APPRAISAL, "开展民主评议党员"),
    "heart_to_heart_talks": (LifeKind.HEART_TO_HEART_TALK, "开展谈心谈话"),
    "work_reports": (LifeKind.WORK_REPORT, "向党员群众报告工作"),
    "dual_reviews": (LifeKind.DUAL_REVIEW, "开展“双述双评”述职评议"),
    "one_matter_discussions": (LifeKind.ONE_MATTER_DISCUSSION, "按“一事一议”议事"),
    "relay_studies": (LifeKind.RELAY_STUDY, "传达学习上级决策部署"),
}
# the forms of members' education (标准化 5.4.1: 轮训培训、理论宣讲、生活锻炼等) and the winter training
EDUCATION_KINDS = (LifeKind.CENTRAL_TRAINING, LifeKind.THEORY_TALK, LifeKind.WINTER_TRAINING, LifeKind.SKILLS_TRAINING)
WINTER_KINDS = (LifeKind.WINTER_TRAINING, LifeKind.SKILLS_TRAINING)


def life_rows(ids: list[int], period: Period) -> LifeRows:
    """Every kind of record of each branch by month, in one query."""
    months: dict[int, dict[str, set]] = {}
    counts: dict[int, dict[str, int]] = {}
    for row in (
        OrganisationalLife.objects.filter(branch_id__in=ids, held_on__range=(period.start, period.end))
        .annotate(y=ExtractYear("held_on"), m=ExtractMonth("held_on"))
        .values("branch_id", "kind", "y", "m")
        .annotate(n=Count("pk"))
    ):
        months.setdefault(row["branch_id"], {}).setdefault(row["kind"], set()).add((row["y"], row["m"]))
        by_kind = counts.setdefault(row["branch_id"], {})
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["n"]
    return months, counts


def _quarters(months: set) -> set:
    return {(y, (m - 1) // 3 + 1) for y, m in months}


def _quarter_names(quarters) -> str:
    return "、".join(f"第{q}季度" for _y, q in quarters)


def activity_facts(ids: list[int], period: Period, today: date, life: LifeRows) -> BranchFacts:
    """Counted activities, the months without a clean-up and the quarters without each disclosure
    (a month or quarter still under way is not yet missed), from the rows ``life_rows`` read."""
    months, counts = life
    due_months, due_quarters = period.due_months(today), period.due_quarters(today)
    result = {}
    for branch_id in ids:
        held, n = months.get(branch_id, {}), counts.get(branch_id, {})
        facts = {
            name: FactValue(Decimal(n.get(kind, 0)), f"组织生活记录：{period.label}{what} {n.get(kind, 0)} 次")
            for name, (kind, what) in COUNTED_KINDS.items()
        }
        cleanups = held.get(LifeKind.ENVIRONMENT_CLEANUP, set())
        no_cleanup = [m for y, m in due_months if (y, m) not in cleanups]
        facts["environment_cleanups_missing"] = FactValue(
            Decimal(len(no_cleanup)),
            f"活动记录：{period.label}开展环境卫生集中整治 {n.get(LifeKind.ENVIRONMENT_CLEANUP, 0)} 次，"
            + (f"{'、'.join(f'{m}月' for m in no_cleanup)}没有" if no_cleanup else "已过的每个月都有"),
        )
        facts.update(_disclosure_facts(held, due_quarters, period))
        facts.update(_education_facts(n, period))
        result[branch_id] = facts
    return result


def _education_facts(n: dict[str, int], period: Period) -> dict[str, FactValue]:
    """How many forms of members' education were held, and the winter training (with practical skills)."""
    forms = [kind for kind in EDUCATION_KINDS if n.get(kind)]
    winter = bool(n.get(LifeKind.WINTER_TRAINING))
    skills = winter and bool(n.get(LifeKind.SKILLS_TRAINING))
    return {
        "education_forms": FactValue(
            Decimal(len(forms)),
            f"组织生活记录：{period.label}党员教育形式 {len(forms)} 种"
            + (f"（{'、'.join(LifeKind(kind).label for kind in forms)}）" if forms else ""),
        ),
        "winter_training": FactValue(
            Decimal(int(winter) + int(skills)),
            f"组织生活记录：{period.label}"
            + (
                "组织了党员冬训" + ("，含实用技能培训" if skills else "，未见实用技能培训记录")
                if winter
                else "未见党员冬训记录"
            ),
        ),
    }


def _disclosure_facts(held: dict[str, set], due_quarters: list, period: Period) -> dict[str, FactValue]:
    """党务、村务、财务公开: each quarter that is over wants one of each."""
    missing = {
        kind: [q for q in due_quarters if q not in _quarters(held.get(kind, set()))] for kind in DISCLOSURE_KINDS
    }
    total = sum(len(quarters) for quarters in missing.values())
    detail = "；".join(
        f"{LifeKind(kind).label}缺{_quarter_names(quarters)}" for kind, quarters in missing.items() if quarters
    )
    affairs = (LifeKind.PARTY_AFFAIRS_DISCLOSURE, LifeKind.VILLAGE_AFFAIRS_DISCLOSURE)
    short_quarters = [q for q in due_quarters if any(q in missing[kind] for kind in affairs)]
    return {
        "disclosures_missing": FactValue(
            Decimal(total),
            f"公开记录：{period.label}已过 {len(due_quarters)} 个季度，党务、村务、财务公开应各1次，"
            + (f"缺 {total} 次（{detail}）" if total else "均已公开"),
        ),
        "affairs_disclosures_missing": FactValue(
            Decimal(len(short_quarters)),
            f"公开记录：{period.label}已过 {len(due_quarters)} 个季度，"
            + (
                f"{_quarter_names(short_quarters)}未同时开展党务、村务公开"
                if short_quarters
                else "每季度都开展了党务、村务公开"
            ),
        ),
    }


def record_quality_facts(ids: list[int], period: Period) -> BranchFacts:
    """“三定三有” and attendance of the meetings proper (``ATTENDANCE_KINDS``), in one query: a record
    has its time and topic by construction; it may lack its attendees (定人员), its minutes (有记录、
    有讨论) or its photos (有图像)."""
    records: dict[int, list[tuple[int, int, int, bool]]] = {}
    for branch_id, present, away, photos, has_minutes in (
        OrganisationalLife.objects.filter(
            branch_id__in=ids, held_on__range=(period.start, period.end), kind__in=ATTENDANCE_KINDS
        )
        .annotate(
            present=Count("attendees", distinct=True),
            away=Count("absences", distinct=True),
            photo_count=Count("photos", distinct=True),
            has_minutes=ExpressionWrapper(~Q(minutes=""), output_field=BooleanField()),
        )
        .values_list("branch_id", "present", "away", "photo_count", "has_minutes")
    ):
        records.setdefault(branch_id, []).append((present, away, photos, bool(has_minutes)))
    return {branch_id: _quality(records.get(branch_id, []), period) for branch_id in ids}


def _quality(records: list[tuple[int, int, int, bool]], period: Period) -> dict[str, FactValue]:
    no_people = sum(1 for present, _away, _photos, _minutes in records if not present)
    no_minutes = sum(1 for *_rest, has_minutes in records if not has_minutes)
    no_photos = sum(1 for _present, _away, photos, _minutes in records if not photos)
    incomplete = sum(1 for present, _away, photos, minutes in records if not (present and photos and minutes))
    present = sum(r[0] for r in records)
    due = present + sum(r[1] for r in records)
    rate = percent(present, due)
    gaps = f"未记参加人员 {no_people} 次、无会议记录 {no_minutes} 次、无照片 {no_photos} 次"
    return {
        "life_records_incomplete": FactValue(
            Decimal(incomplete),
            f"组织生活记录：{period.label}会议和主题党日记录 {len(records)} 次，其中 {incomplete} 次"
            f"“三定三有”不全（{gaps}）",
        ),
        "life_record_gaps": FactValue(
            Decimal(no_people + no_minutes + no_photos),
            f"组织生活记录：{period.label}会议和主题党日记录 {len(records)} 次，“三定三有”缺项 "
            f"{no_people + no_minutes + no_photos} 项（{gaps}）",
        ),
        "attendance_rate": FactValue(
            rate,
            f"组织生活记录：{period.label}会议和主题党日应到 {due} 人次、实到 {present} 人次，参与率 {fmt(rate)}%"
            if records
            else f"组织生活记录：{period.label}没有会议和主题党日记录",
        ),
    }


def org_life_shortfalls(facts: dict[str, FactValue], period: Period) -> dict[str, FactValue]:
    """The organisational-life shortfalls the records show, one by one: 三会一课 and theme days not
    held, no life meeting, no 民主评议党员, and each quarter ranked in the bottom three (where the
    rankings' family is registered)."""

    def n(name: str) -> int:
        fact = facts.get(name)
        return int(fact.value) if fact is not None and fact.value is not None else 0

    parts = [
        ("“三会一课”缺开", n("three_one_missing")),
        ("主题党日缺开", n("theme_days_missing")),
        ("未召开组织生活会", 0 if n("life_meetings") else 1),
        ("未开展民主评议党员", 0 if n("member_appraisals") else 1),
    ]
    if "ranked_bottom_three" in facts:
        parts.append(("季度督查排名后3位", n("ranked_bottom_three")))
    total = sum(count for _label, count in parts)
    detail = "、".join(
        f"{label} {count} 次" if count > 1 or "缺开" in label else label for label, count in parts if count
    )
    return {
        "org_life_shortfalls": FactValue(
            Decimal(total),
            f"组织生活记录：{period.label}" + (f"共 {total} 次（{detail}）" if total else "未见缺开、漏开或被通报"),
        )
    }
