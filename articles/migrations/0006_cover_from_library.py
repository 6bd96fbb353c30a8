"""Covers come from the media library, in three steps (each its own transaction: PostgreSQL
refuses to alter a table with row changes pending in the same one): this one adds the new
reference, 0007 moves the covers into the library, 0008 drops the old columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_section_protected"),
        ("media", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="cover_image_new",
            field=models.ForeignKey(
                blank=True,
                null=True,
                help_text="An image from the media library; its alt text and caption go with it.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cover_of",
                to="media.image",
            ),
        ),
    ]
