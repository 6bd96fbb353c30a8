"""Covers come from the media library: each article's cover file, alt text and caption
become an Image (one per distinct file, alt and caption, so no description is lost), and the
article points at it. Reversible: going back copies them onto the article again."""

import hashlib

from django.core.files.storage import default_storage
from django.db import migrations


def _read(name):
    """(sha256, size) of a stored file, or ("", None) when it cannot be read."""
    try:
        digest, size = hashlib.sha256(), 0
        with default_storage.open(name, "rb") as stored:
            for chunk in iter(lambda: stored.read(1 << 16), b""):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size
    except OSError:
        return "", None


def covers_to_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("media", "Image")
    made = {}
    covered = Article.objects.exclude(cover_image="").exclude(cover_image__isnull=True)
    for row in covered.order_by("pk").values(
        "pk", "cover_image", "cover_image_alt", "cover_image_caption",
        "cover_image_width", "cover_image_height", "created_by_id",
    ):  # fmt: skip
        key = (row["cover_image"], row["cover_image_alt"], row["cover_image_caption"])
        if key not in made:
            content_hash, size = _read(row["cover_image"])
            image = Image.objects.create(
                file=row["cover_image"],
                width=row["cover_image_width"],
                height=row["cover_image_height"],
                alt=row["cover_image_alt"],
                caption=row["cover_image_caption"],
                content_hash=content_hash,
                byte_size=size,
                uploaded_by_id=row["created_by_id"],
            )
            made[key] = image.pk
        Article.objects.filter(pk=row["pk"]).update(cover_image_new_id=made[key])


def library_to_covers(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    covered = Article.objects.filter(cover_image_new__isnull=False)
    for row in covered.values(
        "pk", "cover_image_new__file", "cover_image_new__alt", "cover_image_new__caption",
        "cover_image_new__width", "cover_image_new__height",
    ):  # fmt: skip
        Article.objects.filter(pk=row["pk"]).update(
            cover_image=row["cover_image_new__file"],
            cover_image_alt=row["cover_image_new__alt"][:250],
            cover_image_caption=row["cover_image_new__caption"][:300],
            cover_image_width=row["cover_image_new__width"],
            cover_image_height=row["cover_image_new__height"],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_cover_from_library"),
    ]

    operations = [
        migrations.RunPython(covers_to_library, library_to_covers, elidable=False),
    ]
