"""Editorial roles. Each role is a Django group, created by a data migration.

Contributor < Author < Editor: every role may do what the roles below it may do. A superuser
counts as an Editor. Users in no role group have no editorial rights.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class Role(IntEnum):
    CONTRIBUTOR = 1
    AUTHOR = 2
    EDITOR = 3

    @property
    def group_name(self) -> str:
        return self.name.title()


GROUP_NAMES = {role.group_name: role for role in Role}
_CACHE_ATTR = "_byline_role"


def is_active_staff(user: Any) -> bool:
    """May ``user`` act in Byline at all? Only while active and staff: taking either away
    stops their session rights, their API tokens and the preview links they issued at once.
    """
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
    )


def role_of(user: Any) -> Role | None:
    """The highest role the user holds, cached on the user object for the request. Users who
    are not active staff hold none (``is_active_staff``)."""
    if not is_active_staff(user):
        return None
    if user.is_superuser:
        return Role.EDITOR
    if not hasattr(user, _CACHE_ATTR):
        names = user.groups.filter(name__in=GROUP_NAMES).values_list("name", flat=True)
        roles = [GROUP_NAMES[name] for name in names]
        setattr(user, _CACHE_ATTR, max(roles) if roles else None)
    role: Role | None = getattr(user, _CACHE_ATTR)
    return role


def has_role(user: Any, minimum: Role) -> bool:
    role = role_of(user)
    return role is not None and role >= minimum
