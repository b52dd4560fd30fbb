"""The documents of one campaign: the verification report, the score sheets and the
naming certificate (PDF); the score matrix, the standard ledger and the progress table (Excel).

Each reads the campaign within the scope ``access.resolve`` fixed in the job's parameters:
the whole campaign, one township of it, or one participant.
"""

import hashlib
import io
import json
import zipfile

from django.conf import settings
from django.utils import timezone

from campaigns.models import Campaign, Participant, State, Transition
from campaigns.selectors import campaign_progress
from common.dates import late_days, today
from common.workbooks import workbook_bytes, write_only_workbook, write_report_sheet
from scoring.selectors import framework_spec

from .. import pdf
from ..gather import campaign_data, fingerprint_inputs, item_points_by_sheet, participants_for, state_label


def job_scope(job) -> dict:
    """The part of the campaign a job reads, as ``participants_for`` takes it."""
    return {"township_id": job.params.get("township"), "participant_id": job.params.get("participant")}


def fingerprint(job) -> str:
    """The participants' sheets and steps within the job's scope, and the framework."""
    campaign = Campaign.objects.get(pk=job.params["campaign"])
    inputs = fingerprint_inputs(participants_for(campaign, **job_scope(job)))
    inputs.update(kind=job.kind, params=job.params, framework=campaign.framework_id)
    return hashlib.sha256(json.dumps(inputs, default=str, sort_keys=True).encode()).hexdigest()


def _masthead(campaign) -> str:
    if campaign.township_id:
        return f"中共{campaign.township.name}委员会"
    return f"中共{campaign.county.name}委组织部"


def _common(job, campaign) -> dict:
    return {
        "campaign": campaign,
        "masthead": _masthead(campaign),
        "doc_number": job.params.get("doc_number", ""),
        "issued_on": today(),
    }


# --- PDF ---------------------------------------------------------------------------------------


def verification_report(job, campaign, progress) -> bytes:
    progress(10, "汇总各单位得分")
    data = campaign_data(campaign, scope_label=job.title, **job_scope(job))
    progress(50, "排版验收报告")
    context = _common(job, campaign) | {
        "data": data,
        "states": [(state_label(s), n) for s, n in data.counts.items()],
        "recommended": sum(
            1
            for r in data.rows
            if r.participant.state
            not in (State.NOT_STARTED, State.DRAFTING, State.SUBMITTED, State.RETURNED, State.VERIFIED, State.FAILED)
        ),
        "scope": job.params,
        "scope_label": job.title.split("·")[1],
    }
    return pdf.render_pdf("reports/pdf/verification_report.html", context)


def score_sheets(job, campaign, progress) -> bytes:
    """One PDF; past REPORT_SHEETS_PER_PDF sheets, a ZIP of PDFs per township
    (and part), each rendered and released before the next, so memory stays bounded."""
    progress(10, "读取评分表")
    participants = [p for p in participants_for(campaign, **job_scope(job)) if p.self_sheet_id]
    spec = framework_spec(campaign.framework)
    limit = settings.REPORT_SHEETS_PER_PDF
    if len(participants) <= limit:
        progress(50, f"排版 {len(participants)} 张评分表")
        return _score_sheets_pdf(job, campaign, spec, participants)
    groups: dict[str, list] = {}
    for participant in participants:
        groups.setdefault(participant.branch.township.name, []).append(participant)
    parts = [
        (name if len(members) <= limit else f"{name}（第{i // limit + 1}册）", members[i : i + limit])
        for name, members in groups.items()
        for i in range(0, len(members), limit)
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (name, members) in enumerate(parts, start=1):
            progress(10 + 85 * number // len(parts), f"排版第 {number}/{len(parts)} 册：{name}")
            archive.writestr(f"{campaign.title}_评分表_{name}.pdf", _score_sheets_pdf(job, campaign, spec, members))
    return buffer.getvalue()


def _score_sheets_pdf(job, campaign, spec, participants) -> bytes:
    self_points = item_points_by_sheet([p.self_sheet_id for p in participants], spec)
    judged_points = item_points_by_sheet(
        [p.verification_sheet_id for p in participants if p.verification_sheet_id], spec
    )
    sheets = []
    for participant in participants:
        rows = []
        for aspect, standard, item in spec.sections():
            rows.append(
                {
                    "aspect": aspect.title,
                    "standard": standard.title if standard else "",
                    "item": item,
                    "self": self_points.get(participant.self_sheet_id, {}).get(item.code),
                    "judged": judged_points.get(participant.verification_sheet_id, {}).get(item.code),
                }
            )
        sheets.append({"participant": participant, "rows": rows})
    return pdf.render_pdf("reports/pdf/score_sheets.html", _common(job, campaign) | {"sheets": sheets, "spec": spec})


def certificate(job, campaign, progress) -> bytes:
    participant = Participant.objects.select_related("branch__township", "member").get(pk=job.params["participant"])
    progress(50, "排版命名证书")
    title = campaign.get_kind_display().replace("创建", "").replace("行动", "")
    return pdf.render_pdf(
        "reports/pdf/certificate.html",
        _common(job, campaign) | {"participant": participant, "honour": title},
    )


# --- Excel ----------------------------------------------------------------------------------------


def _title(campaign, label) -> str:
    return f"{campaign.title} {label}（{today():%Y年%m月%d日}）"


def score_matrix(job, campaign, progress) -> bytes:
    """Branches × items, one sheet per stage (自评 / 镇验收 / 县复核)."""
    data = campaign_data(campaign, **job_scope(job))
    spec, items = data.spec, data.spec.items()
    workbook = write_only_workbook()
    stages = (("自评得分", "self_sheet_id"), ("镇验收得分", "verification_sheet_id"), ("县复核得分", "review_sheet_id"))
    for index, (label, attribute) in enumerate(stages):
        progress(10 + index * 30, f"写入{label}")
        ids = [getattr(r.participant, attribute) for r in data.rows if getattr(r.participant, attribute)]
        points = item_points_by_sheet(ids, spec)
        headers = ["乡镇", "单位"] + [f"{item.code} {item.requirement[:12]}" for item in items] + ["总分"]

        def rows(attribute=attribute, points=points):
            for row in data.rows:
                sheet_id = getattr(row.participant, attribute)
                sheet_points = points.get(sheet_id, {})
                total = {
                    "self_sheet_id": row.self_total,
                    "verification_sheet_id": row.township_total,
                    "review_sheet_id": row.county_total,
                }[attribute]
                yield (
                    [row.participant.branch.township.name, row.participant.subject_label]
                    + [sheet_points.get(item.code) for item in items]
                    + [total]
                )

        write_report_sheet(
            workbook,
            label,
            title=_title(campaign, f"评分矩阵·{label}"),
            headers=headers,
            rows=rows(),
            widths=[10, 18] + [9] * len(items) + [8],
            title_columns=2,  # past one page across, each page names the township and the unit
            # item scores read fine in the General format; formatting every one of 16,000 × 42
            # cells would double the export's cost, so only the total carries a number format
            number_formats={len(items) + 2: "0.0#"},
        )
    return workbook_bytes(workbook)


def standard_ledger(job, campaign, progress) -> bytes:
    """达标 / 未达标台账, one sheet each, with the items that fell short; those without a verdict yet
    are on a third sheet, 未评定, never counted as 未达标."""
    data = campaign_data(campaign, **job_scope(job))
    failing = data.spec.failing_grade
    shortfalls: dict[int, list[str]] = {}
    for participant, item, got in data.problems:
        shortfalls.setdefault(participant.pk, []).append(f"{item.code}（{got:g}/{item.points:g}）")
    workbook = write_only_workbook()
    headers = [
        "乡镇",
        "单位",
        "自评得分",
        "镇验收得分",
        "县复核得分",
        "最终得分",
        "等次",
        "状态",
        "得分不足六成的评分项",
    ]

    def verdict(r) -> str:
        """达标, 未达标 (assessed and short, or failed on the way), or 未评定 (no verdict yet)."""
        participant = r.participant
        if participant.state in (State.FAILED, State.REJECTED, State.WITHDRAWN):
            return "未达标"
        if participant.final_total is None:
            return "未评定"
        return "未达标" if participant.final_grade == failing else "达标"

    for step, label in enumerate(("达标", "未达标", "未评定")):
        progress(30 + 20 * step, f"写入{label}台账")
        rows = [
            [
                r.participant.branch.township.name,
                r.participant.subject_label,
                r.self_total,
                r.township_total,
                r.county_total,
                r.participant.final_total,
                r.participant.final_grade or "—",
                r.participant.get_state_display(),
                "、".join(shortfalls.get(r.participant.pk, [])),
            ]
            for r in data.rows
            if verdict(r) == label
        ]
        write_report_sheet(
            workbook,
            f"{label}台账",
            title=_title(campaign, f"{label}党支部台账" if label != "未评定" else "尚未评定的党支部"),
            headers=headers,
            rows=rows,
            widths=[10, 18, 9, 10, 10, 9, 8, 10, 40],
            number_formats={i: "0.0#" for i in range(2, 6)},
        )
    return workbook_bytes(workbook)


def progress_table(job, campaign, progress) -> bytes:
    from branches.models import User

    requester = User.objects.get(pk=job.requested_by_id)
    summary = campaign_progress(campaign, requester)
    workbook = write_only_workbook()
    headers = ["乡镇"] + [label for _value, label in summary["states"]] + ["合计"]
    rows = [[row["name"], *row["counts"], row["total"]] for row in summary["townships"]]
    rows.append(["合计", *summary["totals"], summary["total"]])
    write_report_sheet(
        workbook,
        "进度",
        title=_title(campaign, f"进度表（按时申报率 {summary['on_time_rate']}%）"),
        headers=headers,
        rows=rows,
        widths=[12] + [8] * (len(headers) - 1),
    )
    write_report_sheet(
        workbook,
        "申报情况",
        title=_title(campaign, "自查自评申报情况"),
        headers=["乡镇", "单位", "状态", "申报截止", "首次申报", "是否按时"],
        rows=_submission_rows(campaign, requester),
        widths=[12, 24, 10, 12, 12, 26],
        number_formats={3: "yyyy-mm-dd", 4: "yyyy-mm-dd"},
    )
    return workbook_bytes(workbook)


def _submission_rows(campaign, user):
    """Each unit's own last day (the phase's end or its extension), its first 申报, and the mark it
    keeps: 逾期 N 天完成 as recorded when it submitted after the phase's end (under an extension),
    逾期 N 天未申报 while it has not. Three queries."""
    phase = campaign.phases.filter(kind="self_assessment").first()
    recorded = {}
    for participant_id, data in (
        Transition.objects.filter(participant__campaign=campaign, action="submit")
        .order_by("-at", "-pk")
        .values_list("participant_id", "data")
    ):
        recorded[participant_id] = data  # the earliest wins
    participants = (
        Participant.objects.visible_to(user)
        .filter(campaign=campaign)
        .select_related("branch__township", "member")
        .prefetch_related("extensions")
        .order_by("branch__township__name", "branch__name", "member__name")
    )
    for participant in participants:
        deadline = None
        if phase is not None:
            extended = [e.until for e in participant.extensions.all() if e.phase_kind == "self_assessment"]
            deadline = max([phase.ends_on, *extended])
        submitted = timezone.localtime(participant.submitted_at).date() if participant.submitted_at else None
        if submitted:
            days = (recorded.get(participant.pk) or {}).get("late_days")
            mark = f"逾期 {days} 天完成（已批准延期）" if days else "按时"
        elif deadline and today() > deadline:
            mark = f"逾期 {late_days(today(), deadline)} 天未申报"
        else:
            mark = "未申报"
        yield [
            participant.branch.township.name,
            participant.subject_label,
            participant.get_state_display(),
            deadline,
            submitted,
            mark,
        ]
