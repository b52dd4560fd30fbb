"""Reads the register's pages need, scoped and with what they display loaded."""

from django.db.models import Case, Count, Value, When

from branches.models import AnnualFigure, Branch, Post, on_roll
from common.dates import today


def branch_register(user):
    return (
        Branch.objects.visible_to(user)
        .select_related("township")
        .annotate(member_count=Count("members", filter=on_roll(today(), "members__")))
        .order_by("township__name", "name")
    )


_POST_RANK = Case(*[When(post=post, then=Value(rank)) for rank, post in enumerate(Post.values)])


def branch_members(branch):
    """Members with the branch committee first, in the order of their posts."""
    return branch.members.order_by(_POST_RANK, "joined_on", "name")


def branch_figures(branch):
    """Every record of every year, newest first, each marked current or superseded."""
    current_ids = set(AnnualFigure.objects.current().filter(branch=branch).values_list("pk", flat=True))
    figures = list(branch.annual_figures.select_related("recorded_by").order_by("-year", "-pk"))
    for figure in figures:
        figure.is_current = figure.pk in current_ids
    return figures
