"""What a revision costs to store: a demo article's, and one with a 50 KB body. The figures
are printed (run with -s); the assertions pin that a large body takes less than half its size
on disk on every database: compressed by ``revision_json`` on SQLite, which compresses
nothing itself, and by TOAST on PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import lorem_ipsum
from reversion.models import Version

from articles import services
from articles.models import Article, ArticleRevision
from articles.revisions import storage
from cms.actors import Actor

pytestmark = pytest.mark.django_db


def stored_bytes(revision_id: int) -> tuple[int, int]:
    """(text length, bytes on disk) of a revision's versions. On PostgreSQL the second is
    pg_column_size (after TOAST's own compression); elsewhere it is the UTF-8 length."""
    versions = Version.objects.filter(revision_id=revision_id)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT SUM(octet_length(serialized_data)), SUM(pg_column_size(serialized_data)) "
                "FROM reversion_version WHERE revision_id = %s",
                [revision_id],
            )
            raw, disk = cursor.fetchone()
            return int(raw), int(disk)
    size = sum(len(v.serialized_data.encode()) for v in versions)
    return size, size


def latest_revision(article: Article) -> int:
    return ArticleRevision.objects.filter(article=article).order_by("-number")[0].revision_id


@pytest.mark.parametrize("compressed", [True, False], ids=["compressed", "plain-json"])
def test_bytes_per_revision(capsys, monkeypatch, compressed):
    if not compressed:  # what the figures would be without revision_json's compression
        monkeypatch.setattr(storage, "_THRESHOLD", 10**9)
    call_command("seed_demo", verbosity=0)
    demo = Article.objects.published().order_by("pk")[0]
    services.article_update(article=demo, actor=Actor.system(), title=demo.title + ".")
    demo_raw, demo_disk = stored_bytes(latest_revision(demo))
    demo_body = len(demo.body_html)
    # Lorem ipsum compresses about as well as news prose (zlib: roughly a third).
    paragraphs = "".join(f"<p>{p}</p>" for p in lorem_ipsum.paragraphs(110, common=False))
    assert 35_000 < len(paragraphs) < 65_000  # about 50 KB (lorem ipsum is random)
    services.article_update(article=demo, actor=Actor.system(), body_html=paragraphs)
    big_raw, big_disk = stored_bytes(latest_revision(demo))
    form = "compressed" if compressed else "plain JSON"
    with capsys.disabled():
        print(  # noqa: T201 - the figures are this test's report
            f"\n[{connection.vendor}, {form}] demo article ({demo_body:,} B body): "
            f"{demo_raw:,} B stored text, {demo_disk:,} B on disk per revision; "
            f"{len(paragraphs):,} B body: {big_raw:,} B text, {big_disk:,} B on disk"
        )
    if compressed:
        assert big_disk < len(paragraphs) / 2
    if connection.vendor == "postgresql":
        assert big_raw > len(paragraphs)  # plain JSON: TOAST compresses it
