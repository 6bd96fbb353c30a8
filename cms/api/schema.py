"""OpenAPI additions that apply to every operation: problem details and HTTP caching."""

from __future__ import annotations

from typing import Any

PROBLEM = {"$ref": "#/components/schemas/ProblemDetails"}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Bad Request"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "A stable code for the error."},
        "errors": {
            "type": "object",
            "description": "For invalid input: messages by field or parameter name.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail"],
}
ERRORS = {
    "400": "Invalid input or an unknown parameter; `errors` names each.",
    "404": "Not found, or not published.",
    "406": "The Accept header asks for something other than JSON.",
    "500": "A server error (nothing about its cause is disclosed).",
}
WRITE_ERRORS = {
    "415": "The body is not JSON.",
    "429": "Rate limited; the Retry-After header says when to try again.",
}
CACHING_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "Send back in If-None-Match."},
    "Cache-Control": {
        "schema": {"type": "string"},
        "description": "public with max-age for anonymous readers, private otherwise.",
    },
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": PROBLEM}},
    }


def add_problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["ProblemDetails"] = PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(status, _problem(description))
            if method == "get":
                for response in responses.values():
                    if "content" in response and "application/json" in response["content"]:
                        response.setdefault("headers", {}).update(CACHING_HEADERS)
                responses.setdefault(
                    "304", {"description": "Not modified: the If-None-Match ETag still holds."}
                )
                operation.setdefault("parameters", []).append(
                    {
                        "name": "If-None-Match",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "An ETag from an earlier response.",
                    }
                )
            else:
                for status, description in WRITE_ERRORS.items():
                    responses.setdefault(status, _problem(description))
    return result
