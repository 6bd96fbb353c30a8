"""Fixtures for the platform's tests."""

from __future__ import annotations

import pytest

from tests.factories import ArticleFactory, TagFactory


@pytest.fixture
def harbour_tag(db) -> None:
    """A tag with published work (the only kind GraphQL's `tags` lists), slug "harbour"."""
    ArticleFactory(tags=[TagFactory(slug="harbour")])


@pytest.fixture(autouse=True)
def _forget_persisted_queries():
    """Registered documents are remembered in the process too; each test starts without them,
    as it starts with an empty cache."""
    from cms.graphql.persisted import registered

    registered.cache_clear()
    yield
    registered.cache_clear()
