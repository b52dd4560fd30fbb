"""Every write to the register goes through here."""

from decimal import Decimal

from django.db import transaction

from branches.models import AnnualFigure, Branch


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
