"""The scoring engine: properties over any entries, and hand-checked arithmetic."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import Entry, EntryError, check_entries, score
from scoring.spec import CapRule, FrameworkSpec, GradeRule, ItemSpec, SectionSpec, StarRule

GRADES = (GradeRule("优秀", D(90)), GradeRule("良好", D(80)), GradeRule("达标", D(60)), GradeRule("不达标", D(0)))
STARS = tuple(StarRule(n, D(m)) for n, m in ((5, 90), (4, 80), (3, 70), (2, 60), (1, 0)))

# One item of every method: met 30 + graded 40 (step 0.5) + deduction 30 (2 per occurrence) = 100,
# bonus 4 (cap 3 for the sheet), a veto item, and satisfaction (graded) capping stars below 60 %.
SPEC = FrameworkSpec(
    code="test",
    name="测试评分表",
    kind="standardization",
    subject="branch",
    grades=GRADES,
    stars=STARS,
    bonus_cap=D(3),
    caps=(CapRule(item="1.2", below_ratio=D("0.6"), max_stars=2, text="满意率低于60%最高二星"),),
    aspects=(
        SectionSpec(
            code="1",
            title="基本",
            items=(
                ItemSpec(code="1.1", requirement="达标项", guidance="", points=D(30), method="met"),
                ItemSpec(code="1.2", requirement="满意度", guidance="", points=D(40), method="graded", step=D("0.5")),
                ItemSpec(
                    code="1.3",
                    requirement="扣分项",
                    guidance="",
                    points=D(30),
                    method="deduction",
                    per_occurrence=D(2),
                    veto=True,
                ),
            ),
        ),
        SectionSpec(
            code="2",
            title="加分与否决",
            items=(
                ItemSpec(code="2.1", requirement="加分", guidance="", points=D(4), method="bonus", step=D("0.5")),
                ItemSpec(code="2.2", requirement="否决", guidance="", points=D(0), method="veto"),
            ),
        ),
    ),
)

halves = st.integers(min_value=0, max_value=80).map(lambda n: D(n) / 2)
entries_strategy = st.fixed_dictionaries(
    {},
    optional={
        "1.1": st.builds(Entry, met=st.booleans()),
        "1.2": halves.filter(lambda p: p <= 40).map(lambda p: Entry(points=p)),
        "1.3": st.builds(Entry, occurrences=st.integers(min_value=0, max_value=100), veto_triggered=st.booleans()),
        "2.1": halves.filter(lambda p: p <= 4).map(lambda p: Entry(points=p)),
        "2.2": st.builds(Entry, veto_triggered=st.booleans()),
    },
)


@settings(max_examples=300, deadline=None)
@given(entries_strategy)
def test_properties_hold_for_any_valid_entries(entries):
    result = score(SPEC, entries)
    items = SPEC.item_map()
    for code, item_result in result.items.items():
        assert D(0) <= item_result.points <= items[code].points  # no item beyond its max, none below 0
    assert result.bonus_applied <= SPEC.bonus_cap  # bonus never beyond the sheet's cap
    assert result.bonus_applied <= result.bonus_raw
    assert result.total == sum(r.points for c, r in result.items.items() if c != "2.1") + result.bonus_applied
    assert result.subtotals["1"][0] + result.bonus_raw == sum(r.points for r in result.items.values())
    if any(entry.veto_triggered for entry in entries.values()):
        assert result.grade.value == "不达标" and result.stars.value == 0  # any veto => fail
    satisfaction = result.items["1.2"].points
    if satisfaction < D("0.6") * 40:
        assert result.stars.value <= 2  # a triggered cap is never exceeded


@given(st.integers(min_value=0, max_value=10_000))
def test_deduction_never_goes_below_zero_for_the_item(occurrences):
    result = score(SPEC, {"1.3": Entry(occurrences=occurrences)})
    assert result.items["1.3"].points == max(D(0), D(30) - 2 * occurrences)


def test_worked_example_with_bonus_over_the_cap():
    """met 30 + graded 35.5 + deduction (30 - 3×2 = 24) = 89.5; bonus 4 capped at 3 → 92.5 优秀 5星."""
    result = score(
        SPEC,
        {
            "1.1": Entry(met=True),
            "1.2": Entry(points=D("35.5")),
            "1.3": Entry(occurrences=3),
            "2.1": Entry(points=D(4)),
            "2.2": Entry(),
        },
    )
    assert (result.base_total, result.bonus_raw, result.bonus_applied, result.total) == (
        D("89.5"),
        D(4),
        D(3),
        D("92.5"),
    )
    assert result.grade.value == "优秀" and result.grade.rule == "总分 92.5 ≥ 90：优秀"
    assert result.stars.value == 5 and result.complete


def test_a_cap_lowers_the_stars_and_says_why():
    """30 + 20 + 30 + 4 (capped 3) = 83 → 4星 by total, but satisfaction 20/40 = 50 % < 60 % → at most 2星."""
    result = score(
        SPEC,
        {
            "1.1": Entry(met=True),
            "1.2": Entry(points=D(20)),
            "1.3": Entry(occurrences=0),
            "2.1": Entry(points=D(4)),
        },
    )
    assert result.total == D(83) and result.grade.value == "良好"
    assert result.stars.value == 2
    assert result.stars.rule == "满意率低于60%最高二星（1.2 得分率 50%）：最高2星"
    assert result.caps_applied == ["满意率低于60%最高二星"]


def test_a_veto_fails_the_sheet_whatever_its_total():
    result = score(
        SPEC,
        {
            "1.1": Entry(met=True),
            "1.2": Entry(points=D(40)),
            "1.3": Entry(occurrences=0, veto_triggered=True),
        },
    )
    assert result.total == D(100)
    assert result.grade.value == "不达标"
    assert result.grade.rule == "一票否决（1.3）：不达标"
    assert result.stars.value == 0


def test_unfilled_items_score_nothing_and_leave_the_sheet_incomplete():
    result = score(SPEC, {"1.1": Entry(met=True)})
    assert result.total == D(30)
    assert result.unfilled == ["1.2", "1.3", "2.1"]
    assert not result.complete


@pytest.mark.parametrize(
    "code,entry,message",
    [
        ("1.2", Entry(points=D("40.5")), "得分不能超过分值 40 分。"),
        ("1.2", Entry(points=D("10.3")), "得分应以 0.5 分为档。"),
        ("1.2", Entry(points=D(-1)), "得分不能为负数。"),
        ("1.3", Entry(occurrences=-1), "扣分次数不能为负数。"),
        ("1.1", Entry(points=D(5)), "达标制只填“达标”或“未达标”。"),
        ("1.1", Entry(met=True, veto_triggered=True), "该项不是一票否决项。"),
        ("2.1", Entry(points=D(5)), "得分不能超过分值 4 分。"),
    ],
)
def test_invalid_entries_are_rejected_in_chinese(code, entry, message):
    with pytest.raises(EntryError) as refused:
        score(SPEC, {code: entry})
    assert refused.value.message == message
    assert check_entries(SPEC, {code: entry}) == {code: message}
