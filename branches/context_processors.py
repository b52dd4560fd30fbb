from .scoping import Role


def navigation(request):
    """What the top bar offers depends on the role only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_register": user.is_superuser or user.role in (Role.COUNTY_REVIEWER, Role.TOWNSHIP_STAFF),
        "nav_frameworks": user.is_superuser or user.role in (Role.COUNTY_REVIEWER, Role.TOWNSHIP_STAFF),
        "nav_own_branch_id": user.branch_id if user.role == Role.BRANCH_SECRETARY else None,
    }
