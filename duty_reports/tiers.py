"""The vote arithmetic of 述职评议, as pure functions (no database): each group's ballots give a
score, the township's weights combine them, and the round's rule turns the result into a tier.

    group score    = (好 × 100 + 较好 × 80 + 一般 × 60 + 差 × 0) ÷ 实到人数
    weighted score = Σ over the groups of weight% × group score, rounded half up to 0.01
    差 share       = Σ over the groups of weight% × 差 ÷ 实到人数 × 100 %

Those present who cast no ballot (弃权) count in the denominator: a ballot not given is no
approval, as in a 民主测评 where the rate is counted over those taking part. The tier is judged
on the rounded score, the figure printed: 差 share above the round's limit (default one third)
→ 差 whatever the score; else score ≥ 好's threshold (90) → 好, ≥ 较好's (80) → 较好,
≥ 一般's (60) → 一般, below → 差.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
POINTS = {"good": 100, "fair": 80, "average": 60, "poor": 0}
MAX_PEOPLE = 9999  # a group larger than this is a typing error (and would overflow nothing, but mislead)

ERROR_NOT_NUMBER = "请填写 0 至 {max} 之间的整数。"
ERROR_PRESENT_OVER_SIZE = "实到人数（{present}）不能多于应到人数（{size}）。"
ERROR_VOTES_OVER_PRESENT = "好、较好、一般、差票数合计 {total} 票，多于实到人数 {present} 人。"
ERROR_NOBODY_PRESENT = "实到人数为 0，无法计票。"
ERROR_WEIGHTS = "三个评议组的权重合计应为 100%，现为 {total}%。"


@dataclass(frozen=True)
class Ballots:
    group_size: int
    present: int
    good: int
    fair: int
    average: int
    poor: int

    @property
    def cast(self) -> int:
        return self.good + self.fair + self.average + self.poor


@dataclass(frozen=True)
class TierRule:
    good: Decimal = Decimal("90")
    fair: Decimal = Decimal("80")
    average: Decimal = Decimal("60")
    poor_share: Decimal = Decimal("33.33")


@dataclass(frozen=True)
class Result:
    score: Decimal
    poor_share: Decimal
    tier: str  # good / fair / average / poor
    rule: str  # the arithmetic in words, shown beside the tier


LABELS = {"good": "好", "fair": "较好", "average": "一般", "poor": "差"}


def ballots_errors(ballots: Ballots) -> dict[str, str]:
    """What is wrong with one group's count, by field (empty when it can be counted):
    好 + 较好 + 一般 + 差 ≤ 实到 ≤ 应到, 实到 ≥ 1."""
    if ballots.present > ballots.group_size:
        return {"present": ERROR_PRESENT_OVER_SIZE.format(present=ballots.present, size=ballots.group_size)}
    if ballots.present == 0:
        return {"present": ERROR_NOBODY_PRESENT}
    if ballots.cast > ballots.present:
        return {"poor": ERROR_VOTES_OVER_PRESENT.format(total=ballots.cast, present=ballots.present)}
    return {}


def weights_error(weights: dict[str, int]) -> str:
    total = sum(weights.values())
    return "" if total == 100 else ERROR_WEIGHTS.format(total=total)


def group_score(ballots: Ballots) -> Decimal:
    """(好 × 100 + 较好 × 80 + 一般 × 60) ÷ 实到, unrounded."""
    points = sum(POINTS[name] * getattr(ballots, name) for name in POINTS)
    return Decimal(points) / Decimal(ballots.present)


def weighted_score(by_group: dict[str, Ballots], weights: dict[str, int]) -> Decimal:
    """Σ weight% × group score over the groups with a weight, rounded half up to 0.01."""
    total = sum(Decimal(weights[group]) * group_score(b) for group, b in by_group.items() if weights.get(group))
    return (total / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def poor_share(by_group: dict[str, Ballots], weights: dict[str, int]) -> Decimal:
    """Σ weight% × 差 ÷ 实到, in per cent, rounded half up to 0.01."""
    total = sum(
        Decimal(weights[group]) * Decimal(b.poor) / Decimal(b.present)
        for group, b in by_group.items()
        if weights.get(group)
    )
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(number: Decimal) -> str:
    """80.00 → 80, 33.30 → 33.3: a threshold as people write it."""
    return format(Decimal(number).normalize(), "f")


def tier_of(score: Decimal, share: Decimal, rule: TierRule) -> tuple[str, str]:
    """The tier and the words that say why (``加权得分 86.50 ≥ 80：较好``)."""
    if share > rule.poor_share:
        return "poor", f"“差”票加权占比 {share}% > {plain(rule.poor_share)}%：差"
    for tier, threshold in (("good", rule.good), ("fair", rule.fair), ("average", rule.average)):
        if score >= threshold:
            return tier, f"加权得分 {score} ≥ {plain(threshold)}：{LABELS[tier]}"
    return "poor", f"加权得分 {score} < {plain(rule.average)}：差"


def judge(by_group: dict[str, Ballots], weights: dict[str, int], rule: TierRule) -> Result:
    """The result of a report whose every weighted group has been counted."""
    score = weighted_score(by_group, weights)
    share = poor_share(by_group, weights)
    tier, words = tier_of(score, share, rule)
    return Result(score=score, poor_share=share, tier=tier, rule=words)
