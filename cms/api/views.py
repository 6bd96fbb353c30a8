"""Base classes for API views: strict query parameters and sparse fieldsets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.viewsets import GenericViewSet

from cms.access import require_content_read
from cms.actors import Actor, actor_from_request
from cms.errors import DomainError


class StrictQueryParamsMixin:
    """Refuse any query parameter the endpoint does not define, naming it.

    An ignored parameter looks like a working filter to the caller ("?status=draft"), and an
    unvetted one is how private fields leak through filters in other CMSes.
    """

    extra_query_params: tuple[str, ...] = ()

    def allowed_query_params(self) -> set[str]:
        allowed = set(self.extra_query_params)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        paginator = getattr(self, "paginator", None)
        if paginator is not None and getattr(self, "action", None) == "list":
            allowed |= set(paginator.query_params)
        return allowed

    def check_query_params(self, request: Request) -> None:
        unknown = sorted(set(request.query_params) - self.allowed_query_params())
        if unknown:
            raise ValidationError({name: ["Unknown query parameter."] for name in unknown})
        with_nul = sorted(
            name
            for name, values in request.query_params.lists()
            if any("\x00" in value for value in values)
        )
        if with_nul:
            # PostgreSQL cannot store or compare text containing NUL.
            raise ValidationError({name: ["Contains a NUL character."] for name in with_nul})
        # "?published_before=" reads as "no filter" to django-filter and as "the default" to
        # the paginator: a front-end that sends an empty value meant something, so it is told
        # (the OpenAPI document says minLength 1 and allowEmptyValue false for each).
        blank = sorted(
            name
            for name, values in request.query_params.lists()
            if any(not value.strip() for value in values)
        )
        if blank:
            raise ValidationError({name: ["May not be blank."] for name in blank})


class ApiViewSet(StrictQueryParamsMixin, GenericViewSet):
    """The base of every API viewset, reads and writes alike: strict query parameters, the
    actor, and the public-API gate for reader actions."""

    # Actions that answer to scopes of their own (writes, moderation), each with the token
    # scope it needs (the policy enforces it; the OpenAPI document shows it). Every other
    # action serves readers (content, readers' comments and views) and closes with the public
    # API (``cms.access.may_read_content``): a new action is a reader's until listed here.
    scoped_actions: Mapping[str, str] = {}
    # Refusals an action can answer beyond those of every request (400, 401, 404, ...): the
    # OpenAPI document lists each under its status (``cms.api.schema``).
    action_refusals: Mapping[str, tuple[type[DomainError], ...]] = {}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authenticates
        # No action: a method the endpoint lacks, which DRF answers 405 next (its query
        # parameters are not this endpoint's to judge).
        if self.action is None:
            return
        if self.action not in self.scoped_actions:
            require_content_read(self.actor)
        self.check_query_params(request)

    @property
    def actor(self) -> Actor:
        return actor_from_request(self.request)


def fields_pattern(allowed: tuple[str, ...]) -> str:
    """The regular expression of a ``fields`` value that :func:`parse_fields` accepts: a comma
    list naming at least one of ``allowed`` (spaces and empty items are ignored)."""
    name = "(?:" + "|".join(re.escape(field) for field in allowed) + ")"
    return rf"^(?:\s*,)*\s*{name}\s*(?:,\s*(?:{name}\s*)?)*$"


def parse_fields(
    request: Request, *, allowed: tuple[str, ...], default: tuple[str, ...]
) -> tuple[str, ...]:
    """The ``fields`` parameter (comma list) checked against ``allowed``, in allowed order."""
    raw = request.query_params.get("fields")
    if raw is None:
        return default
    wanted = {name.strip() for name in raw.split(",") if name.strip()}
    unknown = sorted(wanted - set(allowed))
    if unknown or not wanted:
        message = f"Unknown field(s): {', '.join(unknown)}." if unknown else "Name a field."
        raise ValidationError({"fields": [f"{message} Choose from: {', '.join(allowed)}."]})
    return tuple(name for name in allowed if name in wanted)
