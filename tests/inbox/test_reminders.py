"""Issue 17: the daily reminders at fixed dates (time-machine) — exactly the reminders due on the
day, none twice however often the schedule runs — and at 16,000 branches one pass whose reads do
not grow with the number of branches."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.models import Branch, Township, User
from branches.scoping import Role
from campaigns.models import Campaign, Milestone, Participant, Phase, PhaseExtension, PhaseKind, State
from campaigns.services import campaign_create
from inbox import reminders
from inbox.models import Kind, Message
from inspections.models import LedgerItem, LedgerStatus
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework

SHANGHAI = ZoneInfo("Asia/Shanghai")
# the campaign's calendar in this test: self-assessment to 15 Nov, verification to 30 Nov
CALENDAR = {
    PhaseKind.PREPARATION: (date(2026, 6, 1), date(2026, 10, 31)),
    PhaseKind.SELF_ASSESSMENT: (date(2026, 11, 1), date(2026, 11, 15)),
    PhaseKind.VERIFICATION: (date(2026, 11, 16), date(2026, 11, 30)),
    PhaseKind.REVIEW: (date(2026, 12, 1), date(2026, 12, 10)),
    PhaseKind.PUBLICITY: (date(2026, 12, 11), date(2026, 12, 20)),
    PhaseKind.NAMING: (date(2026, 12, 21), date(2026, 12, 31)),
}


def _calendar(campaign):
    Milestone.objects.filter(phase__campaign=campaign).delete()  # the plan's, dated from whatever today is
    for phase in campaign.phases.all():
        phase.starts_on, phase.ends_on = CALENDAR[phase.kind]
        phase.save()


@pytest.fixture
def setting(cast):
    """Two branches in a township campaign: 法泥村 not started, 新寨村 submitted; 法泥村 has a
    ledger item due 20 Nov and one closed; a third branch of the township is outside the campaign."""
    load_builtin_frameworks()
    campaign = campaign_create(
        kind="wuzhua",
        year=2026,
        title="五抓五提升",
        framework=Framework.objects.get(code="wuzhua"),
        branches=[cast.branch, cast.sibling_branch],
        actor=cast.users["township_staff"],
    )
    _calendar(campaign)
    Participant.objects.filter(branch=cast.sibling_branch).update(state=State.SUBMITTED)
    staff = cast.users["township_staff"]
    open_item = LedgerItem.objects.create(
        branch=cast.branch,
        problem="三会一课记录不全",
        task="补齐",
        responsible="书记",
        deadline=date(2026, 11, 20),
        created_by=staff,
    )
    LedgerItem.objects.create(
        branch=cast.branch,
        problem="已整改",
        task="-",
        responsible="书记",
        deadline=date(2026, 11, 20),
        status=LedgerStatus.CLOSED,
        created_by=staff,
    )
    return campaign, open_item


def _run_on(time_machine, day):
    time_machine.move_to(datetime.combine(day, time(7, 5), tzinfo=SHANGHAI), tick=False)
    reminders.run()


def _got(user):
    return sorted((m.kind, m.key.split(":")[0]) for m in Message.objects.filter(recipient=user))


def test_exactly_the_due_reminders_each_once(setting, cast, time_machine):
    campaign, item = setting
    secretary, sibling = cast.users["branch_secretary"], cast.users["other_branch_secretary"]
    staff, county = cast.users["township_staff"], cast.users["county_reviewer"]

    _run_on(time_machine, date(2026, 11, 11))  # four days before the self-assessment ends: nothing
    assert not Message.objects.exists()

    for _ in range(2):  # the schedule runs hourly: the second run of the day adds nothing
        _run_on(time_machine, date(2026, 11, 12))
    assert _got(secretary) == [(Kind.PHASE_DUE, "phase_due")]
    assert _got(sibling) == []  # 新寨村 has submitted: nothing left to do in the phase
    assert _got(staff) == [] and _got(county) == []
    [message] = Message.objects.filter(recipient=secretary)
    assert "11月15日截止（还有 3 天）" in message.title and message.url == f"/campaigns/{campaign.pk}/"

    _run_on(time_machine, date(2026, 11, 17))  # the ledger item falls due on 20 Nov
    assert _got(secretary) == [(Kind.LEDGER_DUE, "ledger_due"), (Kind.PHASE_DUE, "phase_due")]
    assert _got(staff) == []

    _run_on(time_machine, date(2026, 11, 21))  # overdue: the branch and its township; the closed one: nobody
    _run_on(time_machine, date(2026, 11, 22))  # still overdue: not told again
    assert _got(secretary).count((Kind.LEDGER_OVERDUE, "ledger_overdue")) == 1
    assert _got(staff) == [(Kind.LEDGER_OVERDUE, "ledger_overdue")]

    _run_on(time_machine, date(2026, 11, 27))  # verification ends 30 Nov: 新寨村 waits for the township
    assert (Kind.PHASE_DUE, "phase_due") in _got(staff)
    verification = Message.objects.get(recipient=staff, kind=Kind.PHASE_DUE)
    assert "还有 1 个单位待验收" in verification.body
    assert not Message.objects.filter(recipient__in=[secretary, sibling], key__contains=":2026113").exists()

    # a deadline moved is a new reminder: the item's new deadline falls due in three days
    item.deadline = date(2026, 12, 1)
    item.save()
    _run_on(time_machine, date(2026, 11, 28))
    assert Message.objects.filter(recipient=secretary, key=f"ledger_due:{item.pk}:20261201").count() == 1
    total = Message.objects.count()
    _run_on(time_machine, date(2026, 11, 28))
    assert Message.objects.count() == total


def test_a_branch_given_more_time_is_reminded_of_its_own_last_day(setting, cast, time_machine):
    campaign, _ = setting
    participant = campaign.participants.get(branch=cast.branch)
    PhaseExtension.objects.create(
        participant=participant,
        phase_kind=PhaseKind.SELF_ASSESSMENT,
        until=date(2026, 11, 25),
        reason="村两委换届",
        granted_by=cast.users["township_staff"],
    )
    _run_on(time_machine, date(2026, 11, 12))
    assert _got(cast.users["branch_secretary"]) == []  # the phase's end is not hers
    _run_on(time_machine, date(2026, 11, 22))
    [message] = Message.objects.filter(recipient=cast.users["branch_secretary"], kind=Kind.PHASE_DUE)
    assert "延长的自查自评期限 11月25日截止" in message.title


def test_a_milestone_reaches_whoever_it_names_three_days_before(setting, cast, time_machine):
    campaign, _ = setting
    phase = campaign.phases.get(kind=PhaseKind.SELF_ASSESSMENT)
    for title, actor in (
        ("召开支部党员大会自评", "branch"),
        ("镇党委专题调度", "township"),
        ("县委组织部督导", "county"),
    ):
        Milestone.objects.create(phase=phase, title=title, due_on=date(2026, 11, 10), actor=actor)
    _run_on(time_machine, date(2026, 11, 6))
    assert not Message.objects.exists()
    _run_on(time_machine, date(2026, 11, 7))
    _run_on(time_machine, date(2026, 11, 7))

    def titles(user):
        return [m.title for m in Message.objects.filter(recipient=user, kind=Kind.MILESTONE_DUE)]

    for key in ("branch_secretary", "other_branch_secretary"):  # both of the campaign's branches
        assert titles(cast.users[key]) == ["五抓五提升：“召开支部党员大会自评”11月10日前完成（还有 3 天）"]
    assert titles(cast.users["township_staff"]) == ["五抓五提升：“镇党委专题调度”11月10日前完成（还有 3 天）"]
    assert titles(cast.users["county_reviewer"]) == ["五抓五提升：“县委组织部督导”11月10日前完成（还有 3 天）"]
    assert not Message.objects.filter(recipient=cast.users["other_township_staff"]).exists()


def test_the_organiser_hears_of_its_own_phases_and_the_county_of_publicity(setting, cast, time_machine):
    _run_on(time_machine, date(2026, 10, 28))  # preparation ends 31 Oct: the township runs it
    assert _got(cast.users["township_staff"]) == [(Kind.PHASE_DUE, "phase_due")]
    _run_on(time_machine, date(2026, 12, 17))  # publicity ends 20 Dec: the county publishes this campaign
    assert _got(cast.users["county_reviewer"]) == [(Kind.PHASE_DUE, "phase_due")]
    assert not Message.objects.filter(recipient=cast.users["other_county_reviewer"]).exists()


def _county_of(size: int, cast) -> Campaign:
    """``size`` branches in one township of the cast's county, each with a secretary, a participant
    not started in a campaign whose self-assessment ends in three days, and an overdue ledger item."""
    township = Township.objects.create(county=cast.county, name=f"规模{size}镇")
    Branch.objects.bulk_create(
        Branch(township=township, name=f"第{i:05d}村党支部", households=300, population=1200) for i in range(size)
    )
    branches = list(Branch.objects.filter(township=township))
    User.objects.bulk_create(
        User(username=f"s{size}-{b.pk}", role=Role.BRANCH_SECRETARY, branch=b, password="!") for b in branches
    )
    staff = cast.users["township_staff"]
    campaign = Campaign.objects.create(
        kind="wuzhua",
        year=2026,
        title=f"规模{size}",
        framework=Framework.objects.get(code="wuzhua"),
        county=cast.county,
        created_by=cast.users["county_reviewer"],
    )
    phase = Phase.objects.create(
        campaign=campaign,
        kind=PhaseKind.SELF_ASSESSMENT,
        title="自查自评",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 15),
    )
    Milestone.objects.create(phase=phase, title="上报自评报告", due_on=date(2026, 11, 15), actor="branch")
    Participant.objects.bulk_create(Participant(campaign=campaign, branch=b) for b in branches)
    LedgerItem.objects.bulk_create(
        LedgerItem(
            branch=b, problem="问题", task="整改", responsible="书记", deadline=date(2026, 11, 1), created_by=staff
        )
        for b in branches
    )
    return campaign


def _reads(time_machine, day) -> int:
    time_machine.move_to(datetime.combine(day, time(7, 5), tzinfo=SHANGHAI), tick=False)
    with CaptureQueriesContext(connection) as queries:
        reminders.run()
    return sum(
        1
        for q in queries.captured_queries
        if not q["sql"].lstrip().upper().startswith(("INSERT", "SAVEPOINT", "RELEASE"))
    )


@pytest.mark.django_db(transaction=False)
def test_sixteen_thousand_branches_in_one_pass_with_the_same_reads(cast, time_machine):
    load_builtin_frameworks()
    _county_of(40, cast)
    small = _reads(time_machine, date(2026, 11, 12))
    assert Message.objects.filter(kind=Kind.PHASE_DUE).count() == 40
    assert Message.objects.filter(kind=Kind.MILESTONE_DUE).count() == 40
    assert Message.objects.filter(kind=Kind.LEDGER_OVERDUE).count() == 40  # each branch (its township has no staff)
    Message.objects.all().delete()

    _county_of(16_000, cast)
    large = _reads(time_machine, date(2026, 11, 12))
    assert large == small
    assert Message.objects.filter(kind=Kind.PHASE_DUE).count() == 16_040
    assert Message.objects.filter(kind=Kind.MILESTONE_DUE).count() == 16_040
    # 16,040 secretaries once each; the cast's township staff is not the township of these branches
    assert Message.objects.filter(kind=Kind.LEDGER_OVERDUE, recipient__role=Role.BRANCH_SECRETARY).count() == 16_040
    again = Message.objects.count()
    reminders.run()
    assert Message.objects.count() == again


def test_the_optional_e_mail_digest_mails_each_message_once_and_only_when_configured(
    setting, cast, time_machine, settings
):
    from django.core import mail

    secretary = cast.users["branch_secretary"]
    secretary.email = "fani@intranet.example"
    secretary.save()
    _run_on(time_machine, date(2026, 11, 12))  # off by default: nothing leaves the machine
    assert mail.outbox == [] and Message.objects.filter(recipient=secretary).count() == 1
    settings.INBOX_EMAIL_DIGEST = True
    _run_on(time_machine, date(2026, 11, 12))
    _run_on(time_machine, date(2026, 11, 12))
    [digest] = mail.outbox
    assert digest.to == ["fani@intranet.example"] and "11月15日截止" in digest.body
    assert "1 条新消息" in digest.subject
