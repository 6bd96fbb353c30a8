"""Full-text search on PostgreSQL: a generated, stored tsvector with a GIN index.

The column is maintained by PostgreSQL itself from title, subtitle, excerpt and body text, so
every write path (services, bulk loads) keeps it right. On other databases nothing is created;
``articles.selectors.article_list`` falls back to word matching there.
"""

from django.db import migrations

CREATE = """
ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(subtitle, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(excerpt, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(body_text, '')), 'C')
) STORED;
CREATE INDEX article_search_idx ON articles_article USING gin (search_vector);
"""
DROP = """
DROP INDEX IF EXISTS article_search_idx;
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
