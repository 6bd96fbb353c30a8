"""The article listings' ``count`` (GraphQL ``totalCount``): counted once, kept in the shared
cache, and exact after every change, including a scheduled article going live by the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import listing, services
from articles.models import Article, ArticleStatus
from cms.actors import Actor
from tests.api import assert_queries, gql
from tests.factories import ArticleFactory, AuthorFactory, TagFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
TOTAL = "{ articles(first: 1) { totalCount } }"


def rest_count(client, **params) -> int:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def graphql_count(client) -> int:
    _, body = gql(client, TOTAL)
    return body["data"]["articles"]["totalCount"]


def counts_run(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_repeated_list_request_runs_no_count(client):
    ArticleFactory.create_batch(3)
    with CaptureQueriesContext(connection) as first:
        assert rest_count(client) == 3
    assert len(counts_run(first)) == 1
    with CaptureQueriesContext(connection) as again:
        assert rest_count(client, page_size=2) == 3
        assert graphql_count(client) == 3
    assert counts_run(again) == []
    assert not [q for q in again.captured_queries if "MIN(" in q["sql"].upper()]


def test_counts_are_kept_per_filter_set(client):
    harbour, cinema = TagFactory(slug="harbour"), TagFactory(slug="cinema")
    ArticleFactory(tags=[harbour])
    ArticleFactory(tags=[harbour, cinema])
    ArticleFactory()
    assert rest_count(client, tag="harbour") == 2
    assert rest_count(client, tag="cinema") == 1
    assert rest_count(client) == 3
    # The ordering and the page do not change what is counted: one entry serves them all.
    with CaptureQueriesContext(connection) as captured:
        assert rest_count(client, tag="harbour", ordering="title", page_size=1) == 2
    assert counts_run(captured) == []


def test_drafts_are_never_counted_whoever_asks_first(client, editor):
    ArticleFactory.create_batch(2)
    ArticleFactory(status=ArticleStatus.DRAFT)
    ArticleFactory(status=ArticleStatus.SCHEDULED, published_at=timezone.now() + timedelta(days=1))
    client.force_login(editor)
    assert rest_count(client) == 2  # an editor's listing holds live articles too
    assert graphql_count(client) == 2
    client.logout()
    assert rest_count(client) == 2
    assert graphql_count(client) == 2


def publish(actor: Actor, article: Article, **kwargs) -> None:
    services.article_publish(article=article, actor=actor, **kwargs)


@pytest.mark.parametrize("api", [rest_count, graphql_count])
def test_the_count_follows_publish_unpublish_delete_and_restore(
    client, editor, api, django_capture_on_commit_callbacks
):
    actor = Actor.for_user(editor)
    ArticleFactory()
    draft = ArticleFactory(status=ArticleStatus.DRAFT, published_at=None)
    assert api(client) == 1
    with django_capture_on_commit_callbacks(execute=True):
        publish(actor, draft)
    assert api(client) == 2
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=draft, actor=actor)
    assert api(client) == 1
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        publish(actor, draft)
    assert api(client) == 2
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_delete(article=draft, actor=actor)
    assert api(client) == 1
    trashed = Article.with_trashed.get(pk=draft.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_restore_from_trash(article=trashed, actor=actor)
    assert api(client) == 2


def test_a_scheduled_article_is_counted_from_its_time_without_any_write(client, editor):
    """Nothing writes when a scheduled article goes live (``publish_due_articles`` tidies
    its status later): the stored count ends at that moment."""
    ArticleFactory()
    # Within API_COUNT_CACHE_SECONDS (300), which bounds every stored count.
    going_live = timezone.now() + timedelta(minutes=2)
    later = ArticleFactory(status=ArticleStatus.SCHEDULED, published_at=going_live)
    ArticleFactory(status=ArticleStatus.SCHEDULED, published_at=going_live + timedelta(hours=2))
    assert rest_count(client) == 1
    assert graphql_count(client) == 1
    with time_machine.travel(going_live - timedelta(seconds=1), tick=False):
        with CaptureQueriesContext(connection) as captured:
            assert rest_count(client) == 1
        assert counts_run(captured) == []  # still stored: nothing has changed yet
    with time_machine.travel(going_live, tick=False):
        assert rest_count(client) == 2
        assert graphql_count(client) == 2
        assert later.pk in {item["id"] for item in client.get(LIST).json()["results"]}
    with time_machine.travel(going_live + timedelta(hours=2), tick=False):
        assert rest_count(client) == 3


def test_the_stored_count_lives_until_the_next_publication_at_most(settings):
    settings.API_COUNT_CACHE_SECONDS = 300
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        assert listing.next_live_at() is None
        soon = ArticleFactory(
            status=ArticleStatus.SCHEDULED, published_at=now + timedelta(seconds=90)
        )
        # The factory wrote behind the services' back: nothing invalidated the stored answer.
        from django.core.cache import cache

        cache.clear()
        assert listing.next_live_at() == soon.published_at
        assert listing._seconds_until(soon.published_at, 300) == 90
        assert listing._seconds_until(now + timedelta(hours=1), 300) == 300
        assert listing._seconds_until(now - timedelta(seconds=1), 300) == 0


def test_counting_every_time_when_the_cache_is_off(client, settings):
    settings.API_COUNT_CACHE_SECONDS = 0
    ArticleFactory()
    assert rest_count(client) == 1
    ArticleFactory()  # behind the services' back: only an uncached count sees it
    with CaptureQueriesContext(connection) as captured:
        assert rest_count(client) == 2
    assert len(counts_run(captured)) == 1


def test_list_costs_the_same_queries_for_1_and_50_rows_cold(client):
    """Cold (nothing stored): the page, bylines, tags, the count and the next go-live."""
    from django.core.cache import cache

    def make():
        ArticleFactory(authors=[AuthorFactory()], tags=[TagFactory()])

    make()
    cache.clear()
    with assert_queries(5):
        assert rest_count(client, page_size=50) == 1
    for _ in range(49):
        make()
    cache.clear()
    with assert_queries(5):
        response = client.get(LIST, {"page_size": 50})
    assert len(response.json()["results"]) == 50
    assert response.json()["count"] == 50
    # Warm: the count and the next go-live come from the cache.
    with assert_queries(3):
        client.get(LIST, {"page_size": 50})


def test_a_deep_cursor_page_costs_the_same_queries_as_the_first(client, settings):
    from django.core.cache import cache

    settings.API_PAGE_LINK_DEPTH = 1
    for _ in range(30):
        ArticleFactory(authors=[AuthorFactory()], tags=[TagFactory()])
    first = client.get(LIST, {"page_size": 2}).json()
    cache.clear()
    with assert_queries(5):
        client.get(first["next"].removeprefix("https://cms.example.com"))
