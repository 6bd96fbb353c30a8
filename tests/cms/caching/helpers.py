"""Helpers for the response cache's tests: tell a cache hit (no SQL) from a rebuild."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def read(client: Client, path: str, **extra: Any) -> tuple[Any, int]:
    """GET ``path``; the response and how many SQL queries answering it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    return response, len(queries)


def post_graphql(client: Client, query: str, variables: dict[str, Any] | None = None) -> Any:
    body = json.dumps({"query": query, "variables": variables or {}})
    return client.post("/graphql/", body, content_type="application/json")


def graphql(client: Client, query: str, variables: dict[str, Any] | None = None) -> tuple[Any, int]:
    """POST a GraphQL query; the response and its number of SQL queries."""
    with CaptureQueriesContext(connection) as queries:
        response = post_graphql(client, query, variables)
    return response, len(queries)


def warm(client: Client, path: str) -> Any:
    """Read ``path`` until it is served from the cache (the first read stores it); the
    cached response."""
    first, built = read(client, path)
    assert first.status_code == 200, first.content
    assert built > 0
    again, queries = read(client, path)
    assert queries == 0, f"{path} was not served from the cache"
    assert again.content == first.content
    return again


def cached(client: Client, path: str) -> bool:
    """Is ``path`` answered from the cache now (no SQL)?"""
    response, queries = read(client, path)
    assert response.status_code == 200, response.content
    return queries == 0
