"""Reads for frameworks and sheets."""

from decimal import Decimal

from .models import Framework, ScoreSheet
from .spec import CapRule, FrameworkSpec, GradeRule, ItemSpec, SectionSpec, StarRule


def framework_spec(framework: Framework) -> FrameworkSpec:
    """The framework as plain data for the engine and the exporters (two queries)."""
    sections = list(framework.sections.all())
    items_by_section: dict[int, list[ItemSpec]] = {}
    for item in framework.items.all():
        items_by_section.setdefault(item.section_id, []).append(
            ItemSpec(
                code=item.code,
                requirement=item.requirement,
                guidance=item.guidance,
                points=item.points,
                method=item.method,
                evidence=item.evidence,
                step=item.step,
                per_occurrence=item.per_occurrence,
                cap=item.cap,
                veto=item.veto,
                fact=item.fact,
                fact_min=item.fact_min,
                fact_tiers=tuple((Decimal(low), Decimal(points)) for low, points in item.fact_tiers),
            )
        )

    def build(section) -> SectionSpec:
        return SectionSpec(
            code=section.code,
            title=section.title,
            items=tuple(items_by_section.get(section.pk, ())),
            standards=tuple(build(child) for child in sections if child.parent_id == section.pk),
        )

    return FrameworkSpec(
        code=framework.code,
        name=framework.name,
        kind=framework.kind,
        subject=framework.subject,
        description=framework.description,
        source=framework.source,
        grades=tuple(GradeRule(g["label"], Decimal(str(g["min"]))) for g in framework.grades),
        stars=tuple(StarRule(int(s["stars"]), Decimal(str(s["min"]))) for s in framework.stars),
        bonus_cap=framework.bonus_cap,
        caps=tuple(
            CapRule(
                item=c["item"],
                below_ratio=Decimal(str(c["below_ratio"])),
                below_points=Decimal(str(c["below_points"])) if c.get("below_points") is not None else None,
                max_stars=c.get("max_stars"),
                max_grade=c.get("max_grade"),
                text=c.get("text", ""),
            )
            for c in framework.caps
        ),
        aspects=tuple(build(s) for s in sections if s.parent_id is None),
    )


def framework_list(user):
    """Latest version of every framework the user can see, with its version count."""
    from django.db.models import Count, OuterRef, Subquery

    versions = (
        Framework.objects.filter(code=OuterRef("code")).order_by().values("code").annotate(n=Count("pk")).values("n")
    )
    sheet_counts = (
        ScoreSheet.objects.filter(framework__code=OuterRef("code"))
        .order_by()
        .values("framework__code")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Framework.objects.visible_to(user)
        .latest_versions()
        .select_related("county", "township")
        .annotate(version_count=Subquery(versions), sheet_count=Subquery(sheet_counts))
        .order_by("kind", "code")
    )


def sheet_list(user):
    """Sheets the user can see, with everything the list shows (constant queries)."""
    return (
        ScoreSheet.objects.visible_to(user)
        .select_related("framework", "branch__township", "member", "updated_by")
        .order_by("-year", "-updated_at")
    )
