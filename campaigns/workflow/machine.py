"""The state machine of a participant in a campaign: its table, its checks, and the one
way a step is taken and recorded (``take_step``, through ``common.transitions``)."""

from datetime import date

from branches.scoping import Role
from common.dates import today
from common.transitions import Rule, rule, rule_table, transition_apply

from ..models import Campaign, Participant, Phase, PhaseKind, State, Transition

STAFF, COUNTY, SECRETARY = Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER, Role.BRANCH_SECRETARY

VERIFICATION_METHODS = {
    "report": "听取汇报",
    "records": "查阅资料/会议记录",
    "site": "实地察看",
    "interviews": "座谈走访",
    "appraisal": "群众测评",
}

TRANSITIONS: dict[str, Rule] = rule_table(
    rule("start", "开始自评", {State.NOT_STARTED}, State.DRAFTING, {SECRETARY, STAFF}, PhaseKind.SELF_ASSESSMENT),
    rule("submit", "申报", {State.DRAFTING}, State.SUBMITTED, {SECRETARY, STAFF}, PhaseKind.SELF_ASSESSMENT),
    # a returned sheet is revised while the township is verifying
    rule(
        "resubmit",
        "修改后重新申报",
        {State.RETURNED},
        State.SUBMITTED,
        {SECRETARY, STAFF},
        PhaseKind.SELF_ASSESSMENT,
        PhaseKind.VERIFICATION,
    ),
    rule("return", "退回修改", {State.SUBMITTED}, State.RETURNED, {STAFF}, PhaseKind.VERIFICATION),
    rule("pass", "验收通过", {State.SUBMITTED}, State.VERIFIED, {STAFF}, PhaseKind.VERIFICATION),
    rule("fail", "验收不通过", {State.SUBMITTED}, State.FAILED, {STAFF}, PhaseKind.VERIFICATION),
    rule("recommend", "推荐至县委组织部", {State.VERIFIED}, State.RECOMMENDED, {STAFF}, PhaseKind.VERIFICATION),
    rule("confirm", "复核确认", {State.RECOMMENDED}, State.REVIEWED, {COUNTY}, PhaseKind.REVIEW),
    rule("adjust", "复核调整分数", {State.RECOMMENDED}, State.REVIEWED, {COUNTY}, PhaseKind.REVIEW),
    rule("reject", "复核不予通过", {State.RECOMMENDED}, State.REJECTED, {COUNTY}, PhaseKind.REVIEW),
    rule("publicize", "公示", {State.REVIEWED}, State.PUBLICIZED, {COUNTY}, PhaseKind.PUBLICITY),
    # a township campaign without the county's re-check: the township publishes what it verified
    rule("publicize_verified", "公示", {State.VERIFIED}, State.PUBLICIZED, {STAFF}, PhaseKind.PUBLICITY),
    rule("withdraw", "异议成立，取消", {State.PUBLICIZED}, State.WITHDRAWN, {COUNTY, STAFF}, PhaseKind.PUBLICITY),
    rule("name", "命名", {State.PUBLICIZED}, State.NAMED, {COUNTY, STAFF}, PhaseKind.NAMING),
)
# taken for a whole campaign at once (publicity_start, naming, objection_resolve), not from a participant's page
CAMPAIGN_LEVEL = ("publicize", "publicize_verified", "withdraw", "name")
# open only to the recommendations the county drew for review
SAMPLED_ONLY = ("confirm", "adjust", "reject")
# steps of the county's re-check, and the one step that replaces them when a township campaign goes without it
COUNTY_REVIEW_ONLY = ("recommend", "confirm", "adjust", "reject", "publicize")
WITHOUT_COUNTY_REVIEW_ONLY = ("publicize_verified",)
# taken by whoever publishes the campaign's results (``publisher_role``), not by every role the rule lists
PUBLISHER_STEPS = ("withdraw", "name")

ERROR_STATE = "“{subject}”当前为“{state}”，不能{action}。"
ERROR_ROLE = "您的角色不能{action}。"
ERROR_UNIT = "“{subject}”不在您的管理范围内。"
ERROR_PHASE = "“{phase}”阶段（{start}至{end}）未开放，今天不能{action}。"
ERROR_NO_PHASE = "本活动没有设置“{phase}”阶段，不能{action}。"
ERROR_INCOMPLETE = "评分表尚有 {count} 项未填，不能{action}。"
ERROR_RETURN_ITEMS = "退回时请至少选择一个需要修改的评分项，并逐项写明原因。"
ERROR_RETURN_REASON = "评分项 {code} 需要写明退回原因。"
ERROR_NO_VERIFICATION_SHEET = "请先打开并填写验收评分表。"
ERROR_METHODS = "请选择本次验收采用的方式。"
ERROR_APPRAISAL = "选择了群众测评，请填写满意、基本满意、不满意的人数。"
ERROR_NO_REVIEW_SHEET = "调整分数前请先填写复核评分表。"
ERROR_COMMENT = "请写明理由。"
ERROR_NOT_SAMPLED = "“{subject}”未被抽中复核，将在结束复核时按推荐确认。"
ERROR_ALREADY_SAMPLED = "本活动已于 {when} 抽样，抽样结果不能重抽。"
ERROR_NOT_YET_SAMPLED = "请先抽样。"
ERROR_SAMPLED_OPEN = "还有 {count} 个抽中的单位未复核，不能结束复核。"
ERROR_REVIEW_OPEN = "还有 {count} 个推荐单位未完成复核，不能开始公示。"
ERROR_PUBLICITY_RUNNING = "公示期至 {end} 结束，公示期满后才能命名。"
ERROR_OBJECTIONS_OPEN = "还有 {count} 件异议未处理，不能命名。"
ERROR_NOTHING = "没有可以{action}的单位。"
ERROR_NO_COUNTY_REVIEW = "本活动由乡镇党委验收后直接公示、命名，不报县委组织部复核，不能{action}。"
ERROR_COUNTY_REVIEWS = "本活动报县委组织部抽查复核，由县委组织部公示，不能{action}。"
ERROR_VERIFICATION_OPEN = "还有 {count} 个已申报单位未作出验收结论，不能开始公示。"


class WorkflowError(Exception):
    """A refused action; the message is for the user and nothing was changed."""


# --- checks -------------------------------------------------------------------------------------------


def phase_of(campaign: Campaign, kind: str) -> Phase | None:
    return next((p for p in campaign.phases.all() if p.kind == kind), None)


def phase_deadline(participant, kind: str) -> date | None:
    """The last day of phase ``kind`` for ``participant``: the phase's end, or a later extension."""
    phase = phase_of(participant.campaign, kind)
    if phase is None:
        return None
    return max([phase.ends_on, *(e.until for e in participant.extensions.all() if e.phase_kind == kind)])


def phase_open(campaign, kind, *, participant=None, on: date | None = None) -> bool:
    on = on or today()
    phase = phase_of(campaign, kind)
    if phase is None:
        return False
    if phase.starts_on <= on <= phase.ends_on:
        return True
    if participant is not None:
        return participant.extensions.filter(phase_kind=kind, until__gte=on).exists() and on >= phase.starts_on
    return False


def check_phase(campaign, kinds, action_label, *, participant=None):
    if any(phase_open(campaign, kind, participant=participant) for kind in kinds):
        return
    phase = phase_of(campaign, kinds[0])
    if phase is None:
        raise WorkflowError(ERROR_NO_PHASE.format(phase=PhaseKind(kinds[0]).label, action=action_label))
    raise WorkflowError(
        ERROR_PHASE.format(
            phase=phase.title,
            start=f"{phase.starts_on:%Y-%m-%d}",
            end=f"{phase.ends_on:%Y-%m-%d}",
            action=action_label,
        )
    )


def check_actor(actor, roles, label, participant_or_none=None, campaign=None):
    """The actor's role may take the step, and the participant (or campaign) lies under their unit."""
    if not (actor.is_superuser or actor.role in roles):
        raise WorkflowError(ERROR_ROLE.format(action=label))
    if participant_or_none is not None:
        if not Participant.objects.visible_to(actor).filter(pk=participant_or_none.pk).exists():
            raise WorkflowError(ERROR_UNIT.format(subject=participant_or_none.subject_label))
    if campaign is not None and not Campaign.objects.visible_to(actor).filter(pk=campaign.pk).exists():
        raise WorkflowError(ERROR_UNIT.format(subject=campaign.title))


def publisher_role(campaign: Campaign) -> str:
    """Who publishes, hears objections and names: the county reviewer, unless a township runs its
    campaign without the county's re-check, when its own staff do."""
    return COUNTY if campaign.county_review else STAFF


# The stages the county runs when it re-checks a township's campaign: the rest are the township's.
COUNTY_STAGES = (PhaseKind.REVIEW, PhaseKind.PUBLICITY, PhaseKind.NAMING)


def phase_manager_role(campaign: Campaign, kind: str) -> str:
    """Who sets the dates and milestones of phase ``kind``: on a township's campaign re-checked by the
    county, the county reviewer its own stages (抽查复核, 公示, 命名) and the township staff the
    others; on a county's campaign the county all; on a township's own campaign the township all."""
    if campaign.county_id or (campaign.county_review and kind in COUNTY_STAGES):
        return COUNTY
    return STAFF


def may_manage_phase(user, campaign: Campaign, kind: str) -> bool:
    """Whether ``user`` may change phase ``kind`` of ``campaign``: the manager's role, in the campaign's unit."""
    if user.is_superuser:
        return True
    role = phase_manager_role(campaign, kind)
    if user.role != role:
        return False
    if role == COUNTY:
        return user.county_id == (campaign.county_id or campaign.township.county_id)
    return user.township_id == campaign.township_id


def step_roles(step: Rule, campaign: Campaign) -> frozenset[str]:
    """The roles that may take ``step`` in ``campaign`` (the rule's, narrowed to the publisher's for its steps)."""
    return frozenset({publisher_role(campaign)}) if step.action in PUBLISHER_STEPS else step.roles


def step_applies(action: str, campaign: Campaign) -> bool:
    """Whether ``action`` belongs to ``campaign``'s way: with or without the county's re-check."""
    if action in COUNTY_REVIEW_ONLY:
        return campaign.county_review
    if action in WITHOUT_COUNTY_REVIEW_ONLY:
        return not campaign.county_review
    return True


def check_step_applies(action: str, campaign: Campaign, label: str):
    if not step_applies(action, campaign):
        error = ERROR_COUNTY_REVIEWS if campaign.county_review else ERROR_NO_COUNTY_REVIEW
        raise WorkflowError(error.format(action=label))


def require_comment(participant, *, comment, **kwargs):
    if not comment.strip():
        raise WorkflowError(ERROR_COMMENT)
    return {}


def allowed_actions(participant: Participant, actor) -> list[str]:
    """The actions ``actor`` may take on ``participant`` now (for the buttons)."""
    actions = []
    campaign = participant.campaign
    for action, step in TRANSITIONS.items():
        if participant.state not in step.sources or not step_applies(action, campaign):
            continue
        if not (actor.is_superuser or actor.role in step_roles(step, campaign)):
            continue
        if action in SAMPLED_ONLY and not participant.sampled:
            continue
        if action in CAMPAIGN_LEVEL:
            continue
        if any(phase_open(participant.campaign, kind, participant=participant) for kind in step.phases):
            actions.append(action)
    return actions


# --- the one way state changes ------------------------------------------------------------------


def take_step(participant: Participant, action: str, *, actor, comment: str = "", prepare=None) -> Transition:
    """Move ``participant`` by ``action``'s rule and record who, when, from, to and why.

    ``prepare(participant)`` runs once the state is checked, before the state changes: the
    step's checks and side effects; what it returns is kept as the transition's data."""
    step = TRANSITIONS[action]

    def refused():
        state = participant.get_state_display()
        return WorkflowError(ERROR_STATE.format(subject=participant.subject_label, state=state, action=step.label))

    def record(from_state, to_state, data):
        return Transition.objects.create(
            participant=participant,
            action=action,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            comment=comment,
            data=data or {},
        )

    return transition_apply(participant, step, record=record, refused=refused, prepare=prepare)


def campaign_level_step(participant: Participant, action: str, actor, comment: str) -> Transition:
    """A campaign-level step applied to one participant: same rule table, same record."""

    def prepare(row):
        if action == "name":
            row.named_on = today()
        return {"total": str(row.final_total)}

    return take_step(participant, action, actor=actor, comment=comment, prepare=prepare)


def record_event(participant, action, *, actor, comment="", data=None) -> Transition:
    """An event that does not change state (sampling, an extension, an objection)."""
    return Transition.objects.create(
        participant=participant,
        action=action,
        from_state=participant.state,
        to_state=participant.state,
        actor=actor,
        comment=comment,
        data=data or {},
    )


def campaign_locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update(of=("self",)).select_related("township").get(pk=campaign.pk)
