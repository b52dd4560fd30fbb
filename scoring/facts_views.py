"""The township's grid of facts: branches × the year's records, the laggards first."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from branches.models import Branch, BranchKind, Township
from branches.scoping import Role
from common.dates import recent_years, requested_year
from common.numbers import plain_int


@login_required
def facts_grid(request):
    """Township staff (and the county, per township): branches × the year's facts, the laggards first."""
    from scoring.facts import GRID_COLUMNS
    from scoring.facts import facts_grid as grid

    if request.user.role not in (Role.TOWNSHIP_STAFF, Role.COUNTY_REVIEWER) and not request.user.is_superuser:
        raise PermissionDenied("党支部工作实绩总览供镇党委和县委组织部使用。")
    townships = Township.objects.visible_to(request.user).order_by("name")
    wanted = request.GET.get("township", "")
    # staff see their own township; the county picks one of theirs (the first by default)
    township = get_object_or_404(townships, pk=plain_int(wanted)) if plain_int(wanted) else townships.first()
    if township is None:
        raise Http404("没有可查看的乡镇。")
    year = requested_year(request)
    branches = Branch.objects.filter(township=township).exclude(kind=BranchKind.TOWNSHIP_OFFICE).order_by("name")
    return render(
        request,
        "scoring/facts_grid.html",
        {
            "township": township,
            "townships": townships if request.user.role != Role.TOWNSHIP_STAFF else [],
            "year": year,
            "years": recent_years(),
            "columns": GRID_COLUMNS,
            "rows": grid(branches, year),
        },
    )
