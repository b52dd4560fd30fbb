"""The documents the reports machinery produces: one builder per document,
sharing the data gathering between PDF and Excel.

Every document reads one campaign (or, for the ledger, notices and the year's
records, one unit), limited to what its requester may see: township staff get
their township, a secretary their own branch, a county reviewer the county or
any township in it. ``resolve`` fixes that scope into the job's parameters, so
the job can be checked against any later reader.
"""

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.utils import timezone

from branches.models import Branch, Township
from branches.scoping import Role
from campaigns.models import Campaign, Participant, State
from campaigns.selectors import campaign_progress
from common.workbooks import workbook_bytes, write_only_workbook, write_report_sheet
from scoring.selectors import framework_spec

from .gather import (
    branch_years,
    campaign_data,
    fingerprint_inputs,
    item_points_by_sheet,
    participants_for,
    state_label,
)
from .pdf import render_pdf


@dataclass(frozen=True)
class Document:
    kind: str
    label: str
    build: Callable  # (job, campaign, progress) -> bytes
    needs_participant: bool = False
    xlsx: bool = False


def resolve(user, kind: str, params: dict) -> tuple[dict, str]:
    """Scope ``params`` to what ``user`` may see; returns (params, title). Outsiders get 404."""
    document = DOCUMENTS.get(kind)
    if document is None:
        raise Http404("没有这种文书。")
    if kind == "ledger_items_xlsx":
        return _resolve_ledger(user, params)
    if kind == "audit_xlsx":
        return _resolve_audit(user, params)
    if kind in RECORD_KINDS:
        return _resolve_records(user, kind, params)
    if kind == "notice":
        from inspections.models import Notice

        notice = Notice.objects.visible_to(user).filter(pk=params.get("notice") or 0).first()
        if notice is None:
            raise Http404("通报不存在或不在您的管理范围内。")
        return {"notice": notice.pk}, f"{notice.number} {notice.title}"
    try:
        campaign = Campaign.objects.visible_to(user).get(pk=int(params.get("campaign", 0)))
    except (Campaign.DoesNotExist, TypeError, ValueError):
        raise Http404("活动不存在或不在您的管理范围内。") from None
    scoped = {"campaign": campaign.pk}
    visible = Participant.objects.visible_to(user).filter(campaign=campaign)
    if params.get("participant") or document.needs_participant:
        participant = visible.filter(pk=params.get("participant") or 0).select_related("branch").first()
        if participant is None:
            raise Http404("单位不存在或不在您的管理范围内。")
        if kind == "certificate" and participant.state != State.NAMED:
            raise PermissionDenied("只有已命名的单位才能生成命名证书。")
        scoped["participant"] = participant.pk
        scope_label = participant.subject_label
    elif user.role == Role.COUNTY_REVIEWER or user.is_superuser:
        township_id = params.get("township")
        if township_id:
            township = Township.objects.visible_to(user).filter(pk=township_id).first()
            if township is None:
                raise Http404("乡镇不存在或不在您的管理范围内。")
            scoped["township"] = township.pk
            scope_label = township.name
        else:
            scope_label = str(campaign.organiser)
    elif user.role == Role.TOWNSHIP_STAFF:
        scoped["township"] = user.township_id
        scope_label = user.township.name
    else:  # a secretary: their own branch only
        participant = visible.first()
        if participant is None:
            raise Http404("单位不存在或不在您的管理范围内。")
        scoped["participant"] = participant.pk
        scope_label = participant.subject_label
    if params.get("doc_number"):
        scoped["doc_number"] = str(params["doc_number"])[:40]
    return scoped, f"{campaign.title}·{scope_label}·{document.label}"


def _resolve_ledger(user, params) -> tuple[dict, str]:
    """The problem ledger of the user's unit: a secretary's branch, a township, or the county."""
    if user.role == Role.BRANCH_SECRETARY:
        return {"ledger": 1, "branch": user.branch_id}, f"{user.branch.name}·问题台账"
    if user.role == Role.TOWNSHIP_STAFF:
        return {"ledger": 1, "township": user.township_id}, f"{user.township.name}·问题台账"
    township = Township.objects.visible_to(user).filter(pk=params.get("township") or 0).first()
    if township is not None:
        return {"ledger": 1, "township": township.pk}, f"{township.name}·问题台账"
    if user.role == Role.COUNTY_REVIEWER:
        return {"ledger": 1, "county": user.county_id}, f"{user.county.name}·问题台账"
    raise Http404("没有可导出的问题台账。")


# Documents read from the records branches keep all year, for one township or one branch and one year.
RECORD_KINDS = ("facts_grid_xlsx", "annual_summary")


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _year(params) -> int:
    """The year asked for: this year when none is given; 2000 to next year, else a bad request."""
    this = timezone.localdate().year
    text = str(params.get("year") or this).strip()
    if not text.isdigit() or not 2000 <= int(text) <= this + 1:
        raise BadRequest(f"年度应为 2000 年至 {this + 1} 年之间的年份。")
    return int(text)


def _resolve_records(user, kind, params) -> tuple[dict, str]:
    """The 实绩 documents: a township's (its staff, or a county reviewer naming one of the county's
    townships) or, for the annual summary, one branch (a secretary's own, or one the user may see)."""
    label = DOCUMENTS[kind].label
    year = _year(params)
    if kind == "annual_summary" and (params.get("branch") or user.role == Role.BRANCH_SECRETARY):
        branch_id = _pk(params.get("branch")) if params.get("branch") else user.branch_id
        branch = Branch.objects.visible_to(user).select_related("township").filter(pk=branch_id or 0).first()
        if branch is None:
            raise Http404("党支部不存在或不在您的管理范围内。")
        return {"branch": branch.pk, "year": year}, f"{branch.township.name}{branch.name}·{year}年{label}"
    posted = params.get("township")
    if user.role == Role.TOWNSHIP_STAFF and not user.is_superuser:
        if posted and _pk(posted) != user.township_id:
            raise Http404("乡镇不存在或不在您的管理范围内。")
        township = user.township
    else:
        township = Township.objects.visible_to(user).filter(pk=_pk(posted)).first()
        if township is None:
            raise Http404("乡镇不存在或不在您的管理范围内。")
        if not user.is_superuser and user.role != Role.COUNTY_REVIEWER:
            raise PermissionDenied("乡镇的党支部工作实绩供镇党委和县委组织部使用。")
    return {"township": township.pk, "year": year}, f"{township.name}·{year}年{label}"


def _records_job_visible_to(job, user) -> bool:
    """Exactly those who could have asked for it: a branch's summary to whoever sees the branch,
    a township's documents to its staff and the county's reviewers."""
    params = job.params
    if params.get("branch"):
        return job.kind == "annual_summary" and Branch.objects.visible_to(user).filter(pk=params["branch"]).exists()
    if not params.get("township"):
        return False
    return (
        user.is_superuser
        or (
            user.role == Role.COUNTY_REVIEWER
            and Township.objects.visible_to(user).filter(pk=params["township"]).exists()
        )
        or (user.role == Role.TOWNSHIP_STAFF and user.township_id == params["township"])
    )


def job_visible_to(job, user) -> bool:
    """A job is visible to whoever may see everything it read."""
    params = job.params
    if job.kind == "audit_xlsx":
        return user.role == Role.AUDIT_ADMIN
    if job.kind in RECORD_KINDS:
        return _records_job_visible_to(job, user)
    if "notice" in params:
        from inspections.models import Notice

        return Notice.objects.visible_to(user).filter(pk=params["notice"]).exists()
    if "ledger" in params:
        if params.get("branch"):
            return Branch.objects.visible_to(user).filter(pk=params["branch"]).exists()
        if params.get("township"):
            return (
                user.is_superuser
                or Township.objects.visible_to(user).filter(pk=params["township"]).exists()
                and (user.role in (Role.COUNTY_REVIEWER, Role.TOWNSHIP_STAFF))
            )
        return user.is_superuser or (user.role == Role.COUNTY_REVIEWER and user.county_id == params.get("county"))
    if not Campaign.objects.visible_to(user).filter(pk=params.get("campaign")).exists():
        return False
    if params.get("participant"):
        return Participant.objects.visible_to(user).filter(pk=params["participant"]).exists()
    if params.get("township"):
        return (
            user.is_superuser
            or (
                user.role == Role.COUNTY_REVIEWER
                and Township.objects.visible_to(user).filter(pk=params["township"]).exists()
            )
            or (user.role == Role.TOWNSHIP_STAFF and user.township_id == params["township"])
        )
    return user.is_superuser or user.role == Role.COUNTY_REVIEWER


def _scope(job):
    return {"township_id": job.params.get("township"), "participant_id": job.params.get("participant")}


def data_fingerprint(job) -> str:
    if job.kind == "audit_xlsx":  # the trail only grows: its size and newest record say whether it changed
        from django.db.models import Count, Max

        state = _audit_entries(job.params).aggregate(n=Count("pk"), last=Max("pk"))
        return hashlib.sha256(json.dumps({"params": job.params, **state}, sort_keys=True).encode()).hexdigest()
    if job.kind in RECORD_KINDS:  # everything the document shows, from the same fixed queries
        state = {"kind": job.kind, "params": job.params, "data": _records_state(job)}
        state["day"] = str(timezone.localdate())  # the months due so far change with the date
        return hashlib.sha256(json.dumps(state, default=str, sort_keys=True).encode()).hexdigest()
    if "notice" in job.params:  # a notice is fixed when issued: its 文号, ranking and text
        return hashlib.sha256(f"notice:{job.params['notice']}".encode()).hexdigest()
    if "ledger" in job.params:
        from django.db.models import Count, Max

        from inspections.models import LedgerEvent

        items = _ledger_items(job.params)
        state = items.aggregate(n=Count("pk"), last=Max("created_at"))
        state["events"] = LedgerEvent.objects.filter(item__in=items).aggregate(n=Count("pk"), last=Max("at"))
        state["day"] = str(timezone.localdate())  # "overdue" changes with the date
        return hashlib.sha256(json.dumps(state, default=str, sort_keys=True).encode()).hexdigest()
    campaign = Campaign.objects.get(pk=job.params["campaign"])
    inputs = fingerprint_inputs(participants_for(campaign, **_scope(job)))
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
        "issued_on": timezone.localdate(),
    }


# --- PDF ---------------------------------------------------------------------------------------


def verification_report(job, campaign, progress) -> bytes:
    progress(10, "汇总各单位得分")
    data = campaign_data(campaign, scope_label=job.title, **_scope(job))
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
    return render_pdf("reports/pdf/verification_report.html", context)


def score_sheets(job, campaign, progress) -> bytes:
    """One PDF; past REPORT_SHEETS_PER_PDF sheets, a ZIP of PDFs per township
    (and part), each rendered and released before the next, so memory stays bounded."""
    progress(10, "读取评分表")
    participants = [p for p in participants_for(campaign, **_scope(job)) if p.self_sheet_id]
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
    return render_pdf("reports/pdf/score_sheets.html", _common(job, campaign) | {"sheets": sheets, "spec": spec})


def certificate(job, campaign, progress) -> bytes:
    participant = Participant.objects.select_related("branch__township", "member").get(pk=job.params["participant"])
    progress(50, "排版命名证书")
    title = campaign.get_kind_display().replace("创建", "").replace("行动", "")
    return render_pdf(
        "reports/pdf/certificate.html",
        _common(job, campaign) | {"participant": participant, "honour": title},
    )


# --- Excel ----------------------------------------------------------------------------------------


def _title(campaign, label) -> str:
    return f"{campaign.title} {label}（{timezone.localdate():%Y年%m月%d日}）"


def score_matrix(job, campaign, progress) -> bytes:
    """Branches × items, one sheet per stage (自评 / 镇验收 / 县复核)."""
    data = campaign_data(campaign, **_scope(job))
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
            # item scores read fine in the General format; formatting every one of 16,000 × 42
            # cells would double the export's cost, so only the total carries a number format
            number_formats={len(items) + 2: "0.0#"},
        )
    return workbook_bytes(workbook)


def standard_ledger(job, campaign, progress) -> bytes:
    """达标 / 未达标台账: one sheet each, with the items that fell short."""
    data = campaign_data(campaign, **_scope(job))
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
    for label, meets in (("达标", True), ("未达标", False)):
        progress(30 if meets else 60, f"写入{label}台账")
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
            if (
                r.participant.final_total is not None
                and r.participant.final_grade != failing
                and r.participant.state not in (State.FAILED, State.REJECTED, State.WITHDRAWN)
            )
            == meets
        ]
        write_report_sheet(
            workbook,
            f"{label}台账",
            title=_title(campaign, f"{label}党支部台账"),
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
    return workbook_bytes(workbook)


def inspection_notice(job, campaign, progress) -> bytes:
    """督查通报: the ranking, the bottom 3, the flagged secretaries and the overdue ledger items."""
    from inspections.models import LedgerItem, Notice
    from inspections.services import overdue

    notice = Notice.objects.select_related("township__county", "ranking", "number").get(pk=job.params["notice"])
    progress(30, "汇总排名与问题")
    entries = list(notice.ranking.entries.select_related("branch").order_by("position"))
    bottom = [e for e in entries if e.bottom_three]
    flags = list(notice.ranking.flags.select_related("branch"))
    late = list(
        overdue(LedgerItem.objects.filter(branch__township=notice.township))
        .select_related("branch")
        .order_by("deadline", "branch__name")
    )
    progress(60, "排版通报")
    return render_pdf(
        "reports/pdf/notice.html",
        {
            "notice": notice,
            "masthead": f"中共{notice.township.name}委员会",
            "doc_number": str(notice.number),
            "entries": entries,
            "bottom": bottom,
            "flags": flags,
            "late": late,
            "issued_on": notice.issued_on,
        },
    )


def _ledger_items(params):
    from inspections.models import LedgerItem

    items = LedgerItem.objects.all()
    if params.get("branch"):
        return items.filter(branch=params["branch"])
    if params.get("township"):
        return items.filter(branch__township=params["township"])
    return items.filter(branch__township__county=params.get("county"))


def ledger_items(job, campaign, progress) -> bytes:
    """问题台账 in the three-list layout, as column groups of one sheet:
    问题清单 (what and where), 任务清单 (the task and its rectification), 责任清单 (who, by when, status)."""
    from django.db.models import Max, OuterRef, Subquery

    from inspections.models import LedgerEvent, LedgerStatus

    progress(30, "读取问题台账")
    latest = LedgerEvent.objects.filter(item=OuterRef("pk"), action="rectify").order_by("-at").values("text")[:1]
    items = (
        _ledger_items(job.params)
        .select_related("branch__township")
        .annotate(rectification=Subquery(latest), last_step=Max("events__at"))
        .order_by("branch__township__name", "branch__name", "deadline")
    )
    today = timezone.localdate()
    headers = [
        "问题清单·序号",
        "问题清单·乡镇",
        "问题清单·党支部",
        "问题清单·问题",
        "问题清单·来源",
        "任务清单·整改任务",
        "任务清单·整改情况",
        "责任清单·责任人",
        "责任清单·整改时限",
        "责任清单·状态",
        "责任清单·是否逾期",
        "责任清单·销号时间",
    ]
    rows = (
        [
            index,
            item.branch.township.name,
            item.branch.name,
            item.problem,
            item.get_source_display(),
            item.task,
            item.rectification or "",
            item.responsible,
            item.deadline,
            item.get_status_display(),
            "逾期" if item.status != LedgerStatus.CLOSED and item.deadline < today else "",
            timezone.localtime(item.closed_at).strftime("%Y-%m-%d") if item.closed_at else "",
        ]
        for index, item in enumerate(items.iterator(), start=1)
    )
    workbook = write_only_workbook()
    write_report_sheet(
        workbook,
        "问题台账",
        title=f"{job.title}（{today:%Y年%m月%d日}）",
        headers=headers,
        rows=rows,
        widths=[6, 10, 16, 40, 10, 36, 36, 12, 12, 10, 10, 12],
        number_formats={8: "yyyy-mm-dd"},
    )
    return workbook_bytes(workbook)


# --- The audit trail ------------------------------------------------------------------------------


def _resolve_audit(user, params) -> tuple[dict, str]:
    """Only the audit administrator exports the trail; the filters are kept as the job's parameters."""
    if user.role != Role.AUDIT_ADMIN:
        raise Http404("没有这种文书。")
    filters = {key: str(value)[:100] for key, value in params.items() if key.startswith("audit_") and value}
    return {"audit": 1, **filters}, "审计记录"


def _audit_entries(params):
    from audit.views import audit_entries

    return audit_entries({key.removeprefix("audit_"): value for key, value in params.items()}).qs


def audit_trail(job, campaign, progress) -> bytes:
    """The filtered trail, oldest first, one row per record; write-only, so its size costs no memory."""
    progress(30, "读取审计记录")
    entries = _audit_entries(job.params).order_by("timestamp", "pk")

    def describe(entry) -> str:
        parts = [f"{field}：{pair[0]} → {pair[1]}" for field, pair in (entry.changes or {}).items()]
        parts += [f"{key}：{value}" for key, value in (entry.additional_data or {}).items()]
        return "；".join(parts)

    rows = (
        [
            timezone.localtime(e.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
            str(e.actor) if e.actor_id else "",
            e.actor.username if e.actor_id else "",
            e.actor_unit,
            e.remote_addr or "",
            e.get_event_display(),
            e.get_action_display(),
            e.content_type.name,
            e.object_pk,
            e.object_repr,
            describe(e),
        ]
        for e in entries.iterator(chunk_size=2000)
    )
    workbook = write_only_workbook()
    write_report_sheet(
        workbook,
        "审计记录",
        title=f"审计记录（导出于 {timezone.localtime():%Y年%m月%d日 %H:%M}）",
        headers=["时间", "人员", "账号", "单位", "地址", "类别", "操作", "对象类型", "对象编号", "对象", "内容"],
        rows=rows,
        widths=[20, 10, 12, 20, 15, 12, 8, 12, 10, 40, 60],
    )
    return workbook_bytes(workbook)


# --- The year's records -------------------------------------------------------------------------


def _record_branches(params):
    """The branches a 实绩 document covers: one branch, or a township's branches but its own office."""
    from branches.models import BranchKind

    branches = Branch.objects.select_related("township").order_by("name")
    if params.get("branch"):
        return branches.filter(pk=params["branch"])
    return branches.filter(township=params["township"]).exclude(kind=BranchKind.TOWNSHIP_OFFICE)


def _grid(params):
    from scoring.facts import facts_grid

    return facts_grid(_record_branches(params), params["year"])


def _records_state(job):
    if job.kind == "facts_grid_xlsx":
        return [[row.branch.pk, row.branch.name, row.cells(), row.gaps] for row in _grid(job.params)]
    return [
        [
            page.branch.pk,
            page.branch.name,
            page.branch.township.name,
            page.secretary,
            page.member_count,
            page.facts,
            page.gaps,
            page.campaigns,
            page.ledger_closed,
            page.ledger_items,
        ]
        for page in branch_years(_record_branches(job.params), job.params["year"])
    ]


def facts_grid_table(job, campaign, progress) -> bytes:
    """党支部工作实绩表: the township's grid, one row per branch, the laggards first as on the page."""
    from scoring.facts import GRID_COLUMNS

    progress(20, "汇总各党支部实绩")
    rows = _grid(job.params)
    progress(60, f"写入 {len(rows)} 个党支部")
    workbook = write_only_workbook()
    write_report_sheet(
        workbook,
        "工作实绩",
        title=f"{job.title}（{timezone.localdate():%Y年%m月%d日}）",
        headers=["党支部", *(label for _name, label in GRID_COLUMNS), "差距"],
        rows=(
            [row.branch.name, *("—" if value is None else value for value in row.cells()), "；".join(row.gaps)]
            for row in rows
        ),
        widths=[18] + [11] * len(GRID_COLUMNS) + [50],
        wrap_columns={len(GRID_COLUMNS) + 1},
        header_height=45,
    )
    return workbook_bytes(workbook)


def annual_summary(job, campaign, progress) -> bytes:
    """述职评议年度实绩: one A4 page per branch, for the secretaries' annual review (双述双评)."""
    progress(10, "汇总各党支部实绩")
    pages = branch_years(_record_branches(job.params), job.params["year"])
    progress(50, f"排版 {len(pages)} 个党支部")
    return render_pdf(
        "reports/pdf/annual_summary.html",
        {"title": job.title, "year": job.params["year"], "pages": pages, "issued_on": timezone.localdate()},
    )


DOCUMENTS = {
    "verification_report": Document("verification_report", "验收报告", verification_report),
    "score_sheets": Document("score_sheets", "评分表", score_sheets),
    "certificate": Document("certificate", "命名证书", certificate, needs_participant=True),
    "score_matrix_xlsx": Document("score_matrix_xlsx", "评分矩阵", score_matrix, xlsx=True),
    "ledger_xlsx": Document("ledger_xlsx", "达标未达标台账", standard_ledger, xlsx=True),
    "progress_xlsx": Document("progress_xlsx", "进度表", progress_table, xlsx=True),
    "notice": Document("notice", "督查通报", inspection_notice),
    "ledger_items_xlsx": Document("ledger_items_xlsx", "问题台账", ledger_items, xlsx=True),
    "audit_xlsx": Document("audit_xlsx", "审计记录", audit_trail, xlsx=True),
    "facts_grid_xlsx": Document("facts_grid_xlsx", "党支部工作实绩表", facts_grid_table, xlsx=True),
    "annual_summary": Document("annual_summary", "述职评议年度实绩", annual_summary),
}
