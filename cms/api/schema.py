"""The OpenAPI document's view of authentication, refusals, caching and query parameters.

Every operation is described here from what its view declares (authenticators, scoped actions
and their scopes, ``action_refusals``, request body, method) and from ``API_PUBLIC_READS``, so
a new endpoint is documented by the same rules it is served by, with no per-view decoration.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.openapi import AutoSchema as _AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, get_doc
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from cms import scopes
from cms.api.caching import NEVER_STORE
from cms.api.fields import NO_NUL, NOT_BLANK_NOR_NUL, ClosedSerializer

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "examples": ["about:blank"]},
        "title": {"type": "string", "examples": ["Bad Request"]},
        "status": {"type": "integer", "examples": [400]},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "A stable code for the error."},
        "errors": {
            "type": "object",
            "description": "For invalid input: messages by field or parameter name.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}
# What any request can be answered, whatever the operation.
EVERY_OPERATION = {
    "400": "Invalid input, or a query parameter that is unknown, blank or out of range; "
    "`errors` names each.",
    "404": "Nothing at this address for this caller (unpublished, unknown, or a page past the "
    "end).",
    "406": "The Accept header asks for something other than JSON.",
    "500": "A server error (nothing about its cause is disclosed).",
}
WITH_BODY = {
    "413": "The request body is larger than the server accepts.",
    "415": "The body is not JSON.",
}
HEADER_STRING = {"schema": {"type": "string"}}
CACHING_HEADERS = {
    "ETag": {**HEADER_STRING, "required": True, "description": "Send back in If-None-Match."},
    "Cache-Control": {
        **HEADER_STRING,
        "required": True,
        "description": "public with max-age for anonymous readers; private once credentials "
        "are sent; no-store for unpublished work.",
    },
}
# Writes and answers to one reader: no cache may keep them (cms.api.caching.NEVER_STORE).
NOT_STORED = {
    "Cache-Control": {
        "schema": {"type": "string", "const": NEVER_STORE},
        "required": True,
        "description": "Never stored by any cache.",
    }
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "An ETag from an earlier response: 304 while it still holds.",
}
STATUS_HEADERS = {
    "401": {
        "WWW-Authenticate": {
            **HEADER_STRING,
            "required": True,
            "description": 'Bearer realm="api"',
        }
    },
    "429": {
        "Retry-After": {
            "schema": {"type": "integer", "minimum": 1},
            "required": True,
            "description": "Seconds to wait before trying again.",
        }
    },
}


class AnyOf(serializers.Serializer):
    """A response that takes one of several ``shapes`` (serializers), documented as a
    component named after the subclass: ``anyOf`` the shapes' components, as one answer may
    match more than one (a full article is also a valid sparse fieldset). Only the document
    reads it; the view builds the answer."""

    shapes: tuple[type[serializers.Serializer], ...] = ()
    description = ""


class AutoSchema(_AutoSchema):
    """drf-spectacular's AutoSchema, completed from the view's own declarations."""

    @property
    def _action(self) -> str | None:
        return getattr(self.view, "action", None)

    @property
    def _scope(self) -> str | None:
        """The token scope the operation needs, or None for a reader's operation."""
        return getattr(self.view, "scoped_actions", {}).get(self._action)

    @property
    def _open(self) -> bool:
        """Is this an operation anyone may call without credentials?"""
        return self._scope is None and bool(settings.API_PUBLIC_READS)

    def _schemes(self) -> list[dict[str, list[str]]]:
        # The view's authenticators (token, session), without drf-spectacular's AllowAny "{}":
        # whether credentials are optional is decided below, by the policy's rules.
        return [requirement for requirement in super().get_auth() if requirement]

    def get_auth(self) -> list[dict[str, list[str]]]:
        # "{}" first: credentials are optional here. They still count (a token with
        # content:preview reads drafts; a closed API needs content:read), so the schemes
        # stay listed for clients, and Swagger UI, to send them.
        schemes = self._schemes()
        return [{}, *schemes] if self._open else schemes

    def get_description(self) -> str:  # type: ignore[override]
        # The action's own docstring, never the view class's: that one describes the code
        # (or every action at once) and was copied onto each operation.
        action = getattr(self.view, self._action or self.method.lower(), None)
        description = get_doc(action) if action is not None else ""
        if not self._is_api_operation():
            return description
        return "\n\n".join(part for part in (description, self._credentials()) if part)

    def _credentials(self) -> str:
        scope = self._scope
        if scope is not None:
            return (
                f"**Credentials:** a token with the `{scope}` scope (`Authorization: Bearer`), "
                "or a signed-in staff session with its CSRF token; the owner's role decides "
                "which objects."
            )
        if self._open:
            return (
                "**Credentials:** none needed. A token or a signed-in session is optional; "
                "an invalid one is refused (401)."
            )
        return (
            f"**Credentials:** a token with the `{scopes.CONTENT_READ}` scope, or a signed-in "
            "session (this API is not public)."
        )

    def _is_api_operation(self) -> bool:
        return self.path.startswith("/api/v1/")

    def resolve_serializer(self, serializer: Any, direction: Any, *args: Any, **kwargs: Any) -> Any:
        # drf-spectacular documents every PATCH body as partial, as DRF's update mixin reads it.
        if isinstance(serializer, ClosedSerializer) and not serializer.partial_on_patch:
            serializer.partial = False
        return super().resolve_serializer(serializer, direction, *args, **kwargs)

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        # drf-spectacular says "a URL or blank" as oneOf [the format, maxLength 0], which ""
        # matches twice wherever the format goes unchecked (Ajv without ajv-formats, jsonschema
        # without rfc3987, both allowed by JSON Schema): the answer would then fail oneOf.
        if schema.get("oneOf", [None])[-1] == {"type": "string", "maxLength": 0}:
            schema["anyOf"] = schema.pop("oneOf")

    def get_paginated_name(self, serializer_name: str) -> str:
        # An item that is anyOf several shapes is named "<Thing>ListItem": its page is
        # "Paginated<Thing>List", as a plain serializer's would be.
        return super().get_paginated_name(serializer_name.removesuffix("ListItem"))

    def _map_serializer(
        self, serializer: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        if isinstance(serializer, AnyOf):
            return {
                "anyOf": [self.resolve_serializer(s, direction).ref for s in serializer.shapes],
                "description": serializer.description,
            }
        result = super()._map_serializer(serializer, direction, bypass_extensions)
        # Keywords a serializer states about its whole object (closed shapes, minProperties).
        result.update(getattr(serializer, "json_schema", {}))
        if direction == "request" and isinstance(serializer, ClosedSerializer):
            result["additionalProperties"] = False
            for field in result["properties"].values():
                if field.get("type") == "string" and not {"pattern", "enum", "format"} & set(field):
                    field["pattern"] = NO_NUL  # DRF's CharField refuses NUL characters
            # Rules a service checks after the serializer (so that REST and GraphQL answer
            # alike), stated here for clients.
            for name, rules in serializer.documented_rules.items():
                result["properties"][name].update(rules)
        return result

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None or not self._is_api_operation():
            return operation
        scope = self._scope
        if scope is not None:
            # OpenAPI 3.0 lists scopes for OAuth only; this says which one a token needs.
            operation["x-required-scope"] = scope
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                _refuse_blank(parameter)
        refusals = dict(EVERY_OPERATION)
        refusals["401"] = self._unauthenticated()
        forbidden = self._forbidden()
        if forbidden:
            refusals["403"] = forbidden
        if "requestBody" in operation:
            refusals.update(WITH_BODY)
        for error in getattr(self.view, "action_refusals", {}).get(self._action, ()):
            status = str(error.status)
            summary = (error.__doc__ or error.code).strip().splitlines()[0]
            refusals[status] = f"{refusals[status]} {summary}" if status in refusals else summary
        responses = operation.setdefault("responses", {})
        for status, description in sorted(refusals.items()):
            responses.setdefault(status, self._problem(description, STATUS_HEADERS.get(status)))
        if self.method == "GET":
            self._document_caching(operation)
        else:
            for status, response in responses.items():
                if status.startswith("2") and "content" in response:
                    response.setdefault("headers", {}).update(NOT_STORED)
        return operation

    def _unauthenticated(self) -> str:
        if self._open:
            return "An invalid, expired or revoked token (sending none is fine)."
        return "No credentials, or an invalid, expired or revoked token."

    def _forbidden(self) -> str:
        reasons = []
        if self._scope is not None:
            reasons.append(
                f"The token lacks the `{self._scope}` scope, or its owner's role may not do this."
            )
        elif not self._open:
            reasons.append(f"The token lacks the `{scopes.CONTENT_READ}` scope.")
        if self.method not in SAFE_METHODS:
            reasons.append("A signed-in session sent no valid CSRF token.")
        return " ".join(reasons)

    def _problem(self, description: str, headers: dict[str, Any] | None) -> dict[str, Any]:
        component = ResolvedComponent(
            name="ProblemDetails",
            type=ResolvedComponent.SCHEMA,
            object="ProblemDetails",
            schema=PROBLEM_SCHEMA,
        )
        self.registry.register_on_missing(component)
        response: dict[str, Any] = {
            "description": description,
            "content": {"application/problem+json": {"schema": component.ref}},
        }
        if headers:
            response["headers"] = headers
        return response

    def _document_caching(self, operation: dict[str, Any]) -> None:
        responses = operation["responses"]
        for status, response in responses.items():
            if status.startswith("2") and "application/json" in response.get("content", {}):
                headers = response.setdefault("headers", {})
                for name, header in CACHING_HEADERS.items():
                    headers.setdefault(name, header)  # the view's own description first
        responses.setdefault(
            "304",
            {
                "description": "Not modified: the If-None-Match ETag still holds.",
                "headers": CACHING_HEADERS,
            },
        )
        operation.setdefault("parameters", []).append(IF_NONE_MATCH)


def _refuse_blank(parameter: dict[str, Any]) -> None:
    """Say what ``StrictQueryParamsMixin`` enforces: no query parameter may be sent blank."""
    parameter["allowEmptyValue"] = False
    schema = parameter.setdefault("schema", {})
    if schema.get("type") == "string":
        schema["minLength"] = max(int(schema.get("minLength", 0)), 1)
        if not {"pattern", "enum", "format"} & set(schema):
            schema["pattern"] = NOT_BLANK_NOR_NUL


def postprocess(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The document's ``servers`` from ``PUBLIC_API_URL``, and its paths without their
    trailing slash: every API path answers with and without one (``config.api_router``), and
    linters and generators expect none.

    ``servers`` is set here rather than through drf-spectacular's ``SERVERS`` setting because
    that is copied into ``spectacular_settings`` once, when drf-spectacular is imported, and
    never re-read (it does not listen to ``setting_changed``). Read here, as the document is
    served, it is the one ``PUBLIC_API_URL`` that pagination links and front-end URLs also
    read per request, so a settings override (tests, ``override_settings``) changes them all
    together (``tests/test_openapi_contract.py::test_servers_come_from_public_api_url``)."""
    result["servers"] = [{"url": settings.PUBLIC_API_URL, "description": "This deployment."}]
    result["paths"] = {
        path.rstrip("/") if path.startswith("/api/") else path: item
        for path, item in result["paths"].items()
    }
    return result
