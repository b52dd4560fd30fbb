"""The registers behind the counted targets: their rules (steps in order, a person once, 党费 only
for months on the roll, no negative amount), what they put on the member roll, and the facts and
标准化 items they fill (the arithmetic in each docstring)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from branches.models import Member, Post
from common.dates import today
from records.models import BranchYear, DuesPayment, OneShoulder, Recruit, RecruitStage, ReserveCadre, ThreeChains
from records.services.registers import (
    branch_year_save,
    dues_month_save,
    recruit_advance,
    recruit_record,
    reserve_cadre_record,
    reserve_cadre_remove,
)
from scoring.builtin import load_builtin_frameworks
from scoring.facts import Period, facts_for_branches
from scoring.models import Framework, Stage
from scoring.services import score_sheet_create, sheet_entries
from tests.factories import MemberFactory

YEAR = today().year - 1  # a year that is over: every month of it is due


@pytest.fixture
def secretary(cast):
    return cast.users["branch_secretary"]


def _recruit(cast, secretary, name="王芳", **dates):
    return recruit_record(
        branch=cast.branch,
        name=name,
        gender="F",
        birth_year=1995,
        applied_on=dates.pop("applied_on", date(YEAR - 1, 3, 1)),
        actor=secretary,
        **dates,
    )


def test_it_walks_a_person_from_application_to_full_member_and_onto_the_roll(cast, secretary):
    recruit = _recruit(cast, secretary)
    assert recruit.stage == RecruitStage.APPLICANT and recruit.next_stage == RecruitStage.ACTIVIST
    recruit = recruit_advance(recruit, on=date(YEAR - 1, 5, 1), actor=secretary)
    recruit = recruit_advance(recruit, on=date(YEAR, 6, 1), actor=secretary)
    assert recruit.stage == RecruitStage.PROSPECT and recruit.member is None
    recruit = recruit_advance(recruit, on=date(YEAR, 9, 1), actor=secretary)
    # 接收为预备党员: on the branch's roll from that day, as 预备党员, nobody types her again
    member = Member.objects.get(branch=cast.branch, name="王芳")
    assert (member.joined_on, member.post, member.birth_year, member.gender) == (
        date(YEAR, 9, 1),
        Post.PROBATIONARY,
        1995,
        "F",
    )
    assert recruit.member == member
    recruit = recruit_advance(recruit, on=date(YEAR, 12, 20), actor=secretary)
    member.refresh_from_db()
    assert recruit.stage == RecruitStage.FULL and member.post == Post.ORDINARY
    assert Member.objects.filter(branch=cast.branch, name="王芳").count() == 1
    with pytest.raises(ValueError, match="已转为正式党员"):
        recruit_advance(recruit, on=date(YEAR, 12, 21), actor=secretary)


def test_it_refuses_a_step_dated_before_the_one_before_and_saves_nothing(cast, secretary):
    recruit = _recruit(cast, secretary, activist_on=date(YEAR - 1, 5, 1))
    with pytest.raises(ValueError, match="“发展对象”的日期.*不能早于上一步“入党积极分子”的日期"):
        recruit_advance(recruit, on=date(YEAR - 1, 4, 30), actor=secretary)
    recruit.refresh_from_db()
    assert recruit.prospect_on is None
    with pytest.raises(ValueError, match="不能晚于今天"):
        recruit_advance(recruit, on=date(today().year + 1, 1, 1), actor=secretary)
    # the back-log: a later step without the one before it
    with pytest.raises(ValueError, match="请先填写“入党积极分子”的日期"):
        _recruit(cast, secretary, name="李强", prospect_on=date(YEAR, 1, 1))
    assert not Recruit.objects.filter(name="李强").exists()


def test_a_person_appears_once_in_the_county_and_a_member_not_at_all(cast, secretary):
    _recruit(cast, secretary)
    # the township sees its branches: the twin's branch is named
    with pytest.raises(ValueError, match="已在法泥村党支部的发展党员名册中"):
        recruit_record(
            branch=cast.sibling_branch,
            name="王芳",
            gender="F",
            birth_year=1995,
            applied_on=date(YEAR, 1, 1),
            actor=cast.users["township_staff"],
        )
    # another township's staff learn only that she is registered elsewhere in the county
    with pytest.raises(ValueError, match="已在本县其他党支部的发展党员名册中"):
        recruit_record(
            branch=cast.neighbour_branch,
            name="王芳",
            gender="F",
            birth_year=1995,
            applied_on=date(YEAR, 1, 1),
            actor=cast.users["other_township_staff"],
        )
    with pytest.raises(ValueError, match="已是法泥村党支部的党员"):
        recruit_record(
            branch=cast.branch,
            name=cast.member.name,
            gender="M",
            birth_year=cast.member.birth_year,
            applied_on=date(YEAR, 1, 1),
            actor=secretary,
        )
    assert Recruit.objects.count() == 1


def test_only_the_branch_and_its_township_write_the_registers(cast):
    for role in ("county_reviewer", "other_township_staff", "other_branch_secretary"):
        with pytest.raises(PermissionDenied):
            _recruit(cast, cast.users[role])
        with pytest.raises(PermissionDenied):
            branch_year_save(branch=cast.branch, year=YEAR, actor=cast.users[role], cadres=5)
    assert not Recruit.objects.exists() and not BranchYear.objects.exists()


def test_dues_are_kept_only_for_months_on_the_roll_and_never_negative(cast, secretary):
    late = MemberFactory(branch=cast.branch, name="赵六", joined_on=date(YEAR, 5, 20))
    with pytest.raises(ValueError, match=f"赵六 {YEAR}年05月入党，不能登记 {YEAR}年04月 的党费"):
        dues_month_save(
            branch=cast.branch,
            month=date(YEAR, 4, 1),
            amounts={cast.member: (D("0.2"), D("0.2")), late: (D("0.2"), D("0.2"))},
            actor=secretary,
        )
    with pytest.raises(ValueError, match="金额不能为负数"):
        dues_month_save(
            branch=cast.branch, month=date(YEAR, 5, 1), amounts={cast.member: (D("0.2"), D("-1"))}, actor=secretary
        )
    assert not DuesPayment.objects.exists()  # one bad row: nothing of the month saved
    amounts = {cast.member: (D("0.2"), D("0.2")), late: (D("2"), D("2"))}
    assert dues_month_save(branch=cast.branch, month=date(YEAR, 5, 1), amounts=amounts, actor=secretary) == 2
    # the same month again changes nothing; a correction changes its row only
    assert dues_month_save(branch=cast.branch, month=date(YEAR, 5, 1), amounts=amounts, actor=secretary) == 0
    amounts[late] = (D("2"), D("1"))
    assert dues_month_save(branch=cast.branch, month=date(YEAR, 5, 1), amounts=amounts, actor=secretary) == 1
    assert DuesPayment.objects.get(member=late).paid == D("1")


def test_a_village_year_refuses_negative_amounts(cast, secretary):
    with pytest.raises(ValueError, match="“村级办公经费（元）”不能为负数"):
        branch_year_save(branch=cast.branch, year=YEAR, actor=secretary, office_funds=D("-1"))
    assert not BranchYear.objects.exists()


def test_a_reserve_cadre_leaves_the_pool_by_a_date_and_stays_on_record(cast, secretary):
    cadre = reserve_cadre_record(
        branch=cast.branch, name="陈明", gender="M", birth_year=1992, added_on=date(YEAR, 2, 1), actor=secretary
    )
    with pytest.raises(ValueError, match="出库日期不能早于入库日期"):
        reserve_cadre_remove(cadre, on=date(YEAR, 1, 1), actor=secretary)
    reserve_cadre_remove(cadre, on=date(YEAR, 8, 1), actor=secretary)
    with pytest.raises(ValueError, match="已在本支部后备干部库中"):
        reserve_cadre_record(
            branch=cast.branch, name="陈明", gender="M", birth_year=1992, added_on=date(YEAR, 9, 1), actor=secretary
        )
    assert ReserveCadre.objects.get().removed_on == date(YEAR, 8, 1)


def _worked_example(cast, secretary):
    """法泥村 in YEAR (over): members 张三 (since 1998) and 赵六 (joined YEAR-05-20).

    - 发展党员: 王芳 activist YEAR-1, prospect YEAR-06 → an activist in YEAR (培养) ✓; 李强 applicant
      only ✗; 刘洋 activist YEAR-03 → ✓; 周敏 activist YEAR-1-02, prospect YEAR-1-12 → not in YEAR.
      activists_cultivated = 2; 王芳 → 预备党员 YEAR-09-01 → members_developed = 1.
    - 后备干部: 陈明, 林华, 吴静 in; 黄伟 out YEAR-08-01 → 3 in the pool at the year's end;
      两委 5 → ratio 3 ÷ 5 = 0.60 (1:2 is 2).
    - 党费: 12 months due. 张三 paid every month in full; 赵六 owes May–December (8 months: he joined
      on 20 May), paid May–November in full and December 1 of 2 元 → short; 王芳 owes September–December,
      nothing recorded → short. members_dues_short = 2.
    - year: “一肩挑” planned → 1; “三链建设” done → 2; 办公经费 41,000; 村干部报酬 22,000.
    """
    wang = _recruit(cast, secretary, activist_on=date(YEAR - 1, 5, 1), prospect_on=date(YEAR, 6, 1))
    _recruit(cast, secretary, name="李强", applied_on=date(YEAR, 2, 1))
    _recruit(cast, secretary, name="刘洋", applied_on=date(YEAR, 1, 5), activist_on=date(YEAR, 3, 1))
    _recruit(
        cast,
        secretary,
        name="周敏",
        applied_on=date(YEAR - 1, 1, 5),
        activist_on=date(YEAR - 1, 2, 1),
        prospect_on=date(YEAR - 1, 12, 1),
    )
    wang = recruit_advance(wang, on=date(YEAR, 9, 1), actor=secretary)
    for name in ("陈明", "林华", "吴静", "黄伟"):
        reserve_cadre_record(
            branch=cast.branch, name=name, gender="M", birth_year=1990, added_on=date(YEAR, 1, 10), actor=secretary
        )
    reserve_cadre_remove(ReserveCadre.objects.get(name="黄伟"), on=date(YEAR, 8, 1), actor=secretary)
    late = MemberFactory(branch=cast.branch, name="赵六", joined_on=date(YEAR, 5, 20))
    for month in range(1, 13):
        amounts = {cast.member: (D("0.2"), D("0.2"))}
        if month >= 5:  # 赵六 joined on 20 May: May is owed too
            amounts[late] = (D("2"), D("1") if month == 12 else D("2"))
        dues_month_save(branch=cast.branch, month=date(YEAR, month, 1), amounts=amounts, actor=secretary)
    branch_year_save(
        branch=cast.branch,
        year=YEAR,
        actor=secretary,
        one_shoulder=OneShoulder.PLANNED,
        three_chains=ThreeChains.DONE,
        cadres=5,
        office_funds=D(41000),
        cadre_pay=D(22000),
        group_cadre_pay=D(8500),
    )


def test_the_registers_facts_worked_by_hand(cast, secretary):
    """The worked example of ``_worked_example``, each fact recomputed by hand there."""
    _worked_example(cast, secretary)
    facts = facts_for_branches([cast.branch.pk], Period.year(YEAR), today=date(YEAR + 1, 1, 5))[cast.branch.pk]
    got = {
        name: facts[name].value
        for name in (
            "activists_cultivated",
            "members_developed",
            "reserve_cadres",
            "reserve_cadre_ratio",
            "members_dues_short",
            "one_shoulder",
            "three_chains",
            "office_funds",
            "cadre_pay",
        )
    }
    assert got == {
        "activists_cultivated": 2,
        "members_developed": 1,
        "reserve_cadres": 3,
        "reserve_cadre_ratio": D("0.60"),
        "members_dues_short": 2,
        "one_shoulder": 1,
        "three_chains": 2,
        "office_funds": 41000,
        "cadre_pay": 22000,
    }
    assert facts["members_dues_short"].source == (
        f"党费收缴台账：{YEAR}年已过的 12 个月中，应交党费的党员 3 名，未按月足额交纳 2 名"
    )
    assert facts["reserve_cadre_ratio"].source == "后备干部库 3 人 ÷ 村“两委”成员 5 人 = 0.6（1:2 即 2）"


def test_the_standardization_items_follow_the_registers(cast, secretary):
    """On the worked example, a new 标准化 sheet opens with:
    2.4.1 三链 done (2 ≥ 2) → met, 2 of 2;  4.3.1 一肩挑 planned (1) → tier 1 → 0.5 of 1;
    4.5.1 ratio 0.60 < 2 → not met, 0 of 2;  5.2.1 2 activists, fact_min 2 → 0 short → 2 of 2;
    5.7.1 2 members short × 0.5 → 1.5 − 1 = 0.5;  6.1.1 41,000 ≥ 41,000 → 1.5;  6.1.2 22,000 < 24,000 → 0."""
    _worked_example(cast, secretary)
    load_builtin_frameworks()
    framework = Framework.objects.filter(code="standardization").latest("version")
    from scoring.engine import Entry, item_points
    from scoring.selectors import framework_spec

    sheet = score_sheet_create(
        framework=framework, branch=cast.branch, stage=Stage.SELF_ASSESSMENT, year=YEAR, actor=secretary
    )
    entries = sheet_entries(sheet)
    items = framework_spec(framework).item_map()

    def scored(code):
        entry = entries[code]
        return item_points(items[code], Entry(met=entry.met, points=entry.points, occurrences=entry.occurrences)).points

    assert {code: scored(code) for code in ("2.4.1", "4.3.1", "4.5.1", "5.2.1", "5.7.1", "6.1.1", "6.1.2")} == {
        "2.4.1": D(2),
        "4.3.1": D("0.5"),
        "4.5.1": D(0),
        "5.2.1": D(2),
        "5.7.1": D("0.5"),
        "6.1.1": D("1.5"),
        "6.1.2": D(0),
    }


def test_the_secretarys_home_reminds_her_of_last_months_dues(cast, secretary):
    """On 3 June: May's 党费 owed by 张三 (and 赵六, joined 20 May); one entered → reminded, 1 of 2;
    both entered → no reminder."""
    from scoring.facts import secretary_gaps

    late = MemberFactory(branch=cast.branch, name="赵六", joined_on=date(YEAR, 5, 20))
    may = date(YEAR, 5, 1)
    dues_month_save(branch=cast.branch, month=may, amounts={cast.member: (D("0.2"), D("0.2"))}, actor=secretary)
    gaps = dict(secretary_gaps(cast.branch, today=date(YEAR, 6, 3)))
    assert gaps["5月党费还没有登记完（已登记 1/2 名）"].endswith(f"/dues/?month={YEAR}-05")
    dues_month_save(branch=cast.branch, month=may, amounts={late: (D("2"), D("2"))}, actor=secretary)
    assert not any("党费" in text for text, _url in secretary_gaps(cast.branch, today=date(YEAR, 6, 3)))
