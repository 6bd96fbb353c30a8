"""Views gather in the cache (articles.viewbuffer) and are written in batches by the worker's
flush: nothing is lost or counted twice, however the views and flushes interleave."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleViewDay, ViewFlush
from articles.services.readers import _write
from articles.viewbuffer import Batch, LocalViewBuffer, RedisViewBuffer, buffer
from cms.actors import Actor
from tests.api import assert_queries, gql
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
ON_REDIS = settings.CACHES["default"]["BACKEND"].endswith(".RedisCache")


def view(article, ip="203.0.113.1"):
    return Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=FIREFOX).post(
        f"/api/v1/articles/{article.slug}/views/"
    )


def stored(article) -> tuple[int, int]:
    """The article's view_count and its view days' total, as the database holds them."""
    days = ArticleViewDay.objects.filter(article=article).values_list("count", flat=True)
    return Article.with_trashed.get(pk=article.pk).view_count, sum(days)


def test_the_buffer_matches_the_cache_backend():
    expected = RedisViewBuffer if ON_REDIS else LocalViewBuffer
    assert isinstance(buffer(), expected)


def test_a_view_is_answered_from_the_buffer_and_written_by_the_flush(settings):
    settings.VIEWS_FLUSH_EVERY = 3600  # a slow run must not reach the local buffer's period
    article = ArticleFactory(view_count=40)
    # One query: the article's lookup (its liveness and stored count); nothing is written.
    with assert_queries(1):
        assert view(article).json() == {"view_count": 41}
    assert view(article, ip="203.0.113.2").json() == {"view_count": 42}
    with assert_queries(1):
        _, body = gql(
            Client(REMOTE_ADDR="203.0.113.3", HTTP_USER_AGENT=FIREFOX),
            "mutation($s: String!) { registerView(slug: $s) { viewCount } }",
            {"s": article.slug},
        )
    assert body["data"]["registerView"]["viewCount"] == 43
    assert stored(article) == (40, 0)
    assert services.flush_views() == 3
    assert stored(article) == (43, 3)
    assert services.flush_views() == 0  # nothing is written twice
    assert view(article).json() == {"view_count": 43}  # the same reader again: not counted
    assert stored(article) == (43, 3)


def test_concurrent_views_and_flushes_add_up_exactly():
    """Threads add views while another flushes again and again: every view is written once."""
    article = ArticleFactory()
    day = timezone.now().date()
    views = buffer()
    adding = threading.Event()
    adding.set()

    def add(n: int) -> None:
        for _ in range(50):
            views.add(article.pk, day)

    def keep_taking() -> list[Batch]:
        # Batches are taken from the buffer that the other threads keep adding to; they are
        # written afterwards, on the test's own database connection.
        taken = []
        while adding.is_set():
            for batch in views.take():
                taken.append(batch)
                batch.done()
        return taken

    with ThreadPoolExecutor(max_workers=9) as pool:
        flusher = pool.submit(keep_taking)
        list(pool.map(add, range(8)))
        adding.clear()
        taken = flusher.result()
    written = sum(_write(batch) for batch in taken) + services.flush_views()
    assert written == 400
    assert stored(article) == (400, 400)


def test_a_batch_written_already_is_not_written_again():
    """A flush interrupted after writing (its worker died before clearing the buffer) and run
    again finds the batch's id recorded and writes nothing."""
    article = ArticleFactory()
    views = buffer()
    for _ in range(3):
        views.add(article.pk, timezone.now().date())
    (batch,) = views.take()
    assert _write(batch) == 3
    # Not cleared: on Redis the same batch is handed out again.
    again = views.take()
    if ON_REDIS:
        assert [b.id for b in again] == [batch.id]
    assert _write(batch) == 0
    for b in again:
        b.done()
    assert services.flush_views() == 0
    assert stored(article) == (3, 3)
    assert ViewFlush.objects.filter(batch=batch.id).exists()


def test_views_counted_before_an_unpublish_or_the_trash_are_kept(editor):
    actor = Actor.for_user(editor)
    unpublished, trashed = ArticleFactory(), ArticleFactory()
    view(unpublished)
    view(trashed)
    services.article_unpublish(article=unpublished, actor=actor)
    services.article_delete(article=trashed, actor=actor)
    assert view(unpublished, ip="203.0.113.9").status_code == 404  # none counted after
    services.flush_views()
    assert stored(unpublished) == (1, 1)
    assert stored(trashed) == (1, 1)


def test_views_of_an_article_deleted_for_good_are_dropped(editor):
    actor = Actor.for_user(editor)
    gone, kept = ArticleFactory(), ArticleFactory()
    view(gone)
    view(kept)
    services.article_delete(article=gone, actor=actor)
    services.article_delete_forever(article=gone, actor=actor)
    assert services.flush_views() == 1
    assert stored(kept) == (1, 1)
    assert not ArticleViewDay.objects.filter(article_id=gone.pk).exists()


def test_views_add_to_a_day_already_written():
    article = ArticleFactory()
    today = timezone.now().date()
    ArticleViewDay.objects.create(article=article, day=today, count=5)
    ArticleViewDay.objects.create(article=article, day=today - timedelta(days=1), count=2)
    view(article)
    services.flush_views()
    assert ArticleViewDay.objects.get(article=article, day=today).count == 6


@pytest.mark.skipif(ON_REDIS, reason="the local-memory buffer")
def test_with_local_memory_the_counting_process_writes_its_views_when_due(settings):
    article = ArticleFactory()
    settings.VIEWS_FLUSH_EVERY = 3600
    view(article)
    assert stored(article) == (0, 0)  # not due yet
    settings.VIEWS_FLUSH_EVERY = 0  # due at every view: written at once
    view(article, ip="203.0.113.2")
    assert stored(article) == (2, 2)


def test_the_flush_task_writes_the_views():
    from articles.tasks import flush_views

    article = ArticleFactory()
    view(article)
    assert flush_views.call() == "1 view(s) written"
    assert stored(article) == (1, 1)


def test_the_most_read_ranking_follows_flushes_and_unpublishing(
    client, editor, django_capture_on_commit_callbacks
):
    actor = Actor.for_user(editor)
    first, second = ArticleFactory(slug="first"), ArticleFactory(slug="second")

    def ranking() -> list[str]:
        body = client.get("/api/v1/articles/popular/", {"fields": "slug"}).json()
        return [item["slug"] for item in body["results"]]

    for n in range(2):
        view(first, ip=f"203.0.113.{n + 1}")
    view(second)
    with django_capture_on_commit_callbacks(execute=True):
        services.flush_views()
    assert ranking() == ["first", "second"]
    for n in range(3):
        view(second, ip=f"198.51.100.{n + 1}")
    assert ranking() == ["first", "second"]  # views not written yet: the kept ranking holds
    with django_capture_on_commit_callbacks(execute=True):
        services.flush_views()
    assert ranking() == ["second", "first"]
    # Unpublished: gone from the ranking at once, even before its invalidation is committed.
    services.article_unpublish(article=Article.objects.get(slug="second"), actor=actor)
    assert ranking() == ["first"]
    cache.clear()
    assert ranking() == ["first"]
