"""Fixtures for the response cache's tests: turn it on, run writes' commit hooks."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def response_cache(settings: Any) -> None:
    """The response cache on for these tests (the suite runs with it off: see
    config/settings/test.py)."""
    settings.RESPONSE_CACHE_SECONDS = 30
    return


Committed = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Committed:
    """``with committed(): write`` runs the write's on-commit hooks (invalidations), as a
    real commit would; the test's own transaction never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
