"""The rating rules, as pure functions: what each item of a member's rating starts at (the
records, else the standard), how a typed value becomes an engine entry, and the member's total
and stars — always by the scoring engine, never re-implemented here.

A value is one short string per item, read by the item's method: 达标制 ``1`` / ``0``; 分档 the
points (``8``, ``7.5``); 扣分 the number of occurrences (``2``); 否决 ``1`` when triggered."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from common.numbers import plain_int
from scoring.engine import Entry, EntryError, SheetResult, item_points, score
from scoring.facts import FactValue, prefilled_entry
from scoring.spec import FrameworkSpec, ItemSpec

RECORD, STANDARD, ENTERED = "record", "standard", "entered"
ORIGIN_LABELS = {RECORD: "按记录", STANDARD: "按标准", ENTERED: "调整"}
MAX_VALUE_LENGTH = 8  # "99.5", "12": anything longer is not a score (and would overflow a column)
REASON_MAX = 200

ERROR_NOT_A_NUMBER = "请填写数字。"
ERROR_NOT_A_COUNT = "扣分次数应为 0 或正整数。"
ERROR_CHOICE = "请选择。"
ERROR_REASON = "与预填不同，请写明调整理由。"
ERROR_REASON_LONG = f"调整理由不能超过 {REASON_MAX} 字。"


@dataclass(frozen=True)
class Prefill:
    value: str
    source: str
    origin: str  # RECORD or STANDARD


def standard_value(item: ItemSpec) -> str:
    """What an item stands at when nothing on record decides it: met, no deduction, full points, no veto
    (the secretary's statement that the member meets the standard, like the sheets' 一键声明)."""
    if item.method == "met":
        return "1"
    if item.method in ("graded", "bonus"):
        return _number(item.points)
    return "0"  # deduction: no occurrence; veto: not triggered


def entry_value(item: ItemSpec, entry: Entry) -> str:
    if item.method == "met":
        return "1" if entry.met else "0"
    if item.method in ("graded", "bonus"):
        return _number(entry.points)
    if item.method == "deduction":
        return str(entry.occurrences)
    return "1" if entry.veto_triggered else "0"


def prefill(item: ItemSpec, fact: FactValue | None) -> Prefill:
    """The item's starting value: from the member's records where they decide it (its ``fact``),
    else the standard's, saying that nothing on record gives it."""
    entry = prefilled_entry(item, fact) if item.fact else None
    if entry is not None:
        return Prefill(entry_value(item, entry), fact.source, RECORD)
    what = f"“{item.evidence.split('、')[0]}”" if item.evidence else "这一项"
    source = f"本系统没有{what}的记录，按评分标准认定（{describe(item, standard_value(item))}），与实际不符的请调整并写明理由"
    if fact is not None:
        source = f"{fact.source}；{source}"
    return Prefill(standard_value(item), source, STANDARD)


def entry_from(item: ItemSpec, value: str) -> Entry:
    """The engine entry a typed value stands for; raises EntryError for what cannot be one
    (the range and the step are the engine's to check, by ``item_points``)."""
    value = (value or "").strip()
    if item.method in ("met", "veto"):
        if value not in ("0", "1"):
            raise EntryError(item.code, ERROR_CHOICE)
        return Entry(met=value == "1") if item.method == "met" else Entry(veto_triggered=value == "1")
    if len(value) > MAX_VALUE_LENGTH:
        raise EntryError(item.code, ERROR_NOT_A_NUMBER if item.method != "deduction" else ERROR_NOT_A_COUNT)
    if item.method == "deduction":
        if plain_int(value) is None:
            raise EntryError(item.code, ERROR_NOT_A_COUNT)
        return Entry(occurrences=plain_int(value))
    try:
        points = Decimal(value)
    except InvalidOperation:
        raise EntryError(item.code, ERROR_NOT_A_NUMBER) from None
    if not points.is_finite():
        raise EntryError(item.code, ERROR_NOT_A_NUMBER)
    return Entry(points=points)


def check_value(item: ItemSpec, value: str) -> str:
    """The value in its plain form (``8.0`` → ``8``); raises EntryError when the item does not allow it."""
    entry = entry_from(item, value)
    item_points(item, entry)  # the engine: outside the item's range, off its step
    return entry_value(item, entry)


def check_reason(reason: str) -> str | None:
    """The message for a reason an adjustment cannot carry, or None."""
    reason = (reason or "").strip()
    if not reason:
        return ERROR_REASON
    if len(reason) > REASON_MAX:
        return ERROR_REASON_LONG
    return None


def member_result(spec: FrameworkSpec, values: dict[str, str]) -> SheetResult:
    """The member's points, total, grade and stars, by the scoring engine, from checked values."""
    items = spec.item_map()
    return score(spec, {code: entry_from(items[code], value) for code, value in values.items()})


def describe(item: ItemSpec, value: str) -> str:
    """A value in words, for people: 达标, 8 分, 扣 2 次, 否决."""
    if item.method == "met":
        return "达标" if value == "1" else "未达标"
    if item.method == "veto":
        return "一票否决" if value == "1" else "无否决情形"
    if item.method == "deduction":
        return "无扣分" if value == "0" else f"扣分 {value} 次"
    return f"{value} 分"


def stars_label(stars: int | None) -> str:
    if stars is None:
        return "—"
    return "不予评星" if stars == 0 else f"{'★' * stars}（{stars}星）"


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"
