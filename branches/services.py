"""Every write to the register goes through here."""

from decimal import Decimal

from django.db import transaction

from .models import AnnualFigure, Branch


@transaction.atomic
def annual_figure_record(*, branch: Branch, year: int, collective_income: Decimal, actor, note: str = ""):
    """Record a branch's figure for ``year``. Earlier records stay readable: a
    new value is a new row. Returns ``None`` when the value is already the
    current one, so recording the same figure twice changes nothing."""
    current = AnnualFigure.objects.current().filter(branch=branch, year=year).first()
    if current is not None and current.collective_income == Decimal(collective_income):
        return None
    figure = AnnualFigure(branch=branch, year=year, collective_income=collective_income, note=note, recorded_by=actor)
    figure.full_clean()
    figure.save()
    return figure


ERROR_LIFE_OUTSIDE = "只能为本单位的党支部记录组织生活。"
ERROR_LIFE_MEMBER = "参加人员中有不属于该党支部的党员。"


@transaction.atomic
def organisational_life_record(*, branch: Branch, kind, held_on, topic, attendees, absence_note="", actor):
    """Record a meeting once, when it happens; every score sheet linked to it reads it from here."""
    from django.core.exceptions import PermissionDenied

    from .models import OrganisationalLife

    if (
        not OrganisationalLife.objects.role_may_edit(actor)
        or not Branch.objects.visible_to(actor).filter(pk=branch.pk).exists()
    ):
        raise PermissionDenied(ERROR_LIFE_OUTSIDE)
    attendees = list(attendees)
    if any(member.branch_id != branch.pk for member in attendees):
        raise ValueError(ERROR_LIFE_MEMBER)
    record = OrganisationalLife.objects.create(
        branch=branch,
        kind=kind,
        held_on=held_on,
        topic=topic.strip(),
        absence_note=absence_note.strip(),
        recorded_by=actor,
    )
    record.attendees.set(attendees)
    return record
