"""The demo's 述职评议: 煤山镇's round for the demo year, held and published — 那姑村's secretary
edited and submitted her drafted report, the meeting's votes give each secretary a tier, two
are weak (新华村 差, talked to: 约谈 recorded; 煤山社区 一般, its 约谈 still due). 关兴镇's round is left for
its staff to open. Dates follow ``common.dates.today``; running it again changes nothing."""

import random
from datetime import timedelta

from django.db import transaction

from branches.models import Township, User
from common.dates import demo_year, today

from .models import DutyRound, VoteGroup
from .services import interview_record, report_save, round_advance, round_open, votes_record
from .tiers import Ballots

TOWNSHIP = "煤山镇"
GROUP_SIZES = {VoteGroup.MEMBERS: 15, VoteGroup.MASSES: 12, VoteGroup.COMMITTEE: 9}
WEAK_AT = (3, 6)  # the branches (in name order) rated low; the first one's secretary is talked to


def _ballots(rng, size: int, *, weak: bool) -> Ballots:
    present = size - rng.randint(0, 2)
    if weak:  # mostly 一般, a few 差: a weighted score in the 60s
        good, fair, poor = rng.randint(0, 1), rng.randint(1, 3), rng.randint(1, 2)
    else:
        good, fair, poor = rng.randint(present // 2, present - 2), rng.randint(1, 2), 0
    average = max(present - good - fair - poor - rng.randint(0, 1), 0)
    return Ballots(size, present, good, fair, average, poor)


@transaction.atomic
def seed_demo_duty_reports() -> bool:
    year = demo_year()
    township = Township.objects.get(name=TOWNSHIP)
    if DutyRound.objects.filter(township=township, year=year).exists():
        return False
    staff, secretary = User.objects.get(username="meishan"), User.objects.get(username="nagu")
    day = today()
    duty_round = round_open(township=township, year=year, actor=staff, report_deadline=day - timedelta(days=8))
    own = duty_round.reports.get(branch=secretary.branch)
    report_save(
        report=own,
        text=own.text.replace("（以上内容由系统", "本人将带头落实整改，接受党员群众监督。\n\n（以上内容由系统"),
        revision=own.revision,
        submit=True,
        actor=secretary,
    )
    round_advance(
        duty_round=duty_round, meeting_on=day - timedelta(days=5), meeting_place="镇政府三楼会议室", actor=staff
    )
    rng = random.Random("煤山镇述职评议（演示）")  # the same counts whatever the date
    reports = list(duty_round.reports.select_related("branch").order_by("branch__name"))
    for index, report in enumerate(reports):
        weak = index in WEAK_AT
        ballots = {group: _ballots(rng, size, weak=weak) for group, size in GROUP_SIZES.items()}
        votes_record(report=report, ballots=ballots, actor=staff)
    talked = reports[WEAK_AT[0]]
    talked.refresh_from_db()
    interview_record(
        report=talked,
        held_on=day - timedelta(days=2),
        interviewers="镇党委书记、组织委员",
        points_raised="主题党日有漏开月份，为群众办实事的党员不多，问题台账整改进度慢。",
        outcome="书记认识到差距，表示限期整改；镇党委明确由组织委员跟踪督办。",
        commitment="每月按时开展主题党日，年底前完成台账全部问题销号。",
        actor=staff,
    )
    round_advance(duty_round=duty_round, actor=staff)
    return True
