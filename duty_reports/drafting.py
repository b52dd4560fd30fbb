"""The 述职报告 the product drafts for a secretary from her branch's year (``selectors.BranchYear``):
plain paragraphs she edits; every figure in it comes from what the product holds."""

from decimal import Decimal

QUARTERS = "一二三四"


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    return format(Decimal(str(value)).normalize(), "f")


def _facts(year) -> str:
    shown = [
        f"{label.split('（')[0]} {_number(value)}{_unit(label)}"
        for label, value, _source in year.facts
        if value is not None
    ]
    return "；".join(shown)


def _unit(label: str) -> str:
    unit = label.split("（")[1].rstrip("）") if "（" in label else ""
    return {"月": " 个月", "%": "%"}.get(unit, f" {unit}")


def _campaigns(year) -> str:
    if not year.campaigns:
        return "本年度未参加创建活动。"
    parts = []
    for c in year.campaigns:
        total = c["final_total"] or c["county_total"] or c["township_total"] or c["self_total"]
        score = f"，得分 {_number(total)}" if total is not None else ""
        grade = f"，等次“{c['grade']}”" if c["grade"] else ""
        parts.append(f"“{c['title']}”（{c['state']}{score}{grade}）")
    return "参加" + "、".join(parts) + "。"


def _ranks(year) -> str:
    if not year.ranks:
        return "本年度尚无季度督查排名。"
    parts = [
        f"第{QUARTERS[q - 1]}季度第 {pos} 名（共 {n} 个）{'，列后3位' if bottom else ''}"
        for q, pos, n, bottom in year.ranks
    ]
    text = "季度督查排名：" + "；".join(parts) + "。"
    if year.flags:
        text += "其中连续两个季度排名后3位，" + (
            "已处置。" if all(done for _q, done in year.flags) else "须接受镇党委约谈。"
        )
    return text


def draft_text(year, *, year_number: int) -> str:
    """The draft: who reports, the year's work in figures, campaigns, ledger and ranks, the gaps, and next year's aims."""
    branch = year.branch
    secretary = year.secretary or "（书记姓名）"
    gaps = "；".join(year.gaps) if year.gaps else "对照全年要求，暂未发现明显差距"
    ledger = f"本年度问题台账销号 {year.ledger_closed} 项"
    if year.ledger_overdue:
        ledger += f"，尚有 {year.ledger_overdue} 项逾期未整改"
    paragraphs = [
        f"{branch.township.name}{branch.name}书记{secretary}{year_number}年度述职报告",
        f"{year_number}年，{branch.name}现有党员 {year.member_count} 名。在镇党委的领导下，"
        "本人认真履行党建工作第一责任人职责，现将一年来抓党建工作和履职情况报告如下。",
        f"一、组织生活和服务群众。{_facts(year) or '本年度的平时记录尚不完整'}。",
        f"二、创建活动。{_campaigns(year)}",
        f"三、问题整改和督查。{ledger}。{_ranks(year)}",
        f"四、存在的不足。{gaps}。",
        f"五、{year_number + 1}年工作打算。针对上述不足，逐项整改，按月开展主题党日，落实“三会一课”，"
        "带领党员为群众多办实事。",
        "（以上内容由系统根据本年度的记录、评分表、问题台账和督查排名起草，请书记核实、修改后提交。）",
    ]
    return "\n\n".join(paragraphs)
