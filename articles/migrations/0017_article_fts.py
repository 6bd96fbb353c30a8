"""Full-text search on SQLite: an FTS5 index of the articles, kept in step by triggers.

An external-content FTS5 table over title, subtitle, excerpt and body text (the columns
``articles.search.WEIGHTS`` names, in its order; a test holds them together), with the Porter
stemmer as PostgreSQL's English configuration stems. Triggers on the articles table keep it
right on every insert, update and delete, whichever code path writes (services, bulk loads,
the trash's purge); the rows already there are indexed by FTS5's ``rebuild``. PostgreSQL has
its own index (migration 0002): nothing is done there. Self-contained: it names the table and
columns as they are at this migration.
"""

from django.db import migrations

TABLE = "articles_article"
FTS = "articles_article_fts"
COLUMNS = ("title", "subtitle", "excerpt", "body_text")

_columns = ", ".join(COLUMNS)
_new = ", ".join(f"new.{c}" for c in COLUMNS)
_old = ", ".join(f"old.{c}" for c in COLUMNS)
# Removing a row from an external-content index takes the values it was indexed with.
# Only the constant names above are interpolated, here and below.
_remove = f"INSERT INTO {FTS}({FTS}, rowid, {_columns}) VALUES ('delete', old.id, {_old});"  # noqa: S608
_add = f"INSERT INTO {FTS}(rowid, {_columns}) VALUES (new.id, {_new});"  # noqa: S608

CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({_columns}, content='{TABLE}', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON {TABLE} BEGIN {_add} END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON {TABLE} BEGIN {_remove} END",
    # Only when a searched column changes: a view count or a status change is not re-indexed.
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF {_columns} ON {TABLE} BEGIN {_remove} {_add} END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",  # noqa: S608 - indexes the existing rows
]
DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TABLE IF EXISTS {FTS}",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("articles", "0016_author_article_counts")]

    operations = [migrations.RunPython(forwards, backwards)]
