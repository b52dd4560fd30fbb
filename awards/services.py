"""Every write of a selection. Each service runs in one transaction and either does all it says
or raises ``AwardError`` (a Chinese message) and saves nothing.

The status of a selection moves only through ``_step`` — the rule table ``TRANSITIONS``
(``common.transitions``, the shape campaigns and the problem ledger use) — and each step
writes a ``SelectionStep``: who, when, from, to and why.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from branches.models import Branch, Member, Post, Township
from branches.scoping import Role
from common.dates import today
from common.transitions import rule, rule_table, transition_apply

from . import rules
from .models import AwardObjection, Nomination, NominationState, Selection, SelectionStep, Status, Subject

ORGANISERS = (Role.COUNTY_REVIEWER, Role.TOWNSHIP_STAFF)

TRANSITIONS = rule_table(
    rule("decide", "记录评审决定", [Status.NOMINATING], Status.DECIDED, ORGANISERS),
    rule("publicize", "开始公示", [Status.DECIDED], Status.PUBLICIZED, ORGANISERS),
    rule("commend", "表彰", [Status.PUBLICIZED], Status.COMMENDED, ORGANISERS),
    rule("fail", "公示未通过", [Status.PUBLICIZED], Status.FAILED, ORGANISERS),
)

ERROR_STATE = "评选当前为“{status}”，不能{action}。"
ERROR_NOT_ORGANISER = "只有{organiser}的工作人员可以{action}。"
ERROR_NOT_NOMINATOR = "您所在单位不是本次评选的推荐单位。"
ERROR_DEADLINE = "推荐已于 {deadline} 截止。"
ERROR_OUTSIDE = "所选对象不在本单位范围内，不能推荐。"
ERROR_NOT_SECRETARY = "所选党员不是党支部书记。"
ERROR_TWICE = "{name}已被推荐，不能重复推荐。"
ERROR_REASON_LENGTH = "推荐理由应为 10—1000 字（现有 {n} 字）。"
ERROR_UNITS = "请至少选择一个推荐单位，且只能选择本单位所辖的单位。"
ERROR_UNKNOWN_CANDIDATE = "名单中有不属于本次评选的推荐对象。"
ERROR_MISSING_VOTE = "{name}：请填写表决票数。"
ERROR_PUBLICITY_RUNNING = "公示期至 {end} 结束，公示期满后方可表彰。"
ERROR_OBJECTIONS_OPEN = "还有 {count} 件异议未处理，处理后方可表彰。"
ERROR_PUBLIC_CLOSED = "公示期已结束或尚未开始，不能在网上反映异议；如有情况请直接与{body}联系。"
ERROR_NOT_LISTED = "所选对象不在本次公示名单中。"
ERROR_RESOLVED = "该异议已处理。"
ERROR_NOTE = "请填写处理说明。"
ERROR_MET_ON = "评审会议日期应在发起评选之日至今天之间。"


class AwardError(Exception):
    """A refusal to show the user; ``field`` names the form field it belongs beside, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def is_organiser(user, selection) -> bool:
    if user.is_superuser:
        return True
    if selection.township_id:
        return user.role == Role.TOWNSHIP_STAFF and user.township_id == selection.township_id
    return user.role == Role.COUNTY_REVIEWER and user.county_id == selection.county_id


def _check_organiser(selection, actor, action: str) -> None:
    if not is_organiser(actor, selection):
        raise PermissionDenied(ERROR_NOT_ORGANISER.format(organiser=selection.organiser, action=action))


def _locked(selection) -> Selection:
    return Selection.objects.select_for_update(of=("self",)).select_related("county", "township").get(pk=selection.pk)


def _record(selection, action, actor, *, nomination=None, before="", after="", comment=""):
    return SelectionStep.objects.create(
        selection=selection,
        nomination=nomination,
        action=action,
        from_status=before,
        to_status=after,
        actor=actor,
        comment=comment,
    )


def _step(selection, action: str, actor, comment: str = "", prepare=None):
    step = TRANSITIONS[action]
    _check_organiser(selection, actor, step.label)
    return transition_apply(
        selection,
        step,
        field="status",
        prepare=prepare,
        refused=lambda: AwardError(ERROR_STATE.format(status=selection.get_status_display(), action=step.label)),
        record=lambda before, after, _prepared: _record(
            selection, action, actor, before=before, after=after, comment=comment
        ),
    )


# --- Setting up ---------------------------------------------------------------------------------


def nominating_units_for(actor):
    """The units an organiser may name as nominators: a county's townships, or a township's branches."""
    if actor.role == Role.COUNTY_REVIEWER:
        return Township.objects.filter(county_id=actor.county_id).order_by("name")
    if actor.role == Role.TOWNSHIP_STAFF:
        return Branch.objects.filter(township_id=actor.township_id).order_by("name")
    return Township.objects.none()


@transaction.atomic
def selection_create(
    *,
    year: int,
    title: str,
    honour: str,
    subject: str,
    quota: int,
    per_nominator_quota: int | None,
    nomination_deadline: date,
    publicity_days: int,
    objection_contact: str,
    nominating_unit_ids: list[int],
    actor,
) -> Selection:
    """A county reviewer's selection for the county, or township staff's for their township, with
    the nominating units — only units under the organiser (an id from elsewhere is refused)."""
    if actor.role not in ORGANISERS:
        raise PermissionDenied("只有县委组织部和镇党委工作人员可以发起评选。")
    units = list(nominating_units_for(actor).filter(pk__in=nominating_unit_ids))
    if not units or len(units) != len(set(nominating_unit_ids)):
        raise AwardError(ERROR_UNITS, "nominating_units")
    owner = {"county_id": actor.county_id} if actor.role == Role.COUNTY_REVIEWER else {"township_id": actor.township_id}
    selection = Selection.objects.create(
        **owner,
        year=year,
        title=title.strip(),
        honour=honour.strip(),
        subject=subject,
        quota=quota,
        per_nominator_quota=per_nominator_quota,
        nomination_deadline=nomination_deadline,
        publicity_days=publicity_days,
        objection_contact=objection_contact.strip(),
        created_by=actor,
    )
    (selection.nominating_townships if actor.role == Role.COUNTY_REVIEWER else selection.nominating_branches).set(units)
    _record(selection, "create", actor, after=Status.NOMINATING, comment=f"名额 {quota} 名")
    return selection


# --- Nominating ---------------------------------------------------------------------------------


def nominator_of(selection, user) -> dict | None:
    """The nominating unit the user speaks for in this selection, as Nomination fields; None if none."""
    if user.role == Role.TOWNSHIP_STAFF and selection.county_id:
        if selection.nominating_townships.filter(pk=user.township_id).exists():
            return {"nominator_township_id": user.township_id}
    if user.role == Role.BRANCH_SECRETARY and selection.township_id:
        if selection.nominating_branches.filter(pk=user.branch_id).exists():
            return {"nominator_branch_id": user.branch_id}
    return None


def candidates_for(selection, nominator: dict):
    """Who the nominating unit may put forward: its own branches, members or secretaries."""
    if "nominator_township_id" in nominator:
        branches = Branch.objects.filter(township_id=nominator["nominator_township_id"])
    else:
        branches = Branch.objects.filter(pk=nominator["nominator_branch_id"])
    if selection.subject == Subject.BRANCH:
        return branches.select_related("township").order_by("name")
    members = (
        Member.objects.filter(branch__in=branches)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today()))  # who has left the branch is not its candidate
        .select_related("branch__township")
    )
    if selection.subject == Subject.SECRETARY:
        members = members.filter(post=Post.SECRETARY)
    return members.order_by("branch__name", "name")


@transaction.atomic
def nomination_create(*, selection, candidate_id: int, reason: str, actor) -> Nomination:
    """Nominate one candidate with a reason: only while nominations are open (to the deadline),
    only by a nominating unit, only its own branch / member / secretary, each candidate once,
    and no more than the per-nominator quota."""
    selection = _locked(selection)
    if selection.status != Status.NOMINATING:
        raise AwardError(ERROR_STATE.format(status=selection.get_status_display(), action="推荐"))
    if today() > selection.nomination_deadline:
        raise AwardError(ERROR_DEADLINE.format(deadline=selection.nomination_deadline))
    nominator = nominator_of(selection, actor)
    if nominator is None:
        raise PermissionDenied(ERROR_NOT_NOMINATOR)
    candidate = candidates_for(selection, nominator).filter(pk=candidate_id).first()
    if candidate is None:
        raise AwardError(ERROR_OUTSIDE, "candidate")
    text = reason.strip()
    if not 10 <= len(text) <= 1000:
        raise AwardError(ERROR_REASON_LENGTH.format(n=len(text)), "reason")
    already = selection.nominations.filter(**nominator).count()
    if error := rules.nominator_quota_error(already=already, quota=selection.per_nominator_quota):
        raise AwardError(error, "candidate")
    is_branch = selection.subject == Subject.BRANCH
    fields = {"branch": candidate, "member": None} if is_branch else {"branch": candidate.branch, "member": candidate}
    twice = selection.nominations.filter(member=candidate) if not is_branch else None
    if twice is None:
        twice = selection.nominations.filter(branch=candidate, member__isnull=True)
    nomination = Nomination(selection=selection, reason=text, nominated_by=actor, **fields, **nominator)
    if twice.exists():
        raise AwardError(ERROR_TWICE.format(name=nomination.candidate_label), "candidate")
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:  # the same candidate put forward at the same moment by another request
        raise AwardError(ERROR_TWICE.format(name=nomination.candidate_label), "candidate") from None
    _record(selection, "nominate", actor, nomination=nomination, comment=text)
    return nomination


# --- The committee's decision -------------------------------------------------------------------


@transaction.atomic
def selection_decide(
    *, selection, met_on: date, committee_size: int, present: int, votes: dict[int, rules.Vote], actor
) -> list[Nomination]:
    """Record the committee's meeting and its vote on every candidate; the chosen ones (within the
    quota, each with a majority and a reason) go on the list, the others are recorded as not chosen.
    Returns the chosen nominations."""
    selection = _locked(selection)
    _check_organiser(selection, actor, TRANSITIONS["decide"].label)
    if selection.status != Status.NOMINATING:
        raise AwardError(ERROR_STATE.format(status=selection.get_status_display(), action="记录评审决定"))
    if not timezone.localdate(selection.created_at) <= met_on <= today():
        raise AwardError(ERROR_MET_ON, "met_on")
    nominations = list(
        selection.nominations.select_related("branch__township", "member").select_for_update(of=("self",))
    )
    known = {n.pk for n in nominations}
    if set(votes) - known:
        raise AwardError(ERROR_UNKNOWN_CANDIDATE)
    missing = [n.candidate_label for n in nominations if n.pk not in votes]
    if missing or not nominations:
        raise AwardError(ERROR_MISSING_VOTE.format(name="、".join(missing) or "推荐对象"))
    errors = rules.decision_errors(
        [votes[n.pk] for n in nominations], size=committee_size, present=present, quota=selection.quota
    )
    if errors:
        raise AwardError("；".join(errors))

    def prepare(row):
        row.committee_met_on, row.committee_size, row.committee_present = met_on, committee_size, present
        for nomination in nominations:
            vote = votes[nomination.pk]
            nomination.votes_for, nomination.votes_against, nomination.votes_abstain = (
                vote.votes_for,
                vote.against,
                vote.abstain,
            )
            nomination.state = NominationState.CHOSEN if vote.chosen else NominationState.NOT_CHOSEN
            nomination.decision_reason = vote.reason.strip() if vote.chosen else ""
            nomination.save()

    chosen = sum(votes[n.pk].chosen for n in nominations)
    _step(
        selection,
        "decide",
        actor,
        f"{met_on} 评审会议，应到 {committee_size} 人，实到 {present} 人；拟表彰 {chosen} 名。",
        prepare,
    )
    return [n for n in nominations if n.state == NominationState.CHOSEN]


# --- Publicity, objections, commendation -------------------------------------------------------


@transaction.atomic
def selection_publicize(*, selection, actor) -> Selection:
    """Put the chosen on public notice from today for the selection's publicity days."""
    selection = _locked(selection)

    def prepare(row):
        row.publicity_starts_on = today()
        row.publicity_ends_on = today() + timedelta(days=row.publicity_days)

    _step(selection, "publicize", actor, f"公示 {selection.publicity_days} 天。", prepare)
    return selection


def publicity_running(selection) -> bool:
    return bool(
        selection.status == Status.PUBLICIZED
        and selection.publicity_starts_on
        and selection.publicity_starts_on <= today() <= selection.publicity_ends_on
    )


@transaction.atomic
def objection_submit_public(*, nomination, content: str, contact: str) -> AwardObjection:
    """An objection raised on the public notice (no login): only about a candidate on the list,
    only while the notice runs."""
    nomination = Nomination.objects.select_for_update(of=("self",)).select_related("selection").get(pk=nomination.pk)
    selection = nomination.selection
    if nomination.state != NominationState.CHOSEN:
        raise AwardError(ERROR_NOT_LISTED, "nomination")
    if not publicity_running(selection):
        raise AwardError(ERROR_PUBLIC_CLOSED.format(body=selection.issuing_body))
    objection = AwardObjection.objects.create(
        nomination=nomination, content=content.strip(), contact=contact.strip(), received_on=today()
    )
    _record(selection, "objection", None, nomination=nomination, comment=f"公示页面网上反映：{content.strip()}")
    return objection


ERROR_RECEIVED_OUTSIDE = "收到日期 {day} 不在公示期（{start}至{end}）内，不能作为公示异议登记。"


@transaction.atomic
def objection_record(*, nomination, content: str, contact: str, received_on: date, actor) -> AwardObjection:
    """An objection received by letter, telephone or in person, registered by the organiser: only
    about a candidate on the list, only received within the notice's period (and not in the future)."""
    selection = _locked(nomination.selection)
    _check_organiser(selection, actor, "登记异议")
    nomination = Nomination.objects.select_for_update(of=("self",)).get(pk=nomination.pk)
    if selection.status != Status.PUBLICIZED or nomination.state != NominationState.CHOSEN:
        raise AwardError(ERROR_NOT_LISTED, "nomination")
    start, end = selection.publicity_starts_on, selection.publicity_ends_on
    if not start <= received_on <= min(end, today()):
        raise AwardError(ERROR_RECEIVED_OUTSIDE.format(day=received_on, start=start, end=end), "received_on")
    text = content.strip()
    if not 10 <= len(text) <= 1000:
        raise AwardError("异议内容应为 10—1000 字。", "content")
    objection = AwardObjection.objects.create(
        nomination=nomination,
        content=text,
        contact=contact.strip(),
        received_on=received_on,
        channel=AwardObjection.Channel.REGISTERED,
    )
    _record(selection, "objection", actor, nomination=nomination, comment=f"来信来电登记：{text}")
    return objection


@transaction.atomic
def objection_resolve(*, objection, upheld: bool, note: str, actor) -> AwardObjection:
    """Upheld: the candidate leaves the list (and a list left empty fails publicity, 公示未通过);
    dismissed: recorded with its reason. Either way the note is kept beside the objection."""
    objection = AwardObjection.objects.select_related("nomination__selection").get(pk=objection.pk)
    selection = _locked(objection.nomination.selection)
    _check_organiser(selection, actor, "处理异议")
    objection = AwardObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.resolution != AwardObjection.Resolution.OPEN:
        raise AwardError(ERROR_RESOLVED)
    if not note.strip():
        raise AwardError(ERROR_NOTE, "note")
    if len(note.strip()) > 500:
        raise AwardError("处理说明不能超过 500 字。", "note")
    objection.resolution = AwardObjection.Resolution.UPHELD if upheld else AwardObjection.Resolution.DISMISSED
    objection.resolution_note, objection.resolved_by, objection.resolved_at = note.strip(), actor, timezone.now()
    objection.save()
    nomination = objection.nomination
    if not upheld:
        _record(selection, "objection_dismissed", actor, nomination=nomination, comment=note.strip())
        return objection
    if nomination.state == NominationState.CHOSEN:
        nomination.state = NominationState.REMOVED
        nomination.save(update_fields=["state"])
    _record(selection, "objection_upheld", actor, nomination=nomination, comment=note.strip())
    if selection.status == Status.PUBLICIZED and not selection.nominations.filter(state=NominationState.CHOSEN):
        _step(selection, "fail", actor, "异议成立，公示名单已无表彰对象。")
    return objection


@transaction.atomic
def selection_commend(*, selection, actor) -> int:
    """Commend those still on the list: only once the notice has run its full period and every
    objection has been resolved. Returns how many were commended."""
    selection = _locked(selection)
    _check_organiser(selection, actor, TRANSITIONS["commend"].label)
    if selection.status == Status.PUBLICIZED:
        if today() <= selection.publicity_ends_on:
            raise AwardError(ERROR_PUBLICITY_RUNNING.format(end=selection.publicity_ends_on))
        open_count = AwardObjection.objects.filter(
            nomination__selection=selection, resolution=AwardObjection.Resolution.OPEN
        ).count()
        if open_count:
            raise AwardError(ERROR_OBJECTIONS_OPEN.format(count=open_count))
    chosen = list(selection.nominations.filter(state=NominationState.CHOSEN))

    def prepare(row):
        row.commended_on = today()
        for nomination in chosen:
            nomination.state = NominationState.COMMENDED
            nomination.save(update_fields=["state"])

    _step(selection, "commend", actor, f"表彰 {len(chosen)} 名。", prepare)
    return len(chosen)
