"""Frameworks in and out of files: YAML/JSON for the built-ins, .xlsx in the
layout of a printed 量化考核评分表 for everyone (docs/frameworks.md)."""

import json
import re
from decimal import Decimal, InvalidOperation

import yaml

from common.workbooks import (
    WorkbookRefused,
    new_workbook,
    open_uploaded_workbook,
    read_table,
    workbook_bytes,
    wrap_rows,
    write_table,
)

from .spec import (
    FACTS,
    KINDS,
    METHOD_LABELS,
    SUBJECTS,
    CapRule,
    FrameworkSpec,
    GradeRule,
    ItemSpec,
    SectionSpec,
    SpecError,
    StarRule,
    _number_out,
    spec_from_dict,
    spec_to_dict,
    validate_spec,
)

ITEM_SHEET = "评分表"
INFO_SHEET = "说明"
HEADERS = [
    "编号",
    "一级指标",
    "二级指标",
    "考核内容",
    "评分标准",
    "分值",
    "评分方式",
    "一票否决",
    "佐证材料",
    "关联数据",
]
REQUIRED_HEADERS = HEADERS[:9]
WIDTHS = [8, 16, 16, 40, 40, 7, 9, 9, 24, 22]
INFO_KEYS = ["编号", "名称", "类别", "评价对象", "等次", "星级", "加分上限", "封顶规则", "依据", "说明"]
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

_STEP_TAIL = re.compile(r"\s*〔档差\s*(?P<n>[\d.]+)\s*分〕\s*$")
# 〔每次扣1分〕, 〔每次扣1分，最多扣3分〕, 〔每次加2分，最多5分〕: the method's tail in 评分标准
_COUNTED_TAIL = re.compile(
    r"\s*〔每次(?P<verb>[扣加])\s*(?P<n>[\d.]+)\s*分(?:\s*[，,]\s*最多[扣加]?\s*(?P<cap>[\d.]+)\s*分)?〕\s*$"
)
_ANY_TAIL = re.compile(r"\s*〔(?P<text>[^〔〕]*分[^〔〕]*)〕\s*$")
_THRESHOLD = re.compile(r"^\s*(?P<label>[^>＝=≥]+?)\s*(>=|≥)\s*(?P<min>[\d.]+)\s*$")
_CAP = re.compile(
    r"^\s*(?P<item>[\d.]+)\s*<\s*(?:(?P<pct>[\d.]+)\s*%|(?P<points>[\d.]+)\s*分)\s*[:：]\s*(?P<limits>[^:：]+?)\s*(?:[:：]\s*(?P<text>.*))?$"
)
_FACT = re.compile(
    r"^\s*(?P<fact>[a-z_]+)\s*(?:(>=|≥)\s*(?P<min>[\d.]+))?\s*(?P<tiers>(?:[\d.]+\s*[:：]\s*[\d.]+[\s,，]*)*)$"
)
_TIER = re.compile(r"([\d.]+)\s*[:：]\s*([\d.]+)")
_YES = {"是", "Y", "y", "yes", "1", "√"}
_NO = {"否", "", "N", "n", "no", "0"}


def _fmt(value) -> str:
    number = _number_out(value)
    return "" if number is None else str(number)


# --- YAML / JSON -------------------------------------------------------------------------


def spec_from_yaml(text: str) -> FrameworkSpec:
    try:
        # anchors and aliases are how a small YAML file expands into a huge one; a framework needs none
        if any(isinstance(token, yaml.AliasToken | yaml.AnchorToken) for token in yaml.scan(text)):
            raise SpecError(["YAML 文件中不能使用锚点和别名（& 与 *），请逐项写出。"])
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SpecError([f"YAML 格式错误：{error}"]) from None
    return spec_from_dict(data)


def spec_to_yaml(spec: FrameworkSpec) -> str:
    return yaml.safe_dump(spec_to_dict(spec), allow_unicode=True, sort_keys=False, width=120)


def spec_to_json(spec: FrameworkSpec) -> str:
    return json.dumps(spec_to_dict(spec), ensure_ascii=False, indent=2)


# --- Excel out --------------------------------------------------------------------------------


def _guidance_with_tail(item: ItemSpec) -> str:
    if item.counted:
        verb = "加" if item.method == "bonus" else "扣"
        cap = "" if item.cap is None else f"，最多{'扣' if verb == '扣' else ''}{_fmt(item.cap)}分"
        return f"{item.guidance}〔每次{verb}{_fmt(item.per_occurrence)}分{cap}〕"
    if item.step is not None:
        return f"{item.guidance}〔档差{_fmt(item.step)}分〕"
    return item.guidance


def _fact_cell(item: ItemSpec) -> str:
    if not item.fact:
        return ""
    if item.fact_tiers:
        return f"{item.fact} " + " ".join(f"{_fmt(low)}:{_fmt(points)}" for low, points in item.fact_tiers)
    return f"{item.fact}>={_fmt(item.fact_min)}" if item.fact_min is not None else item.fact


def spec_to_xlsx(spec: FrameworkSpec) -> bytes:
    rows = []
    for aspect, standard, item in spec.sections():
        rows.append(
            [
                item.code,
                aspect.title,
                standard.title if standard else "",
                item.requirement,
                _guidance_with_tail(item),
                _number_out(item.points),
                METHOD_LABELS[item.method],
                "是" if item.can_veto else "否",
                item.evidence,
                _fact_cell(item),
            ]
        )
    workbook = new_workbook()
    sheet = workbook.create_sheet(ITEM_SHEET)
    write_table(sheet, HEADERS, rows, widths=WIDTHS)
    wrap_rows(sheet, WIDTHS)
    info = workbook.create_sheet(INFO_SHEET)
    caps = "\n".join(
        (
            f"{c.item}<{_fmt(c.below_points)}分:"
            if c.below_points is not None
            else f"{c.item}<{_fmt(c.below_ratio * 100)}%:"
        )
        + ",".join(
            part
            for part in (
                f"星级<={c.max_stars}" if c.max_stars is not None else "",
                f"等次<={c.max_grade}" if c.max_grade else "",
            )
            if part
        )
        + (f":{c.text}" if c.text else "")
        for c in spec.caps
    )
    values = {
        "编号": spec.code,
        "名称": spec.name,
        "类别": KINDS[spec.kind],
        "评价对象": SUBJECTS[spec.subject],
        "等次": "；".join(f"{g.label}>={_fmt(g.min)}" for g in spec.grades),
        "星级": "；".join(f"{s.stars}>={_fmt(s.min)}" for s in spec.stars),
        "加分上限": _number_out(spec.bonus_cap),
        "封顶规则": caps,
        "依据": spec.source,
        "说明": spec.description,
    }
    write_table(info, ["项目", "内容"], [[key, values[key]] for key in INFO_KEYS], widths=[12, 80])
    return workbook_bytes(workbook)


# --- Excel in ----------------------------------------------------------------------------------


def _cell_error(row: int, column: str, message: str) -> str:
    return f"“{ITEM_SHEET}”工作表第{row}行“{column}”：{message}"


def _info_error(key: str, message: str) -> str:
    return f"“{INFO_SHEET}”工作表“{key}”：{message}"


def _number(value, row, column, errors, *, required=True) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors.append(_cell_error(row, column, "必须填写。"))
        return None
    try:
        number = Decimal(str(value))
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        errors.append(_cell_error(row, column, f"“{value}”不是数字。"))
        return None
    return number


def _reverse(mapping: dict) -> dict:
    return {label: key for key, label in mapping.items()}


def spec_from_xlsx(file) -> FrameworkSpec:
    """Read a framework workbook; raises SpecError listing every problem with
    its row and column, and nothing is saved by the caller."""
    records, info_rows = _read_rows(file)
    errors: list[str] = []
    info = {str(values["项目"]): values["内容"] for _row, values in info_rows}
    header = _read_info(info, errors)
    aspects, rows_by_code = _build_aspects(records, errors)
    if errors:
        raise SpecError(errors)
    spec = FrameworkSpec(aspects=_sections(aspects), **header)
    _validate(spec, rows_by_code)
    return spec


def _read_rows(file) -> tuple[list, list]:
    """The rows of the item sheet and of the info sheet; a refused workbook raises SpecError."""
    try:
        workbook = open_uploaded_workbook(file, max_bytes=MAX_UPLOAD_BYTES)
        records = read_table(workbook, ITEM_SHEET, HEADERS, required=REQUIRED_HEADERS)
        info_rows = read_table(workbook, INFO_SHEET, ["项目", "内容"])
    except WorkbookRefused as refused:
        raise SpecError([str(refused)]) from None
    finally:
        if "workbook" in locals():
            workbook.close()
    return records, info_rows


def _build_aspects(records, errors: list[str]) -> tuple[dict[str, dict], dict[str, int]]:
    """Each row's item filed under its aspect (and standard), and the row of each item code;
    every problem goes to ``errors``."""
    aspects: dict[str, dict] = {}  # code -> {"title", "items": [], "standards": {code: {...}}}
    rows_by_code: dict[str, int] = {}
    for row, values in records:
        code = str(values["编号"]).strip()
        if not code:
            errors.append(_cell_error(row, "编号", "必须填写。"))
            continue
        if code in rows_by_code:
            errors.append(_cell_error(row, "编号", f"编号 {code} 与第{rows_by_code[code]}行重复。"))
            continue
        rows_by_code[code] = row
        item = _item_from_row(row, code, values, errors)
        if item is not None:
            _place_item(item, row, values, aspects, errors)
    return aspects, rows_by_code


def _item_from_row(row: int, code: str, values: dict, errors: list[str]) -> ItemSpec | None:
    """The item a row describes; None for a row that names no aspect, which is reported and skipped."""
    method_label = str(values["评分方式"]).strip()
    method = _reverse(METHOD_LABELS).get(method_label)
    if method is None:
        errors.append(
            _cell_error(
                row,
                "评分方式",
                f"“{method_label}”不是可选的评分方式，应为：{'、'.join(METHOD_LABELS.values())}。",
            )
        )
    veto_text = str(values["一票否决"]).strip()
    if veto_text not in _YES | _NO:
        errors.append(_cell_error(row, "一票否决", f"“{veto_text}”应为“是”或“否”。"))
    if not str(values["一级指标"]).strip():
        errors.append(_cell_error(row, "一级指标", "必须填写：每个评分项都要写明所属一级指标。"))
        return None
    guidance = str(values["评分标准"])
    step = per_occurrence = cap = None
    if match := _COUNTED_TAIL.search(guidance):
        per_occurrence, guidance = Decimal(match["n"]), guidance[: match.start()]
        cap = Decimal(match["cap"]) if match["cap"] else None
        if (match["verb"] == "加") != (method == "bonus"):
            errors.append(
                _cell_error(
                    row,
                    "评分标准",
                    f"“{match.group().strip()}”与评分方式“{method_label}”不符：加分项写〔每次加…分〕，扣分项写〔每次扣…分〕。",
                )
            )
    elif match := _STEP_TAIL.search(guidance):
        step, guidance = Decimal(match["n"]), guidance[: match.start()]
    elif match := _ANY_TAIL.search(guidance):
        errors.append(
            _cell_error(
                row,
                "评分标准",
                f"结尾的“〔{match['text']}〕”不是可识别的计分写法，应如〔每次扣1分〕、〔每次扣1分，最多扣3分〕、〔每次加2分，最多5分〕或〔档差0.5分〕。",
            )
        )
    fact, fact_min, fact_tiers = _fact_link(row, str(values.get("关联数据", "")).strip(), errors)
    return ItemSpec(
        code=code,
        requirement=str(values["考核内容"]).strip(),
        guidance=guidance.strip(),
        points=_number(values["分值"], row, "分值", errors) or Decimal(0),
        method=method or "met",
        evidence=str(values["佐证材料"]).strip(),
        step=step,
        per_occurrence=per_occurrence,
        cap=cap,
        veto=veto_text in _YES and method != "veto",
        fact=fact,
        fact_min=fact_min,
        fact_tiers=fact_tiers,
    )


def _fact_link(row: int, fact_text: str, errors: list[str]) -> tuple[str, Decimal | None, tuple]:
    """The 关联数据 cell read as (fact, minimum, tiers); an empty or wrong cell links no fact."""
    if not fact_text:
        return "", None, ()
    match = _FACT.match(fact_text)
    if not match or match["fact"] not in FACTS:
        errors.append(
            _cell_error(
                row,
                "关联数据",
                f"“{fact_text}”无效，应如 collective_income>=50000、member_count 或 satisfaction_rate 90:10 80:8。",
            )
        )
        return "", None, ()
    fact_tiers = tuple(
        sorted(((Decimal(low), Decimal(pts)) for low, pts in _TIER.findall(match["tiers"])), reverse=True)
    )
    return match["fact"], Decimal(match["min"]) if match["min"] else None, fact_tiers


def _place_item(item: ItemSpec, row: int, values: dict, aspects: dict[str, dict], errors: list[str]) -> None:
    """File ``item`` under the aspect its code starts with, or under that aspect's standard when the
    row names one; every row of an aspect (or standard) must give it the same title."""
    aspect_title = str(values["一级指标"]).strip()
    parts = item.code.split(".")
    aspect = aspects.setdefault(parts[0], {"title": aspect_title, "items": [], "standards": {}, "row": row})
    if aspect["title"] != aspect_title:
        errors.append(
            _cell_error(
                row,
                "一级指标",
                f"编号 {parts[0]} 的一级指标在第{aspect['row']}行是“{aspect['title']}”，此处不一致。",
            )
        )
    standard_title = str(values["二级指标"]).strip()
    if not standard_title:
        aspect["items"].append(item)
        return
    if len(parts) < 3:
        errors.append(_cell_error(row, "编号", "填写了二级指标的评分项，编号应为三级（如 3.2.1）。"))
        return
    standard_code = ".".join(parts[:2])
    standard = aspect["standards"].setdefault(standard_code, {"title": standard_title, "items": [], "row": row})
    if standard["title"] != standard_title:
        errors.append(
            _cell_error(
                row,
                "二级指标",
                f"编号 {standard_code} 的二级指标在第{standard['row']}行是“{standard['title']}”，此处不一致。",
            )
        )
    standard["items"].append(item)


def _sections(aspects: dict[str, dict]) -> tuple[SectionSpec, ...]:
    return tuple(
        SectionSpec(
            code=code,
            title=aspect["title"],
            items=tuple(aspect["items"]),
            standards=tuple(
                SectionSpec(code=s_code, title=s["title"], items=tuple(s["items"]))
                for s_code, s in aspect["standards"].items()
            ),
        )
        for code, aspect in aspects.items()
    )


def _validate(spec: FrameworkSpec, rows_by_code: dict[str, int]) -> None:
    """The checks of the whole framework (``validate_spec``); a problem about one item names its row."""
    problems = validate_spec(spec)
    if problems:
        raise SpecError([_locate(problem, rows_by_code) for problem in problems])


def _locate(problem: str, rows_by_code: dict[str, int]) -> str:
    """Prefix a framework-level message about one item with its row."""
    match = re.match(r"评分项(?:编号)? (?P<code>[\d.]+)", problem)
    if match and match["code"] in rows_by_code:
        return f"“{ITEM_SHEET}”工作表第{rows_by_code[match['code']]}行：{problem}"
    return problem


def _read_info(info: dict, errors: list[str]) -> dict:
    kind_by_label = _reverse(KINDS)
    subject_by_label = _reverse(SUBJECTS)
    kind = kind_by_label.get(str(info.get("类别", "")).strip())
    if kind is None:
        errors.append(_info_error("类别", f"应为：{'、'.join(KINDS.values())}。"))
    subject = subject_by_label.get(str(info.get("评价对象", "")).strip())
    if subject is None:
        errors.append(_info_error("评价对象", "应为“党支部”或“党员”。"))

    def thresholds(key, make):
        text = str(info.get(key, "") or "").strip()
        rules = []
        for part in filter(None, re.split(r"[；;\n]", text)):
            match = _THRESHOLD.match(part)
            if not match:
                errors.append(_info_error(key, f"“{part}”应写成“名称>=分数”，如 优秀>=90。"))
                continue
            try:
                rules.append(make(match["label"].strip(), Decimal(match["min"])))
            except ValueError:
                errors.append(_info_error(key, f"“{part}”中的星级应为数字。"))
        return tuple(rules)

    caps = []
    for part in filter(None, re.split(r"[；;\n]", str(info.get("封顶规则", "") or "").strip())):
        match = _CAP.match(part)
        limits = dict(
            re.match(r"\s*(星级|等次)\s*<=\s*(\S+)\s*$", limit).groups()
            for limit in (match["limits"].split(",") if match else [])
            if re.match(r"\s*(星级|等次)\s*<=\s*(\S+)\s*$", limit)
        )
        if not match or not limits:
            errors.append(_info_error("封顶规则", f"“{part}”应写成如 7.3.1<60%:星级<=2:说明 或 4.1<12分:星级<=2。"))
            continue
        caps.append(
            CapRule(
                item=match["item"],
                below_ratio=Decimal(match["pct"]) / 100 if match["pct"] else Decimal(0),
                below_points=Decimal(match["points"]) if match["points"] else None,
                max_stars=int(limits["星级"]) if "星级" in limits else None,
                max_grade=limits.get("等次"),
                text=(match["text"] or "").strip(),
            )
        )
    bonus_cap = info.get("加分上限", "")
    try:
        bonus_cap = Decimal(str(bonus_cap)) if bonus_cap not in (None, "") else None
    except InvalidOperation:
        errors.append(_info_error("加分上限", f"“{bonus_cap}”不是数字。"))
        bonus_cap = None
    return {
        "code": str(info.get("编号", "")).strip(),
        "name": str(info.get("名称", "")).strip(),
        "kind": kind or "",
        "subject": subject or "",
        "grades": thresholds("等次", GradeRule),
        "stars": thresholds("星级", lambda label, minimum: StarRule(int(label), minimum)),
        "bonus_cap": bonus_cap,
        "caps": tuple(caps),
        "source": str(info.get("依据", "") or "").strip(),
        "description": str(info.get("说明", "") or "").strip(),
    }
