"""A framework as plain data, independent of the database.

Every way a framework comes in or goes out (YAML built-ins, .xlsx files, the
database) converts to and from ``FrameworkSpec``; the scoring engine reads
only this. ``validate_spec`` is the one place that states what a well-formed
framework is, with Chinese messages.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

METHODS = ("met", "graded", "deduction", "bonus", "veto")
METHOD_LABELS = {"met": "达标制", "graded": "分档", "deduction": "扣分", "bonus": "加分", "veto": "否决"}
KINDS = {
    "wuhao": "五好党支部创建",
    "wuzhua": "五抓五提升行动",
    "standardization": "党支部建设标准化",
    "chuangxian": "创先争优",
    "demonstration": "党建示范点",
    "inspection": "督查清单",
}
SUBJECTS = {"branch": "党支部", "member": "党员"}
FACTS = {
    "collective_income": "村集体经济收入（元）",
    "member_count": "党员人数",
    "theme_day_months": "开展主题党日的月数",
    "theme_days_missing": "应开未开主题党日的月数",
    "life_meetings": "召开组织生活会次数",
    "three_one_missing": "“三会一课”缺开次数",
    "deed_share": "办实事党员占比（%）",
    "members_without_deed": "未办实事的党员人数",
    "service_share": "服务达2次党员占比（%）",
    "members_short_of_service": "服务不足2次的党员人数",
    "problems_solved": "解决困难问题件数",
    "pledges_kept": "已践诺的承诺数",
    "pledges_open": "待兑现的承诺数",
    "members_pledge_short": "未承诺或未兑现的党员人数",
    "satisfaction_rate": "群众评议满意率（%）",
    # from the member register (branches.Member)
    "committee_vacancies": "支委会缺额人数",
    "members_joined": "年内入党人数",
    "young_members_joined": "年内发展的35岁及以下党员人数",
    # from the yearly figures (branches.AnnualFigure)
    "collective_income_change": "村集体经济收入较上年增减（元）",
    # from pledges and confirmed deeds (records)
    "members_engaged_share": "作出承诺或办实事、服务的党员占比（%）",
    "members_without_pairing": "无一对一帮扶记录的党员人数",
    "pledge_share": "作出公开承诺的党员占比（%）",
    "points_share": "有量化积分的党员占比（%）",
    # from the organisational life and activity records (records.OrganisationalLife)
    "member_appraisals": "开展民主评议党员次数",
    "heart_to_heart_talks": "开展谈心谈话次数",
    "work_reports": "向党员群众报告工作次数",
    "dual_reviews": "开展“双述双评”次数",
    "one_matter_discussions": "“一事一议”议事次数",
    "environment_cleanups_missing": "未开展环境卫生集中整治的月数",
    "disclosures_missing": "党务、村务、财务公开缺公开次数",
    "affairs_disclosures_missing": "未开展党务村务公开的季度数",
    "life_records_incomplete": "“三定三有”不全的组织生活记录数",
    "life_record_gaps": "组织生活记录“三定三有”缺项数",
    "attendance_rate": "组织生活党员参与率（%）",
    "org_life_shortfalls": "组织生活缺开、漏开和被通报次数",
    # offered by the inspections app (problem ledger, quarterly rankings) through scoring.facts.registry
    "ledger_overdue": "问题台账逾期未销号项数",
    "ranked_bottom_three": "季度督查排名后3位次数",
    "relay_studies": "传达学习上级决策部署次数",
    "education_forms": "党员教育形式种数",
    "winter_training": "党员冬训（1：已组织；2：含实用技能培训）",
    "economy_plans": "集体经济提升计划和五年规划（份）",
    "idle_assets_ledger": "集体闲置资源清册（份）",
    "sanitation_docs_missing": "人居环境长效机制缺少的材料（项）",
    "grid_docs": "网格化管理材料（项）",
    "petty_power_docs": "“小微权力”清单和村民议事材料（项）",
    "left_behind_docs_missing": "“三留守”关爱缺少的材料（项）",
    "study_docs": "学习计划和学习记录（项）",
    "look_back_record": "标准化“回头看”记录（份）",
    "education_docs": "“两学一做”和主题教育材料（项）",
    "development_plans": "发展规划、脱贫计划、帮扶措施（项）",
    "supervision_docs": "村务监督材料（项）",
    "three_chains_ledger": "“三链建设”台账（份）",
    "wechat_group": "党支部微信群（有：1）",
    "on_duty_docs": "坐班排班表和登记簿（项）",
    "cadre_measures": "村干部管理措施和记录（方面）",
    "leading_group": "标准化工作领导小组（有：1）",
    "promotion_plan": "标准化推进计划（有：1）",
    "venue_rules": "活动场所管理制度（有：1）",
    "ledger_items": "本年列入问题台账的问题（项）",
    # the registers behind the counted targets (records: 发展党员纪实, 后备干部, 党费, the village's year)
    "collective_income_stable": "连续两年村集体经济收入中较低一年的收入（元）",
    "activists_cultivated": "年内培养的入党积极分子人数",
    "members_developed": "年内发展党员人数（接收为预备党员）",
    "prospects": "发展对象人数（期末）",
    "developed_or_prospects": "年内发展党员或确定发展对象人数",
    "reserve_posts_uncovered": "没有后备人选的村干部职位数（一职一备）",
    "reserve_cadres": "后备干部人数（期末在库）",
    "reserve_cadre_ratio": "后备干部与村“两委”成员人数之比（1:2 即 2）",
    "members_dues_short": "未按月足额交纳党费的党员人数",
    "one_shoulder": "书记、主任“一肩挑”（2：已实行；1：列入推进计划；0：未实行）",
    "three_chains": "“三链建设”（2：已完成；1：推进中；0：未开展）",
    "office_funds": "村级办公经费（元）",
    "cadre_pay": "村干部报酬（元/人·年）",
    "group_cadre_pay": "村民小组干部报酬（元/人·年）",
    # a member's own records (member sheets)
    "member_unexcused_absences": "党员无正当理由缺席组织生活次数",
    "member_pledge_points": "党员公开承诺及兑现得分",
    "member_service_points": "党员结对走访和办实事得分",
    "member_services": "党员参加志愿服务次数",
    "member_satisfaction_rate": "党员本人群众评议满意率（%）",
    "member_meeting_rate": "党员参加三会和主题党日的参加率（%，请假视同参加）",
    "member_lecture_rate": "党员参加党课的参加率（%，请假视同参加）",
    "member_reviews_attended": "党员参加组织生活会和民主评议党员次数",
    "member_dues_standing": "党员交纳党费（2：按月足额；1：未按月足额；0：连续6个月以上未交）",
}
# Facts that count shortfalls: a deduction item linked to one loses one occurrence per case counted.
SHORTFALL_FACTS = frozenset(
    {
        "member_unexcused_absences",
        "sanitation_docs_missing",
        "left_behind_docs_missing",
        "theme_days_missing",
        "three_one_missing",
        "members_without_deed",
        "members_short_of_service",
        "members_pledge_short",
        "committee_vacancies",
        "members_without_pairing",
        "environment_cleanups_missing",
        "disclosures_missing",
        "affairs_disclosures_missing",
        "life_records_incomplete",
        "life_record_gaps",
        "org_life_shortfalls",
        "ledger_overdue",
        "ranked_bottom_three",
        "members_dues_short",
        "reserve_posts_uncovered",
    }
)
DEFAULT_STEP = Decimal("0.5")
FULL_MARKS = Decimal("100")
CODE_PATTERN = re.compile(r"^\d+(\.\d+){0,2}$")
LINEAGE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")


@dataclass(frozen=True)
class ItemSpec:
    code: str
    requirement: str
    guidance: str
    points: Decimal
    method: str
    evidence: str = ""
    step: Decimal | None = None
    per_occurrence: Decimal | None = None
    # a counted item's most points its occurrences add (加分) or take off (扣分); None: the item's points
    cap: Decimal | None = None
    veto: bool = False
    fact: str = ""
    fact_min: Decimal | None = None
    # graded items: (at least this value, these points), highest first
    fact_tiers: tuple[tuple[Decimal, Decimal], ...] = ()

    @property
    def can_veto(self) -> bool:
        return self.veto or self.method == "veto"

    @property
    def counts_to_full_marks(self) -> bool:
        return self.method not in ("bonus", "veto")

    @property
    def counted(self) -> bool:
        """Scored by occurrences: every deduction item, and a bonus item «每次加2分，最多5分»."""
        return self.per_occurrence is not None

    @property
    def occurrence_cap(self) -> Decimal:
        return self.cap if self.cap is not None else self.points

    @property
    def effective_step(self) -> Decimal:
        return self.step or DEFAULT_STEP


@dataclass(frozen=True)
class SectionSpec:
    """An aspect (一级指标) or a standard (二级指标)."""

    code: str
    title: str
    items: tuple[ItemSpec, ...] = ()
    standards: tuple["SectionSpec", ...] = ()

    def all_items(self):
        yield from self.items
        for standard in self.standards:
            yield from standard.items


@dataclass(frozen=True)
class GradeRule:
    label: str
    min: Decimal


@dataclass(frozen=True)
class StarRule:
    stars: int
    min: Decimal


@dataclass(frozen=True)
class CapRule:
    """Below a share of an item's points (``below_ratio``), or below a number of points
    (``below_points``, when given), the stars or the grade go no higher than the limits."""

    item: str
    below_ratio: Decimal
    below_points: Decimal | None = None
    max_stars: int | None = None
    max_grade: str | None = None
    text: str = ""


@dataclass(frozen=True)
class FrameworkSpec:
    code: str
    name: str
    kind: str
    subject: str
    grades: tuple[GradeRule, ...]
    aspects: tuple[SectionSpec, ...]
    stars: tuple[StarRule, ...] = ()
    bonus_cap: Decimal | None = None
    caps: tuple[CapRule, ...] = ()
    description: str = ""
    source: str = ""

    def items(self) -> list[ItemSpec]:
        return [item for aspect in self.aspects for item in aspect.all_items()]

    def item_map(self) -> dict[str, ItemSpec]:
        return {item.code: item for item in self.items()}

    def sections(self):
        """(aspect, standard or None, item) for every item, in order."""
        for aspect in self.aspects:
            for item in aspect.items:
                yield aspect, None, item
            for standard in aspect.standards:
                for item in standard.items:
                    yield aspect, standard, item

    @property
    def failing_grade(self) -> str:
        return self.grades[-1].label

    def fingerprint(self) -> str:
        """Equal for two frameworks with the same content, whatever file they came from."""
        return hashlib.sha256(json.dumps(spec_to_dict(self), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# --- dict form (YAML / JSON) ----------------------------------------------------------


def _number_out(value):
    if value is None:
        return None
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral() else float(value)


def spec_to_dict(spec: FrameworkSpec) -> dict:
    def item_dict(item: ItemSpec) -> dict:
        data = {
            "code": item.code,
            "requirement": item.requirement,
            "guidance": item.guidance,
            "points": _number_out(item.points),
            "method": item.method,
            "evidence": item.evidence,
        }
        if item.step is not None:
            data["step"] = _number_out(item.step)
        if item.per_occurrence is not None:
            data["per_occurrence"] = _number_out(item.per_occurrence)
        if item.cap is not None:
            data["cap"] = _number_out(item.cap)
        if item.veto:
            data["veto"] = True
        if item.fact:
            data["fact"] = item.fact
        if item.fact_min is not None:
            data["fact_min"] = _number_out(item.fact_min)
        if item.fact_tiers:
            data["fact_tiers"] = [[_number_out(low), _number_out(points)] for low, points in item.fact_tiers]
        return data

    def section_dict(section: SectionSpec) -> dict:
        data = {"code": section.code, "title": section.title}
        if section.items:
            data["items"] = [item_dict(i) for i in section.items]
        if section.standards:
            data["standards"] = [section_dict(s) for s in section.standards]
        return data

    data = {
        "code": spec.code,
        "name": spec.name,
        "kind": spec.kind,
        "subject": spec.subject,
        "description": spec.description,
        "source": spec.source,
        "grades": [{"label": g.label, "min": _number_out(g.min)} for g in spec.grades],
    }
    if spec.stars:
        data["stars"] = [{"stars": s.stars, "min": _number_out(s.min)} for s in spec.stars]
    if spec.bonus_cap is not None:
        data["bonus_cap"] = _number_out(spec.bonus_cap)
    if spec.caps:
        data["caps"] = [
            {
                k: v
                for k, v in (
                    ("item", c.item),
                    ("below_ratio", _number_out(c.below_ratio) if c.below_points is None else None),
                    ("below_points", _number_out(c.below_points) if c.below_points is not None else None),
                    ("max_stars", c.max_stars),
                    ("max_grade", c.max_grade),
                    ("text", c.text),
                )
                if v not in (None, "")
            }
            for c in spec.caps
        ]
    data["aspects"] = [section_dict(a) for a in spec.aspects]
    return data


class SpecError(ValueError):
    """A framework that is not well-formed; ``errors`` lists every problem in Chinese."""

    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


def _tiers(value, where: str, errors: list[str]) -> tuple[tuple[Decimal, Decimal], ...]:
    """``[[90, 10], [80, 8]]``: at least 90 gives 10 points, at least 80 gives 8."""
    if not value:
        return ()
    if not isinstance(value, list) or not all(isinstance(t, list | tuple) and len(t) == 2 for t in value):
        errors.append(f"{where}：分档对照应写成 [[达到值, 得分], …]。")
        return ()
    tiers = []
    for low, points in value:
        low = _decimal(low, f"{where} 分档达到值", errors)
        points = _decimal(points, f"{where} 分档得分", errors)
        if low is not None and points is not None:
            tiers.append((low, points))
    return tuple(sorted(tiers, reverse=True))


def _decimal(value, where: str, errors: list[str], *, required=True) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors.append(f"{where}：必须填写。")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.append(f"{where}：“{value}”不是数字。")
        return None
    if not number.is_finite():
        errors.append(f"{where}：“{value}”不是数字。")
        return None
    return number


def spec_from_dict(data: dict) -> FrameworkSpec:
    """Build a spec from the YAML/JSON form; raises SpecError listing every problem."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise SpecError(["文件内容不是一个标准体系。"])

    def item_from(raw: dict) -> ItemSpec:
        code = str(raw.get("code", "")).strip()
        where = f"评分项 {code or '（无编号）'}"
        return ItemSpec(
            code=code,
            requirement=str(raw.get("requirement") or "").strip(),
            guidance=str(raw.get("guidance") or "").strip(),
            points=_decimal(raw.get("points"), f"{where} 分值", errors) or Decimal(0),
            method=str(raw.get("method") or "").strip(),
            evidence=str(raw.get("evidence") or "").strip(),
            step=_decimal(raw.get("step"), f"{where} 档差", errors, required=False),
            per_occurrence=_decimal(raw.get("per_occurrence"), f"{where} 每次扣分/加分", errors, required=False),
            cap=_decimal(raw.get("cap"), f"{where} 最多", errors, required=False),
            veto=bool(raw.get("veto", False)),
            fact=str(raw.get("fact") or "").strip(),
            fact_min=_decimal(raw.get("fact_min"), f"{where} 达标值", errors, required=False),
            fact_tiers=_tiers(raw.get("fact_tiers"), where, errors),
        )

    def section_from(raw: dict) -> SectionSpec:
        return SectionSpec(
            code=str(raw.get("code", "")).strip(),
            title=str(raw.get("title") or "").strip(),
            items=tuple(item_from(i) for i in raw.get("items") or ()),
            standards=tuple(section_from(s) for s in raw.get("standards") or ()),
        )

    grades = tuple(
        GradeRule(str(g.get("label", "")).strip(), _decimal(g.get("min"), "等次分数线", errors) or Decimal(0))
        for g in data.get("grades") or ()
    )
    stars = tuple(
        StarRule(int(s.get("stars", 0)), _decimal(s.get("min"), "星级分数线", errors) or Decimal(0))
        for s in data.get("stars") or ()
    )
    caps = tuple(
        CapRule(
            item=str(c.get("item", "")).strip(),
            below_ratio=_decimal(c.get("below_ratio"), "封顶规则的得分率", errors, required="below_points" not in c)
            or Decimal(0),
            below_points=_decimal(c.get("below_points"), "封顶规则的分数", errors, required=False),
            max_stars=int(c["max_stars"]) if c.get("max_stars") is not None else None,
            max_grade=c.get("max_grade") or None,
            text=str(c.get("text") or "").strip(),
        )
        for c in data.get("caps") or ()
    )
    spec = FrameworkSpec(
        code=str(data.get("code", "")).strip(),
        name=str(data.get("name") or "").strip(),
        kind=str(data.get("kind") or "").strip(),
        subject=str(data.get("subject") or "").strip(),
        description=str(data.get("description") or "").strip(),
        source=str(data.get("source") or "").strip(),
        grades=grades,
        stars=stars,
        bonus_cap=_decimal(data.get("bonus_cap"), "加分上限", errors, required=False),
        caps=caps,
        aspects=tuple(section_from(a) for a in data.get("aspects") or ()),
    )
    errors.extend(validate_spec(spec))
    if errors:
        raise SpecError(errors)
    return spec


def validate_spec(spec: FrameworkSpec) -> list[str]:
    """Everything that makes a framework well-formed, as Chinese messages."""
    errors: list[str] = []
    if not LINEAGE_PATTERN.match(spec.code):
        errors.append(f"标准体系编号“{spec.code}”无效：只能用小写字母、数字和连字符。")
    if not spec.name:
        errors.append("标准体系名称必须填写。")
    if spec.kind not in KINDS:
        errors.append(f"类别“{spec.kind}”无效，应为：{'、'.join(KINDS.values())}。")
    if spec.subject not in SUBJECTS:
        errors.append(f"评价对象“{spec.subject}”无效，应为：党支部、党员。")
    if not spec.aspects:
        errors.append("没有任何一级指标。")

    errors += _validate_thresholds([g.min for g in spec.grades], "等次", required=True)
    errors += _validate_thresholds([s.min for s in spec.stars], "星级", required=False)

    seen: set[str] = set()
    for aspect in spec.aspects:
        if not aspect.title:
            errors.append(f"一级指标 {aspect.code}：名称必须填写。")
        if not aspect.items and not aspect.standards:
            errors.append(f"一级指标 {aspect.code}“{aspect.title}”下没有评分项。")
        for standard in aspect.standards:
            if not standard.code.startswith(aspect.code + "."):
                errors.append(f"二级指标 {standard.code}：编号应以所属一级指标编号“{aspect.code}.”开头。")
            if not standard.items:
                errors.append(f"二级指标 {standard.code}“{standard.title}”下没有评分项。")
    for aspect, standard, item in spec.sections():
        parent = standard or aspect
        if item.code in seen:
            errors.append(f"评分项编号 {item.code} 重复。")
        seen.add(item.code)
        if not CODE_PATTERN.match(item.code):
            errors.append(f"评分项编号“{item.code}”无效，应如 3.2.1。")
        elif not item.code.startswith(parent.code + "."):
            errors.append(f"评分项 {item.code}：编号应以上级指标编号“{parent.code}.”开头。")
        errors += _validate_item(item)

    total = sum((i.points for i in spec.items() if i.counts_to_full_marks), Decimal(0))
    if spec.items() and total != FULL_MARKS:
        errors.append(f"除加分项和否决项外，各评分项分值合计应为 100 分，现为 {_number_out(total)} 分。")
    if spec.bonus_cap is not None and spec.bonus_cap < 0:
        errors.append("加分上限不能为负数。")
    grade_labels = {g.label for g in spec.grades}
    for cap in spec.caps:
        if cap.item not in seen:
            errors.append(f"封顶规则引用的评分项 {cap.item} 不存在。")
        if cap.below_points is not None:
            item = spec.item_map().get(cap.item)
            if cap.below_points <= 0 or (item is not None and cap.below_points > item.points):
                errors.append(f"封顶规则（{cap.item}）的分数应大于 0 且不超过该项分值。")
        elif not 0 < cap.below_ratio <= 1:
            errors.append(f"封顶规则（{cap.item}）的得分率应在 0 到 1 之间。")
        if cap.max_stars is None and cap.max_grade is None:
            errors.append(f"封顶规则（{cap.item}）应规定最高星级或最高等次。")
        if cap.max_grade is not None and cap.max_grade not in grade_labels:
            errors.append(f"封顶规则（{cap.item}）的最高等次“{cap.max_grade}”不是本体系的等次。")
    return errors


def _validate_thresholds(minimums: list[Decimal], label: str, *, required: bool) -> list[str]:
    if not minimums:
        return [f"必须规定{label}分数线。"] if required else []
    errors = []
    if any(a <= b for a, b in zip(minimums, minimums[1:], strict=False)):
        errors.append(f"{label}分数线应从高到低排列。")
    if minimums[-1] != 0:
        errors.append(f"最低{label}的分数线应为 0。")
    return errors


def _validate_item(item: ItemSpec) -> list[str]:
    where = f"评分项 {item.code}"
    errors = []
    if item.method not in METHODS:
        errors.append(f"{where}：评分方式“{item.method}”无效，应为：{'、'.join(METHOD_LABELS.values())}。")
        return errors
    if not item.requirement:
        errors.append(f"{where}：考核内容必须填写。")
    if item.points < 0:
        errors.append(f"{where}：分值不能为负数。")
    if item.method == "veto" and item.points != 0:
        errors.append(f"{where}：否决项的分值应为 0。")
    if item.method not in ("veto",) and item.points <= 0:
        errors.append(f"{where}：分值应大于 0。")
    if item.method == "deduction" and not (item.per_occurrence and item.per_occurrence > 0):
        errors.append(f"{where}：扣分项应写明每次扣分（如〔每次扣1分〕）。")
    if item.per_occurrence is not None and item.method not in ("deduction", "bonus"):
        errors.append(f"{where}：只有扣分项和加分项才能按次计分。")
    if item.method == "bonus" and item.per_occurrence is not None and item.per_occurrence <= 0:
        errors.append(f"{where}：每次加分应大于 0。")
    if item.cap is not None:
        if item.per_occurrence is None:
            errors.append(f"{where}：只有按次计分的扣分、加分项才有“最多”。")
        elif not 0 < item.cap <= item.points:
            errors.append(f"{where}：“最多”应大于 0 且不超过分值 {_number_out(item.points)} 分。")
    if item.counted and item.step is not None:
        errors.append(f"{where}：按次计分的评分项不设档差。")
    if item.step is not None:
        if item.method not in ("graded", "bonus"):
            errors.append(f"{where}：只有分档和加分项才有档差。")
        elif item.step <= 0 or (item.points % item.step) != 0:
            errors.append(f"{where}：档差应大于 0 且能整除分值。")
    if item.fact and item.fact not in FACTS:
        errors.append(f"{where}：关联数据“{item.fact}”无效，应为：{'、'.join(FACTS)}。")
    if item.fact_min is not None and (not item.fact or item.method not in ("met", "deduction")):
        errors.append(f"{where}：达标值只用于关联数据的达标制或扣分评分项。")
    if item.fact_tiers:
        if not item.fact or item.method != "graded":
            errors.append(f"{where}：分档对照只用于关联数据的分档评分项。")
        elif any(points < 0 or points > item.points for _, points in item.fact_tiers):
            errors.append(f"{where}：分档对照的得分应在 0 到 {_number_out(item.points)} 分之间。")
        elif any(points % item.effective_step for _, points in item.fact_tiers):
            errors.append(f"{where}：分档对照的得分应是档差 {_number_out(item.effective_step)} 分的整数倍。")
    return errors
