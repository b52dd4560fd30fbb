"""The arithmetic of a committee's decision and of the quotas (awards/rules.py), each rule with a
worked example checked by hand."""

from awards.rules import (
    ERROR_DECISION_QUOTA,
    ERROR_NONE_CHOSEN,
    Vote,
    decision_errors,
    meeting_errors,
    nominator_quota_error,
    vote_errors,
)


def test_it_takes_more_than_half_the_committee_present():
    """Committee of 9: present 5 → 5 × 2 = 10 > 9, valid; present 4 → 8 ≤ 9, no quorum.
    Committee of 8: present 4 → 8 ≤ 8, exactly half is not more than half."""
    assert meeting_errors(size=9, present=5) == []
    assert meeting_errors(size=9, present=4) == ["实到人数（4）须超过应到人数（9）的半数，会议方为有效。"]
    assert meeting_errors(size=8, present=4) != []


def test_it_refuses_more_present_than_the_committee_has():
    """9 members, 10 present: impossible (present ≤ size)."""
    assert meeting_errors(size=9, present=10) == ["实到人数（10）不能超过应到人数（9）。"]


def test_votes_cast_fit_in_those_present():
    """7 present: 5 for + 1 against + 1 abstain = 7 ≤ 7 stands; 5 + 2 + 1 = 8 > 7 is refused,
    whether chosen or not."""
    assert vote_errors(Vote("王某", 5, 1, 1), present=7) == []
    assert vote_errors(Vote("王某", 5, 2, 1), present=7) == ["王某：赞成 5 + 反对 2 + 弃权 1 = 8 票，超过实到人数 7。"]


def test_a_chosen_candidate_needs_more_for_votes_than_half_of_those_present():
    """7 present: 4 for → 4 × 2 = 8 > 7, chosen; 3 for (3 + 0 + 4 = 7 votes cast) → 6 ≤ 7, not.
    8 present: 4 for is exactly half → not chosen."""
    assert vote_errors(Vote("王某", 4, 3, 0, chosen=True, reason="事迹突出"), present=7) == []
    assert vote_errors(Vote("李某", 3, 0, 4, chosen=True, reason="事迹突出"), present=7) == [
        "李某：赞成 3 票，未超过实到人数 7 的半数，不能当选。"
    ]
    assert vote_errors(Vote("李某", 4, 4, 0, chosen=True, reason="事迹突出"), present=8) != []
    # not chosen: a minority is simply recorded
    assert vote_errors(Vote("李某", 3, 0, 4), present=7) == []


def test_a_chosen_candidate_needs_a_reason():
    assert vote_errors(Vote("王某", 6, 0, 0, chosen=True, reason="  "), present=7) == ["王某：请填写当选理由。"]


def test_no_more_are_chosen_than_the_quota():
    """Quota 3, committee 9, present 7; four candidates each 6 for + 1 against = 7 ≤ 7 and
    6 × 2 = 12 > 7, all chosen → 4 > 3, refused; the same with three chosen stands."""
    four = [Vote(f"候选人{i}", 6, 1, 0, chosen=True, reason="事迹突出") for i in range(4)]
    assert decision_errors(four, size=9, present=7, quota=3) == [ERROR_DECISION_QUOTA.format(chosen=4, quota=3)]
    three = four[:3] + [Vote("候选人3", 2, 5, 0)]
    assert decision_errors(three, size=9, present=7, quota=3) == []


def test_a_decision_chooses_someone_and_reports_every_fault():
    """Nobody chosen is no decision; a meeting without quorum is reported before anything else."""
    votes = [Vote("王某", 2, 5, 0), Vote("李某", 1, 6, 0)]
    assert decision_errors(votes, size=9, present=7, quota=3) == [ERROR_NONE_CHOSEN]
    assert decision_errors(votes, size=9, present=3, quota=3) == meeting_errors(size=9, present=3)
    faulty = [Vote("王某", 6, 2, 0, chosen=True, reason="好"), Vote("李某", 3, 1, 0, chosen=True, reason="")]
    errors = decision_errors(faulty, size=9, present=7, quota=3)
    assert len(errors) == 3  # 王某 8 > 7 votes; 李某 3 × 2 = 6 ≤ 7; 李某 no reason


def test_a_nominating_unit_stops_at_its_quota():
    """Quota 2 per unit: with 1 already, one more may come; with 2, refused; no quota, no limit."""
    assert nominator_quota_error(already=1, quota=2) == ""
    assert nominator_quota_error(already=2, quota=2) == "本单位已推荐 2 名，已达每个推荐单位限报名额 2 名。"
    assert nominator_quota_error(already=50, quota=None) == ""
