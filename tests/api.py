"""Helpers for API tests."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def get(client, path: str, **params: Any):
    return client.get(path, params, HTTP_HOST="testserver")


def queries_for(client, path: str, **params: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as captured:
        response = get(client, path, **params)
    return response, len(captured.captured_queries)


def gql(client, query: str, variables: dict[str, Any] | None = None, **extra: Any):
    """POST a GraphQL query; returns (response, decoded body)."""
    import json

    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **extra,
    )
    return response, response.json()
