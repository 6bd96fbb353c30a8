"""Base classes for API views: strict query parameters and sparse fieldsets."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.viewsets import GenericViewSet

from cms.actors import Actor, actor_from_request
from cms.policy import require_content_read


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
            allowed |= {paginator.page_query_param, paginator.page_size_query_param}
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


class ReadViewSet(StrictQueryParamsMixin, GenericViewSet):
    # Actions that answer to scopes of their own (writes, moderation). Every other action
    # serves readers (content, readers' comments and views) and closes with the public API
    # (``cms.policy.may_read_content``): a new action is a reader's until listed here.
    scoped_actions: frozenset[str] = frozenset()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authenticates
        # No action: a method the endpoint lacks, which DRF answers 405 next.
        if self.action is not None and self.action not in self.scoped_actions:
            require_content_read(self.actor)
        self.check_query_params(request)

    @property
    def actor(self) -> Actor:
        return actor_from_request(self.request)


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
