"""Helpers for API tests."""

from __future__ import annotations

import re
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


def loaded_urls(page: str) -> list[str]:
    """Every address a page loads or links to (src and href attributes)."""
    return re.findall(r'(?:src|href)=["\']([^"\']*)["\']', page)
