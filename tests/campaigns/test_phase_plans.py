"""Issue 17: the seed plans' phases and milestones, and the dates a campaign created part-way
through the year is offered (campaigns.plans.phase_proposal, a pure function: no database)."""

from datetime import date, timedelta

import pytest

from campaigns.models import PhaseKind
from campaigns.plans import MAX_MOVED_DAYS, PHASE_TEMPLATES, phase_plan, phase_proposal, schedule_errors


def _dates(phases):
    return [(p.kind, f"{p.starts_on:%m-%d}", f"{p.ends_on:%Y-%m-%d}") for p in phases]


def test_it_carries_seed_003s_stages_and_dated_steps():
    plan = phase_plan("standardization", 2019)
    preparation = plan[0]
    assert (preparation.title, preparation.starts_on, preparation.ends_on) == (
        "对标部署、对标推进",
        date(2019, 5, 31),
        date(2019, 10, 30),
    )
    steps = [(f"{m.due_on:%m-%d}", m.title, m.actor_label) for m in preparation.milestones]
    assert steps[0] == ("05-31", "专题研究，制定下发年度推进计划", "乡镇党委")
    assert ("06-10", "专题业务培训", "乡镇党委") in steps and ("06-15", "制定本支部推进计划", "党支部") in steps
    # 对标考核 11/1–12/20: self-assessment, the township's verification by 11/20, the summary by 12/20
    assert plan[1].starts_on == date(2019, 11, 1) and plan[-1].ends_on == date(2019, 12, 20)
    assert (plan[2].milestones[0].due_on, plan[2].milestones[0].actor_label) == (date(2019, 11, 20), "乡镇党委")


def test_it_carries_seed_001s_six_steps():
    titles = [m.title for phase in phase_plan("demonstration", 2026) for m in phase.milestones]
    for step in ("宣传发动", "调查摸底", "制定", "督促检查", "考核验收", "总结表彰"):
        assert any(step in title for title in titles), step


@pytest.mark.parametrize("kind", list(PHASE_TEMPLATES))
def test_every_seed_plan_is_a_valid_calendar(kind):
    for county_review in (True, False):
        assert schedule_errors(phase_plan(kind, 2026, county_review=county_review)) == []
    assert PhaseKind.REVIEW not in [p.kind for p in phase_plan(kind, 2026, county_review=False)]


def test_before_the_plan_starts_the_seed_dates_are_kept():
    proposal = phase_proposal("standardization", 2027, on=date(2027, 1, 4))
    assert proposal == phase_plan("standardization", 2027) and not any(p.moved for p in proposal)


def test_a_phase_under_way_with_time_left_starts_today_and_keeps_its_end():
    """标准化 on 1 August: 对标部署、对标推进 (5/31–10/30) has 90 days left; it starts today and keeps
    10/30, its milestones move by the 62 days its start moved (5/31 + 62 = 8/1) and stay inside it;
    the later phases keep the seed's dates."""
    on = date(2026, 8, 1)
    proposal = phase_proposal("standardization", 2026, on=on)
    preparation = proposal[0]
    assert (preparation.starts_on, preparation.ends_on) == (on, date(2026, 10, 30))
    assert preparation.planned == (date(2026, 5, 31), date(2026, 10, 30))
    assert [f"{m.due_on:%m-%d}" for m in preparation.milestones] == [
        "08-01",  # 5/31 + 62
        "08-01",
        "08-11",  # 6/10 + 62
        "08-11",
        "08-11",
        "08-16",  # 6/15 + 62
        "10-30",  # 10/30 + 62, kept inside the phase
    ]
    assert proposal[1:] == phase_plan("standardization", 2026)[1:]


def test_a_phase_nearly_over_runs_its_length_from_today_and_pushes_the_next():
    """标准化 on 25 October: 对标推进 ends 10/30, only 5 days away (< 14): it runs from today for its
    length capped at 30 days (10/25–11/23); each next phase then starts the day after the one before
    and runs its seed length (自查评估 10 days: 11/24–12/3, 验收 10 days: 12/4–12/13 …)."""
    proposal = phase_proposal("standardization", 2026, on=date(2026, 10, 25))
    assert _dates(proposal) == [
        ("preparation", "10-25", "2026-11-23"),
        ("self_assessment", "11-24", "2026-12-03"),
        ("verification", "12-04", "2026-12-13"),
        ("review", "12-14", "2026-12-28"),
        ("publicity", "12-29", "2027-01-04"),
        ("naming", "01-05", "2027-01-12"),
    ]
    assert all(p.moved for p in proposal)


def test_without_the_county_review_the_chain_skips_it():
    proposal = phase_proposal("wuhao", 2026, county_review=False, on=date(2026, 11, 20))
    assert _dates(proposal) == [
        ("preparation", "11-20", "2026-12-19"),  # 4/20–9/30 capped at 30 days
        ("self_assessment", "12-20", "2027-01-18"),  # October: 31 days, capped at 30
        ("verification", "01-19", "2027-02-17"),
        ("publicity", "02-18", "2027-02-27"),  # 10 days, no review phase before it
        ("naming", "02-28", "2027-03-10"),  # 11 days
    ]


def test_a_phase_that_still_fits_keeps_its_dates_after_a_moved_one():
    """五好 on 20 September: 组织实施 (to 9/30) is nearly over and runs 30 days from today (to 10/19);
    自查自评 is pushed past it, 整体考评 (11/1–11/30) still fits after it and keeps its dates."""
    proposal = phase_proposal("wuhao", 2026, on=date(2026, 9, 20))
    assert _dates(proposal)[:3] == [
        ("preparation", "09-20", "2026-10-19"),
        ("self_assessment", "10-20", "2026-11-18"),  # 10/1–10/31 started before the cursor, 12 days left
        ("verification", "11-19", "2026-12-18"),  # 11/1 is before the cursor now: moved, 30 days
    ]


@pytest.mark.parametrize("kind", list(PHASE_TEMPLATES))
def test_on_any_day_no_phase_is_over_and_the_calendar_holds(kind):
    """Every day from a month before the year to a month after it, with and without the re-check."""
    for county_review in (True, False):
        plan = phase_plan(kind, 2026, county_review=county_review)
        on = date(2025, 12, 1)
        while on <= date(2027, 1, 31):
            proposal = phase_proposal(kind, 2026, county_review=county_review, on=on)
            assert [p.kind for p in proposal] == [p.kind for p in plan]
            assert schedule_errors(proposal) == [], on
            for phase, seed in zip(proposal, plan, strict=True):
                assert phase.ends_on >= on, (on, phase)
                assert phase.starts_on >= on or not phase.moved
                if seed.starts_on >= on and not phase.moved:
                    assert (phase.starts_on, phase.ends_on, phase.milestones) == (
                        seed.starts_on,
                        seed.ends_on,
                        seed.milestones,
                    )
                if phase.moved and phase.ends_on != seed.ends_on:
                    assert (phase.ends_on - phase.starts_on).days + 1 <= MAX_MOVED_DAYS
            for earlier, later in zip(proposal, proposal[1:], strict=False):
                assert later.starts_on > earlier.ends_on
            on += timedelta(days=1)
