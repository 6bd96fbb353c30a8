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
