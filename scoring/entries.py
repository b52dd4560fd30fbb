"""Turning what a person typed (on the page or in the offline .xlsx) into
engine entries. One path for both, so both are validated the same way."""

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from .engine import Entry, check_entries
from .facts import FactValue, prefilled_entry
from .spec import FrameworkSpec

MET_WORDS = {"是": True, "达标": True, "1": True, "否": False, "未达标": False, "0": False}
VETO_WORDS = {"是": True, "on": True, "1": True, "true": True, "否": False, "": False, "0": False, "false": False}
ERROR_NOT_NUMBER = "应为数字。"
ERROR_NOT_COUNT = "扣分次数应为不小于 0 的整数。"
ERROR_MET_WORD = "达标制请填“是”（达标）或“否”（未达标）。"
ERROR_VETO_WORD = "“触发否决”请填“是”或“否”。"
ERROR_REASON = "所填与系统数据（{source}）不一致，请写明修正说明。"
ERROR_BASIS_REASON = "所填与{label}（{before}）不同，请写明改动理由。"
MAX_OCCURRENCES = 1000  # more deductions than any year could hold is a typing slip
ERROR_TOO_MANY = "扣分次数不能超过 {limit} 次，请核对。"
MAX_COMMENT, MAX_REASON = 500, 300
ERROR_COMMENT_LONG = "备注不能超过 {limit} 字（现为 {n} 字）。"
ERROR_REASON_LONG = "修正说明不能超过 {limit} 字（现为 {n} 字）。"


@dataclass(frozen=True)
class RawEntry:
    value: str = ""
    veto: str = ""
    comment: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ParsedEntry:
    entry: Entry
    comment: str
    reason: str


def _differs(entry: Entry, expected: Entry) -> bool:
    """Whether a filled entry says something other than ``expected`` (what the records, or the
    level below, say)."""
    return (
        (entry.met is not None and entry.met != expected.met)
        or (entry.occurrences is not None and entry.occurrences != expected.occurrences)
        or (entry.points is not None and entry.points != expected.points)
        or entry.veto_triggered != expected.veto_triggered
    )


def parse_entries(
    spec: FrameworkSpec,
    raw: dict[str, RawEntry],
    facts: dict[str, FactValue],
    basis: dict[str, Entry] | None = None,  # None: a sheet scored on its own
    basis_label: str = "",
) -> tuple[dict[str, ParsedEntry], dict[str, str]]:
    """Parse and check every raw entry; returns (entries, errors by item code). An entry that
    differs from the records needs a reason, and so does one that differs from ``basis`` (the
    level below's entries, on a verification or review sheet)."""
    items = spec.item_map()
    parsed: dict[str, ParsedEntry] = {}
    errors: dict[str, str] = {}
    for code, raw_entry in raw.items():
        item = items.get(code)
        if item is None:
            errors[code] = "本评分表没有这个评分项。"
            continue
        value = str(raw_entry.value).strip()
        veto_text = str(raw_entry.veto).strip()
        if veto_text not in VETO_WORDS:
            errors[code] = ERROR_VETO_WORD
            continue
        fields = {"veto_triggered": VETO_WORDS[veto_text]}
        if value and item.method in ("graded", "bonus") and not item.counted:
            try:
                fields["points"] = Decimal(value)
                if not fields["points"].is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors[code] = ERROR_NOT_NUMBER
                continue
        elif value and item.counted:
            if not (value.isascii() and value.isdigit()):
                errors[code] = ERROR_NOT_COUNT
                continue
            if int(value) > MAX_OCCURRENCES:
                errors[code] = ERROR_TOO_MANY.format(limit=MAX_OCCURRENCES)
                continue
            fields["occurrences"] = int(value)
        elif value and item.method == "met":
            if value not in MET_WORDS:
                errors[code] = ERROR_MET_WORD
                continue
            fields["met"] = MET_WORDS[value]
        comment, reason = str(raw_entry.comment).strip(), str(raw_entry.reason).strip()
        # refused, never cut: what someone typed is not shortened behind their back
        if len(comment) > MAX_COMMENT:
            errors[code] = ERROR_COMMENT_LONG.format(limit=MAX_COMMENT, n=len(comment))
            continue
        if len(reason) > MAX_REASON:
            errors[code] = ERROR_REASON_LONG.format(limit=MAX_REASON, n=len(reason))
            continue
        parsed[code] = ParsedEntry(Entry(**fields), comment=comment, reason=reason)

    errors.update(check_entries(spec, {code: p.entry for code, p in parsed.items()}))
    for code, parsed_entry in parsed.items():
        item = items[code]
        fact = facts.get(item.fact) if item.fact else None
        expected = prefilled_entry(item, fact)
        entry = parsed_entry.entry
        if parsed_entry.reason:
            continue
        if basis is not None:
            # on a verification (review) sheet every change from the level below needs a reason, a veto too
            below = basis.get(code) or Entry()
            if _differs(entry, below):
                before = entry_words(below, item.method) or "未填"
                errors.setdefault(code, ERROR_BASIS_REASON.format(label=basis_label, before=before))
        elif expected is not None and _differs(replace(entry, veto_triggered=False), expected):
            errors.setdefault(code, ERROR_REASON.format(source=fact.source))
    return parsed, errors


def entry_words(entry, method: str = "deduction") -> str:
    """An entry in a few words (达标 / 扣分 2 次 / 加分 2 次 / 8 分 / 触发否决); blank when unfilled."""
    if entry is None:
        return ""
    if entry.veto_triggered:
        return "触发否决"
    if entry.met is not None:
        return "达标" if entry.met else "未达标"
    if entry.occurrences is not None:
        return f"{'加分' if method == 'bonus' else '扣分'} {entry.occurrences} 次"
    if entry.points is not None:
        return f"{Decimal(entry.points).normalize():f} 分"
    return ""
