"""Helpers for API tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def get(client, path: str, **params: Any):
    return client.get(path, params, HTTP_HOST="testserver")


@contextmanager
def assert_queries(expected: int | dict[str, int]) -> Iterator[CaptureQueriesContext]:
    """The block runs exactly ``expected`` SQL queries, or fails listing every one of them.

    Exact, not "at most": one query more is a regression to look at, one fewer a gain to pin.
    ``expected`` may name a count per database vendor (``{"sqlite": 4, "postgresql": 5}``)
    where the two engines need different SQL for the same work.
    """
    with CaptureQueriesContext(connection) as captured:
        yield captured
    want = expected if isinstance(expected, int) else expected[connection.vendor]
    queries = captured.captured_queries
    if len(queries) != want:
        listing = "\n".join(f"{n}. {query['sql']}" for n, query in enumerate(queries, 1))
        raise AssertionError(
            f"{len(queries)} queries on {connection.vendor}, expected {want}:\n{listing}"
        )


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
