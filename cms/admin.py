"""Admin base classes whose permission hooks ask the one policy (``cms.policy``).

Django's model permissions are not consulted: roles and the policy are the single source of
truth, so the admin, REST and GraphQL cannot disagree about who may do what.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from cms.actors import Actor, actor_from_request
from cms.errors import DomainError
from cms.policy import Action, can, restrict


class PolicyModelAdmin(admin.ModelAdmin[Any]):
    def actor(self, request: HttpRequest) -> Actor:
        return actor_from_request(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return restrict(self.actor(request), Action.VIEW, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(self.actor(request), Action.VIEW, self.model)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can(self.actor(request), Action.VIEW, obj if obj is not None else self.model)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can(self.actor(request), Action.ADD, self.model)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can(self.actor(request), Action.CHANGE, obj if obj is not None else self.model)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can(self.actor(request), Action.DELETE, obj if obj is not None else self.model)

    def run_bulk(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        action: Action,
        operation: Any,
        done: str,
    ) -> None:
        """Apply a service to each selected object the policy allows, and report the outcome.

        Objects the actor may not touch, or whose state refuses the action, are counted and
        named; the rest go ahead. Each object is its own transaction inside the service.
        """
        actor = self.actor(request)
        succeeded, refused = 0, []
        for obj in queryset:
            if not can(actor, action, obj):
                refused.append(f"{obj}: not permitted")
                continue
            try:
                operation(obj, actor)
            except DomainError as error:
                refused.append(f"{obj}: {error.message}")
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{succeeded} {done}.", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not changed: " + "; ".join(refused[:10]), messages.WARNING)


class PolicyInlineMixin:
    """Inline rows follow their parent object: editable when the parent is."""

    def _parent_allows(self, request: HttpRequest, obj: Model | None, action: Action) -> bool:
        actor = actor_from_request(request)
        parent_model: type[Model] = self.parent_model  # type: ignore[attr-defined]
        if obj is None:
            return can(actor, Action.ADD, parent_model)
        return can(actor, action, obj)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_allows(request, obj, Action.VIEW)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_allows(request, obj, Action.CHANGE)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_allows(request, obj, Action.CHANGE)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_allows(request, obj, Action.CHANGE)
