"""The scoring engine: pure functions from a framework and its entries to a
result. No database access; every verdict says which rule produced it.

An entry per item holds what the method asks for: ``met`` (达标制), ``points``
(分档 / 加分), ``occurrences`` (扣分), and ``veto_triggered`` for items that
can veto. A missing entry scores 0 (a deduction item too: "no deductions" must be
entered as 0 occurrences) and leaves the sheet incomplete.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .spec import FrameworkSpec, ItemSpec

ZERO = Decimal(0)


@dataclass(frozen=True)
class Entry:
    met: bool | None = None
    points: Decimal | None = None
    occurrences: int | None = None
    veto_triggered: bool = False

    @property
    def is_empty(self) -> bool:
        return self.met is None and self.points is None and self.occurrences is None and not self.veto_triggered


class EntryError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}：{message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ItemResult:
    code: str
    points: Decimal
    max_points: Decimal
    filled: bool
    vetoed: bool = False


@dataclass(frozen=True)
class Verdict:
    value: object
    rule: str


@dataclass
class SheetResult:
    items: dict[str, ItemResult]
    subtotals: dict[str, tuple[Decimal, Decimal]]  # section code -> (points, max points)
    base_total: Decimal
    bonus_raw: Decimal
    bonus_applied: Decimal
    total: Decimal
    vetoed_by: list[str]
    grade: Verdict
    stars: Verdict | None
    caps_applied: list[str] = field(default_factory=list)
    unfilled: list[str] = field(default_factory=list)

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoed_by)

    @property
    def complete(self) -> bool:
        return not self.unfilled


def item_points(item: ItemSpec, entry: Entry | None) -> ItemResult:
    """Points for one item; raises EntryError for an entry the method does not allow."""
    entry = entry or Entry()
    if entry.veto_triggered and not item.can_veto:
        raise EntryError(item.code, "该项不是一票否决项。")
    method = item.method
    if method == "veto":
        return ItemResult(item.code, ZERO, ZERO, filled=True, vetoed=entry.veto_triggered)
    if method == "met":
        if entry.points is not None or entry.occurrences is not None:
            raise EntryError(item.code, "达标制只填“达标”或“未达标”。")
        points = item.points if entry.met else ZERO
        filled = entry.met is not None
    elif method == "bonus" and item.counted:
        if entry.met is not None or entry.points is not None:
            raise EntryError(item.code, "按次加分项请填写加分次数。")
        occurrences = entry.occurrences
        if occurrences is not None and occurrences < 0:
            raise EntryError(item.code, "加分次数不能为负数。")
        filled = occurrences is not None
        # 每次加2分，最多5分: never past the cap, however many times
        points = min(item.occurrence_cap, occurrences * item.per_occurrence) if filled else ZERO
    elif method in ("graded", "bonus"):
        if entry.met is not None or entry.occurrences is not None:
            raise EntryError(item.code, "请填写得分。")
        points = entry.points if entry.points is not None else ZERO
        if points < 0:
            raise EntryError(item.code, "得分不能为负数。")
        if points > item.points:
            raise EntryError(item.code, f"得分不能超过分值 {_fmt(item.points)} 分。")
        if points % item.effective_step:
            raise EntryError(item.code, f"得分应以 {_fmt(item.effective_step)} 分为档。")
        filled = entry.points is not None
    elif method == "deduction":
        if entry.met is not None or entry.points is not None:
            raise EntryError(item.code, "扣分项请填写扣分次数。")
        occurrences = entry.occurrences
        if occurrences is not None and occurrences < 0:
            raise EntryError(item.code, "扣分次数不能为负数。")
        filled = occurrences is not None
        # never more off than the cap (the item's points unless 最多扣 N 分), never below zero; unfilled scores nothing yet
        off = min(item.occurrence_cap, occurrences * item.per_occurrence) if filled else ZERO
        points = max(ZERO, item.points - off) if filled else ZERO
    else:  # pragma: no cover - validate_spec refuses unknown methods
        raise EntryError(item.code, f"未知的评分方式“{method}”。")
    if entry.veto_triggered:
        filled = True
    return ItemResult(item.code, points, item.points, filled=filled, vetoed=entry.veto_triggered)


def score(spec: FrameworkSpec, entries: dict[str, Entry]) -> SheetResult:
    """Score a whole sheet. Raises EntryError for the first invalid entry;
    use ``check_entries`` to collect every error first."""
    unknown = set(entries) - set(spec.item_map())
    if unknown:
        code = sorted(unknown)[0]
        raise EntryError(code, "本评分表没有这个评分项。")

    results: dict[str, ItemResult] = {}
    subtotals: dict[str, list[Decimal]] = {}
    base_total = bonus_raw = ZERO
    for aspect, standard, item in spec.sections():
        result = item_points(item, entries.get(item.code))
        results[item.code] = result
        for section in (aspect, standard):
            if section is not None:
                running = subtotals.setdefault(section.code, [ZERO, ZERO])
                running[0] += result.points
                running[1] += result.max_points
        if item.method == "bonus":
            bonus_raw += result.points
        else:
            base_total += result.points

    bonus_applied = bonus_raw if spec.bonus_cap is None else min(bonus_raw, spec.bonus_cap)
    total = base_total + bonus_applied
    vetoed_by = [code for code, result in results.items() if result.vetoed]
    grade, stars, caps_applied = _verdicts(spec, total, results, vetoed_by)
    return SheetResult(
        items=results,
        subtotals={code: (values[0], values[1]) for code, values in subtotals.items()},
        base_total=base_total,
        bonus_raw=bonus_raw,
        bonus_applied=bonus_applied,
        total=total,
        vetoed_by=vetoed_by,
        grade=grade,
        stars=stars,
        caps_applied=caps_applied,
        unfilled=[code for code, result in results.items() if not result.filled],
    )


def check_entries(spec: FrameworkSpec, entries: dict[str, Entry]) -> dict[str, str]:
    """Every invalid entry, as item code -> Chinese message."""
    items = spec.item_map()
    errors = {}
    for code, entry in entries.items():
        if code not in items:
            errors[code] = "本评分表没有这个评分项。"
            continue
        try:
            item_points(items[code], entry)
        except EntryError as error:
            errors[code] = error.message
    return errors


def _verdicts(spec, total, results, vetoed_by):
    if vetoed_by:
        rule = f"一票否决（{'、'.join(vetoed_by)}）"
        grade = Verdict(spec.failing_grade, f"{rule}：{spec.failing_grade}")
        stars = Verdict(0, f"{rule}：不予评定星级") if spec.stars else None
        return grade, stars, []

    grade_rule = next(g for g in spec.grades if total >= g.min)
    grade = Verdict(grade_rule.label, f"总分 {_fmt(total)} ≥ {_fmt(grade_rule.min)}：{grade_rule.label}")
    stars = None
    if spec.stars:
        star_rule = next(s for s in spec.stars if total >= s.min)
        stars = Verdict(star_rule.stars, f"总分 {_fmt(total)} ≥ {_fmt(star_rule.min)}：{star_rule.stars}星")

    caps_applied = []
    grade_rank = {g.label: index for index, g in enumerate(spec.grades)}  # 0 is the best
    for cap in spec.caps:
        result = results[cap.item]
        if cap.below_points is not None:
            if result.points >= cap.below_points:
                continue
            ratio = f"得分 {_fmt(result.points)} 分"
            reason = cap.text or f"评分项 {cap.item} 得分低于 {_fmt(cap.below_points)} 分"
        else:
            if result.max_points == 0 or result.points >= cap.below_ratio * result.max_points:
                continue
            ratio = f"得分率 {_fmt(result.points / result.max_points * 100, places=1)}%"
            reason = cap.text or f"评分项 {cap.item} 得分率低于 {_fmt(cap.below_ratio * 100)}%"
        if stars is not None and cap.max_stars is not None and stars.value > cap.max_stars:
            stars = Verdict(cap.max_stars, f"{reason}（{cap.item} {ratio}）：最高{cap.max_stars}星")
            caps_applied.append(reason)
        if cap.max_grade is not None and grade_rank[grade.value] < grade_rank[cap.max_grade]:
            grade = Verdict(cap.max_grade, f"{reason}（{cap.item} {ratio}）：最高{cap.max_grade}")
            caps_applied.append(reason)
    return grade, stars, caps_applied


def _fmt(value: Decimal, places: int | None = None) -> str:
    if places is not None:
        value = round(value, places)
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text
