"""Fixtures for the platform's tests."""

from __future__ import annotations

import pytest

from tests.factories import ArticleFactory, TagFactory


@pytest.fixture
def harbour_tag(db) -> None:
    """A tag with published work (the only kind GraphQL's `tags` lists), slug "harbour"."""
    ArticleFactory(tags=[TagFactory(slug="harbour")])
