from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from branches.models import Branch
from branches.scoping import ADMIN_ROLES, Role

from . import selectors


@login_required
def home(request):
    if request.user.role in ADMIN_ROLES:
        return render(request, "home/admin.html")
    context = selectors.home_overview(request.user)
    templates = {
        Role.COUNTY_REVIEWER: "home/county.html",
        Role.TOWNSHIP_STAFF: "home/township.html",
        Role.BRANCH_SECRETARY: "home/secretary.html",
    }
    template = templates.get(request.user.role, "home/county.html")
    return render(request, template, context)


@login_required
def branch_page(request, pk):
    """A branch's page: its register entry and members, and what the apps above keep about it."""
    branch = get_object_or_404(Branch.objects.visible_to(request.user), pk=pk)
    return render(request, "home/branch.html", selectors.branch_page(branch, request.user))


def bad_request(request, exception):
    """400 in Chinese, with the product's own reason (a Chinese message), never Django's English one."""
    reason = str(exception) if any("\u4e00" <= ch <= "\u9fff" for ch in str(exception)) else ""
    return render(request, "400.html", {"reason": reason}, status=400)


def csrf_failure(request, reason=""):
    """A stale form (signed in again elsewhere, a page left open too long): in Chinese, with what to do
    to keep what was typed, never Django's English page (settings.CSRF_FAILURE_VIEW)."""
    return render(request, "403_csrf.html", status=403)
