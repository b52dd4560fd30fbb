"""Facts from the branch's standing documents (``records.BranchDocument``, 台账资料): which of the
plans, rules, lists and ledgers a standard asks for are kept for the year. One query for any
number of branches; each fact counts the documents of its group on record, or those missing."""

from decimal import Decimal

from django.urls import reverse

from records.models import BranchDocument
from records.models import DocumentKind as K

from .values import BranchFacts, FactValue, Period, RecordLink

# fact name → the kinds it looks for, and whether it counts those kept or those missing
DOCUMENT_FACTS: dict[str, tuple[tuple[str, ...], bool]] = {
    # 五好
    "economy_plans": ((K.ECONOMY_PLAN, K.ECONOMY_FIVE_YEAR), False),
    "idle_assets_ledger": ((K.IDLE_ASSETS,), False),
    "sanitation_docs_missing": ((K.SANITATION_RULES, K.CLEANERS, K.SANITATION_DUTIES), True),
    "grid_docs": ((K.GRID_MAP, K.GRID_STAFF, K.GRID_SERVICE), False),
    "petty_power_docs": ((K.PETTY_POWER_LIST, K.VILLAGER_COUNCIL), False),
    "left_behind_docs_missing": ((K.LEFT_BEHIND_LEDGER, K.LEFT_BEHIND_PAIRS, K.LEFT_BEHIND_VISITS), True),
    # 标准化
    "study_docs": ((K.STUDY_PLAN, K.STUDY_RECORDS), False),
    "look_back_record": ((K.LOOK_BACK,), False),
    "education_docs": ((K.TWO_STUDIES_PLAN, K.THEME_EDUCATION), False),
    "development_plans": ((K.DEVELOPMENT_PLAN, K.POVERTY_PLAN, K.ASSISTANCE_MEASURES), False),
    "supervision_docs": ((K.SUPERVISION_DUTIES, K.SUPERVISION_RECORDS), False),
    "three_chains_ledger": ((K.THREE_CHAINS,), False),
    "wechat_group": ((K.WECHAT_GROUP,), False),
    "on_duty_docs": ((K.ON_DUTY_ROTA, K.ON_DUTY_REGISTER), False),
    "cadre_measures": (
        (K.CADRE_TRAINING, K.CADRE_SELECTION, K.CADRE_SUPERVISION, K.CADRE_APPRAISAL, K.CADRE_INCENTIVES),
        False,
    ),
    "leading_group": ((K.LEADING_GROUP,), False),
    "promotion_plan": ((K.PROMOTION_PLAN,), False),
    "venue_rules": ((K.VENUE_RULES,), False),
}


def _names(kinds) -> str:
    return "、".join(K(kind).label for kind in kinds)


def document_facts(ids: list[int], period: Period) -> BranchFacts:
    """Each document fact of each branch for the period's year, in one query."""
    year = period.end.year
    kept: dict[int, set] = {}
    for branch_id, kind in BranchDocument.objects.filter(branch_id__in=ids, year=year).values_list("branch_id", "kind"):
        kept.setdefault(branch_id, set()).add(kind)
    result = {}
    for branch_id in ids:
        on_record = kept.get(branch_id, set())
        facts = {}
        for name, (kinds, count_missing) in DOCUMENT_FACTS.items():
            have = [kind for kind in kinds if kind in on_record]
            lack = [kind for kind in kinds if kind not in on_record]
            source = (
                f"台账资料：{year}年"
                + (f"已保存{_names(have)}" if have else "")
                + (f"{'；' if have else ''}未保存{_names(lack)}" if lack else "")
            )
            facts[name] = FactValue(Decimal(len(lack) if count_missing else len(have)), source)
        result[branch_id] = facts
    return result


def document_links(branch, period: Period) -> dict[str, list[RecordLink]]:
    """The documents behind each document fact of ``branch``, each linked to where it is kept."""
    url = reverse("records:documents", args=[branch.pk]) + f"?year={period.end.year}"
    by_kind: dict[str, list[RecordLink]] = {}
    for document in BranchDocument.objects.filter(branch=branch, year=period.end.year).prefetch_related("photos"):
        by_kind.setdefault(document.kind, []).append(
            RecordLink(
                f"{document.get_kind_display()}{('：' + document.title) if document.title else ''}",
                f"{url}#document-{document.kind}-{document.pk}",
                list(document.photos.all()),
            )
        )
    return {
        name: [link for kind in kinds for link in by_kind.get(kind, [])]
        for name, (kinds, _missing) in DOCUMENT_FACTS.items()
    }
