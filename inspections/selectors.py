"""Reads for the inspection pages."""

from .models import InspectionRound


def latest_ranked_quarter(townships) -> tuple[int, int, int] | None:
    """(township id, year, quarter) of the latest quarter with a ranking among ``townships``: one
    with a closed round of the township (a published ranking always has one). On a tie the
    township first by name. None when no township has any; one query."""
    latest = (
        InspectionRound.objects.filter(township__in=townships, closed_at__isnull=False)
        .order_by("-year", "-quarter", "township__name", "township_id")
        .values_list("township_id", "year", "quarter")
        .first()
    )
    return tuple(latest) if latest else None
