"""The one scoping rule of the product.

A person sees and changes only what lies under the unit they sit at: a county
reviewer everything in the county, township staff everything in the township,
a branch secretary their own branch. Every queryset that holds unit data
derives from ``ScopedQuerySet`` and names the lookups from its rows to the
county, township and branch; views, downloads, exports and jobs then ask
``Model.objects.visible_to(user)`` and never write the rule again.
"""

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    COUNTY_REVIEWER = "county_reviewer", "县委组织部审核人员"
    TOWNSHIP_STAFF = "township_staff", "镇党委工作人员"
    BRANCH_SECRETARY = "branch_secretary", "党支部书记"
    # 三员分立: three administrators of a county's installation, none able to act as another,
    # none able to see or change the work (unit_scope gives them nothing)
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


# a tuple, not a set: its order is written into a migration's check constraint
ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


NOTHING = Q(pk__in=[])

# The level of the organisation tree each working role sits at (the three administrators sit at none).
LEVELS = {Role.COUNTY_REVIEWER: "county", Role.TOWNSHIP_STAFF: "township", Role.BRANCH_SECRETARY: "branch"}

# A lookup from a model to one level: a path, several paths (a row lies under the unit by any of
# them, e.g. a campaign run by the county or by one of its townships), or None (no row hangs there).
Lookup = str | tuple[str, ...] | None


def unit_scope(user, *, county: Lookup, township: Lookup, branch: Lookup, limits: dict[str, Q] | None = None) -> Q:
    """A filter for the rows under ``user``'s unit.

    ``county``, ``township`` and ``branch`` are the lookups from the model to
    that level (``None`` where rows do not hang under that level, so that
    role sees none of them). ``limits`` adds, per level, what rows must also
    meet to be seen from there (``{"branch": Q(hidden_from_branch=False)}``:
    a secretary does not see a sheet the inspection keeps from the branch).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    level = LEVELS.get(user.role)
    lookups = {"county": county, "township": township, "branch": branch}.get(level)
    unit_id = getattr(user, f"{level}_id", None) if level else None
    if not lookups or unit_id is None:
        return NOTHING
    paths = (lookups,) if isinstance(lookups, str) else lookups
    scope = reduce(or_, (Q(**{path: unit_id}) for path in paths))
    limit = (limits or {}).get(level)
    return scope if limit is None else scope & limit


class ScopedQuerySet(models.QuerySet):
    """Base queryset for everything that lies under a unit.

    Subclasses set ``scope_lookups`` (lookups to county, township, branch),
    ``scope_limits`` (what rows must also meet to be seen from a level, if
    anything), ``scope_distinct`` (a lookup crosses a to-many relation, so a
    row could match more than once) and ``editor_roles`` (roles that may
    change rows they can see).
    """

    scope_lookups: dict[str, Lookup] = {}
    scope_limits: dict[str, Q] = {}
    scope_distinct: bool = False
    editor_roles: frozenset[str] = frozenset({Role.TOWNSHIP_STAFF})

    def visible_to(self, user):
        visible = self.filter(unit_scope(user, **self.scope_lookups, limits=self.scope_limits))
        return visible.distinct() if self.scope_distinct else visible

    def editable_by(self, user):
        return self.visible_to(user) if self.role_may_edit(user) else self.none()

    def role_may_edit(self, user) -> bool:
        """Whether the user's role may change rows of this kind at all."""
        return user.is_superuser or getattr(user, "role", None) in self.editor_roles


class BranchScopedQuerySet(ScopedQuerySet):
    """Rows that belong to one branch through a ``branch`` foreign key."""

    scope_lookups = {"county": "branch__township__county", "township": "branch__township", "branch": "branch"}


def unit_owner(user) -> dict:
    """The unit a county reviewer's or township staff's new campaign, round or framework belongs to."""
    return {"county": user.county} if user.role == Role.COUNTY_REVIEWER else {"township": user.township}
