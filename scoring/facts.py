"""Facts the product already holds that fill score-sheet items, so a
secretary is never asked again for what is on record."""

from dataclasses import dataclass
from decimal import Decimal

from branches.models import AnnualFigure, LifeKind

from .engine import Entry
from .spec import ItemSpec


@dataclass(frozen=True)
class FactValue:
    value: Decimal | None
    source: str


def fact_values(branch, year: int) -> dict[str, FactValue]:
    """Every fact for ``branch`` in ``year``, with where it comes from."""
    figure = AnnualFigure.objects.current().filter(branch=branch, year=year).first()
    members = branch.members.count()
    life = branch.life_records.filter(held_on__year=year)
    theme_months = life.filter(kind=LifeKind.THEME_DAY).dates("held_on", "month").count()
    life_meetings = life.filter(kind=LifeKind.LIFE_MEETING).count()
    return {
        "collective_income": FactValue(
            figure.collective_income if figure else None,
            f"年度数据：{year}年村集体经济收入 {figure.collective_income:,.0f} 元"
            if figure
            else f"年度数据：{year}年村集体经济收入尚未填报",
        ),
        "member_count": FactValue(Decimal(members), f"党员名册：现有党员 {members} 名"),
        "theme_day_months": FactValue(
            Decimal(theme_months), f"组织生活记录：{year}年有 {theme_months} 个月开展了主题党日"
        ),
        "life_meetings": FactValue(Decimal(life_meetings), f"组织生活记录：{year}年召开组织生活会 {life_meetings} 次"),
    }


def prefilled_entry(item: ItemSpec, fact: FactValue | None) -> Entry | None:
    """What the facts say this item's entry is, where they decide it: a met item
    is met at ``fact_min``; a deduction item loses one occurrence per unit short of it."""
    if fact is None or fact.value is None or item.fact_min is None:
        return None
    if item.method == "met":
        return Entry(met=fact.value >= item.fact_min)
    if item.method == "deduction":
        return Entry(occurrences=int(max(Decimal(0), item.fact_min - fact.value)))
    return None
