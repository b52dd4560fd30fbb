from .scoping import ADMIN_ROLES, Role


def navigation(request):
    """What the top bar offers depends on the role only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_register": user.is_superuser or user.role in (Role.COUNTY_REVIEWER, Role.TOWNSHIP_STAFF),
        "nav_frameworks": user.is_superuser or user.role in (Role.COUNTY_REVIEWER, Role.TOWNSHIP_STAFF),
        "nav_own_branch_id": user.branch_id if user.role == Role.BRANCH_SECRETARY else None,
        # administrators see their own page only, never the work
        "nav_work": user.role not in ADMIN_ROLES,
        "nav_admin": {
            Role.SYSTEM_ADMIN: ("accounts_system", "账号管理"),
            Role.SECURITY_ADMIN: ("accounts_security", "角色与安全"),
            Role.AUDIT_ADMIN: ("audit", "审计记录"),
        }.get(user.role),
    }
