"""articles 0015 indexes the articles already there for FTS5 search on SQLite, and its reverse
removes the index and its triggers; on PostgreSQL it does nothing either way."""

from __future__ import annotations

import pytest
from django.db import connection

from articles import search
from tests.migrating import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0016_author_article_counts")]
AFTER = [("articles", "0017_article_fts")]


def _fts_objects() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            return set()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE %s", [f"{search.FTS_TABLE}%"]
        )
        return {name for (name,) in cursor.fetchall()}


def test_existing_articles_are_indexed_and_the_reverse_removes_the_index():
    apps = migrate(BEFORE)
    try:
        assert _fts_objects() == set()
        Article = apps.get_model("articles", "Article")
        Article.objects.create(
            title="Harbour", slug="old", status="draft", body_text="The ferry was late."
        )
        apps = migrate(AFTER)
        if connection.vendor == "sqlite":
            assert {f"{search.FTS_TABLE}_{n}" for n in ("insert", "update", "delete")} <= (
                _fts_objects()
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH %s",  # noqa: S608
                    [search.fts_query(["ferries"])],
                )
                assert [row[0] for row in cursor.fetchall()] == [Article.objects.get(slug="old").pk]
        else:
            assert _fts_objects() == set()
    finally:
        migrate_to_latest()
