import calendar
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery

from records.models import DeedKind, DuesPayment, LifeKind, MemberDeed, PointsRule, RecruitStage
from records.services.registers import dues_members


def points_rules(township) -> dict:
    """The township's 党员量化积分 scheme by kind (kinds not configured are absent)."""
    return {rule.kind: rule for rule in PointsRule.objects.filter(township=township)}


def member_points(branch, year: int) -> list[dict]:
    """Each member's points for ``year``: confirmed records only, points per kind
    capped by the township's yearly cap; one aggregate query for the counts."""
    rules = points_rules(branch.township)
    counts: dict[int, dict[str, int]] = {}
    for row in (
        MemberDeed.objects.filter(
            branch=branch, confirmed_at__isnull=False, done_on__year=year, done_on__gte=F("member__joined_on")
        )
        .values("member_id", "kind")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(row["member_id"], {})[row["kind"]] = row["n"]
    rows = []
    for member in branch.members.all():
        kinds = counts.get(member.pk, {})
        total = Decimal(0)
        for kind, n in kinds.items():
            rule = rules.get(kind)
            if rule is not None:
                total += min(rule.points * n, rule.yearly_cap)
        rows.append(
            {
                "member": member,
                "counts": [kinds.get(kind, 0) for kind in DeedKind.values],
                "points": total,
            }
        )
    return rows


CENTS = Decimal("0.01")


def dues_sheet(branch, month: date) -> list:
    """The members who owe 党费 for ``month`` (``dues_members``), each with the month's saved
    amounts (``saved_due``/``saved_paid``, None when not yet recorded) and their latest earlier
    month's (``earlier_due``/``earlier_paid``), which pre-fill the form: one query, whatever the roll."""

    def amount(field, **where):
        rows = DuesPayment.objects.filter(member=OuterRef("pk"), **where)
        return Subquery(rows.order_by("-month").values(field)[:1], output_field=DuesPayment._meta.get_field(field))

    rows = list(
        dues_members(branch, month).annotate(
            saved_due=amount("due", month=month),
            saved_paid=amount("paid", month=month),
            earlier_due=amount("due", month__lt=month),
            earlier_paid=amount("paid", month__lt=month),
        )
    )
    # in yuan and fen as saved (SQLite hands a subquery's decimal back unscaled: 12.5 for 12.50)
    for row in rows:
        for name in ("saved_due", "saved_paid", "earlier_due", "earlier_paid"):
            if getattr(row, name) is not None:
                setattr(row, name, Decimal(getattr(row, name)).quantize(CENTS))
    return rows


def dues_year(branch, year: int, until: date) -> list[dict]:
    """Each month of ``year`` up to ``until``: members owing, rows recorded, rows paid in full. Two queries."""
    recorded = {
        row["month"]: row
        for row in DuesPayment.objects.filter(branch=branch, month__year=year, member__branch=branch)
        .values("month")
        .annotate(recorded=Count("pk"), in_full=Count("pk", filter=Q(paid__gte=F("due"))))
    }
    roll = list(branch.members.values_list("joined_on", "left_on"))
    months = []
    for number in range(1, 13):
        first = date(year, number, 1)
        if first > until:
            break
        last = first.replace(day=calendar.monthrange(year, number)[1])
        owing = sum(1 for joined, left in roll if joined <= last and (left is None or left >= first))
        row = recorded.get(first, {})
        months.append(
            {"month": first, "owing": owing, "recorded": row.get("recorded", 0), "in_full": row.get("in_full", 0)}
        )
    return months


def recruits_by_stage(branch) -> list[tuple]:
    """(stage, its people) for every stage in order, the people by date of reaching it. One query."""
    grouped = {stage: [] for stage in RecruitStage}
    for recruit in branch.recruits.all():
        grouped[recruit.stage].append(recruit)
    for people in grouped.values():
        people.sort(key=lambda r: (r.stage_date, r.pk))
    return list(grouped.items())


def quarter_disclosures(branch, year: int) -> list[dict]:
    """For each quarter of ``year``: the 党务公开 and 村务公开 records held in it (seed 003: 每季度公开)."""
    kinds = (LifeKind.PARTY_AFFAIRS_DISCLOSURE, LifeKind.VILLAGE_AFFAIRS_DISCLOSURE)
    held = list(branch.life_records.filter(held_on__year=year, kind__in=kinds).order_by("held_on"))
    return [
        {
            "quarter": quarter,
            "party": [r for r in held if r.kind == kinds[0] and (r.held_on.month - 1) // 3 + 1 == quarter],
            "village": [r for r in held if r.kind == kinds[1] and (r.held_on.month - 1) // 3 + 1 == quarter],
        }
        for quarter in range(1, 5)
    ]
