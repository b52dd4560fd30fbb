"""Fact families that apps on higher floors offer: scoring may not import them, so they
register here from their ``AppConfig.ready`` (``inspections`` registers the problem ledger's
and the rankings' facts) and ``facts_for_branches`` asks each of them in turn.

A family takes the branch ids, the period and today, and returns every branch's facts of
that family in a fixed number of queries whatever the number of branches."""

from collections.abc import Callable
from datetime import date

from .values import BranchFacts, Period

FactFamily = Callable[[list[int], Period, date], BranchFacts]

_families: dict[str, FactFamily] = {}


def register_fact_family(name: str, family: FactFamily) -> None:
    """Offer ``family`` under ``name``; registering the same name again replaces it (``ready`` may run twice)."""
    _families[name] = family


def registered_families() -> list[FactFamily]:
    return list(_families.values())
