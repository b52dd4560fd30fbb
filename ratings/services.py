"""Writes of the members' yearly rating: the secretary's save, the branch meeting's decision,
the township's approval or return. Each runs in one transaction on the rating locked for update:
refused, it changes nothing."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from branches.models import Member
from branches.scoping import Role
from common.dates import today
from common.transitions import rule, rule_table, transition_apply

from . import rules
from .models import BranchRating, MemberRating, MemberRatingChange, RatingStatus, RatingStep
from .selectors import eligible_members, rating_framework, rating_page

ERROR_CLOSED = "本年度评定已报镇党委（{status}），不能再修改。"
ERROR_STEP = "当前状态（{status}）不能进行这一步。"
ERROR_LEFT = "{name}已于 {left_on:%Y年%m月%d日}离开本支部，不能参加{year}年度评定。"
ERROR_NOT_MEMBER = "这名党员不是本支部{year}年度的党员。"
ERROR_TWICE = "{name}{year}年度已在{branch}评定，一名党员一年只评定一次。"
ERROR_MEETING_DATE = "请填写支部党员大会的日期。"
ERROR_MEETING_DATE_RANGE = "支部党员大会日期应在 {first:%Y年%m月%d日} 至今天之间。"
ERROR_ATTENDANCE = "请填写到会党员人数。"
ERROR_ATTENDANCE_TOO_MANY = "到会党员人数（{n}）不能多于本支部参加评定的党员人数（{members}）。"
ERROR_RESULT = "请填写大会的决定（如：表决通过，同意 20 票、不同意 0 票、弃权 1 票）。"
ERROR_NOT_DECIDED = "支部党员大会尚未作出决定，不能审批。"
ERROR_RETURN_REASON = "请写明退回理由。"
ERROR_TEXT_LONG = "不能超过 300 字。"
ERROR_UNSCORED = "评分项填写有误，请先改正并保存。"


class RatingErrors(Exception):
    """Refused input; ``errors`` maps (member id, item code) — or a field name — to a Chinese message."""

    def __init__(self, errors: dict):
        super().__init__("；".join(str(m) for m in errors.values()))
        self.errors = errors


class RatingStale(Exception):
    """The page was saved from an older revision: ``changed`` names the members changed since, by whom."""

    def __init__(self, changed: list[str], revision: int):
        super().__init__("、".join(changed))
        self.changed = changed
        self.revision = revision


STEPS = rule_table(
    rule("decide", "记录支部大会决定并报镇党委审批", {"draft", "returned"}, "decided", {Role.BRANCH_SECRETARY}),
    rule("approve", "审批通过", {"decided"}, "approved", {Role.TOWNSHIP_STAFF}),
    rule("return", "退回党支部", {"decided"}, "returned", {Role.TOWNSHIP_STAFF}),
)


def _locked_rating(branch, year: int, actor) -> BranchRating:
    rating, _ = BranchRating.objects.get_or_create(
        branch=branch, year=year, defaults={"framework": rating_framework(), "prepared_by": actor}
    )
    return BranchRating.objects.select_for_update().get(pk=rating.pk)


def _check_members(branch, year: int, member_ids) -> dict:
    """Refusals for members not to be rated here: not of the branch, left it, rated elsewhere this year."""
    errors = {}
    eligible = set(eligible_members(branch, year).values_list("pk", flat=True))
    # only this branch's own members are looked up elsewhere: another unit's names are not to be learnt here
    others = {m.pk: m for m in Member.objects.filter(pk__in=set(member_ids) - eligible)}
    for member_id in set(member_ids) - eligible:
        member = others.get(member_id)
        if member is not None and member.branch_id == branch.pk and member.left_on is not None:
            errors[(member_id, "")] = ERROR_LEFT.format(name=member.name, left_on=member.left_on, year=year)
        else:
            errors[(member_id, "")] = ERROR_NOT_MEMBER.format(year=year)
    elsewhere = MemberRating.objects.filter(member_id__in=set(member_ids) & eligible, year=year).exclude(
        branch_rating__branch=branch
    )
    for row in elsewhere.select_related("member", "branch_rating__branch"):
        errors[(row.member_id, "")] = ERROR_TWICE.format(
            name=row.member.name, year=year, branch=row.branch_rating.branch
        )
    return errors


def _overrides(page, typed: dict) -> tuple[dict[int, dict], dict]:
    """Each member's adjustments from what was typed, checked: (member id → code → override, errors)."""
    result, errors = {}, {}
    for row in page.rows:
        overrides = dict(row.rating.overrides) if row.rating else {}
        for item_row in row.items:
            if (row.member.pk, item_row.item.code) not in typed:
                continue
            value, reason = typed[(row.member.pk, item_row.item.code)]
            key = (row.member.pk, item_row.item.code)
            if value is None:  # left as the page pre-filled it: follow the records
                overrides.pop(item_row.item.code, None)
                continue
            try:
                value = rules.check_value(item_row.item, value)
            except rules.EntryError as error:
                errors[key] = error.message
                continue
            if value == item_row.prefill.value:
                overrides.pop(item_row.item.code, None)
                continue
            problem = rules.check_reason(reason)
            if problem:
                errors[key] = problem
                continue
            overrides[item_row.item.code] = {"value": value, "reason": reason.strip()}
        result[row.member.pk] = overrides
    return result, errors


@transaction.atomic
def branch_rating_save(*, branch, year: int, typed: dict, revision: int, actor) -> BranchRating:
    """Save the secretary's adjustments of the year's ratings: ``typed`` maps (member id, item code)
    to (value, reason), value None for an item left as pre-filled (it follows the records). Guarantees: every member and every value is checked first and any refusal
    saves nothing (RatingErrors); a page saved from an older revision than the rating's is refused
    naming who changed what since (RatingStale); each change is kept as a MemberRatingChange row."""
    if actor.role != Role.BRANCH_SECRETARY and not actor.is_superuser:
        raise PermissionDenied("党员星级评定由党支部书记初评。")
    rating = _locked_rating(branch, year, actor)
    if not rating.is_open:
        raise RatingErrors({"status": ERROR_CLOSED.format(status=rating.get_status_display())})
    if revision != rating.revision:
        changed = (
            MemberRatingChange.objects.filter(member_rating__branch_rating=rating, revision__gt=revision)
            .select_related("member_rating__member", "changed_by")
            .order_by("member_rating__member__name")
        )
        names = sorted({f"{c.member_rating.member.name}（{c.changed_by}）" for c in changed})
        raise RatingStale(names or [str(rating.prepared_by or "")], rating.revision)
    errors = _check_members(branch, year, {member_id for member_id, _code in typed})
    page = rating_page(branch, year)
    overrides, value_errors = _overrides(page, typed)
    errors |= value_errors
    if errors:
        raise RatingErrors(errors)
    rating.revision += 1
    for row in page.rows:
        _save_member(rating, row, overrides[row.member.pk], actor)
    rating.prepared_by, rating.prepared_at = actor, timezone.now()
    rating.save()
    return rating


def _save_member(rating, row, overrides: dict, actor) -> None:
    saved = row.rating or MemberRating(branch_rating=rating, member=row.member, year=rating.year)
    before = saved.overrides if saved.pk else {}
    if saved.pk and before == overrides:
        return
    saved.overrides, saved.updated_by = overrides, actor
    saved.save()
    starts = {r.item.code: r.prefill.value for r in row.items}
    MemberRatingChange.objects.bulk_create(
        MemberRatingChange(
            member_rating=saved,
            item_code=code,
            before=before.get(code, {}).get("value", starts.get(code, "")),
            after=overrides.get(code, {}).get("value", starts.get(code, "")),
            reason=overrides.get(code, {}).get("reason", "恢复为预填值"),
            revision=rating.revision,
            changed_by=actor,
        )
        for code in sorted(set(before) | set(overrides))
        if before.get(code) != overrides.get(code)
    )


def _record(rating, action: str, actor, note: str = ""):
    return lambda before, after, _prepared: RatingStep.objects.create(
        branch_rating=rating, action=action, from_status=before, to_status=after, note=note, actor=actor
    )


def _take(rating, action: str, actor, *, note: str = "", prepare=None) -> RatingStep:
    step = STEPS[action]
    if not step.permits(actor):
        raise PermissionDenied(f"您的角色不能{step.label}。")
    return transition_apply(
        rating,
        step,
        record=_record(rating, action, actor, note),
        refused=lambda: RatingErrors({"status": ERROR_STEP.format(status=rating.get_status_display())}),
        prepare=prepare,
        field="status",
    )


def _meeting_errors(rating, meeting_on, attendance, result: str, members: int) -> dict:
    errors = {}
    first = date(rating.year, 1, 1)
    if meeting_on is None:
        errors["meeting_on"] = ERROR_MEETING_DATE
    elif not first <= meeting_on <= today():
        errors["meeting_on"] = ERROR_MEETING_DATE_RANGE.format(first=first)
    if attendance is None:
        errors["meeting_attendance"] = ERROR_ATTENDANCE
    elif attendance > members:
        errors["meeting_attendance"] = ERROR_ATTENDANCE_TOO_MANY.format(n=attendance, members=members)
    if not (result or "").strip():
        errors["meeting_result"] = ERROR_RESULT
    elif len(result) > 300:
        errors["meeting_result"] = ERROR_TEXT_LONG
    return errors


@transaction.atomic
def branch_rating_decide(
    *, branch, year: int, meeting_on, attendance, result: str, revision: int, actor, typed: dict | None = None
) -> BranchRating:
    """Record the branch meeting's decision and send the year's ratings to the township. Guarantees:
    what the page sent with it (``typed``, as for ``branch_rating_save``) is saved first, in the same
    transaction, so nothing typed is decided away; the meeting has a date in the year (or after it, up
    to today), an attendance no larger than the members rated and a result; every member's values are
    valid; then each member's sheet is fixed as decided (values, points, sources, reasons, total,
    stars) and no longer follows the records. A member saved in a draft who has left the branch since
    keeps the draft's adjustments but no decided total or stars."""
    if actor.role != Role.BRANCH_SECRETARY and not actor.is_superuser:
        raise PermissionDenied("支部党员大会的决定由党支部书记记录。")
    if typed:
        revision = branch_rating_save(branch=branch, year=year, typed=typed, revision=revision, actor=actor).revision
    rating = _locked_rating(branch, year, actor)
    if revision != rating.revision:
        raise RatingStale([str(rating.prepared_by or "")], rating.revision)
    page = rating_page(branch, year)
    errors = _meeting_errors(rating, meeting_on, attendance, result, len(page.rows))
    errors |= _check_members(branch, year, [row.member.pk for row in page.rows])
    errors |= {(row.member.pk, ""): ERROR_UNSCORED for row in page.rows if row.total is None}
    if errors:
        raise RatingErrors(errors)

    def prepare(row_rating):
        row_rating.meeting_on, row_rating.meeting_attendance = meeting_on, attendance
        row_rating.meeting_result = result.strip()
        row_rating.decided_by, row_rating.decided_at = actor, timezone.now()
        row_rating.returned_reason = ""
        row_rating.revision += 1
        for row in page.rows:
            _freeze(row_rating, row, actor)
        rated = {row.member.pk for row in page.rows}
        for gone in row_rating.member_rows.exclude(member_id__in=rated):
            # left the branch since the draft (or since a decision now returned): not rated this year
            gone.items, gone.total, gone.stars, gone.grade, gone.stars_rule = {}, None, None, "", ""
            gone.updated_by = actor
            gone.save()

    _take(
        rating,
        "decide",
        actor,
        note=f"{meeting_on:%Y-%m-%d} 支部党员大会，到会 {attendance} 人：{result.strip()}",
        prepare=prepare,
    )
    return rating


def _freeze(rating, row, actor) -> None:
    saved = row.rating or MemberRating(branch_rating=rating, member=row.member, year=rating.year)
    saved.items = {
        r.item.code: {
            "value": r.value,
            "points": f"{r.points.normalize():f}",
            "prefill": r.prefill.value,
            "source": r.prefill.source,
            "origin": rules.ENTERED if r.adjusted else r.prefill.origin,
            "reason": r.reason if r.adjusted else "",
        }
        for r in row.items
    }
    saved.total, saved.stars, saved.grade, saved.stars_rule = row.total, row.stars, row.grade, row.stars_rule[:200]
    saved.updated_by = actor
    saved.save()


@transaction.atomic
def branch_rating_approve(*, rating: BranchRating, actor) -> BranchRating:
    """The township approves the branch meeting's decision; from then on the rating is locked."""
    rating = BranchRating.objects.select_for_update().get(pk=rating.pk)
    if rating.status != RatingStatus.DECIDED:
        raise RatingErrors({"status": ERROR_NOT_DECIDED})

    def prepare(row):
        row.approved_by, row.approved_at = actor, timezone.now()

    _take(rating, "approve", actor, prepare=prepare)
    return rating


@transaction.atomic
def branch_rating_return(*, rating: BranchRating, reason: str, actor) -> BranchRating:
    """The township sends a decided rating back to the branch, with its reason (kept on the step)."""
    rating = BranchRating.objects.select_for_update().get(pk=rating.pk)
    reason = (reason or "").strip()
    if not reason:
        raise RatingErrors({"reason": ERROR_RETURN_REASON})
    if len(reason) > 300:
        raise RatingErrors({"reason": ERROR_TEXT_LONG})
    if rating.status != RatingStatus.DECIDED:
        raise RatingErrors({"status": ERROR_STEP.format(status=rating.get_status_display())})

    def prepare(row):
        row.returned_reason = reason

    _take(rating, "return", actor, note=reason, prepare=prepare)
    return rating
