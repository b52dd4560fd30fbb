"""The one scoping rule of the product.

A person sees and changes only what lies under the unit they sit at: a county
reviewer everything in the county, township staff everything in the township,
a branch secretary their own branch. Every queryset that holds unit data
derives from ``ScopedQuerySet`` and names the lookups from its rows to the
county, township and branch; views, downloads, exports and jobs then ask
``Model.objects.visible_to(user)`` and never write the rule again.
"""

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


def unit_scope(user, *, county: str | None, township: str | None, branch: str | None) -> Q:
    """A filter for the rows under ``user``'s unit.

    ``county``, ``township`` and ``branch`` are the lookups from the model to
    that level (``None`` where rows do not hang under that level, so that
    role sees none of them).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    lookups = {
        Role.COUNTY_REVIEWER: (county, user.county_id),
        Role.TOWNSHIP_STAFF: (township, user.township_id),
        Role.BRANCH_SECRETARY: (branch, user.branch_id),
    }
    lookup, unit_id = lookups.get(user.role, (None, None))
    if lookup is None or unit_id is None:
        return NOTHING
    return Q(**{lookup: unit_id})


class ScopedQuerySet(models.QuerySet):
    """Base queryset for everything that lies under a unit.

    Subclasses set ``scope_lookups`` (lookups to county, township, branch) and
    ``editor_roles`` (roles that may change rows they can see).
    """

    scope_lookups: dict[str, str | None] = {}
    editor_roles: frozenset[str] = frozenset({Role.TOWNSHIP_STAFF})

    def visible_to(self, user):
        return self.filter(unit_scope(user, **self.scope_lookups))

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
