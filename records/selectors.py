from decimal import Decimal

from django.db.models import Count, F

from records.models import DeedKind, MemberDeed, PointsRule


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
