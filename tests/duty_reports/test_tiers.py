"""The vote arithmetic of 述职评议 (``duty_reports.tiers``), each rule with its worked example."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from duty_reports.tiers import (
    Ballots,
    TierRule,
    ballots_errors,
    group_score,
    judge,
    poor_share,
    weighted_score,
    weights_error,
)
from tests.factories import ballots

WEIGHTS = {"members": 40, "masses": 30, "committee": 30}
RULE = TierRule()  # 好 ≥ 90, 较好 ≥ 80, 一般 ≥ 60, 差 below; 差 share above 33.33 % → 差


def test_it_weighs_the_three_groups_and_rates_the_secretary():
    """党员代表 (40 %), 14 present: 好 10, 较好 3, 一般 1 → (1000 + 240 + 60) ÷ 14 = 92.857…
    群众代表 (30 %), 12 present: 好 6, 较好 4, 一般 2 → (600 + 320 + 120) ÷ 12 = 86.666…
    镇党委 (30 %), 9 present: 好 5, 较好 3, 一般 1 → (500 + 240 + 60) ÷ 9 = 88.888…
    weighted = 0.4 × 92.857 + 0.3 × 86.667 + 0.3 × 88.889 = 37.143 + 26.000 + 26.667 = 89.81
    89.81 < 90 but ≥ 80 → 较好."""
    counted = {
        "members": ballots(14, 10, 3, 1, group_size=15),
        "masses": ballots(12, 6, 4, 2),
        "committee": ballots(9, 5, 3, 1),
    }
    result = judge(counted, WEIGHTS, RULE)
    assert result.score == Decimal("89.81")
    assert result.tier == "fair"
    assert result.rule == "加权得分 89.81 ≥ 80：较好"


def test_a_third_of_poor_votes_makes_it_poor_whatever_the_score():
    """党员代表 10 present: 好 5, 差 5 → 50 points, 差 50 %; 群众代表 the same; 镇党委 5: 好 5 → 100, 差 0 %.
    weighted = 0.4 × 50 + 0.3 × 50 + 0.3 × 100 = 20 + 15 + 30 = 65 (一般 by the score);
    差 share = 0.4 × 50 % + 0.3 × 50 % + 0 = 35 % > 33.33 % → 差."""
    counted = {"members": ballots(10, 5, poor=5), "masses": ballots(10, 5, poor=5), "committee": ballots(5, 5)}
    result = judge(counted, WEIGHTS, RULE)
    assert (result.score, result.poor_share) == (Decimal("65.00"), Decimal("35.00"))
    assert result.tier == "poor"
    assert result.rule == "“差”票加权占比 35.00% > 33.33%：差"


def test_below_the_share_the_score_decides():
    """Each group: 10 present, 好 6, 差 4 → 60 points and 差 40 % (镇党委: 5 好 of 5 → 100, 0 %).
    weighted = 0.4 × 60 + 0.3 × 60 + 0.3 × 100 = 72; 差 share = 16 + 12 = 28 % ≤ 33.33 % → by the score:
    72 ≥ 60 → 一般."""
    counted = {"members": ballots(10, 6, poor=4), "masses": ballots(10, 6, poor=4), "committee": ballots(5, 5)}
    result = judge(counted, WEIGHTS, RULE)
    assert (result.score, result.poor_share, result.tier) == (Decimal("72.00"), Decimal("28.00"), "average")


def test_an_abstention_counts_as_no_approval():
    """10 present, 好 8, two ballots not cast: (8 × 100) ÷ 10 = 80, not 100 (÷ 8)."""
    assert group_score(ballots(10, 8)) == Decimal(80)


def test_the_thresholds_are_inclusive_and_judged_on_the_printed_score():
    """All three groups: 3 present, 好 2, 较好 1 → (200 + 80) ÷ 3 = 93.33 → 好;
    a township rule of 好 ≥ 93.33 still gives 好 (93.33 ≥ 93.33), one of 93.34 gives 较好."""
    counted = {group: ballots(3, 2, 1) for group in WEIGHTS}
    assert weighted_score(counted, WEIGHTS) == Decimal("93.33")
    assert judge(counted, WEIGHTS, TierRule(good=Decimal("93.33"))).tier == "good"
    assert judge(counted, WEIGHTS, TierRule(good=Decimal("93.34"))).tier == "fair"


def test_all_poor_or_nothing_at_all():
    """Every ballot 差: 0 points, 差 100 % → 差; every ballot 好: 100 → 好; all 一般: 60 → 一般 (60 ≥ 60)."""
    assert judge({g: ballots(7, 0, poor=7) for g in WEIGHTS}, WEIGHTS, RULE).tier == "poor"
    assert judge({g: ballots(7, 7) for g in WEIGHTS}, WEIGHTS, RULE).score == Decimal("100.00")
    assert judge({g: ballots(7, 0, average=7) for g in WEIGHTS}, WEIGHTS, RULE).rule == "加权得分 60.00 ≥ 60：一般"


def test_a_group_weighted_zero_is_left_out():
    """Weights 50 / 50 / 0: 党员代表 好 4 of 4 → 100, 群众代表 一般 4 of 4 → 60, 镇党委 not counted:
    0.5 × 100 + 0.5 × 60 = 80 → 较好."""
    weights = {"members": 50, "masses": 50, "committee": 0}
    counted = {"members": ballots(4, 4), "masses": ballots(4, 0, average=4)}
    assert judge(counted, weights, RULE).rule == "加权得分 80.00 ≥ 80：较好"


def test_votes_beyond_those_present_are_refused():
    """好 + 较好 + 一般 + 差 ≤ 实到 ≤ 应到: 8 + 2 + 1 + 0 = 11 ballots from 10 present is refused;
    12 present of a group of 11 is refused; nobody present cannot be counted."""
    assert ballots_errors(Ballots(12, 10, 8, 2, 1, 0)) == {
        "poor": "好、较好、一般、差票数合计 11 票，多于实到人数 10 人。"
    }
    assert ballots_errors(Ballots(11, 12, 1, 0, 0, 0)) == {"present": "实到人数（12）不能多于应到人数（11）。"}
    assert ballots_errors(Ballots(11, 0, 0, 0, 0, 0)) == {"present": "实到人数为 0，无法计票。"}
    assert ballots_errors(Ballots(12, 10, 8, 2, 0, 0)) == {}


def test_weights_must_make_100_percent():
    """40 + 30 + 20 = 90 % is refused; 40 + 30 + 30 = 100 % is accepted."""
    assert weights_error({"members": 40, "masses": 30, "committee": 20}) == "三个评议组的权重合计应为 100%，现为 90%。"
    assert weights_error(WEIGHTS) == ""


_group = st.integers(min_value=1, max_value=60).flatmap(
    lambda present: (
        st.tuples(*(st.integers(0, present) for _ in range(4)))
        .filter(lambda v: sum(v) <= present)
        .map(lambda v: Ballots(present, present, *v))
    )
)


@given(st.fixed_dictionaries({g: _group for g in WEIGHTS}))
def test_any_valid_count_scores_between_0_and_100_and_gets_one_tier(counted):
    """Whatever the ballots: 0 ≤ score ≤ 100, 0 ≤ 差 share ≤ 100 %, and the tier is one of the four."""
    result = judge(counted, WEIGHTS, RULE)
    assert Decimal(0) <= result.score <= Decimal(100)
    assert Decimal(0) <= poor_share(counted, WEIGHTS) <= Decimal(100)
    assert result.tier in {"good", "fair", "average", "poor"}
