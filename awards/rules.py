"""The arithmetic of a selection: the committee's quorum and votes, and the quotas. Pure functions
of numbers, so each rule can be checked by hand (``tests/awards/test_rules.py``).

The rules we chose, after the usual practice of a party committee's meeting (党委会议事规则):
- the meeting is valid only when more than half of the committee is present;
- each candidate's for + against + abstain is at most the number present (a member may not vote);
- a candidate is chosen only with more for-votes than half of those present;
- no more are chosen than the selection's quota, and each chosen one has a recorded reason.
"""

from dataclasses import dataclass

ERROR_PRESENT_OVER = "实到人数（{present}）不能超过应到人数（{size}）。"
ERROR_QUORUM = "实到人数（{present}）须超过应到人数（{size}）的半数，会议方为有效。"
ERROR_VOTES_OVER = "{name}：赞成 {votes_for} + 反对 {against} + 弃权 {abstain} = {total} 票，超过实到人数 {present}。"
ERROR_NOT_MAJORITY = "{name}：赞成 {votes_for} 票，未超过实到人数 {present} 的半数，不能当选。"
ERROR_DECISION_QUOTA = "拟表彰 {chosen} 名，超过本次评选名额 {quota} 名。"
ERROR_NONE_CHOSEN = "请至少选定一名拟表彰对象。"
ERROR_REASON = "{name}：请填写当选理由。"
ERROR_NOMINATOR_QUOTA = "本单位已推荐 {count} 名，已达每个推荐单位限报名额 {quota} 名。"


@dataclass(frozen=True)
class Vote:
    name: str
    votes_for: int
    against: int
    abstain: int
    chosen: bool = False
    reason: str = ""

    @property
    def total(self) -> int:
        return self.votes_for + self.against + self.abstain


def meeting_errors(*, size: int, present: int) -> list[str]:
    """Whether the committee could decide: present ≤ size, and present > size / 2."""
    if present > size:
        return [ERROR_PRESENT_OVER.format(present=present, size=size)]
    if present * 2 <= size:
        return [ERROR_QUORUM.format(present=present, size=size)]
    return []


def vote_errors(vote: Vote, *, present: int) -> list[str]:
    """One candidate's vote: the votes cast fit in those present; a chosen one has a majority and a reason."""
    errors = []
    if vote.total > present:
        errors.append(
            ERROR_VOTES_OVER.format(
                name=vote.name,
                votes_for=vote.votes_for,
                against=vote.against,
                abstain=vote.abstain,
                total=vote.total,
                present=present,
            )
        )
    elif vote.chosen and vote.votes_for * 2 <= present:
        errors.append(ERROR_NOT_MAJORITY.format(name=vote.name, votes_for=vote.votes_for, present=present))
    if vote.chosen and not vote.reason.strip():
        errors.append(ERROR_REASON.format(name=vote.name))
    return errors


def decision_errors(votes: list[Vote], *, size: int, present: int, quota: int) -> list[str]:
    """Everything wrong with a decision, in the order a reader would fix it; empty when it stands."""
    errors = meeting_errors(size=size, present=present)
    if errors:
        return errors
    for vote in votes:
        errors += vote_errors(vote, present=present)
    chosen = sum(vote.chosen for vote in votes)
    if chosen > quota:
        errors.append(ERROR_DECISION_QUOTA.format(chosen=chosen, quota=quota))
    elif chosen == 0:
        errors.append(ERROR_NONE_CHOSEN)
    return errors


def nominator_quota_error(*, already: int, quota: int | None) -> str:
    """A nominating unit may add one more unless it has reached its quota (no quota: no limit)."""
    if quota is not None and already >= quota:
        return ERROR_NOMINATOR_QUOTA.format(count=already, quota=quota)
    return ""
