"""Every write of 述职评议. Each function is keyword-only, runs in one transaction, checks role and
unit, and refuses bad input with a Chinese message (``DutyError``) before anything is saved."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from branches.models import Township
from branches.scoping import Role
from common.dates import today
from common.files import UploadRefused, read_checked, save_with_files
from inspections.services import InspectionError, flag_resolve

from . import selectors, tiers
from .drafting import draft_text
from .models import (
    TRANSITIONS,
    DutyReport,
    DutyRound,
    Interview,
    ReportFile,
    ReportStatus,
    ReportVersion,
    RoundStatus,
    RoundStep,
    Vote,
    VoteGroup,
)

REPORT_MAX_CHARS = 8000
REPORT_MIN_CHARS = 50
ERROR_OUTSIDE = "该乡镇不在您的管理范围内。"
ERROR_ROLE = "只有镇党委工作人员可以{action}。"
ERROR_TWICE = "{township}{year}年度的述职评议已于 {when} 开启，不能重复开启。"
ERROR_YEAR = "年度应为 2000 年至 {max} 年之间的年份。"
ERROR_NOT_SECRETARY = "只有本支部书记可以修改述职报告。"
ERROR_AFTER_MEETING = "评议会已于 {on} 召开，述职报告不能再修改。"
ERROR_TOO_LONG = "述职报告不能超过 {max} 字，现为 {n} 字。"
ERROR_TOO_SHORT = "述职报告至少 {min} 字，现为 {n} 字。"
ERROR_STALE = "述职报告已在您打开后被修改（第 {revision} 稿，见下方“历次稿件”）。您填写的内容仍在页面上，没有保存；核对后再次保存将以您填写的为准。"
ERROR_MEETING_DAY = "评议会日期应在 {first:%Y年%m月%d日} 至今天之间。"
ERROR_INTERVIEW_DAY = "约谈日期应在评议会（{meeting:%Y年%m月%d日}）至今天之间。"
ERROR_INTERVIEW_OPEN = "评议会召开后才能记录约谈。"
ERROR_STATUS = "述职评议当前为“{status}”，不能{action}。"
ERROR_UNCOUNTED = "还有 {n} 个党支部没有录完三个评议组的票数：{names}。"
ERROR_NO_INTERVIEW_NEEDED = "{branch}评议等次不是一般或差，也没有连续两个季度排名后3位的标记，无需约谈。"
ERROR_TEXT = "请填写{what}。"
ERROR_TEXT_LONG = "{what}不能超过 {limit} 个字。"
MEETING_PLACE_MAX = 100  # the model's column


class DutyError(Exception):
    """A refused step; the message is for the user and nothing changed. ``field`` names the input at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _staff_of(duty_round_or_township, actor, action: str) -> None:
    township_id = getattr(duty_round_or_township, "township_id", None) or duty_round_or_township.pk
    if not (actor.is_superuser or Township.objects.visible_to(actor).filter(pk=township_id).exists()):
        raise PermissionDenied(ERROR_OUTSIDE)
    if not (actor.is_superuser or actor.role == Role.TOWNSHIP_STAFF):
        raise PermissionDenied(ERROR_ROLE.format(action=action))


@transaction.atomic
def round_open(
    *,
    township,
    year: int,
    actor,
    weights: dict[str, int] | None = None,
    rule: tiers.TierRule | None = None,
    report_deadline=None,
) -> DutyRound:
    """Open the township's round for ``year`` and draft every reporting branch's 述职报告 from the
    year's facts (the draft is version 1 of each). Once per township and year."""
    _staff_of(township, actor, "开启述职评议")
    weights = weights or {VoteGroup.MEMBERS: 40, VoteGroup.MASSES: 30, VoteGroup.COMMITTEE: 30}
    if error := tiers.weights_error(weights):
        raise DutyError(error, "weight_members")
    rule = rule or tiers.TierRule()
    if not rule.good > rule.fair > rule.average >= 0 or rule.good > 100:
        raise DutyError("分档线应为 100 ≥“好”>“较好”>“一般”≥ 0。", "threshold_good")
    existing = DutyRound.objects.filter(township=township, year=year).first()
    if existing:
        when = timezone.localtime(existing.opened_at).strftime("%Y-%m-%d")
        raise DutyError(ERROR_TWICE.format(township=township.name, year=year, when=when), "year")
    try:
        with transaction.atomic():
            duty_round = DutyRound.objects.create(
                township=township,
                year=year,
                weight_members=weights[VoteGroup.MEMBERS],
                weight_masses=weights[VoteGroup.MASSES],
                weight_committee=weights[VoteGroup.COMMITTEE],
                threshold_good=rule.good,
                threshold_fair=rule.fair,
                threshold_average=rule.average,
                poor_share=rule.poor_share,
                report_deadline=report_deadline,
                opened_by=actor,
            )
    except IntegrityError:  # opened by someone else a moment ago
        raise DutyError(ERROR_TWICE.format(township=township.name, year=year, when="刚才"), "year") from None
    for branch_year in selectors.branch_years(selectors.round_branches(township), year):
        text = draft_text(branch_year, year_number=year)
        report = DutyReport.objects.create(
            duty_round=duty_round, branch=branch_year.branch, secretary_name=branch_year.secretary[:50], text=text
        )
        ReportVersion.objects.create(report=report, revision=1, text=text, drafted_by_system=True)
    return duty_round


REPORT_FILES_MAX = 5
REPORT_FILES_MAX_BYTES = 50 * 1024 * 1024
ERROR_FILES_COUNT = "每份述职报告最多附 {n} 个文件。"
ERROR_FILES_SIZE = "本份述职报告的附件已达 {limit} MB 上限。"


def _editable(report: DutyReport, actor) -> DutyReport:
    """The report locked for a change by its own secretary while the round is open, or refused."""
    if not (actor.role == Role.BRANCH_SECRETARY and actor.branch_id == report.branch_id):
        raise PermissionDenied(ERROR_NOT_SECRETARY)
    locked = DutyReport.objects.select_for_update().select_related("duty_round").get(pk=report.pk)
    duty_round = locked.duty_round
    if duty_round.status != RoundStatus.OPEN:
        on = duty_round.meeting_on.strftime("%Y年%-m月%-d日") if duty_round.meeting_on else "此前"
        raise DutyError(ERROR_AFTER_MEETING.format(on=on), "text")
    return locked


@transaction.atomic
def report_file_store(*, report: DutyReport, upload, actor) -> ReportFile:
    """Keep a file with the report (JPEG, PNG or PDF, checked by content; at most 5 files and
    50 MB a report), beside its current version. Only its secretary, only while the round is open."""
    locked = _editable(report, actor)
    if locked.files.count() >= REPORT_FILES_MAX:
        raise DutyError(ERROR_FILES_COUNT.format(n=REPORT_FILES_MAX), "upload")
    used = locked.files.aggregate(total=Sum("size"))["total"] or 0
    try:
        checked = read_checked(upload, used=used, limit=REPORT_FILES_MAX_BYTES, over_limit=ERROR_FILES_SIZE)
        stored = ReportFile(
            report=locked,
            revision=locked.revision,
            original_name=checked.name,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        return save_with_files(stored, checked)
    except UploadRefused as refused:
        raise DutyError(str(refused), "upload") from None


class StaleReport(DutyError):
    """A save over a version the secretary had not seen; ``revision`` is the newer one, to save over."""

    def __init__(self, message: str, field: str | None = None, *, revision: int):
        super().__init__(message, field)
        self.revision = revision


def _check_text(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if len(text) > REPORT_MAX_CHARS:
        raise DutyError(ERROR_TOO_LONG.format(max=REPORT_MAX_CHARS, n=len(text)), "text")
    if len(text) < REPORT_MIN_CHARS:
        raise DutyError(ERROR_TOO_SHORT.format(min=REPORT_MIN_CHARS, n=len(text)), "text")
    return text


@transaction.atomic
def report_save(*, report: DutyReport, text: str, revision: int, submit: bool, actor) -> DutyReport:
    """Save the secretary's text as the next version (every version is kept) and, if ``submit``,
    mark the report submitted. Only her own branch's, only while the round is open, only over the
    version she opened (``revision``)."""
    locked = _editable(report, actor)
    if revision != locked.revision:
        raise StaleReport(ERROR_STALE.format(revision=locked.revision), "text", revision=locked.revision)
    locked.text = _check_text(text)
    locked.revision += 1
    if submit:
        locked.status, locked.submitted_at = ReportStatus.SUBMITTED, timezone.now()
    locked.save(update_fields=["text", "revision", "status", "submitted_at"])
    ReportVersion.objects.create(
        report=locked, revision=locked.revision, text=locked.text, submitted=submit, saved_by=actor
    )
    return locked


@transaction.atomic
def round_advance(*, duty_round: DutyRound, actor, meeting_on=None, meeting_place: str = "") -> DutyRound:
    """The round's next status by the table (开放撰写 → 已召开评议会 → 已公布结果), with its step kept.
    Holding the meeting freezes every report; publishing needs every report judged."""
    _staff_of(duty_round, actor, "推进述职评议")
    locked = DutyRound.objects.select_for_update().get(pk=duty_round.pk)
    target = TRANSITIONS.get(locked.status)
    if target is None:
        raise DutyError(ERROR_STATUS.format(status=locked.get_status_display(), action="再推进"))
    if target == RoundStatus.MEETING_HELD:
        if meeting_on is None:
            raise DutyError(ERROR_TEXT.format(what="评议会日期"), "meeting_on")
        if not meeting_place.strip():
            raise DutyError(ERROR_TEXT.format(what="评议会地点"), "meeting_place")
        # votes follow the meeting: a date ahead would open them before it is held (a meeting held on
        # paper before the round was entered here is fine)
        first = date(locked.year, 1, 1)
        if not first <= meeting_on <= today():
            raise DutyError(ERROR_MEETING_DAY.format(first=first), "meeting_on")
        if len(meeting_place.strip()) > MEETING_PLACE_MAX:
            raise DutyError(ERROR_TEXT_LONG.format(what="评议会地点", limit=MEETING_PLACE_MAX), "meeting_place")
        locked.meeting_on, locked.meeting_place = meeting_on, meeting_place.strip()
    if target == RoundStatus.PUBLISHED:
        unjudged = list(locked.reports.filter(tier="").select_related("branch").order_by("branch__name"))
        if unjudged:
            names = "、".join(r.branch.name for r in unjudged[:5]) + ("等" if len(unjudged) > 5 else "")
            raise DutyError(ERROR_UNCOUNTED.format(n=len(unjudged), names=names))
        locked.published_at = timezone.now()
    RoundStep.objects.create(duty_round=locked, from_status=locked.status, to_status=target, actor=actor)
    locked.status = target
    locked.save()
    return locked


def _rule(duty_round) -> tiers.TierRule:
    return tiers.TierRule(
        good=duty_round.threshold_good,
        fair=duty_round.threshold_fair,
        average=duty_round.threshold_average,
        poor_share=duty_round.poor_share,
    )


@transaction.atomic
def votes_record(*, report: DutyReport, ballots: dict[str, tiers.Ballots], actor) -> DutyReport:
    """Record the meeting's count for the groups given (a correction is a new row, the old one kept)
    and, once every weighted group is counted, store the report's weighted score and tier.
    Only after the meeting and before publication; every group's count is checked first."""
    duty_round = DutyRound.objects.select_for_update().get(pk=report.duty_round_id)
    _staff_of(duty_round, actor, "录入评议票数")
    if duty_round.status != RoundStatus.MEETING_HELD:
        raise DutyError(ERROR_STATUS.format(status=duty_round.get_status_display(), action="录入票数"))
    for group, counted in ballots.items():
        for field_name, message in tiers.ballots_errors(counted).items():
            raise DutyError(f"{VoteGroup(group).label}：{message}", f"{group}_{field_name}")
    for group, counted in ballots.items():
        Vote.objects.create(report=report, group=group, recorded_by=actor, **counted.__dict__)
    weights = duty_round.weights
    counted = {
        vote.group: tiers.Ballots(vote.group_size, vote.present, vote.good, vote.fair, vote.average, vote.poor)
        for vote in selectors.current_votes([report.pk])
    }
    locked = DutyReport.objects.select_for_update().get(pk=report.pk)
    if all(group in counted for group, weight in weights.items() if weight):
        result = tiers.judge(counted, weights, _rule(duty_round))
        locked.score, locked.tier, locked.tier_rule = result.score, result.tier, result.rule
        locked.save(update_fields=["score", "tier", "tier_rule"])
    return locked


@transaction.atomic
def interview_record(
    *, report: DutyReport, held_on, interviewers: str, points_raised: str, outcome: str, commitment: str, actor
) -> Interview:
    """Record a 约谈 with a secretary whose tier is 一般/差 or whose branch is flagged two quarters
    running; the open flags are resolved in the same transaction through inspections' own service."""
    _staff_of(report.duty_round, actor, "记录约谈")
    duty_round = DutyRound.objects.get(pk=report.duty_round_id)  # as it is now, not as the page had it
    if duty_round.status == RoundStatus.OPEN or duty_round.meeting_on is None:
        raise DutyError(ERROR_INTERVIEW_OPEN)
    if held_on is None or not duty_round.meeting_on <= held_on <= today():
        raise DutyError(ERROR_INTERVIEW_DAY.format(meeting=duty_round.meeting_on), "held_on")
    row = next(r for r in selectors.round_rows(duty_round) if r.report.pk == report.pk)
    if not row.interview_reasons:
        raise DutyError(ERROR_NO_INTERVIEW_NEEDED.format(branch=report.branch.name))
    texts = {"interviewers": interviewers, "points_raised": points_raised, "outcome": outcome, "commitment": commitment}
    labels = {
        "interviewers": "约谈人",
        "points_raised": "指出的问题",
        "outcome": "约谈结果",
        "commitment": "书记整改承诺",
    }
    for name, value in texts.items():
        if not value.strip():
            raise DutyError(ERROR_TEXT.format(what=labels[name]), name)
        if len(value) > (100 if name == "interviewers" else 2000):
            raise DutyError(f"{labels[name]}过长，请精简到 {100 if name == 'interviewers' else 2000} 字以内。", name)
    interview = Interview.objects.create(
        report=report,
        held_on=held_on,
        reason="；".join(row.interview_reasons),
        resolved_flags="、".join(f"{f.year}年第{f.quarter}季度" for f in row.flags),
        recorded_by=actor,
        **{name: value.strip() for name, value in texts.items()},
    )
    for flag in row.flags:
        try:
            flag_resolve(flag, action_taken=f"{held_on:%Y年%m月%d日}述职评议约谈：{interview.outcome}", actor=actor)
        except InspectionError as refused:
            raise DutyError(str(refused)) from None
    return interview


def weights_from(data) -> dict[str, int]:
    return {
        VoteGroup.MEMBERS: data["weight_members"],
        VoteGroup.MASSES: data["weight_masses"],
        VoteGroup.COMMITTEE: data["weight_committee"],
    }


def rule_from(data) -> tiers.TierRule:
    return tiers.TierRule(
        good=Decimal(data["threshold_good"]),
        fair=Decimal(data["threshold_fair"]),
        average=Decimal(data["threshold_average"]),
        poor_share=Decimal(data["poor_share"]),  # 0 is a rule too (no 差 share tolerated), not "unset"
    )
