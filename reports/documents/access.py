"""Who may ask for a document and who may see a job, decided by the one scoping rule.

``resolve`` fixes a request's scope into the job's parameters — a campaign (all of it, one
township of it, or one participant), a notice, the problem ledger of a branch, a township or
the county, a township's or one branch's year — so that ``job_visible_to`` can check the job
against any later reader: a job is visible to whoever sees all of what it read.

What a user sees is never decided here by their role: ``branches.scoping.unit_scope`` and the
models' ``visible_to`` decide it. A unit is seen *whole* when the rule puts all of it under the
user's unit: a county reviewer sees the county and each of its townships whole, township staff
their township, a secretary only their branch. Which roles may ask for a kind of document at
all is a permission, the registry entry's ``roles``.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404

from awards.models import Selection, Status
from branches.models import Branch, County, Township
from branches.scoping import unit_scope
from campaigns.models import Campaign, Participant, State
from campaigns.selectors import report_issuer
from common.dates import today
from common.numbers import plain_int
from duty_reports.models import DutyRound, RoundStatus
from inspections.models import Notice
from inspections.services import document_number_issue
from targets.selectors import BRANCH, COUNTY, board_unit

from .registry import AUDIT, AWARDS, CAMPAIGN, DOCUMENTS, DUTY_ROUND, LEDGER, NOTICE, RECORDS, TARGETS

OUT_OF_SCOPE = "{}不存在或不在您的管理范围内。"


# --- The units a user sees whole -------------------------------------------------------------


def whole_counties(user):
    """The counties all of which lies under the user's unit."""
    return County.objects.filter(unit_scope(user, county="pk", township=None, branch=None))


def whole_townships(user):
    """The townships all of which lies under the user's unit (not a secretary's: only their branch is)."""
    return Township.objects.filter(unit_scope(user, county="county", township="pk", branch=None))


def sees_whole(user, *, county=None, township=None, branch=None) -> bool:
    """Whether all of the one unit named lies under the user's unit."""
    if branch is not None:
        return Branch.objects.visible_to(user).filter(pk=branch).exists()
    if township is not None:
        return whole_townships(user).filter(pk=township).exists()
    if county is not None:
        return whole_counties(user).filter(pk=county).exists()
    return False


def own_unit(user):
    """The unit the user works at, when the rule lets them see all of it: (level, unit), or None
    (the three administrators and superusers work at no unit of the tree they see)."""
    for level, units, unit_id in (
        ("branch", Branch.objects.visible_to(user), getattr(user, "branch_id", None)),
        ("township", whole_townships(user), getattr(user, "township_id", None)),
        ("county", whole_counties(user), getattr(user, "county_id", None)),
    ):
        unit = units.filter(pk=unit_id).first() if unit_id else None
        if unit is not None:
            return level, unit
    return None


def _campaign_county(campaign) -> int:
    return campaign.county_id or campaign.township.county_id


def _pk(value) -> int:
    """The id a request names, or 0 (which names nothing) for one that is not an id: letters, a
    full-width or negative number, more digits than an id column holds."""
    return plain_int(value) or 0


def _year(params) -> int:
    """The year asked for: this year when none is given; 2000 to next year, else a bad request."""
    this = today().year
    year = plain_int(params.get("year") or this, max_digits=4)
    if year is None or not 2000 <= year <= this + 1:
        raise BadRequest(f"年度应为 2000 年至 {this + 1} 年之间的年份。")
    return year


# --- Resolving a request ---------------------------------------------------------------------


def resolve(user, kind: str, params: dict) -> tuple[dict, str]:
    """Scope ``params`` to what ``user`` may see; returns (params, title). Outsiders get 404."""
    document = DOCUMENTS.get(kind)
    if document is None or not document.allowed(user):
        raise Http404("没有这种文书。")
    return RESOLVERS[document.family](user, document, params)


def _campaign_part(user, campaign, document, params) -> tuple[dict, str]:
    """The part of the campaign asked for: one participant; the whole campaign or one of its
    townships for those who see its county whole; else the user's township, or their branch."""
    visible = Participant.objects.visible_to(user).filter(campaign=campaign)
    if params.get("participant") or document.needs_participant:
        participant = visible.filter(pk=_pk(params.get("participant"))).select_related("branch").first()
        if participant is None:
            raise Http404(OUT_OF_SCOPE.format("单位"))
        if document.named_only and participant.state != State.NAMED:
            raise PermissionDenied("只有已命名的单位才能生成命名证书。")
        return {"participant": participant.pk}, participant.subject_label
    townships = whole_townships(user)
    if sees_whole(user, county=_campaign_county(campaign)):
        if not params.get("township"):
            return {}, str(campaign.organiser)
        township = townships.filter(pk=_pk(params["township"])).first()
        if township is None:
            raise Http404(OUT_OF_SCOPE.format("乡镇"))
        return {"township": township.pk}, township.name
    township = townships.first()  # township staff: their own township, whatever was asked
    if township is not None:
        return {"township": township.pk}, township.name
    participant = visible.first()  # a secretary: their own branch
    if participant is None:
        raise Http404(OUT_OF_SCOPE.format("单位"))
    return {"participant": participant.pk}, participant.subject_label


def _resolve_campaign(user, document, params) -> tuple[dict, str]:
    campaign = (
        Campaign.objects.visible_to(user).select_related("township").filter(pk=_pk(params.get("campaign"))).first()
    )
    if campaign is None:
        raise Http404(OUT_OF_SCOPE.format("活动"))
    part, scope_label = _campaign_part(user, campaign, document, params)
    scoped = {"campaign": campaign.pk, **part}
    if params.get("numbered") and document.kind == "verification_report":
        scoped["doc_number"] = _issue_number(user, campaign, f"{campaign.title}·{scope_label}·{document.label}")
    return scoped, f"{campaign.title}·{scope_label}·{document.label}"


def _issue_number(user, campaign, purpose: str) -> str:
    """The next 文号 of the body whose masthead the report bears, issued to ``user`` only when that
    body is their own (a township's report by its staff, the county's by its reviewers): a 文号
    is never typed, and never taken from another body's sequence."""
    issuer = report_issuer(user, campaign)
    if issuer is None:
        raise PermissionDenied("只有发文单位本身才能为这份报告编发文号。")
    return str(document_number_issue(issuer=issuer, year=today().year, purpose=purpose[:200], actor=user))


def _resolve_notice(user, document, params) -> tuple[dict, str]:
    notice = Notice.objects.visible_to(user).filter(pk=_pk(params.get("notice"))).first()
    if notice is None:
        raise Http404(OUT_OF_SCOPE.format("通报"))
    return {"notice": notice.pk}, f"{notice.number} {notice.title}"


def _resolve_ledger(user, document, params) -> tuple[dict, str]:
    """The problem ledger of a township the user sees whole, else of the user's own unit."""
    township = whole_townships(user).filter(pk=_pk(params.get("township"))).first()
    unit = ("township", township) if township is not None else own_unit(user)
    if unit is None:
        raise Http404("没有可导出的问题台账。")
    level, found = unit
    return {"ledger": 1, level: found.pk}, f"{found.name}·{document.label}"


def _resolve_audit(user, document, params) -> tuple[dict, str]:
    """The filters of the trail's page are kept as the job's parameters."""
    filters = {key: str(value)[:100] for key, value in params.items() if key.startswith("audit_") and value}
    return {"audit": 1, **filters}, "审计记录"


def _resolve_records(user, document, params) -> tuple[dict, str]:
    """The 实绩 documents: a township's, for those who see it whole (its staff, or a county reviewer
    naming one of the county's townships), or, for a document made per branch, one branch (a
    secretary's own, or one the user sees)."""
    year = _year(params)
    branch_id = _pk(params["branch"]) if params.get("branch") else user.branch_id
    if document.per_branch and branch_id:
        branch = Branch.objects.visible_to(user).select_related("township").filter(pk=branch_id).first()
        if branch is None:
            raise Http404(OUT_OF_SCOPE.format("党支部"))
        return {"branch": branch.pk, "year": year}, f"{branch.township.name}{branch.name}·{year}年{document.label}"
    township_id = _pk(params["township"]) if params.get("township") else user.township_id
    township = Township.objects.visible_to(user).filter(pk=township_id or 0).first()
    if township is None:
        raise Http404(OUT_OF_SCOPE.format("乡镇"))
    if not sees_whole(user, township=township.pk):
        raise PermissionDenied("乡镇的党支部工作实绩供镇党委和县委组织部使用。")
    return {"township": township.pk, "year": year}, f"{township.name}·{year}年{document.label}"


def _resolve_duty_round(user, document, params) -> tuple[dict, str]:
    """A round the user sees (its township's staff, the county), once its result is published."""
    duty_round = (
        DutyRound.objects.visible_to(user).select_related("township").filter(pk=_pk(params.get("duty_round"))).first()
    )
    if duty_round is None:
        raise Http404(OUT_OF_SCOPE.format("述职评议"))
    if duty_round.status != RoundStatus.PUBLISHED:
        raise PermissionDenied("述职评议结果公布后才能生成。")
    return {"duty_round": duty_round.pk}, f"{duty_round}·{document.label}"


def _selection_organised_whole(user, selection) -> bool:
    """The certificates name awardees of every nominating unit: only for those who see the organiser whole."""
    if selection.township_id:
        return sees_whole(user, township=selection.township_id)
    return sees_whole(user, county=selection.county_id)


def _resolve_awards(user, document, params) -> tuple[dict, str]:
    selection = Selection.objects.visible_to(user).filter(pk=_pk(params.get("selection"))).first()
    if selection is None:
        raise Http404(OUT_OF_SCOPE.format("评选"))
    if not _selection_organised_whole(user, selection):
        raise PermissionDenied("荣誉证书由组织评选的单位生成。")
    if selection.status != Status.COMMENDED:
        raise PermissionDenied("评选表彰后才能生成荣誉证书。")
    return {"selection": selection.pk}, f"{selection.title}·{document.label}"


def _resolve_targets(user, document, params) -> tuple[dict, str]:
    """The board the requester sees (``targets.selectors.board_unit``, the same as the page): a
    township they see whole, or the county; a secretary's own branch has no workbook."""
    year = _year(params)
    unit = board_unit(user, str(params.get("township") or ""))
    if unit.level == BRANCH:
        raise PermissionDenied("目标任务看板的导出供镇党委和县委组织部使用。")
    if unit.level == COUNTY:
        return {"county": unit.county.pk, "year": year}, f"{unit.county.name}·{year}年{document.label}"
    return {"township": unit.township.pk, "year": year}, f"{unit.township.name}·{year}年{document.label}"


RESOLVERS = {
    AWARDS: _resolve_awards,
    CAMPAIGN: _resolve_campaign,
    NOTICE: _resolve_notice,
    LEDGER: _resolve_ledger,
    AUDIT: _resolve_audit,
    RECORDS: _resolve_records,
    DUTY_ROUND: _resolve_duty_round,
    TARGETS: _resolve_targets,
}


# --- Checking a job against a reader ---------------------------------------------------------


def job_visible_to(job, user) -> bool:
    """A job is visible to whoever may see everything it read."""
    document = DOCUMENTS.get(job.kind)
    if document is None or not document.allowed(user):
        return False
    return VISIBILITY[document.family](job, user, document)


def _campaign_job_visible(job, user, document) -> bool:
    params = job.params
    campaign = Campaign.objects.visible_to(user).filter(pk=params.get("campaign")).select_related("township").first()
    if campaign is None:
        return False
    if params.get("participant"):
        return Participant.objects.visible_to(user).filter(pk=params["participant"]).exists()
    if params.get("township"):
        return sees_whole(user, township=params["township"])
    return sees_whole(user, county=_campaign_county(campaign))


def _notice_job_visible(job, user, document) -> bool:
    return Notice.objects.visible_to(user).filter(pk=job.params.get("notice")).exists()


def _unit_job_visible(job, user, document) -> bool:
    """A ledger or a year of records: whoever sees its unit whole (a branch only for a document per branch)."""
    params = job.params
    if params.get("branch") and document.family == RECORDS and not document.per_branch:
        return False
    return sees_whole(user, county=params.get("county"), township=params.get("township"), branch=params.get("branch"))


def _awards_job_visible(job, user, document) -> bool:
    selection = Selection.objects.visible_to(user).filter(pk=job.params.get("selection")).first()
    return selection is not None and _selection_organised_whole(user, selection)


VISIBILITY = {
    AWARDS: _awards_job_visible,
    CAMPAIGN: _campaign_job_visible,
    NOTICE: _notice_job_visible,
    LEDGER: _unit_job_visible,
    AUDIT: lambda job, user, document: True,  # its roles are the whole check
    RECORDS: _unit_job_visible,
    TARGETS: _unit_job_visible,
    DUTY_ROUND: lambda job, user, document: (
        DutyRound.objects.visible_to(user).filter(pk=job.params.get("duty_round")).exists()
    ),
}


def data_fingerprint(job) -> str:
    """What the job's scope reads, hashed, and the version of the product's layouts: the same
    fingerprint lets a later request reuse the file; an upgrade that changes how documents are
    set (a template, the stylesheet, a builder) makes them afresh."""
    return hashlib.sha256(f"{layout_version()}:{DOCUMENTS[job.kind].fingerprint(job)}".encode()).hexdigest()


@lru_cache(maxsize=1)
def layout_version() -> str:
    """A hash of what sets the documents: the PDF templates, their stylesheet and the builders' code."""
    root = Path(settings.BASE_DIR)
    files = sorted(
        [*(root / "templates" / "reports" / "pdf").glob("*.html"), *(root / "static" / "reports").glob("*.css")]
        + [*(root / "reports").glob("*.py"), *(root / "reports" / "documents").glob("*.py")]
        + [root / "common" / "workbooks.py"]
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]
