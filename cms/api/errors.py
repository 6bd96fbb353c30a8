"""RFC 9457 problem details for every error under /api/.

DRF views reach ``problem_exception_handler``; requests that never reach a view (an unknown
path, a server error) are answered by ``api_not_found`` / ``api_server_error``, which
``config.urls`` installs as the 404 and 500 handlers for /api/ paths.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cms.errors import DomainError, ValidationFailed
from cms.ratelimit import RateLimited

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if code:
        body["code"] = code
    if errors:
        body["errors"] = errors
    return body


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as ``{"field": ["message", ...]}`` (nested fields dotted)."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
        return flat
    if isinstance(detail, list) and detail and all(not isinstance(d, dict | list) for d in detail):
        return {prefix or "non_field_errors": [str(d) for d in detail]}
    if isinstance(detail, list):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, answering in problem details; never lets an error become HTML."""
    if isinstance(exc, ValidationFailed):
        body = problem(400, exc.message, code=exc.code, errors=exc.errors)
        return Response(body, status=400, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, DomainError):
        errors = {exc.field: [exc.message]} if exc.field else None
        body = problem(exc.status, exc.message, code=exc.code, errors=errors)
        refusal = Response(body, status=exc.status, content_type=PROBLEM_CONTENT_TYPE)
        if isinstance(exc, RateLimited):
            refusal["Retry-After"] = str(exc.retry_after)
        if exc.status == 401:
            refusal["WWW-Authenticate"] = 'Bearer realm="api"'
        return refusal
    if isinstance(exc, RequestDataTooBig):
        body = problem(413, f"The request body exceeds {settings.MAX_REQUEST_BYTES} bytes.",
                       code="request_too_large")  # fmt: skip
        return Response(body, status=413, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(str(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in %s", context.get("view"), exc_info=exc)
        body = problem(500, "Something went wrong on our side.", code="server_error")
        return Response(body, status=500, content_type=PROBLEM_CONTENT_TYPE)

    assert isinstance(exc, exceptions.APIException)  # noqa: S101 - DRF answered, so it is one
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.values()))[0] if errors else "Invalid input."
        body = problem(400, first, code="invalid", errors=errors)
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        codes = exc.get_codes()
        body = problem(response.status_code, detail, code=codes if isinstance(codes, str) else None)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _problem_response(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse(
        problem(status, detail, code=code), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _problem_response(404, "Nothing here. See /api/docs/.", "not_found")


def api_server_error(request: HttpRequest) -> JsonResponse:
    return _problem_response(500, "Something went wrong on our side.", "server_error")
