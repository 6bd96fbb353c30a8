"""Access: the permission engine. What an actor may do to an object, and to which objects.

The rules themselves are registered by each app (``articles.policies``, ``comments.policies``,
``cms.token_policies``); this module only dispatches to them.

The admin, REST and GraphQL all ask here. ``cms`` knows no content models, so each app
registers a :class:`ModelPolicy` for its models when it is ready (``AppConfig.ready``); the
functions below dispatch on the model. Rules combine the actor's editorial role
(``cms.roles``) with the scopes of the token it acts through (``cms.scopes``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet

from cms import scopes
from cms.actors import Actor
from cms.errors import NotAuthenticated, PermissionDenied

M = TypeVar("M", bound=Model)


class Action(StrEnum):
    VIEW = "view"
    PREVIEW = "preview"  # read unpublished work (drafts, scheduled, archived)
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"
    SUBMIT = "submit"  # hand a draft to the editors for review
    RETURN = "return"  # send work in review back to its writer, as a draft
    PUBLISH = "publish"  # publish now, or schedule with a future date
    UNPUBLISH = "unpublish"
    ARCHIVE = "archive"
    FEATURE = "feature"
    MODERATE = "moderate"
    RESTORE = "restore"  # bring something back from the trash
    PURGE = "purge"  # delete forever what is in the trash
    CORRECT = "correct"  # attach or remove a correction or update note (live articles)


class ModelPolicy(Generic[M]):
    """The rules for one model.

    ``allows(actor, action, None)`` answers "may the actor do this to some object of this
    kind" (the admin asks it to decide whether to show a button or a menu entry);
    ``allows(actor, action, obj)`` answers for one object. ``restrict`` narrows a queryset to
    the objects the actor may act on, and must agree with ``allows`` row by row.
    """

    def allows(self, actor: Actor, action: Action, obj: M | None) -> bool:
        raise NotImplementedError

    def restrict(self, actor: Actor, action: Action, queryset: QuerySet[M]) -> QuerySet[M]:
        # Correct for rules that do not depend on the object; object-level rules override.
        return queryset if self.allows(actor, action, None) else queryset.none()

    def reason(self, actor: Actor, action: Action, obj: M) -> str | None:
        """Why ``allows`` refuses ``action`` on ``obj``, where a rule has a reason worth
        telling (None: the generic refusal). Asked only after ``allows`` said no."""
        return None


_registry: dict[type[Model], ModelPolicy[Any]] = {}


def register(model: type[M], policy: ModelPolicy[M]) -> None:
    _registry[model] = policy


def policy_for(model: type[Model]) -> ModelPolicy[Any]:
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"No policy is registered for {model.__name__}.") from None


def can(actor: Actor, action: Action, target: Model | type[Model]) -> bool:
    """May ``actor`` perform ``action`` on ``target`` (an object, or a model for "any")?"""
    if actor.is_system:
        return True
    if isinstance(target, type):
        return policy_for(target).allows(actor, action, None)
    return policy_for(type(target)).allows(actor, action, target)


def require(actor: Actor, action: Action, target: Model | type[Model]) -> None:
    """Raise :class:`PermissionDenied` unless :func:`can` allows it."""
    if not can(actor, action, target):
        require_signed_in(actor)
        raise PermissionDenied(refusal(actor, action, target))


def refusal(actor: Actor, action: Action, target: Model | type[Model]) -> str:
    """What :func:`require` tells ``actor`` when it refuses: the policy's reason, if it has
    one for this object, else that the action is not permitted."""
    if not isinstance(target, type):
        reason = policy_for(type(target)).reason(actor, action, target)
        if reason is not None:
            return reason
    name = target.__name__ if isinstance(target, type) else type(target).__name__
    hint = " (or the token lacks the scope for it)" if actor.scopes is not None else ""
    return f"You may not {action} this {name.lower()}{hint}."


def require_signed_in(actor: Actor) -> None:
    """Raise :class:`NotAuthenticated` (401) for an anonymous actor: refusing someone who sent
    no credentials is asking them to authenticate, not telling them they lack a right."""
    if not actor.is_authenticated:
        raise NotAuthenticated("Sign in, or send an API token (Authorization: Bearer ...).")


def restrict(actor: Actor, action: Action, queryset: QuerySet[M]) -> QuerySet[M]:
    """The part of ``queryset`` on which ``actor`` may perform ``action``."""
    if actor.is_system:
        return queryset
    return policy_for(queryset.model).restrict(actor, action, queryset)


def may_read_content(actor: Actor) -> bool:
    """May ``actor`` use the reader-facing API at all: read published content, post comments
    and register views?

    Open to everyone by default. A deployment without a public API (``API_PUBLIC_READS`` off,
    e.g. a site rendered server-side) admits only the system, signed-in staff and tokens with
    ``content:read``. With the API open, a token needs no scope to read what anyone may.
    """
    if settings.API_PUBLIC_READS:
        return True
    return actor.is_authenticated and actor.has_scope(scopes.CONTENT_READ)


def require_content_read(actor: Actor) -> None:
    """Raise :class:`NotAuthenticated` (no credentials) or :class:`PermissionDenied` (a token
    without ``content:read``) unless :func:`may_read_content` allows it."""
    if may_read_content(actor):
        return
    if not actor.is_authenticated:
        raise NotAuthenticated(
            "This API is not public: send a token with the content:read scope "
            "(Authorization: Bearer ...)."
        )
    raise PermissionDenied("Reading content needs the content:read scope.")
