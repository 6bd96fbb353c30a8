"""GET /api/v1/articles/ and /api/v1/articles/{slug}/."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleStatus
from cms.actors import Actor
from tests.api import assert_queries, get
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def detail(slug: str) -> str:
    return f"/api/v1/articles/{slug}/"


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


def hours_ago(n: int):
    return timezone.now() - timedelta(hours=n)


def test_list_shows_published_articles_newest_first():
    old = ArticleFactory(published_at=hours_ago(5))
    new = ArticleFactory(published_at=hours_ago(1))
    for status in (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED):
        ArticleFactory(status=status)
    ArticleFactory(status=ArticleStatus.SCHEDULED, published_at=timezone.now() + timedelta(days=1))
    response = get_client_list()
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["next"] is None
    assert body["previous"] is None
    assert slugs(response) == [new.slug, old.slug]


def get_client_list(**params):
    from django.test import Client

    return get(Client(), LIST, **params)


@pytest.mark.parametrize(
    "status", [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED]
)
def test_detail_is_404_for_unpublished_statuses(client, status):
    article = ArticleFactory(status=status)
    response = get(client, detail(article.slug))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert article.title not in response.content.decode()


def test_detail_is_404_for_a_future_scheduled_article(client):
    article = ArticleFactory(
        status=ArticleStatus.SCHEDULED, published_at=timezone.now() + timedelta(minutes=5)
    )
    assert get(client, detail(article.slug)).status_code == 404


def test_detail_has_the_public_representation(client):
    author = AuthorFactory(name="Maya Okafor", slug="maya", email="maya@private.example")
    article = ArticleFactory(
        title="Ferry returns",
        slug="ferry",
        section=SectionFactory(slug="town", name="Town"),
        authors=[author],
        tags=[TagFactory(slug="harbour", name="Harbour")],
        view_count=12,
        comment_count=1,
    )
    body = get(client, detail("ferry")).json()
    assert list(body) == [
        "id", "slug", "title", "subtitle", "excerpt", "body_html", "body_text", "authors",
        "section", "tags", "cover_image", "published_at", "updated_at",
        "reading_time_minutes", "word_count", "view_count", "comment_count",
        "comments_enabled", "featured", "seo", "url", "corrections",
    ]  # fmt: skip
    assert body["authors"] == [{"slug": "maya", "name": "Maya Okafor", "avatar_url": None}]
    assert body["section"] == {"slug": "town", "name": "Town"}
    assert body["tags"] == [{"slug": "harbour", "name": "Harbour"}]
    assert body["cover_image"] is None
    assert body["view_count"] == 12
    assert body["comment_count"] == 1
    assert body["url"] == "https://example.com/town/ferry"
    assert body["seo"] == {
        "title": "Ferry returns",
        "description": article.excerpt,
        "canonical_url": "https://example.com/town/ferry",
    }


def test_list_leaves_out_bodies_unless_asked(client):
    ArticleFactory()
    item = get(client, LIST).json()["results"][0]
    assert "body_html" not in item
    assert "body_text" not in item
    item = get(client, LIST, fields="slug,body_html").json()["results"][0]
    assert set(item) == {"slug", "body_html"}


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        ("tag", "harbour", ["a"]),
        ("section", "town", ["a", "b"]),
        ("author", "maya", ["b"]),
        ("featured", "true", ["c"]),
        ("featured", "false", ["a", "b"]),
    ],
)
def test_filters(client, param, value, expected):
    town = SectionFactory(slug="town")
    ArticleFactory(
        slug="a", section=town, tags=[TagFactory(slug="harbour")], published_at=hours_ago(1)
    )
    ArticleFactory(
        slug="b", section=town, authors=[AuthorFactory(slug="maya")], published_at=hours_ago(2)
    )
    ArticleFactory(slug="c", featured=True, published_at=hours_ago(3))
    ArticleFactory(slug="hidden", status=ArticleStatus.DRAFT, section=town, featured=True)
    assert slugs(get(client, LIST, **{param: value})) == expected


def test_date_range_filters(client):
    ArticleFactory(slug="old", published_at=timezone.now() - timedelta(days=10))
    ArticleFactory(slug="new", published_at=timezone.now() - timedelta(days=1))
    cut = (timezone.now() - timedelta(days=5)).isoformat()
    assert slugs(get(client, LIST, published_after=cut)) == ["new"]
    assert slugs(get(client, LIST, published_before=cut)) == ["old"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("-published_at", ["b", "c", "a"]),
        ("published_at", ["a", "c", "b"]),
        ("-view_count", ["c", "a", "b"]),
        ("-comment_count", ["a", "b", "c"]),
        ("title", ["c", "b", "a"]),
    ],
)
def test_orderings(client, ordering, expected):
    ArticleFactory(
        slug="a", title="Zebra", view_count=5, comment_count=9, published_at=hours_ago(3)
    )
    ArticleFactory(
        slug="b", title="Mango", view_count=1, comment_count=4, published_at=hours_ago(1)
    )
    ArticleFactory(
        slug="c", title="Apple", view_count=8, comment_count=0, published_at=hours_ago(2)
    )
    assert slugs(get(client, LIST, ordering=ordering)) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "draft"}, "status"),
        ({"author_email": "x"}, "author_email"),
        ({"ordering": "-created_by"}, "ordering"),
        ({"ordering": "body_text"}, "ordering"),
        ({"featured": "maybe"}, "featured"),
        ({"published_after": "yesterday"}, "published_after"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"fields": "title,email"}, "fields"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, params, field):
    ArticleFactory()
    response = get(client, LIST, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert field in body["errors"]


def test_unknown_parameters_on_detail_are_400(client):
    article = ArticleFactory()
    response = get(client, detail(article.slug), status="draft")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_pagination(client):
    for n in range(5):
        ArticleFactory(published_at=hours_ago(n + 1))
    first = get(client, LIST, page_size=2).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    last = get(client, LIST, page_size=2, page=3).json()
    assert len(last["results"]) == 1
    assert last["next"] is None
    beyond = get(client, LIST, page_size=2, page=4)
    assert beyond.status_code == 404
    assert beyond["Content-Type"] == "application/problem+json"


def test_page_size_defaults_to_20_and_caps_at_100(client):
    Article.objects.bulk_create(
        Article(title=f"T{n}", slug=f"t{n}", status="published", published_at=hours_ago(1))
        for n in range(120)
    )
    assert len(get(client, LIST).json()["results"]) == 20
    assert len(get(client, LIST, page_size=100).json()["results"]) == 100


def test_sparse_fieldsets_return_and_load_only_what_is_asked(client):
    ArticleFactory(authors=[AuthorFactory()], tags=[TagFactory()])
    with CaptureQueriesContext(connection) as captured:
        response = get(client, LIST, fields="title,slug")
    assert [set(r) for r in response.json()["results"]] == [{"title", "slug"}]
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "body_text" not in sql
    assert "articles_tag" not in sql
    assert "articles_author" not in sql
    # Cold (nothing stored yet): the count, the next scheduled go-live, the page.
    assert len(captured.captured_queries) == 3


def test_search_finds_words_and_ranks_title_matches_first(client):
    ArticleFactory(slug="body", title="Council meeting", body_html="<p>The ferry was late.</p>")
    ArticleFactory(slug="title", title="Ferry timetable changes", body_html="<p>Boats.</p>")
    ArticleFactory(slug="none", title="Cinema reopens", body_html="<p>Films.</p>")
    ArticleFactory(
        slug="draft", status=ArticleStatus.DRAFT, title="Ferry draft", body_html="<p>ferry</p>"
    )
    for article in Article.objects.all():  # derive body_text as the services do
        services.article_update(article=article, actor=Actor.system())
    response = get(client, LIST, search="ferry")
    assert slugs(response) == ["title", "body"]
    assert response.json()["count"] == 2


def test_search_ranking_holds_across_pages(client):
    """Each page is cut from the ranked results, not from the newest matches."""
    ArticleFactory(slug="title", title="Ferry timetable", published_at=hours_ago(5))
    for n in range(3):
        ArticleFactory(
            slug=f"body-{n}", title=f"Council {n}", excerpt="The ferry.", published_at=hours_ago(n)
        )
    first = get(client, LIST, search="ferry", page_size=1)
    assert slugs(first) == ["title"]
    assert first.json()["count"] == 4
    rest = [slugs(get(client, LIST, search="ferry", page_size=1, page=n))[0] for n in (2, 3, 4)]
    assert rest == ["body-0", "body-1", "body-2"]


def test_search_needs_every_word(client):
    ArticleFactory(slug="both", title="Harbour ferry")
    ArticleFactory(slug="one", title="Harbour wall")
    assert slugs(get(client, LIST, search="harbour ferry")) == ["both"]


def test_search_never_returns_unpublished_articles(client, editor):
    for status in (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED):
        ArticleFactory(status=status, title="Secret lighthouse plan")
    ArticleFactory(
        status=ArticleStatus.SCHEDULED,
        published_at=timezone.now() + timedelta(hours=1),
        title="Secret lighthouse plan",
    )
    assert get(client, LIST, search="lighthouse").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_no_private_data_in_any_article_response(client):
    author = AuthorFactory(email="private-author@example.org")
    article = ArticleFactory(authors=[author])
    CommentFactory(
        article=article, status="approved", author_email="reader@example.org", ip_hash="f" * 64
    )
    for path in (
        LIST,
        detail(article.slug),
        f"{detail(article.slug)}comments/",
        "/api/v1/authors/",
    ):
        text = get(client, path).content.decode()
        assert "@example.org" not in text
        assert "f" * 64 not in text


def read_no_author_profile(captured: CaptureQueriesContext) -> None:
    """The byline shows an author's slug, name and avatar: no query reads the profile (an
    unbounded bio for every author of every article, dropped by REST)."""
    for query in captured.captured_queries:
        assert not re.search(r"\b(bio|website)\b", query["sql"]), query["sql"]


def test_list_query_count_is_the_same_for_1_and_50_articles(client):
    def make():
        ArticleFactory(
            authors=[AuthorFactory(), AuthorFactory()], tags=[TagFactory(), TagFactory()]
        )

    # Cold each time (no stored count): the count, the next scheduled go-live, the page, its
    # bylines and its tags.
    make()
    cache.clear()
    with assert_queries(5) as captured:
        response = get(client, LIST, page_size=50)
    assert len(response.json()["results"]) == 1
    read_no_author_profile(captured)
    for _ in range(49):
        make()
    cache.clear()
    with assert_queries(5) as captured:
        response = get(client, LIST, page_size=50)
    assert len(response.json()["results"]) == 50
    assert response.json()["count"] == 50
    read_no_author_profile(captured)


def test_detail_query_count(client):
    article = ArticleFactory(authors=[AuthorFactory(), AuthorFactory()], tags=[TagFactory()])
    # The article, its corrections, byline and tags: one query each.
    with assert_queries(4) as captured:
        response = get(client, detail(article.slug))
    assert response.status_code == 200
    read_no_author_profile(captured)


def test_etag_and_304(client):
    article = ArticleFactory()
    for path in (LIST, detail(article.slug)):
        first = get(client, path)
        etag = first["ETag"]
        assert etag
        assert first["Cache-Control"].startswith("public, max-age=")
        again = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag


def test_304_skips_serialisation(client, monkeypatch):
    article = ArticleFactory()
    etag = get(client, detail(article.slug))["ETag"]
    list_etag = get(client, LIST)["ETag"]
    from articles.api import views

    def explode(*args, **kwargs):
        raise AssertionError("serialised")

    monkeypatch.setattr(views, "represent_article", explode)
    assert client.get(detail(article.slug), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(LIST, HTTP_IF_NONE_MATCH=list_etag).status_code == 304
    # The patch bites whenever a body is built.
    assert client.get(detail(article.slug)).status_code == 500


def rename(obj, name):
    obj.name = name
    services.taxonomy_save(obj=obj, actor=Actor.system())


@pytest.mark.parametrize(
    "change",
    [
        lambda a: Article.objects.filter(pk=a.pk).update(view_count=99),
        lambda a: Article.objects.filter(pk=a.pk).update(comment_count=3),
        lambda a: services.article_update(article=a, actor=Actor.system(), title="New"),
        lambda a: rename(a.authors.get(), "Renamed Writer"),
        lambda a: rename(a.section, "Renamed Section"),
    ],
    ids=["views", "comments", "content", "author", "section"],
)
def test_etags_change_with_content_and_counters(client, change, django_capture_on_commit_callbacks):
    article = ArticleFactory(authors=[AuthorFactory()])
    before = (get(client, LIST)["ETag"], get(client, detail(article.slug))["ETag"])
    with django_capture_on_commit_callbacks(execute=True):
        change(article)
    after = (get(client, LIST)["ETag"], get(client, detail(article.slug))["ETag"])
    assert before[0] != after[0]
    assert before[1] != after[1]


def test_authenticated_responses_are_private(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    response = get(client, detail(article.slug))
    assert response["Cache-Control"].startswith("private")
    assert "Cookie" in response["Vary"]
