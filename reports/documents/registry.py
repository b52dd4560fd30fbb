"""Every document the product makes: its kind, its label, the function that builds it, and
the family that says how a request for it is scoped (``access``).

To add a document, write its builder ``(job, campaign, progress) -> bytes`` in the module
of its family and add it here; ``campaign`` is the job's campaign, or None outside the
campaign family, and ``progress(percent, step)`` reports how far it got.
"""

from collections.abc import Callable
from dataclasses import dataclass

from branches.scoping import Role

from . import audit_trail, awards, campaign, duty_round, facts, inspection, member_ratings, target_board

# Families: how a request is scoped and what a job read (see access.py)
CAMPAIGN = "campaign"  # one campaign: all of it, one township of it, or one participant
NOTICE = "notice"  # one issued 督查通报
LEDGER = "ledger"  # the problem ledger of a branch, a township or the county
AUDIT = "audit"  # the audit trail, filtered
RECORDS = "records"  # a township's or one branch's year of records
DUTY_ROUND = "duty_round"  # one township's 述职评议 round, once its result is published
AWARDS = "awards"  # one commended selection (评选表彰)
TARGETS = "targets"  # the target board of a township or of the county, for a year


@dataclass(frozen=True)
class Document:
    kind: str
    label: str
    build: Callable  # (job, campaign, progress) -> bytes
    family: str
    fingerprint: Callable  # (job) -> str: what it read, so unchanged data reuses the earlier file
    needs_participant: bool = False
    named_only: bool = False  # made only for a participant already named (命名)
    per_branch: bool = False  # may be asked for one branch rather than a township
    xlsx: bool = False
    # the roles that may ask for it at all (a permission, not scoping); None: whoever sees its scope
    roles: frozenset[str] | None = None

    def allowed(self, user) -> bool:
        return self.roles is None or getattr(user, "role", None) in self.roles


DOCUMENTS = {
    document.kind: document
    for document in (
        Document("verification_report", "验收报告", campaign.verification_report, CAMPAIGN, campaign.fingerprint),
        Document("score_sheets", "评分表", campaign.score_sheets, CAMPAIGN, campaign.fingerprint),
        Document(
            "certificate",
            "命名证书",
            campaign.certificate,
            CAMPAIGN,
            campaign.fingerprint,
            needs_participant=True,
            named_only=True,
        ),
        Document("score_matrix_xlsx", "评分矩阵", campaign.score_matrix, CAMPAIGN, campaign.fingerprint, xlsx=True),
        Document("ledger_xlsx", "达标未达标台账", campaign.standard_ledger, CAMPAIGN, campaign.fingerprint, xlsx=True),
        Document("progress_xlsx", "进度表", campaign.progress_table, CAMPAIGN, campaign.fingerprint, xlsx=True),
        Document("notice", "督查通报", inspection.inspection_notice, NOTICE, inspection.notice_fingerprint),
        Document(
            "ledger_items_xlsx",
            "问题台账",
            inspection.ledger_items,
            LEDGER,
            inspection.ledger_fingerprint,
            xlsx=True,
        ),
        Document(
            "audit_xlsx",
            "审计记录",
            audit_trail.audit_trail,
            AUDIT,
            audit_trail.fingerprint,
            xlsx=True,
            roles=frozenset({Role.AUDIT_ADMIN}),
        ),
        Document("facts_grid_xlsx", "党支部工作实绩表", facts.facts_grid_table, RECORDS, facts.fingerprint, xlsx=True),
        Document(
            "annual_summary", "述职评议年度实绩", facts.annual_summary, RECORDS, facts.fingerprint, per_branch=True
        ),
        # members' yearly star ratings: a branch's or a township's list (scoped like a year of records)
        Document(
            "member_ratings_xlsx",
            "党员星级评定名册",
            member_ratings.ratings_table,
            RECORDS,
            member_ratings.fingerprint,
            per_branch=True,
            xlsx=True,
        ),
        Document(
            "member_ratings_pdf",
            "党员星级评定结果",
            member_ratings.ratings_list,
            RECORDS,
            member_ratings.fingerprint,
            per_branch=True,
        ),
        Document("duty_round_result", "述职评议结果", duty_round.round_result, DUTY_ROUND, duty_round.fingerprint),
        Document("award_certificates", "荣誉证书", awards.certificates, AWARDS, awards.fingerprint),
        Document(
            "target_board_xlsx",
            "目标任务看板",
            target_board.target_board_table,
            TARGETS,
            target_board.fingerprint,
            xlsx=True,
        ),
    )
}

# The documents read from the year's records
RECORD_KINDS = tuple(kind for kind, document in DOCUMENTS.items() if document.family == RECORDS)
