"""Who may manage API tokens: superusers all of them; other staff with an editorial role
their own (a token acts as its owner, so it can never do more than the owner may)."""

from __future__ import annotations

from django.db.models import QuerySet

from cms.access import Action, ModelPolicy, register
from cms.actors import Actor
from cms.models import ApiToken
from cms.roles import role_of


class ApiTokenPolicy(ModelPolicy[ApiToken]):
    def allows(self, actor: Actor, action: Action, obj: ApiToken | None) -> bool:
        user = actor.user
        if user is None or actor.scopes is not None:
            return False  # tokens are managed by people, not by other tokens
        if user.is_superuser:
            return True
        if role_of(user) is None:
            return False
        return obj is None or obj.owner_id == user.pk

    def restrict(
        self, actor: Actor, action: Action, queryset: QuerySet[ApiToken]
    ) -> QuerySet[ApiToken]:
        if not self.allows(actor, action, None):
            return queryset.none()
        assert actor.user is not None  # noqa: S101 - allows() needs a user
        return queryset if actor.user.is_superuser else queryset.filter(owner=actor.user)


def register_all() -> None:
    register(ApiToken, ApiTokenPolicy())
