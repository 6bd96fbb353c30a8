"""Counting reader views, de-duplicated per reader and day; most-read lists."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client

from articles.models import Article, ArticleStatus, ArticleViewDay
from articles.services import flush_views
from comments.models import CommentStatus
from tests.api import gql
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
SAFARI = "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15"
REGISTER = 'mutation { registerView(slug: "%s") { viewCount errors { field code } } }'


def view(article, ip="203.0.113.1", agent=FIREFOX):
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
    return client.post(f"/api/v1/articles/{article.slug}/views/")


def gql_view(article, ip="203.0.113.1", agent=FIREFOX):
    _, body = gql(Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent), REGISTER % article.slug)
    return body["data"]["registerView"]


def views_of(article):
    """The article's views in the database, once the buffered ones are written."""
    flush_views()
    return Article.objects.get(pk=article.pk).view_count


def test_a_reader_counts_once_a_day():
    article = ArticleFactory()
    assert view(article).json() == {"view_count": 1}
    assert view(article).json() == {"view_count": 1}
    assert gql_view(article) == {"viewCount": 1, "errors": []}
    assert view(article, agent=SAFARI).json() == {"view_count": 2}  # another browser
    assert view(article, ip="203.0.113.2").json() == {"view_count": 3}  # another address
    assert views_of(article) == 3
    assert ArticleViewDay.objects.get(article=article).count == 3


def test_the_same_reader_counts_again_the_next_day():
    article = ArticleFactory()
    day = datetime(2026, 5, 4, 22, 0, tzinfo=UTC)
    with time_machine.travel(day, tick=False) as clock:
        article.published_at = day - timedelta(days=1)
        article.save()
        view(article)
        clock.shift(timedelta(hours=2, minutes=30))  # past midnight UTC
        view(article)
    assert views_of(article) == 2
    assert list(ArticleViewDay.objects.order_by("day").values_list("count", flat=True)) == [1, 1]


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1",
        "curl/8.4.0",
        "python-requests/2.31",
        "",
    ],
)
def test_crawlers_are_not_counted(agent):
    article = ArticleFactory()
    assert view(article, agent=agent).json() == {"view_count": 0}
    assert not ArticleViewDay.objects.exists()


@pytest.mark.parametrize(
    "status", [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED]
)
def test_only_published_articles_are_counted(status):
    article = ArticleFactory(status=status)
    response = view(article)
    assert response.status_code == 404
    assert gql_view(article)["errors"][0]["code"] == "NOT_FOUND"
    assert views_of(article) == 0


def test_three_views_and_a_pending_comment(client):
    article = ArticleFactory(slug="story")
    for n in range(3):
        view(article, ip=f"203.0.113.{n + 10}")
    CommentFactory(article=article, status=CommentStatus.PENDING)
    flush_views()
    body = client.get("/api/v1/articles/story/").json()
    assert (body["view_count"], body["comment_count"]) == (3, 0)
    _, data = gql(client, '{ article(slug: "story") { viewCount commentCount } }')
    assert data["data"]["article"] == {"viewCount": 3, "commentCount": 0}


def test_most_read_over_the_last_days(client):
    now = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        old_hit = ArticleFactory(slug="old-hit", published_at=now - timedelta(days=30))
        recent = ArticleFactory(slug="recent", published_at=now - timedelta(days=2))
        quiet = ArticleFactory(slug="quiet", published_at=now - timedelta(days=1))
        hidden = ArticleFactory(slug="hidden", status=ArticleStatus.ARCHIVED)
        today = now.date()
        ArticleViewDay.objects.bulk_create(
            [
                ArticleViewDay(article=old_hit, day=today - timedelta(days=20), count=500),
                ArticleViewDay(article=old_hit, day=today - timedelta(days=3), count=4),
                ArticleViewDay(article=recent, day=today, count=9),
                ArticleViewDay(article=quiet, day=today - timedelta(days=1), count=2),
                ArticleViewDay(article=hidden, day=today, count=1000),
            ]
        )
        response = client.get("/api/v1/articles/popular/", {"days": 7, "fields": "slug"})
        assert response.json() == {
            "days": 7,
            "results": [
                {"slug": "recent", "views_in_period": 9},
                {"slug": "old-hit", "views_in_period": 4},
                {"slug": "quiet", "views_in_period": 2},
            ],
        }
        two_days = client.get("/api/v1/articles/popular/", {"days": 2, "limit": 1}).json()
        assert [a["slug"] for a in two_days["results"]] == ["recent"]
        month = client.get("/api/v1/articles/popular/", {"days": 30}).json()
        assert month["results"][0]["slug"] == "old-hit"
        _, body = gql(client, "{ popularArticles(days: 7, first: 2) { slug title } }")
        assert [a["slug"] for a in body["data"]["popularArticles"]] == ["recent", "old-hit"]


@pytest.mark.parametrize(
    "params", [{"days": "0"}, {"days": "91"}, {"days": "week"}, {"limit": "101"}, {"sort": "x"}]
)
def test_popular_refuses_bad_parameters(client, params):
    response = client.get("/api/v1/articles/popular/", params)
    assert response.status_code == 400
    assert next(iter(params)) in response.json()["errors"]


def test_popular_graphql_bounds(client):
    # The selector's bounds and REST's code (was BAD_USER_INPUT and MAX_PAGE_SIZE_EXCEEDED).
    _, body = gql(client, "{ popularArticles(days: 365) { slug } }")
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": "days"}
    _, body = gql(client, "{ popularArticles(first: 500) { slug } }")
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": "first"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="exercises PostgreSQL concurrency")
def test_200_concurrent_readers_count_exactly():
    article = ArticleFactory()
    barrier = threading.Barrier(20)

    def read(n):
        try:
            if n < 20:
                barrier.wait(timeout=10)
            response = view(article, ip=f"10.1.{n // 250}.{n % 250}")
            assert response.status_code == 200
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(read, range(200)))
    assert views_of(article) == 200
    assert ArticleViewDay.objects.get(article=article).count == 200


def test_one_address_counts_as_at_most_its_share_of_readers(settings):
    settings.VIEWS_MAX_READERS_PER_ADDRESS = 5
    article = ArticleFactory()
    for n in range(8):  # a script rotating its User-Agent from one address
        assert view(article, agent=f"{FIREFOX} build/{n}").status_code == 200
    assert views_of(article) == 5
    assert gql_view(article, agent=f"{FIREFOX} build/99")["viewCount"] == 5
    view(article, ip="198.51.100.20")  # a reader elsewhere still counts
    assert views_of(article) == 6
    other = ArticleFactory()  # and the share is per article
    view(other, agent=f"{FIREFOX} build/0")
    assert views_of(other) == 1


def test_an_ipv6_network_shares_one_addresss_readers(settings):
    settings.VIEWS_MAX_READERS_PER_ADDRESS = 3
    article = ArticleFactory()
    for n in range(6):
        view(article, ip=f"2001:db8:7:7::{n:x}", agent=f"{FIREFOX} build/{n}")
    assert views_of(article) == 3
