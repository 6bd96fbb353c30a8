"""The status and date index also holds ``deleted_at`` (part of the live filter since the
trash): counting a listing reads the index alone, with no table row per article."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_listing_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="article", name="article_status_published_idx"),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["status", "published_at", "deleted_at"],
                name="article_status_published_idx",
            ),
        ),
    ]
