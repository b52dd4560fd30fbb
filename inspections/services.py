"""Inspection rounds, quarterly rankings, the problem ledger and 文号."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Min, OuterRef, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone

from branches.models import Branch, Township
from branches.scoping import Role, unit_owner
from common.dates import today
from common.transitions import Rule, rule, rule_table, transition_apply
from inbox import services as inbox
from inbox.models import Kind
from scoring.facts import Period, facts_for_branches
from scoring.models import ScoreSheet, Stage
from scoring.services import score_sheet_create

from .models import (
    DocumentNumber,
    Finding,
    InspectedBranch,
    InspectionRound,
    LedgerEvent,
    LedgerItem,
    LedgerSource,
    LedgerStatus,
    QuarterRanking,
    RankingEntry,
    RoundKind,
    SecretaryActionFlag,
    Severity,
)

BOTTOM = 3
ERROR_OUTSIDE = "所选党支部不在您的管理范围内。"
ERROR_LEDGER_STATE = "该问题当前为“{state}”，不能{action}。"
ERROR_LEDGER_ROLE = "您不能{action}。"
ERROR_TEXT = "请写明{what}。"
ERROR_DEADLINE_PAST = "整改时限不能早于今天（{today:%Y-%m-%d}）。"
ERROR_ALREADY_PUBLISHED = "{township}{year}年第{quarter}季度的排名已于 {when} 公布，不能重复公布。"
ERROR_NO_ROUNDS = "{township}{year}年第{quarter}季度没有已结束的督查，无法排名。"


class InspectionError(Exception):
    """A refused step; the message is for the user and nothing changed."""


@transaction.atomic
def round_create(*, kind, title, year, quarter, held_on, inspectors, checklist, branches, actor, month=None):
    """A round of the actor's unit over ``branches``, each with its inspection sheet."""
    branches = list(branches)
    visible = Branch.objects.visible_to(actor).filter(pk__in=[b.pk for b in branches]).count()
    if visible != len(branches) or not branches:
        raise InspectionError(ERROR_OUTSIDE)
    owner = unit_owner(actor)
    inspection_round = InspectionRound.objects.create(
        kind=kind,
        title=title,
        year=year,
        quarter=quarter,
        month=month,
        held_on=held_on,
        inspectors=inspectors,
        checklist=checklist,
        created_by=actor,
        **owner,
    )
    # the quarter's facts of every branch at once, not a branch at a time
    facts = facts_for_branches([b.pk for b in branches], Period.quarter(year, quarter))
    for branch in branches:
        sheet = score_sheet_create(
            framework=checklist,
            branch=branch,
            stage=Stage.INSPECTION,
            year=year,
            quarter=quarter,
            actor=actor,
            facts=facts[branch.pk],
        )
        if kind == RoundKind.UNANNOUNCED:
            ScoreSheet.objects.filter(pk=sheet.pk).update(hidden_from_branch=True)
        InspectedBranch.objects.create(inspection_round=inspection_round, branch=branch, sheet=sheet)
    return inspection_round


@transaction.atomic
def round_close(inspection_round: InspectionRound, *, actor) -> None:
    """Closing a round counts it in the quarter's ranking and, for an
    unannounced round, shows it to the branches' secretaries."""
    if actor.role not in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER) and not actor.is_superuser:
        raise InspectionError(ERROR_LEDGER_ROLE.format(action="结束督查"))
    unfinished = inspection_round.inspected.filter(sheet__complete=False).count()
    if unfinished:
        # an unfilled sheet would enter the ranking with a total of 0
        raise InspectionError(f"还有 {unfinished} 个党支部的督查评分表未填完，不能结束督查。")
    # locked and saved, not a bulk update: the audit trail records who closed it and when
    locked = InspectionRound.objects.select_for_update().get(pk=inspection_round.pk)
    if locked.closed_at is None:
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
    ScoreSheet.objects.filter(pk__in=inspection_round.inspected.values("sheet")).update(hidden_from_branch=False)


@transaction.atomic
def finding_record(
    *,
    inspected: InspectedBranch,
    description,
    category,
    severity,
    actor,
    task="",
    responsible="",
    deadline: date | None = None,
    photo=None,
) -> Finding:
    """Record a finding; with a task, responsible and deadline it goes on the ledger at once."""
    if not description.strip():
        raise InspectionError(ERROR_TEXT.format(what="发现的问题"))
    finding = Finding.objects.create(
        inspected=inspected, description=description.strip(), category=category, severity=severity, recorded_by=actor
    )
    if photo is not None:
        from scoring.evidence import EvidenceRefused, evidence_store

        try:
            finding.photos.add(evidence_store(sheet=inspected.sheet, upload=photo, actor=actor, images_only=True))
        except EvidenceRefused as refused:
            raise InspectionError(str(refused)) from None
    if task.strip():
        ledger_item_create(
            branch=inspected.branch,
            problem=finding.description,
            task=task,
            responsible=responsible,
            deadline=deadline,
            actor=actor,
            source=LedgerSource.INSPECTION,
            finding=finding,
        )
    return finding


def deadline_error(deadline: date | None) -> str | None:
    """What is wrong with a ledger item's 整改时限 as it is set, or None: it is required, and a day
    already gone is no time to rectify in (an item that goes past it later is overdue, as meant)."""
    if deadline is None:
        return ERROR_TEXT.format(what="整改时限")
    if deadline < today():
        return ERROR_DEADLINE_PAST.format(today=today())
    return None


def ledger_item_create(
    *, branch, problem, task, responsible, deadline, actor, source=LedgerSource.MANUAL, finding=None
) -> LedgerItem:
    if actor.role not in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER) and not actor.is_superuser:
        raise InspectionError(ERROR_LEDGER_ROLE.format(action="登记问题"))
    if not Branch.objects.visible_to(actor).filter(pk=branch.pk).exists():
        raise InspectionError(ERROR_OUTSIDE)
    for value, what in ((problem, "问题"), (task, "整改任务"), (responsible, "责任人")):
        if not str(value).strip():
            raise InspectionError(ERROR_TEXT.format(what=what))
    if error := deadline_error(deadline):
        raise InspectionError(error)
    return LedgerItem.objects.create(
        branch=branch,
        problem=problem.strip(),
        task=task.strip(),
        responsible=responsible.strip(),
        deadline=deadline,
        source=source,
        finding=finding,
        created_by=actor,
    )


# The ledger's workflow, in the shape the campaign's has (common.transitions).
LEDGER_STEPS: dict[str, Rule] = rule_table(
    rule(
        "rectify",
        "报送整改情况",
        {LedgerStatus.OPEN},
        LedgerStatus.SUBMITTED,
        {Role.BRANCH_SECRETARY, Role.TOWNSHIP_STAFF},
    ),
    rule("close", "销号", {LedgerStatus.SUBMITTED}, LedgerStatus.CLOSED, {Role.TOWNSHIP_STAFF}),
    rule("send_back", "退回重新整改", {LedgerStatus.SUBMITTED}, LedgerStatus.OPEN, {Role.TOWNSHIP_STAFF}),
)
# what must be written to take a step
LEDGER_STEP_TEXT = {"rectify": "整改情况", "send_back": "退回原因"}


@transaction.atomic
def ledger_step(item: LedgerItem, action: str, *, text: str, actor) -> LedgerItem:
    """The only way a ledger item changes status; each step is kept as an event."""
    step = LEDGER_STEPS[action]
    item = LedgerItem.objects.select_for_update().get(pk=item.pk)
    if not LedgerItem.objects.visible_to(actor).filter(pk=item.pk).exists():
        raise PermissionDenied(ERROR_OUTSIDE)
    if not step.permits(actor):
        raise InspectionError(ERROR_LEDGER_ROLE.format(action=step.label))

    def refused():
        return InspectionError(ERROR_LEDGER_STATE.format(state=item.get_status_display(), action=step.label))

    def prepare(row):
        if action in LEDGER_STEP_TEXT and not text.strip():
            raise InspectionError(ERROR_TEXT.format(what=LEDGER_STEP_TEXT[action]))
        row.closed_at = timezone.now() if step.target == LedgerStatus.CLOSED else None

    def record(from_state, to_state, prepared):
        return LedgerEvent.objects.create(item=item, action=action, text=text.strip(), actor=actor)

    transition_apply(
        item,
        step,
        field="status",
        update_fields=["status", "closed_at"],
        refused=refused,
        prepare=prepare,
        record=record,
    )
    return item


# --- rankings -----------------------------------------------------------------------------------------


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def ranking_rows(township, year: int, quarter: int):
    """The quarter's ranking, computed by the database in one query.

    Combination rule: a branch's score is the mean of its inspection-sheet
    totals over every closed round of the township in that quarter. Ties
    break on the higher lowest single-round score, then fewer grave findings,
    then the branch name, so the order is total and repeatable."""
    grave = (
        Finding.objects.filter(
            inspected__branch=OuterRef("branch"),
            inspected__inspection_round__township=township,
            inspected__inspection_round__year=year,
            inspected__inspection_round__quarter=quarter,
            severity=Severity.GRAVE,
        )
        .order_by()
        .values("inspected__branch")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        InspectedBranch.objects.filter(
            inspection_round__township=township,
            inspection_round__year=year,
            inspection_round__quarter=quarter,
            inspection_round__closed_at__isnull=False,
        )
        .values("branch", "branch__name")
        .annotate(
            score=Avg("sheet__total"),
            lowest=Min("sheet__total"),
            rounds=Count("pk"),
            grave=Coalesce(Subquery(grave), Value(0)),
        )
        .annotate(
            position=Window(
                RowNumber(), order_by=[F("score").desc(), F("lowest").desc(), F("grave").asc(), F("branch__name").asc()]
            )
        )
        .order_by("position")
    )


@transaction.atomic
def ranking_publish(*, township, year: int, quarter: int, actor) -> QuarterRanking:
    """Keep the quarter's ranking as published, mark the bottom 3, and flag
    branches that were in the bottom 3 the quarter before too (Q4 → next Q1)."""
    may_publish = actor.is_superuser or actor.role in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER)
    if not may_publish or not Township.objects.visible_to(actor).filter(pk=township.pk).exists():
        raise PermissionDenied(ERROR_OUTSIDE)
    existing = QuarterRanking.objects.filter(township=township, year=year, quarter=quarter).first()
    if existing:
        raise InspectionError(
            ERROR_ALREADY_PUBLISHED.format(
                township=township.name,
                year=year,
                quarter=quarter,
                when=timezone.localtime(existing.published_at).strftime("%Y-%m-%d"),
            )
        )
    rows = list(ranking_rows(township, year, quarter))
    if not rows:
        raise InspectionError(ERROR_NO_ROUNDS.format(township=township.name, year=year, quarter=quarter))
    ranking = QuarterRanking.objects.create(township=township, year=year, quarter=quarter, published_by=actor)
    cut = max(len(rows) - BOTTOM, 0)
    RankingEntry.objects.bulk_create(
        RankingEntry(
            ranking=ranking,
            branch_id=row["branch"],
            position=row["position"],
            score=row["score"],
            rounds=row["rounds"],
            bottom_three=row["position"] > cut,
        )
        for row in rows
    )
    before_year, before_quarter = previous_quarter(year, quarter)
    before = set(
        RankingEntry.objects.filter(
            ranking__township=township, ranking__year=before_year, ranking__quarter=before_quarter, bottom_three=True
        ).values_list("branch_id", flat=True)
    )
    again = [row["branch"] for row in rows if row["position"] > cut and row["branch"] in before]
    SecretaryActionFlag.objects.bulk_create(
        SecretaryActionFlag(branch_id=branch_id, ranking=ranking, year=year, quarter=quarter) for branch_id in again
    )
    return ranking


def flag_resolve(flag: SecretaryActionFlag, *, action_taken: str, actor) -> None:
    if actor.role != Role.TOWNSHIP_STAFF and not actor.is_superuser:
        raise InspectionError(ERROR_LEDGER_ROLE.format(action="记录处置情况"))
    if not action_taken.strip():
        raise InspectionError(ERROR_TEXT.format(what="处置情况"))
    with transaction.atomic():
        locked = SecretaryActionFlag.objects.select_for_update().get(pk=flag.pk)
        if locked.resolved_at is None:  # recorded once; the audit trail keeps who and when
            locked.action_taken, locked.resolved_by, locked.resolved_at = action_taken.strip(), actor, timezone.now()
            locked.save(update_fields=["action_taken", "resolved_by", "resolved_at"])


# --- 文号 ------------------------------------------------------------------------------------------------


def document_number_issue(*, issuer: str, year: int, purpose: str, actor, attempts: int = 20) -> DocumentNumber:
    """The next 文号 of ``issuer`` for ``year``: from 1, no gaps, no duplicates,
    even when two are issued at once (the unique constraint decides; the loser retries)."""
    for _ in range(attempts):
        try:
            with transaction.atomic():
                last = DocumentNumber.objects.filter(issuer=issuer, year=year).order_by("-serial").first()
                return DocumentNumber.objects.create(
                    issuer=issuer,
                    year=year,
                    serial=(last.serial + 1) if last else 1,
                    purpose=purpose,
                    issued_by=actor,
                )
        except IntegrityError:
            continue
    raise InspectionError("文号分配繁忙，请稍后重试。")


def notice_issuer(township) -> str:
    """The 发文字 of a township committee: its first character and 党发 (关兴镇 → 关党发)."""
    return f"{township.name[0]}党发"


def county_issuer(county) -> str:
    """The 发文字 of a county's organisation department: its first character and 组发 (青川县 → 青组发)."""
    return f"{county.name[0]}组发"


def own_issuer(user, *, township=None, county=None) -> str | None:
    """The 发文字 ``user`` may number a document of that body with, from the body's own sequence:
    a township's staff for their township committee's documents, the county's reviewers for
    the organisation department's; anyone else (or another body's document) None."""
    if township is not None:
        mine = user.role == Role.TOWNSHIP_STAFF and user.township_id == township.pk
        return notice_issuer(township) if mine else None
    if county is not None:
        mine = user.role == Role.COUNTY_REVIEWER and user.county_id == county.pk
        return county_issuer(county) if mine else None
    return None


def next_number_label(issuer: str, year: int) -> str:
    """The 文号 the next document of ``issuer`` would get, to show before it is issued."""
    last = DocumentNumber.objects.filter(issuer=issuer, year=year).order_by("-serial").first()
    return str(DocumentNumber(issuer=issuer, year=year, serial=(last.serial + 1) if last else 1))


NOTICE_OPENING = (
    "为推动“三会一课”、主题党日等组织生活制度落实，镇党委于{year}年第{quarter}季度对各村党组织开展了督查评比。"
    "现将有关情况通报如下。"
)
NOTICE_CLOSING = (
    "各村党组织要对照通报的问题，举一反三、立行立改，逾期未整改的问题要限期销号。镇党委将持续跟踪督查，"
    "对连续两次排名后3位的党组织书记予以相应处置。"
)


@transaction.atomic
def notice_issue(*, ranking: QuarterRanking, actor, opening: str = "", closing: str = ""):
    """A notice for a published ranking: its 文号, the branches it names
    (bottom 3, flagged, with overdue ledger items); the PDF is a report job."""
    from .models import Notice

    may_issue = actor.is_superuser or actor.role == Role.TOWNSHIP_STAFF
    if not may_issue or not Township.objects.visible_to(actor).filter(pk=ranking.township_id).exists():
        raise PermissionDenied(ERROR_OUTSIDE)
    township = ranking.township
    number = document_number_issue(
        issuer=notice_issuer(township),
        year=today().year,
        purpose=f"{ranking.year}年第{ranking.quarter}季度督查通报",
        actor=actor,
    )
    notice = Notice.objects.create(
        township=township,
        ranking=ranking,
        number=number,
        title=f"关于{ranking.year}年第{ranking.quarter}季度“三会一课”和主题党日督查情况的通报",
        opening=opening.strip() or NOTICE_OPENING.format(year=ranking.year, quarter=ranking.quarter),
        closing=closing.strip() or NOTICE_CLOSING,
        issued_on=today(),
        issued_by=actor,
    )
    named = set(ranking.entries.filter(bottom_three=True).values_list("branch_id", flat=True))
    named |= set(ranking.flags.values_list("branch_id", flat=True))
    named |= set(LedgerItem.objects.filter(branch__township=township).overdue().values_list("branch_id", flat=True))
    notice.branches.set(named)
    inbox.send(
        Kind.NOTICE,
        title=f"{notice.number} {notice.title}（涉及本支部）",
        url=f"{reverse('inspections:ranking')}?township={township.pk}&year={ranking.year}&quarter={ranking.quarter}",
        key=f"notice:{notice.pk}",
        sender=actor,
        branches=named,
    )
    return notice


LOW_RATIO = Decimal("0.6")


@transaction.atomic
def ledger_from_sheet(*, sheet, actor, deadline: date, responsible: str = "") -> int:
    """Put every standard that a verification sheet scored below 60 % (or that
    triggered a veto) on the ledger, once. Returns how many were added."""
    from scoring.engine import Entry, item_points
    from scoring.selectors import framework_spec
    from scoring.services import sheet_entries

    if not Branch.objects.visible_to(actor).filter(pk=sheet.branch_id).exists():
        raise PermissionDenied(ERROR_OUTSIDE)
    if error := deadline_error(deadline):
        raise InspectionError(error)
    items = framework_spec(sheet.framework).item_map()
    taken = set(LedgerItem.objects.filter(origin__startswith=f"sheet:{sheet.pk}:").values_list("origin", flat=True))
    responsible = responsible.strip() or f"{sheet.branch.name}书记"
    added = 0
    for code, entry in sheet_entries(sheet).items():
        item = items.get(code)
        origin = f"sheet:{sheet.pk}:{code}"
        if item is None or origin in taken:
            continue
        result = item_points(
            item,
            Entry(
                met=entry.met, points=entry.points, occurrences=entry.occurrences, veto_triggered=entry.veto_triggered
            ),
        )
        low = item.counts_to_full_marks and item.points and result.points < LOW_RATIO * item.points
        if not (low or result.vetoed):
            continue
        item_row = ledger_item_create(
            branch=sheet.branch,
            problem=f"{code} {item.requirement}（{sheet.get_stage_display()}得分 "
            f"{result.points:g}/{item.points:g}{'，触发一票否决' if result.vetoed else ''}）"
            + (f"：{entry.comment}" if entry.comment else ""),
            task=f"对照“{item.guidance or item.requirement}”整改",
            responsible=responsible,
            deadline=deadline,
            actor=actor,
            source=LedgerSource.VERIFICATION,
        )
        item_row.origin = origin
        item_row.save(update_fields=["origin"])
        added += 1
    return added
