"""Facts the product already holds that fill score-sheet items, so a
secretary is never asked again for what is on record."""

from dataclasses import dataclass
from decimal import Decimal

from branches.models import AnnualFigure

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
    return {
        "collective_income": FactValue(
            figure.collective_income if figure else None,
            f"年度数据：{year}年村集体经济收入 {figure.collective_income:,.0f} 元"
            if figure
            else f"年度数据：{year}年村集体经济收入尚未填报",
        ),
        "member_count": FactValue(Decimal(members), f"党员名册：现有党员 {members} 名"),
    }


def prefilled_entry(item: ItemSpec, fact: FactValue | None) -> Entry | None:
    """What the facts say this item's entry is, where they decide it."""
    if fact is None or fact.value is None or item.method != "met" or item.fact_min is None:
        return None
    return Entry(met=fact.value >= item.fact_min)
