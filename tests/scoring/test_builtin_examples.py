"""Worked examples, checked by hand, for every built-in framework."""

from decimal import Decimal as D

import pytest

from scoring.builtin import builtin_specs
from scoring.engine import Entry, score

SPECS = {spec.code: spec for spec in builtin_specs()}


def full_marks(spec, **changes):
    """Every item at its best (met, full points, no deductions, no bonus, no veto), then ``changes``."""
    entries = {}
    for item in spec.items():
        entries[item.code] = {
            "met": Entry(met=True),
            "graded": Entry(points=item.points),
            "deduction": Entry(occurrences=0),
            "bonus": Entry(points=D(0)),
            "veto": Entry(),
        }[item.method]
    entries.update({code.replace("_", "."): entry for code, entry in changes.items()})
    return entries


@pytest.mark.parametrize("code", sorted(SPECS))
def test_full_marks_make_100_and_the_top_grade(code):
    spec = SPECS[code]
    result = score(spec, full_marks(spec))
    assert result.total == 100 and result.complete
    assert result.grade.value == spec.grades[0].label


def test_wuhao():
    """100 − 6 (2.1 income below 5万: not met) − 1.5 (3.2: 3 × 0.5) − 3 (5.5: 5 of 8) = 89.5 良好;
    bonus 3 + 2 = 5 (cap 5) → 94.5 优秀; a 越级访 (4.5) then fails it whatever the total."""
    spec = SPECS["wuhao"]
    entries = full_marks(spec, **{"2.1": Entry(met=False), "3.2": Entry(occurrences=3), "5.5": Entry(points=D(5))})
    assert score(spec, entries).total == D("89.5")
    entries |= {"6.1": Entry(points=D(3)), "6.2": Entry(points=D(2))}
    result = score(spec, entries)
    assert (result.base_total, result.bonus_applied, result.total, result.grade.value) == (
        D("89.5"),
        D(5),
        D("94.5"),
        "优秀",
    )
    result = score(spec, entries | {"4.5": Entry(veto_triggered=True)})
    assert result.total == D("94.5") and result.grade.value == "不达标" and result.vetoed_by == ["4.5"]


def test_wuzhua():
    """100 − 10 (2.3: 6 × 2 = 12 off a 10-point item, floored at 0) − 2.5 (1.1: 7.5 of 10) − 6 (5.1 not met)
    = 81.5; bonus 3 + 2 = 5 → 86.5 良好."""
    spec = SPECS["wuzhua"]
    result = score(
        spec,
        full_marks(
            spec,
            **{
                "2.3": Entry(occurrences=6),
                "1.1": Entry(points=D("7.5")),
                "5.1": Entry(met=False),
                "6.1": Entry(points=D(3)),
                "6.2": Entry(points=D(2)),
            },
        ),
    )
    assert result.items["2.3"].points == 0
    assert (result.base_total, result.total, result.grade.value) == (D("81.5"), D("86.5"), "良好")


def test_standardization_stars_and_the_satisfaction_cap():
    """100 − 5 (7.3.1 satisfaction 5 of 10 = 50 %) − 2 (3.1.1: 4 missed 主题党日 × 0.5) = 93;
    bonus 2 + 3 = 5 → 98: 优秀 and five stars by the total, but 50 % < 60 % caps it at two stars."""
    spec = SPECS["standardization"]
    result = score(
        spec,
        full_marks(
            spec,
            **{
                "7.3.1": Entry(points=D(5)),
                "3.1.1": Entry(occurrences=4),
                "8.1": Entry(points=D(2)),
                "8.2": Entry(points=D(3)),
            },
        ),
    )
    assert (result.base_total, result.total, result.grade.value) == (D(93), D(98), "优秀")
    assert result.stars.value == 2
    assert "7.3.1 得分率 50%" in result.stars.rule


def test_standardization_star_bands():
    """Lose 25.5 points on 7.3.1 (10 → 6, still 60 %) and elsewhere: 100 − 4 − 21.5 = 74.5 → three stars."""
    spec = SPECS["standardization"]
    entries = full_marks(spec, **{"7.3.1": Entry(points=D(6))})
    # 21.5 points of met items (each full or nothing) set to not met
    lost = D(0)
    for item in spec.items():
        if item.method == "met" and lost + item.points <= D("21.5"):
            entries[item.code] = Entry(met=False)
            lost += item.points
    assert lost == D("21.5")
    result = score(spec, entries)
    assert result.total == D("74.5") and result.stars.value == 3 and result.grade.value == "达标"
    assert not result.caps_applied


def test_chuangxian_branch():
    """100 − 2 (1.2: 1 × 2) − 3 (5.1: 7 of 10) − 4 (3.1 not met) − 4 (2.3: 4 of 8) = 87 良好."""
    spec = SPECS["chuangxian-branch"]
    result = score(
        spec,
        full_marks(
            spec,
            **{
                "1.2": Entry(occurrences=1),
                "5.1": Entry(points=D(7)),
                "3.1": Entry(met=False),
                "2.3": Entry(points=D(4)),
            },
        ),
    )
    assert (result.total, result.grade.value) == (D(87), "良好")


def test_chuangxian_member_and_its_veto():
    """One member: 100 − 6 (5.1: 3 × 2) − 4 (1.2: 6 of 10) = 90 优秀; a 党纪处分 (5.4) makes it 不合格."""
    spec = SPECS["chuangxian-member"]
    assert spec.subject == "member"
    entries = full_marks(spec, **{"5.1": Entry(occurrences=3), "1.2": Entry(points=D(6))})
    assert (score(spec, entries).total, score(spec, entries).grade.value) == (D(90), "优秀")
    assert score(spec, entries | {"5.4": Entry(veto_triggered=True)}).grade.value == "不合格"


def test_demonstration():
    """100 − 4 (3.4 一职一备: 5 × 1 off 4 points, floored) − 3 (1.5 not met) − 3 (6.1: 2 of 5) = 90 优秀;
    bonus 3 + 2 → 95."""
    spec = SPECS["demonstration"]
    result = score(
        spec,
        full_marks(
            spec,
            **{
                "3.4": Entry(occurrences=5),
                "1.5": Entry(met=False),
                "6.1": Entry(points=D(2)),
                "9.1": Entry(points=D(3)),
                "9.2": Entry(points=D(2)),
            },
        ),
    )
    assert (result.base_total, result.total, result.grade.value) == (D(90), D(95), "优秀")
