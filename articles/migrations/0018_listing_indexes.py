"""One partial index per listing order, over the rows a listing can hold (live statuses
outside the trash), each ending with the id: pages at any depth and counts are read from the
index alone. The newest-first one replaces article_live_recent_idx, which lacked the id (every
page sorted its ties) and the trash condition (every count read the table)."""

from django.db import migrations, models

LISTABLE = models.Q(("status__in", ["published", "scheduled"]), ("deleted_at__isnull", True))


class Migration(migrations.Migration):
    dependencies = [("articles", "0017_article_fts")]

    operations = [
        migrations.RemoveIndex(model_name="article", name="article_live_recent_idx"),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=LISTABLE,
                fields=["published_at", "id"],
                name="article_live_published_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=LISTABLE,
                fields=["view_count", "published_at", "id"],
                name="article_live_views_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=LISTABLE,
                fields=["comment_count", "published_at", "id"],
                name="article_live_comments_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=LISTABLE, fields=["title", "id"], name="article_live_title_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=LISTABLE,
                fields=["section", "published_at", "id"],
                name="article_live_section_idx",
            ),
        ),
    ]
