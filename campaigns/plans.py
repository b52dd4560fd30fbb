"""Each kind's work plan as data: its phases and their milestones in (month, day) of the
campaign's year, taken from the seed plans (实施方案), and the dates a campaign created
part-way through the year is offered (``phase_proposal``). Pure: no database."""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from .models import MilestoneActor, PhaseKind

BRANCH, TOWNSHIP, COUNTY = MilestoneActor.BRANCH, MilestoneActor.TOWNSHIP, MilestoneActor.COUNTY


@dataclass(frozen=True)
class MilestoneTemplate:
    title: str
    due: tuple[int, int]  # (month, day)
    actor: str


@dataclass(frozen=True)
class PhaseTemplate:
    kind: str
    title: str
    starts: tuple[int, int]
    ends: tuple[int, int]
    milestones: tuple[MilestoneTemplate, ...] = ()


def _phase(kind, title, starts, ends, *milestones):
    return PhaseTemplate(kind, title, starts, ends, tuple(MilestoneTemplate(*m) for m in milestones))


# The phases each kind's seed work plan sets out. The workflow needs its six stages (PhaseKind), so a
# seed's stages that share one (003's 对标部署 and 对标推进) become one phase and their dated steps its
# milestones. The county's re-check, publicity and naming follow the township's verification; where
# a seed gives no dates for them, they are ours.
PHASE_TEMPLATES: dict[str, tuple[PhaseTemplate, ...]] = {
    "wuhao": (  # 000: 2022年4月下旬至9月 / 10月 / 11月; no dated steps inside the phases
        _phase(PhaseKind.PREPARATION, "组织实施、集中创建", (4, 20), (9, 30)),
        _phase(PhaseKind.SELF_ASSESSMENT, "自查自评、整改提升", (10, 1), (10, 31)),
        _phase(PhaseKind.VERIFICATION, "整体考评、总结验收", (11, 1), (11, 30)),
        _phase(PhaseKind.REVIEW, "县委组织部抽查复核", (12, 1), (12, 10)),
        _phase(PhaseKind.PUBLICITY, "公示", (12, 11), (12, 20)),
        _phase(PhaseKind.NAMING, "命名表彰", (12, 21), (12, 31)),
    ),
    "wuzhua": (  # 002: 组织动员 4月中旬 / 集中实施 4月下旬至10月 / 总结提高 11月
        _phase(
            PhaseKind.PREPARATION,
            "组织动员、集中实施",
            (4, 11),
            (10, 31),
            ("组织动员：制定计划，落实措施", (4, 20), BRANCH),
            ("集中实施：抓学习、抓制度、抓作风、抓品牌、抓落实", (10, 31), BRANCH),
        ),
        _phase(PhaseKind.SELF_ASSESSMENT, "总结提高·自查自评", (11, 1), (11, 15)),
        _phase(PhaseKind.VERIFICATION, "总结提高·镇党委考评", (11, 16), (11, 30)),
        _phase(PhaseKind.REVIEW, "县委组织部抽查复核", (12, 1), (12, 10)),
        _phase(PhaseKind.PUBLICITY, "公示", (12, 11), (12, 20)),
        _phase(PhaseKind.NAMING, "命名表彰", (12, 21), (12, 31)),
    ),
    # 003: 对标部署 5/31–6/10, 对标推进 6/10–10/30, 对标考核 11/1–12/20 (自查评估, 考核验收, 总结推广)
    "standardization": (
        _phase(
            PhaseKind.PREPARATION,
            "对标部署、对标推进",
            (5, 31),
            (10, 30),
            ("专题研究，制定下发年度推进计划", (5, 31), TOWNSHIP),
            ("开展“五学”活动“回头看”", (5, 31), BRANCH),
            ("专题业务培训", (6, 10), TOWNSHIP),
            ("摸底自查，建立达标、未达标台账和三张清单", (6, 10), TOWNSHIP),
            ("调整充实工作力量，成立工作领导小组", (6, 10), TOWNSHIP),
            ("制定本支部推进计划", (6, 15), BRANCH),
            ("对照42个标准全面推进，问题建议汇总反馈", (10, 30), BRANCH),
        ),
        _phase(
            PhaseKind.SELF_ASSESSMENT,
            "对标考核·自查评估",
            (11, 1),
            (11, 10),
            # the step's heading says 11月1日前 (its text 12月1日前, after the township's 11月20日: a slip)
            ("自查评估，达标后提出考核验收申请", (11, 1), BRANCH),
        ),
        _phase(
            PhaseKind.VERIFICATION,
            "对标考核·镇党委考核验收",
            (11, 11),
            (11, 20),
            ("考核验收，结果上报县委组织部", (11, 20), TOWNSHIP),
        ),
        _phase(PhaseKind.REVIEW, "对标考核·县委组织部全面考核验收", (11, 21), (12, 5)),
        _phase(PhaseKind.PUBLICITY, "公示", (12, 6), (12, 12)),
        _phase(
            PhaseKind.NAMING,
            "星级评定、总结推广",
            (12, 13),
            (12, 20),
            ("总结推广，整改提升意见上报县委组织部", (12, 20), TOWNSHIP),
        ),
    ),
    "chuangxian": (  # 004: 动员部署 6月上旬至6月中旬 … 总结完善
        _phase(
            PhaseKind.PREPARATION,
            "动员部署、创先争优",
            (6, 1),
            (9, 30),
            ("召开动员大会，安排部署", (6, 20), BRANCH),
            ("制定实施方案，党员大会公开承诺", (6, 20), BRANCH),
        ),
        _phase(PhaseKind.SELF_ASSESSMENT, "公开承诺践诺·自查自评", (10, 1), (10, 31)),
        _phase(PhaseKind.VERIFICATION, "群众评议、领导点评", (11, 1), (11, 30)),
        _phase(PhaseKind.REVIEW, "县委组织部抽查复核", (12, 1), (12, 10)),
        _phase(PhaseKind.PUBLICITY, "公示", (12, 11), (12, 20)),
        _phase(PhaseKind.NAMING, "评选表彰、总结完善", (12, 21), (12, 31)),
    ),
    # 001: six steps 宣传发动, 调查摸底, 制定方案, 督促检查, 考核验收, 总结表彰 (the seed gives no dates: ours)
    "demonstration": (
        _phase(
            PhaseKind.PREPARATION,
            "宣传发动、调查摸底、制定方案、督促检查",
            (3, 1),
            (9, 30),
            ("宣传发动", (3, 31), TOWNSHIP),
            ("调查摸底，情况上报县委组织部", (4, 30), TOWNSHIP),
            ("制定创建活动实施方案", (5, 31), TOWNSHIP),
            ("督促检查：抽查和全面检查", (9, 30), COUNTY),
        ),
        _phase(PhaseKind.SELF_ASSESSMENT, "自查申报", (10, 1), (10, 31)),
        _phase(
            PhaseKind.VERIFICATION,
            "镇党委考核推荐",
            (11, 1),
            (11, 20),
            ("乡镇党委对村考核验收", (11, 20), TOWNSHIP),
        ),
        _phase(
            PhaseKind.REVIEW,
            "县委组织部抽查复核",
            (11, 21),
            (12, 5),
            ("目标考核和达标验收", (12, 5), COUNTY),
        ),
        _phase(PhaseKind.PUBLICITY, "公示", (12, 6), (12, 15)),
        _phase(
            PhaseKind.NAMING,
            "审核批复、命名授牌",
            (12, 16),
            (12, 31),
            ("总结表彰、经验推广", (12, 31), COUNTY),
        ),
    ),
}


@dataclass(frozen=True)
class PlannedMilestone:
    title: str
    due_on: date
    actor: str

    @property
    def actor_label(self) -> str:
        return MilestoneActor(self.actor).label


@dataclass(frozen=True)
class PlannedPhase:
    kind: str
    title: str
    starts_on: date
    ends_on: date
    milestones: tuple[PlannedMilestone, ...] = ()
    # the seed plan's dates when the proposal moved them (they were past), else None
    planned: tuple[date, date] | None = field(default=None)

    @property
    def moved(self) -> bool:
        return self.planned is not None


def phase_plan(kind: str, year: int, *, county_review: bool = True) -> list[PlannedPhase]:
    """The kind's seed phases and milestones in ``year``; without the county's re-check there is no review phase."""
    return [
        PlannedPhase(
            kind=template.kind,
            title=template.title,
            starts_on=date(year, *template.starts),
            ends_on=date(year, *template.ends),
            milestones=tuple(PlannedMilestone(m.title, date(year, *m.due), m.actor) for m in template.milestones),
        )
        for template in PHASE_TEMPLATES[kind]
        if county_review or template.kind != PhaseKind.REVIEW
    ]


def milestone_moved(due_on: date, offset: timedelta, starts_on: date, ends_on: date) -> date:
    """A milestone's date once its phase moved by ``offset`` to ``starts_on``–``ends_on``: moved as far, kept inside."""
    return min(max(due_on + offset, starts_on), ends_on)


def phase_moved(phase: PlannedPhase, starts_on: date, ends_on: date) -> PlannedPhase:
    """``phase`` on new dates, its milestones moved by as many days as its start and kept inside it;
    ``planned`` keeps the dates it was moved from (unchanged when the dates are the same)."""
    if (starts_on, ends_on) == (phase.starts_on, phase.ends_on):
        return phase
    offset = starts_on - phase.starts_on
    milestones = tuple(
        replace(m, due_on=milestone_moved(m.due_on, offset, starts_on, ends_on)) for m in phase.milestones
    )
    return replace(
        phase,
        starts_on=starts_on,
        ends_on=ends_on,
        milestones=milestones,
        planned=phase.planned or (phase.starts_on, phase.ends_on),
    )


ERROR_ENDS_BEFORE_START = "“{phase}”的截止日期（{end}）早于开始日期（{start}）。"
ERROR_OUT_OF_ORDER = (
    "“{phase}”（{start}至{end}）排在上一阶段“{previous}”（{previous_start}至{previous_end}）之前："
    "各阶段须依次进行，后一阶段的开始日期和截止日期都不能早于上一阶段的。"
)
ERROR_MILESTONE_OUTSIDE = "时间节点“{milestone}”的日期（{due}）不在“{phase}”阶段（{start}至{end}）之内。"


def schedule_errors(phases) -> list[tuple[int, str, str]]:
    """What is wrong with a campaign's calendar, as (index of the phase, "starts_on" / "ends_on" /
    "milestones", message). ``phases`` are in order, each with title, starts_on, ends_on and
    milestones (title, due_on). Phases keep their order: each starts and ends no earlier than the
    one before. They may overlap (a township verifying while the last branches still revise, as the
    demo does), but never swap places."""
    errors = []
    previous = None
    for index, phase in enumerate(phases):
        if phase.ends_on < phase.starts_on:
            errors.append(
                (
                    index,
                    "ends_on",
                    ERROR_ENDS_BEFORE_START.format(phase=phase.title, start=phase.starts_on, end=phase.ends_on),
                )
            )
            continue
        if previous is not None and (phase.starts_on < previous.starts_on or phase.ends_on < previous.ends_on):
            message = ERROR_OUT_OF_ORDER.format(
                phase=phase.title,
                start=phase.starts_on,
                end=phase.ends_on,
                previous=previous.title,
                previous_start=previous.starts_on,
                previous_end=previous.ends_on,
            )
            errors.append((index, "starts_on" if phase.starts_on < previous.starts_on else "ends_on", message))
        for milestone in phase.milestones:
            if not phase.starts_on <= milestone.due_on <= phase.ends_on:
                message = ERROR_MILESTONE_OUTSIDE.format(
                    milestone=milestone.title,
                    due=milestone.due_on,
                    phase=phase.title,
                    start=phase.starts_on,
                    end=phase.ends_on,
                )
                errors.append((index, "milestones", message))
        previous = phase
    return errors


# A phase already under way keeps its end only when this much of it is left; a moved phase runs at most this long.
MIN_DAYS_LEFT = 14
MAX_MOVED_DAYS = 30


def phase_proposal(kind: str, year: int, *, county_review: bool = True, on: date) -> list[PlannedPhase]:
    """The dates offered to a campaign created on ``on``: no phase is over, seed dates kept where they still fit.

    Walk the phases in order with a cursor starting at ``on``:
    - a phase that starts on or after the cursor keeps its seed dates;
    - a phase already started whose end is still at least MIN_DAYS_LEFT days after the cursor
      starts at the cursor and keeps its end;
    - any other phase (over, or nearly) starts at the cursor and runs its seed length, at most
      MAX_MOVED_DAYS days;
    and the cursor moves to the day after the phase's end, so the next phase never starts before.
    Milestones move by the same number of days as their phase's start, then are clamped into it."""
    proposal = []
    cursor = on
    for phase in phase_plan(kind, year, county_review=county_review):
        if phase.starts_on >= cursor:
            starts_on, ends_on = phase.starts_on, phase.ends_on
        elif phase.ends_on >= cursor + timedelta(days=MIN_DAYS_LEFT):
            starts_on, ends_on = cursor, phase.ends_on
        else:
            length = min((phase.ends_on - phase.starts_on).days + 1, MAX_MOVED_DAYS)
            starts_on, ends_on = cursor, cursor + timedelta(days=length - 1)
        proposal.append(phase_moved(phase, starts_on, ends_on))
        cursor = ends_on + timedelta(days=1)
    return proposal
