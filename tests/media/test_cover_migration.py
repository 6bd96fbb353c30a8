"""articles 0006-0008 move each article's cover (file, alt text, caption, size) into the media
library, and back when reversed: nothing is lost either way."""

from __future__ import annotations

import pytest

from tests.migrating import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0005_section_protected"), ("media", "0001_initial")]
AFTER = [("articles", "0008_cover_columns_dropped")]


def test_covers_move_into_the_library_and_back(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "covers").mkdir()
    (tmp_path / "covers" / "a.png").write_bytes(b"bytes of a")
    apps = migrate(BEFORE)
    Article = apps.get_model("articles", "Article")

    def article(slug, **cover):
        return Article.objects.create(title=slug, slug=slug, **cover).pk

    shared = {"cover_image": "covers/a.png", "cover_image_alt": "A", "cover_image_caption": "C",
              "cover_image_width": 40, "cover_image_height": 30}  # fmt: skip
    one, two = article("one", **shared), article("two", **shared)
    other_alt = article("three", **{**shared, "cover_image_alt": "Another description"})
    missing = article(
        "four", cover_image="covers/gone.png", cover_image_alt="Lost file",
        cover_image_width=9, cover_image_height=9,
    )  # fmt: skip
    bare = article("five")
    try:
        apps = migrate(AFTER)
        Article, Image = apps.get_model("articles", "Article"), apps.get_model("media", "Image")
        covers = dict(Article.objects.values_list("pk", "cover_image_id"))
        assert covers[one] == covers[two] != covers[other_alt]  # same file and words: reused
        assert covers[bare] is None
        image = Image.objects.get(pk=covers[one])
        assert (image.file.name, image.alt, image.caption, image.width, image.height) == (
            "covers/a.png", "A", "C", 40, 30,
        )  # fmt: skip
        assert image.byte_size == len(b"bytes of a")
        assert len(image.content_hash) == 64
        lost = Image.objects.get(pk=covers[missing])
        assert (lost.file.name, lost.alt, lost.content_hash) == ("covers/gone.png", "Lost file", "")
        assert Image.objects.count() == 3

        apps = migrate(BEFORE)
        Article = apps.get_model("articles", "Article")
        back = {a.pk: a for a in Article.objects.all()}
        assert back[two].cover_image.name == "covers/a.png"
        assert (back[two].cover_image_alt, back[two].cover_image_width) == ("A", 40)
        assert back[other_alt].cover_image_alt == "Another description"
        assert back[bare].cover_image.name == ""
    finally:
        migrate_to_latest()
