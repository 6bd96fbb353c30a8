"""The actor: who is doing something, resolved once per request.

An actor is an authenticated user, an anonymous reader, or the system itself (management
commands, scheduled jobs). Integrations acting through API tokens are actors too: they carry
the user the token belongs to and the token's scopes, which narrow what that user may do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest


@dataclass(frozen=True, slots=True)
class Actor:
    user: User | None = None
    # None means "not narrowed by scopes" (a session user); a token actor lists its scopes.
    scopes: frozenset[str] | None = None
    is_system: bool = False
    # The API token acted through, if any (for the audit log).
    token_id: int | None = None

    @classmethod
    def anonymous(cls) -> Actor:
        return cls()

    @classmethod
    def system(cls) -> Actor:
        """Full rights, for management commands and jobs; never built from a request."""
        return cls(is_system=True)

    @classmethod
    def for_user(cls, user: Any) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls.anonymous()
        return cls(user=user)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None or self.is_system

    def has_scope(self, scope: str) -> bool:
        return self.is_system or self.scopes is None or scope in self.scopes

    def __str__(self) -> str:
        if self.is_system:
            return "system"
        return self.user.get_username() if self.user is not None else "anonymous"


_REQUEST_ATTR = "_byline_actor"


def actor_from_request(request: HttpRequest) -> Actor:
    """The request's actor, computed once and kept on the request."""
    actor = getattr(request, _REQUEST_ATTR, None)
    if actor is None:
        actor = Actor.for_user(getattr(request, "user", None))
        setattr(request, _REQUEST_ATTR, actor)
    return actor


def token_actor(request: HttpRequest, token: Any) -> Actor:
    """Record that ``request`` acts through ``token``: its owner, narrowed to its scopes."""
    actor = Actor(user=token.owner, scopes=token.scope_set, token_id=token.pk)
    setattr(request, _REQUEST_ATTR, actor)
    request.user = token.owner
    return actor
