"""Every write to frameworks and score sheets."""

from dataclasses import asdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from audit.services import audit_changes

from .engine import Entry, score
from .entries import ParsedEntry, RawEntry, entry_words, parse_entries
from .facts import FactValue, Period, fact_values, prefilled_entry
from .facts.members import member_facts
from .models import STAGE_FILLERS, EntryChange, Framework, Item, ScoreEntry, ScoreSheet, Section, SheetDraft, Stage
from .selectors import framework_spec
from .spec import FrameworkSpec, _number_out

ERROR_CODE_TAKEN = "编号“{code}”已被{owner}的标准体系使用，请换一个编号。"
ERROR_SUBJECT_BRANCH = "该标准体系评价党支部，不能选择党员。"
ERROR_SUBJECT_MEMBER = "该标准体系评价党员，请选择一名党员。"
ERROR_MEMBER_ELSEWHERE = "所选党员不属于该党支部。"


SCORE_FIELDS = ("met", "points", "occurrences", "veto_triggered")
ERROR_LOCKED = "该评分表已申报锁定，不能修改。"
ERROR_ITEM_LOCKED = "该项未被退回修改，不能更改。"
ERROR_STALE = "保存失败：{who}已于 {when} 修改了这张评分表，您看到的是旧内容。请刷新页面，核对后重新填写。"


class SheetLocked(Exception):
    pass


class StaleSheet(Exception):
    """The sheet changed since the user loaded it; nothing was saved."""


class SheetEntryErrors(Exception):
    """Entries refused; ``errors`` maps item code to a Chinese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(f"{code}：{message}" for code, message in errors.items()))
        self.errors = errors


@transaction.atomic
def framework_save(*, spec: FrameworkSpec, county=None, township=None, actor=None) -> tuple[Framework, bool]:
    """Store ``spec`` as a framework of the given owner (none: built-in).

    The same content again changes nothing; changed content becomes the next
    version, so sheets already filled keep the version they were filled on.
    Returns (framework, created)."""
    fingerprint = spec.fingerprint()
    latest = Framework.objects.filter(code=spec.code).select_for_update().order_by("-version").first()
    if latest is not None:
        if (latest.county_id, latest.township_id) != (getattr(county, "pk", None), getattr(township, "pk", None)):
            raise PermissionDenied(ERROR_CODE_TAKEN.format(code=spec.code, owner=latest.owner_label))
        if latest.fingerprint == fingerprint:
            return latest, False
    framework = Framework.objects.create(
        code=spec.code,
        version=(latest.version + 1) if latest else 1,
        name=spec.name,
        kind=spec.kind,
        subject=spec.subject,
        description=spec.description,
        source=spec.source,
        grades=[{"label": g.label, "min": _number_out(g.min)} for g in spec.grades],
        stars=[{"stars": s.stars, "min": _number_out(s.min)} for s in spec.stars],
        bonus_cap=spec.bonus_cap,
        caps=[{k: (_number_out(v) if isinstance(v, Decimal) else v) for k, v in asdict(c).items()} for c in spec.caps],
        fingerprint=fingerprint,
        county=county,
        township=township,
        created_by=actor,
    )
    position = 0
    items = []
    for aspect_position, aspect in enumerate(spec.aspects):
        aspect_row = Section.objects.create(
            framework=framework, code=aspect.code, title=aspect.title, position=aspect_position
        )
        groups = [(aspect_row, aspect.items)]
        for standard_position, standard in enumerate(aspect.standards):
            standard_row = Section.objects.create(
                framework=framework,
                parent=aspect_row,
                code=standard.code,
                title=standard.title,
                position=standard_position,
            )
            groups.append((standard_row, standard.items))
        for section_row, section_items in groups:
            for item in section_items:
                items.append(Item(framework=framework, section=section_row, position=position, **asdict(item)))
                position += 1
    Item.objects.bulk_create(items)
    return framework, True


def sheet_period(sheet: ScoreSheet) -> Period:
    """The period a sheet's facts cover: its quarter (an inspection round's sheet), else its year."""
    return Period.quarter(sheet.year, sheet.quarter) if sheet.quarter else Period.year(sheet.year)


def sheet_facts(sheet: ScoreSheet) -> dict[str, FactValue]:
    """The facts behind a sheet's linked items: the branch's, or on a member sheet the member's own."""
    if sheet.member_id:
        return member_facts(sheet.member, sheet_period(sheet))
    return fact_values(sheet.branch, sheet.year, sheet_period(sheet))


entry_text = entry_words  # an entry as the history shows it


def _same(entry: ScoreEntry, expected: Entry) -> bool:
    points = None if entry.points is None else Decimal(entry.points)
    return (entry.met, entry.occurrences, points) == (expected.met, expected.occurrences, expected.points)


@transaction.atomic
def sheets_follow_facts(*, branch, year: int, actor) -> int:
    """After a record changes, move the linked items of the branch's open sheets (and its members' sheets)
    of ``year`` to what the facts now say, except items a person overrode with a
    reason (and items a returned sheet keeps closed). Each move is in the
    sheet's history. Returns the number of sheets changed."""
    changed_sheets = 0
    sheets = (
        ScoreSheet.objects.select_for_update(of=("self",))
        # a verification (review) sheet is judged against the sheet below, not the live records
        .filter(branch=branch, year=year, locked=False, basis__isnull=True)
        # (no DISTINCT: PostgreSQL refuses it with FOR UPDATE)
        .filter(Exists(Item.objects.filter(framework=OuterRef("framework"), fact__gt="")))
        .select_related("framework")
    )
    for sheet in sheets:
        spec = framework_spec(sheet.framework)
        facts = sheet_facts(sheet)
        existing = sheet_entries(sheet)
        items = {item.code: item for item in sheet.framework.items.all()}
        history = []
        for item in spec.items():
            if not item.fact or not item_editable(sheet, item.code):
                continue
            expected = prefilled_entry(item, facts.get(item.fact))
            entry = existing.get(item.code)
            if expected is None or (entry is not None and entry.override_reason):
                continue
            if entry is not None and _same(entry, expected):
                continue
            before = entry_text(entry)
            entry = entry or ScoreEntry(sheet=sheet, item=items[item.code])
            entry.met, entry.occurrences, entry.points = expected.met, expected.occurrences, expected.points
            entry.updated_by = actor
            entry.save()
            history.append(
                EntryChange(
                    sheet=sheet,
                    item_code=item.code,
                    before=before,
                    after=entry_text(entry),
                    source=facts[item.fact].source[:300],
                    changed_by=actor,
                )
            )
        if history:
            EntryChange.objects.bulk_create(history)
            audit_changes(sheet, history, actor)
            _bump(sheet, actor)
            score_sheet_recompute(sheet, spec=spec)
            changed_sheets += 1
    return changed_sheets


def may_fill(user, sheet: ScoreSheet) -> bool:
    """Whether ``user`` (who can already see the sheet) may enter scores on it now."""
    return not sheet.locked and (user.is_superuser or user.role in STAGE_FILLERS[sheet.stage])


def item_editable(sheet: ScoreSheet, code: str) -> bool:
    return not sheet.locked and (sheet.editable_items is None or code in sheet.editable_items)


@transaction.atomic
def score_sheet_create(
    *,
    framework,
    branch,
    stage,
    year,
    actor,
    quarter=None,
    member=None,
    basis=None,
    facts: dict[str, FactValue] | None = None,
) -> ScoreSheet:
    """A new sheet, with the items the product's facts decide already filled in.
    ``facts``: the branch's facts when the caller computed many branches' at once."""
    if framework.subject == "branch" and member is not None:
        raise ValueError(ERROR_SUBJECT_BRANCH)
    if framework.subject == "member" and member is None:
        raise ValueError(ERROR_SUBJECT_MEMBER)
    if member is not None and member.branch_id != branch.pk:
        raise ValueError(ERROR_MEMBER_ELSEWHERE)
    sheet = ScoreSheet.objects.create(
        framework=framework,
        branch=branch,
        member=member,
        stage=stage,
        year=year,
        quarter=quarter,
        created_by=actor,
        updated_by=actor,
        basis=basis,
    )
    spec = framework_spec(framework)
    if facts is None:
        facts = sheet_facts(sheet)  # the sheet's own period: its year, or its inspection round's quarter
    items = {item.code: item for item in framework.items.all()}
    # a verification (review) sheet opens with the level below's entries, marked as carried over:
    # the verifier changes only what differs, and gives a reason for each change
    below = basis_entries(sheet) or {}
    prefilled = []
    for item in spec.items():
        carried = below.get(item.code)
        entry = prefilled_entry(item, facts.get(item.fact)) if item.fact else None
        if carried is not None and not carried.is_empty:
            entry = carried
        if entry is not None:
            prefilled.append(
                ScoreEntry(
                    sheet=sheet,
                    item=items[item.code],
                    met=entry.met,
                    occurrences=entry.occurrences,
                    points=entry.points,
                    veto_triggered=entry.veto_triggered,
                    carried=entry is carried,
                    updated_by=actor,
                )
            )
    ScoreEntry.objects.bulk_create(prefilled)
    score_sheet_recompute(sheet, spec=spec)
    return sheet


def sheet_entries(sheet: ScoreSheet) -> dict[str, ScoreEntry]:
    return {entry.item.code: entry for entry in sheet.entries.select_related("item")}


def basis_entries(sheet: ScoreSheet) -> dict[str, Entry] | None:
    """The entries of the sheet this one is scored beside (None for a self-assessment)."""
    if sheet.basis_id is None:
        return None
    return {code: _engine_entry(entry) for code, entry in sheet_entries(sheet.basis).items()}


def basis_label(sheet: ScoreSheet) -> str:
    """How the sheet below is named beside an entry: “沿用自评”, “与自评不同”."""
    if sheet.basis_id is None:
        return ""
    return {Stage.SELF_ASSESSMENT: "自评", Stage.VERIFICATION: "镇验收"}.get(sheet.basis.stage, "下一级评分")


def _parse(spec, sheet, raw):
    return parse_entries(spec, raw, sheet_facts(sheet), basis_entries(sheet), basis_label(sheet))


def _engine_entry(entry: ScoreEntry) -> Entry:
    return Entry(met=entry.met, points=entry.points, occurrences=entry.occurrences, veto_triggered=entry.veto_triggered)


def score_sheet_preview(*, sheet: ScoreSheet, raw: dict[str, RawEntry]):
    """The result the sheet would have with ``raw`` saved, and any errors."""
    spec = framework_spec(sheet.framework)
    parsed, errors = _parse(spec, sheet, raw)
    entries = {code: _engine_entry(e) for code, e in sheet_entries(sheet).items()}
    entries.update({code: p.entry for code, p in parsed.items() if code not in errors})
    return score(spec, entries), errors


def _bump(sheet: ScoreSheet, actor, page: str = "") -> None:
    """A new revision of the sheet, made by ``actor`` from ``page`` (blank: not from a fill page)."""
    sheet.updated_by = actor
    sheet.revision += 1
    sheet.saved_from_page = page


@transaction.atomic
def score_sheet_save(
    *, sheet: ScoreSheet, raw: dict[str, RawEntry], actor, revision: int | None = None, page: str = ""
) -> list[str]:
    """Validate every entry, then save them all or none. Returns the codes of
    the items whose entry changed.

    ``revision`` is the sheet's revision the user was shown; if the sheet has
    been saved since, nothing is saved (StaleSheet). Locked sheets and items
    are refused."""
    sheet = _locked_for_write(sheet, revision, page)
    spec = framework_spec(sheet.framework)
    parsed, errors = _parse(spec, sheet, raw)
    existing = sheet_entries(sheet)
    items = {item.code: item for item in sheet.framework.items.all()}
    changed, new, history = [], [], []
    for code, parsed_entry in parsed.items():
        entry = existing.get(code)
        before = entry_text(entry)
        if entry is None:
            if parsed_entry.entry.is_empty and not parsed_entry.comment:
                continue
            entry = ScoreEntry(sheet=sheet, item=items[code])
            new.append(entry)
        if _apply(entry, parsed_entry, actor):
            changed.append(code)
            if entry_text(entry) != before or entry.override_reason:
                history.append(
                    EntryChange(
                        sheet=sheet,
                        item_code=code,
                        before=before,
                        after=entry_text(entry),
                        reason=entry.override_reason,
                        changed_by=actor,
                    )
                )
            if not item_editable(sheet, code):
                errors.setdefault(code, ERROR_ITEM_LOCKED)
    if errors:
        raise SheetEntryErrors(errors)
    ScoreEntry.objects.bulk_create(new)
    updated = [e for code, e in existing.items() if code in changed]
    ScoreEntry.objects.bulk_update(
        updated,
        [*SCORE_FIELDS, "comment", "override_reason", "carried", "affirmed", "updated_by"],
    )
    EntryChange.objects.bulk_create(history)
    audit_changes(sheet, history, actor)
    if changed:
        _bump(sheet, actor, page)
        score_sheet_recompute(sheet, spec=spec)
    return changed


def _apply(entry: ScoreEntry, parsed: ParsedEntry, actor) -> bool:
    values = {
        "met": parsed.entry.met,
        "points": parsed.entry.points,
        "occurrences": parsed.entry.occurrences,
        "veto_triggered": parsed.entry.veto_triggered,
        "comment": parsed.comment,
        "override_reason": parsed.reason,
    }
    changed = entry.pk is None
    for name, value in values.items():
        current = getattr(entry, name)
        if isinstance(value, Decimal) and current is not None and Decimal(current) == value:
            continue
        if current != value:
            setattr(entry, name, value)
            changed = True
            if name in SCORE_FIELDS:
                # the person now speaks for this item: it is no longer carried over or affirmed in bulk
                entry.carried = entry.affirmed = False
    if changed:
        entry.updated_by = actor
    return changed


def score_sheet_recompute(sheet: ScoreSheet, *, spec: FrameworkSpec | None = None) -> None:
    """Store the engine's result on the sheet, so lists never score per row."""
    spec = spec or framework_spec(sheet.framework)
    result = score(spec, {code: _engine_entry(e) for code, e in sheet_entries(sheet).items()})
    sheet.total = result.total
    sheet.base_total = result.base_total
    sheet.bonus_total = result.bonus_applied
    sheet.vetoed = result.vetoed
    sheet.grade = result.grade.value
    sheet.stars = result.stars.value if result.stars else None
    sheet.complete = result.complete
    sheet.verdict = {
        "grade": result.grade.rule,
        "stars": result.stars.rule if result.stars else "",
        "caps": result.caps_applied,
        "vetoed_by": result.vetoed_by,
        "unfilled": len(result.unfilled),
        "bonus_raw": _number_out(result.bonus_raw),
    }
    sheet.save()


AFFIRM_REASON = "一键声明：本部分其余各项无扣分情形、无加分，按标准自评"


def _affirmed_entry(item) -> Entry | None:
    """What "本部分无扣分情形" states for an item nobody has filled: no deduction, no bonus, the
    standard met (a graded item at its full points). Veto items need no entry."""
    if item.counted:
        return Entry(occurrences=0)
    return {
        "bonus": Entry(points=Decimal(0)),
        "graded": Entry(points=item.points),
        "met": Entry(met=True),
    }.get(item.method)


@transaction.atomic
def sheet_affirm(*, sheet: ScoreSheet, aspect: str, actor, revision: int, page: str = "") -> list[str]:
    """The filler's one-tap statement for an aspect: every open item of it that nobody has
    filled takes ``_affirmed_entry``, marked as affirmed and kept in the history as her
    statement. Items already filled (by her or from records) are left as they are."""
    sheet = _locked_for_write(sheet, revision, page)
    spec = framework_spec(sheet.framework)
    section = next((a for a in spec.aspects if a.code == aspect), None)
    if section is None:
        raise SheetEntryErrors({aspect: "本评分表没有这一部分。"})
    existing = sheet_entries(sheet)
    items = {item.code: item for item in sheet.framework.items.all()}
    new, updated, history = [], [], []
    for item in section.all_items():
        entry, stated = existing.get(item.code), _affirmed_entry(item)
        if stated is None or not item_editable(sheet, item.code):
            continue
        if entry is not None and not _engine_entry(entry).is_empty:
            continue
        if entry is None:
            entry = ScoreEntry(sheet=sheet, item=items[item.code])
            new.append(entry)
        else:
            updated.append(entry)
        entry.met, entry.points, entry.occurrences = stated.met, stated.points, stated.occurrences
        entry.affirmed, entry.updated_by = True, actor
        history.append(
            EntryChange(
                sheet=sheet, item_code=item.code, after=entry_text(entry), reason=AFFIRM_REASON, changed_by=actor
            )
        )
    ScoreEntry.objects.bulk_create(new)
    ScoreEntry.objects.bulk_update(updated, [*SCORE_FIELDS, "affirmed", "updated_by"])
    EntryChange.objects.bulk_create(history)
    audit_changes(sheet, history, actor)
    if history:
        _bump(sheet, actor, page)
        score_sheet_recompute(sheet, spec=spec)
    return [change.item_code for change in history]


def _locked_for_write(sheet: ScoreSheet, revision: int | None, page: str = "") -> ScoreSheet:
    """The sheet, locked for this transaction, if ``revision`` is still current and it is open.
    A revision the same ``page`` moved on since counts as current: its own autosaves only ever
    follow its own view (had anyone else saved in between, the page could not have saved after)."""
    sheet = ScoreSheet.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=sheet.pk)
    if revision is not None and revision != sheet.revision and not (page and page == sheet.saved_from_page):
        raise StaleSheet(
            ERROR_STALE.format(
                who=sheet.updated_by or "他人", when=timezone.localtime(sheet.updated_at).strftime("%H:%M:%S")
            )
        )
    if sheet.locked:
        raise SheetLocked(ERROR_LOCKED)
    return sheet


@transaction.atomic
def score_sheet_autosave(*, sheet: ScoreSheet, raw: dict[str, RawEntry], actor, revision: int, page: str = ""):
    """Save as it is typed: every valid entry is saved at once; what cannot be saved yet (a
    refused value, a missing reason) is kept as this person's draft, exactly as typed, and
    shown again when the sheet is next opened. Returns (changed codes, errors by code, the
    revision the page now holds: the one this save wrote, read while the row is still locked,
    or the one it posted)."""
    spec = framework_spec(sheet.framework)
    _parsed, errors = _parse(spec, sheet, raw)
    valid = {code: entry for code, entry in raw.items() if code not in errors}
    changed = score_sheet_save(sheet=sheet, raw=valid, actor=actor, revision=revision, page=page) if valid else []
    if valid:
        revision = ScoreSheet.objects.values_list("revision", flat=True).get(pk=sheet.pk)
    kept = {code: vars(entry) for code, entry in raw.items() if code in errors}
    if kept:
        SheetDraft.objects.update_or_create(sheet=sheet, user=actor, defaults={"raw": kept})
    else:
        SheetDraft.objects.filter(sheet=sheet, user=actor).delete()
    return changed, errors, revision


def sheet_draft(sheet: ScoreSheet, user) -> dict[str, RawEntry]:
    """What ``user`` typed on the sheet and could not save yet (see ``score_sheet_autosave``): only
    items still open to them and not saved by anyone since, so a draft never comes back over a
    newer entry or onto an item the sheet has closed."""
    draft = SheetDraft.objects.filter(sheet=sheet, user=user).first()
    if draft is None:
        return {}
    newer = set(sheet.entries.filter(updated_at__gt=draft.updated_at).values_list("item__code", flat=True))
    return {
        code: RawEntry(**values)
        for code, values in draft.raw.items()
        if item_editable(sheet, code) and code not in newer
    }


FOLLOW_REASON = "沿用{label}：下一级修改后重新申报"


@transaction.atomic
def sheet_follow_basis(*, sheet: ScoreSheet, codes, actor) -> list[str]:
    """After the level below changed ``codes`` (a returned sheet resubmitted), the items this
    sheet still carries over take the new entries; items its filler changed are left to them.
    Each move is in the history. Returns the codes moved."""
    sheet = ScoreSheet.objects.select_for_update(of=("self",)).select_related("basis").get(pk=sheet.pk)
    if sheet.locked or sheet.basis_id is None:
        return []
    below, existing = basis_entries(sheet) or {}, sheet_entries(sheet)
    items = {item.code: item for item in sheet.framework.items.all()}
    moved, history = [], []
    for code in codes:
        entry, new = existing.get(code), below.get(code)
        if code not in items or new is None or (entry is not None and not entry.carried):
            continue
        before = entry_text(entry)
        entry = entry or ScoreEntry(sheet=sheet, item=items[code], carried=True)
        entry.met, entry.points, entry.occurrences, entry.veto_triggered = (
            new.met,
            new.points,
            new.occurrences,
            new.veto_triggered,
        )
        entry.updated_by = actor
        entry.save()
        moved.append(code)
        history.append(
            EntryChange(
                sheet=sheet,
                item_code=code,
                before=before,
                after=entry_text(entry),
                reason=FOLLOW_REASON.format(label=basis_label(sheet)),
                changed_by=actor,
            )
        )
    EntryChange.objects.bulk_create(history)
    audit_changes(sheet, history, actor)
    if moved:
        _bump(sheet, actor)
        score_sheet_recompute(sheet)
    return moved
