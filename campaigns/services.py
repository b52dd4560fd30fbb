"""Setting up campaigns. State changes of participants live in the workflow package (campaigns/workflow/)."""

from datetime import date

from django.db import transaction

from branches.models import Branch, Member
from branches.scoping import unit_owner

from .models import Campaign, Participant, Phase, PhaseKind

# The phases each kind's seed work plan sets out, as (kind, title, (month, day), (month, day)).
# The county's re-check, publicity and naming follow the township's verification.
PHASE_TEMPLATES = {
    "wuhao": [  # 000: 2022年4月下旬至9月 / 10月 / 11月
        (PhaseKind.PREPARATION, "组织实施、集中创建", (4, 20), (9, 30)),
        (PhaseKind.SELF_ASSESSMENT, "自查自评、整改提升", (10, 1), (10, 31)),
        (PhaseKind.VERIFICATION, "整体考评、总结验收", (11, 1), (11, 30)),
        (PhaseKind.REVIEW, "县委组织部抽查复核", (12, 1), (12, 10)),
        (PhaseKind.PUBLICITY, "公示", (12, 11), (12, 20)),
        (PhaseKind.NAMING, "命名表彰", (12, 21), (12, 31)),
    ],
    "wuzhua": [  # 002: 组织动员 4月中旬 / 集中实施 4月下旬至10月 / 总结提高 11月
        (PhaseKind.PREPARATION, "组织动员、集中实施", (4, 15), (10, 31)),
        (PhaseKind.SELF_ASSESSMENT, "总结提高·自查自评", (11, 1), (11, 15)),
        (PhaseKind.VERIFICATION, "总结提高·镇党委考评", (11, 16), (11, 30)),
        (PhaseKind.REVIEW, "县委组织部抽查复核", (12, 1), (12, 10)),
        (PhaseKind.PUBLICITY, "公示", (12, 11), (12, 20)),
        (PhaseKind.NAMING, "命名表彰", (12, 21), (12, 31)),
    ],
    "standardization": [  # 003: 对标部署 5/31–6/10, 对标推进 6/10–10/30, 对标考核 11/1–12/20
        (PhaseKind.PREPARATION, "对标部署、对标推进", (5, 31), (10, 31)),
        (PhaseKind.SELF_ASSESSMENT, "对标考核·支部自评", (11, 1), (11, 15)),
        (PhaseKind.VERIFICATION, "对标考核·乡镇验收", (11, 16), (11, 30)),
        (PhaseKind.REVIEW, "对标考核·县级验收", (12, 1), (12, 10)),
        (PhaseKind.PUBLICITY, "公示", (12, 11), (12, 17)),
        (PhaseKind.NAMING, "星级评定、总结", (12, 18), (12, 31)),
    ],
    "chuangxian": [  # 004: 动员部署 … 总结完善
        (PhaseKind.PREPARATION, "动员部署、创先争优", (3, 1), (9, 30)),
        (PhaseKind.SELF_ASSESSMENT, "公开承诺践诺·自查自评", (10, 1), (10, 31)),
        (PhaseKind.VERIFICATION, "群众评议、领导点评", (11, 1), (11, 30)),
        (PhaseKind.REVIEW, "县委组织部抽查复核", (12, 1), (12, 10)),
        (PhaseKind.PUBLICITY, "公示", (12, 11), (12, 20)),
        (PhaseKind.NAMING, "评选表彰、总结完善", (12, 21), (12, 31)),
    ],
    "demonstration": [  # 001: 宣传发动 … 考核验收 … 总结表彰
        (PhaseKind.PREPARATION, "宣传发动、调查摸底、制定方案、督促检查", (3, 1), (9, 30)),
        (PhaseKind.SELF_ASSESSMENT, "自查申报", (10, 1), (10, 31)),
        (PhaseKind.VERIFICATION, "镇党委考核推荐", (11, 1), (11, 20)),
        (PhaseKind.REVIEW, "县委组织部抽查复核", (11, 21), (12, 5)),
        (PhaseKind.PUBLICITY, "公示", (12, 6), (12, 15)),
        (PhaseKind.NAMING, "审核批复、命名授牌", (12, 16), (12, 31)),
    ],
}

ERROR_FRAMEWORK_KIND = "所选考核标准不属于「{kind}」类别。"
ERROR_BRANCH_OUTSIDE = "所选党支部不在您的管理范围内。"
ERROR_NO_BRANCHES = "请至少选择一个参加的党支部。"
ERROR_COUNTY_ALWAYS_REVIEWS = "县委组织部组织的活动由县委组织部复核，不能取消复核。"


def phase_plan(kind: str, year: int, *, county_review: bool = True) -> list[dict]:
    """The kind's seed phases in ``year``; without the county's re-check there is no review phase."""
    return [
        {"kind": phase_kind, "title": title, "starts_on": date(year, *start), "ends_on": date(year, *end)}
        for phase_kind, title, start, end in PHASE_TEMPLATES[kind]
        if county_review or phase_kind != PhaseKind.REVIEW
    ]


@transaction.atomic
def campaign_create(
    *,
    kind,
    year,
    title,
    framework,
    branches,
    actor,
    publicity_days=5,
    sample_rate=0.3,
    sample_min_per_township=1,
    objection_contact="",
    county_review=True,
) -> Campaign:
    """A campaign of the actor's unit, its phases pre-filled from the kind's
    seed plan, and one participant per branch (or per member, where the
    framework scores members). A township's campaign may go without the
    county's re-check: then it has no review phase and the township publishes and names."""
    if framework.kind != kind:
        raise ValueError(ERROR_FRAMEWORK_KIND.format(kind=framework.get_kind_display()))
    branches = list(branches)
    if not branches:
        raise ValueError(ERROR_NO_BRANCHES)
    visible = set(Branch.objects.visible_to(actor).filter(pk__in=[b.pk for b in branches]).values_list("pk", flat=True))
    if len(visible) != len(branches):
        raise ValueError(ERROR_BRANCH_OUTSIDE)
    owner = unit_owner(actor)
    if not county_review and "township" not in owner:
        raise ValueError(ERROR_COUNTY_ALWAYS_REVIEWS)
    campaign = Campaign.objects.create(
        kind=kind,
        year=year,
        title=title,
        framework=framework,
        created_by=actor,
        publicity_days=publicity_days,
        sample_rate=sample_rate,
        sample_min_per_township=sample_min_per_township,
        objection_contact=objection_contact,
        county_review=county_review,
        **owner,
    )
    plan = phase_plan(kind, year, county_review=county_review)
    Phase.objects.bulk_create(
        Phase(campaign=campaign, position=position, **phase) for position, phase in enumerate(plan)
    )
    if framework.subject == "member":
        members = Member.objects.filter(branch__in=branches).order_by("branch_id", "pk")
        participants = [Participant(campaign=campaign, branch_id=m.branch_id, member=m) for m in members]
    else:
        participants = [Participant(campaign=campaign, branch=b) for b in branches]
    Participant.objects.bulk_create(participants)
    return campaign
