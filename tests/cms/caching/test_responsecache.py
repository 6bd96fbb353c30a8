"""The response cache: what it serves without SQL, to whom, and with which headers."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles import previews, services
from articles.models import ArticleStatus, ArticleViewDay
from cms import responsecache, tokens
from comments.models import CommentStatus
from tests.cms.caching.helpers import cached, graphql, read, warm
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, TagFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
ARTICLES_QUERY = "{ articles(first: 5) { edges { node { slug title viewCount } } } }"


def detail(article) -> str:
    return f"/api/v1/articles/{article.slug}/"


@pytest.fixture
def story():
    maya = AuthorFactory(slug="maya")
    ferries = TagFactory(slug="ferries")
    article = ArticleFactory(authors=[maya], tags=[ferries])
    CommentFactory(article=article, status=CommentStatus.APPROVED)
    ArticleViewDay.objects.create(article=article, day=timezone.now().date(), count=3)
    return article


@pytest.mark.parametrize(
    "path",
    [
        LIST,
        LIST + "?tag=ferries&page_size=5",
        "DETAIL",
        "COMMENTS",
        "/api/v1/articles/popular/",
        "/api/v1/authors/",
        "/api/v1/authors/maya/",
        "/api/v1/tags/",
        "/api/v1/sections/",
    ],
)
def test_a_warm_rest_read_runs_no_sql(client, story, path):
    path = {"DETAIL": detail(story), "COMMENTS": detail(story) + "comments/"}.get(path, path)
    warm(client, path)


@pytest.mark.parametrize(
    "query",
    [
        ARTICLES_QUERY,
        '{ article(slug: "SLUG") { title authors { name } tags { name } comments(first: 5) '
        "{ edges { node { bodyHtml } } } } }",
        "{ popularArticles { slug } }",
        "{ authors(first: 5) { edges { node { name } } } tags { name } sections { name } }",
    ],
)
def test_a_warm_graphql_query_runs_no_sql(client, story, query):
    query = query.replace("SLUG", story.slug)
    first, built = graphql(client, query)
    assert "errors" not in first.json()
    assert built > 0
    again, queries = graphql(client, query)
    assert queries == 0
    assert again.content == first.content
    # Other variables are another answer.
    other, queries = graphql(client, query + " ")
    assert queries > 0
    assert other.json() == first.json()


def test_graphql_over_get_is_cached_too(client, story):
    path = "/graphql/?" + "query=" + ARTICLES_QUERY.replace(" ", "+")
    warm(client, path)


def test_credentials_are_never_served_from_the_cache_nor_stored(client, story, editor):
    warm(client, LIST)
    _, plaintext = tokens.token_create(owner=editor, name="t", scopes=["content:read"])
    with_token = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    signed_in = Client()
    signed_in.force_login(editor)
    for reader in (with_token, signed_in):
        for _ in range(2):
            response, queries = read(reader, LIST)
            assert queries > 0
            assert "private" in response["Cache-Control"]
            assert "Surrogate-Key" not in response
    # A GraphQL answer to an editor shows drafts' state; never kept.
    for _ in range(2):
        with_token.post("/graphql/", {"query": ARTICLES_QUERY}, content_type="application/json")
        assert "public" not in with_token.get("/graphql/").get("Cache-Control", "")
    assert cached(client, LIST)


def test_a_preview_is_never_cached(client, editor):
    draft = ArticleFactory(status=ArticleStatus.DRAFT)
    token = previews.issue(draft, editor)
    for _ in range(3):
        response, queries = read(client, detail(draft) + f"?preview={token}")
        assert response.status_code == 200
        assert queries > 0
        assert "Surrogate-Key" not in response
    query = f'{{ article(slug: "{draft.slug}", previewToken: "{token}") {{ title }} }}'
    for _ in range(3):
        response, queries = graphql(client, query)
        assert response.json()["data"]["article"]["title"] == draft.title
        assert queries > 0
        assert response["Cache-Control"] == "private, no-store"


def test_errors_are_never_cached(client, story):
    for _ in range(3):
        response, queries = read(client, "/api/v1/articles/no-such-article/")
        assert response.status_code == 404
        assert queries > 0
        response, queries = read(client, LIST + "?ordering=nonsense")
        assert response.status_code == 400
    for _ in range(3):
        response, _ = graphql(client, f'{{ article(slug: "{story.slug}") {{ nope }} }}')
        assert "errors" in response.json()
        assert "Surrogate-Key" not in response


def test_a_mutation_is_never_answered_from_the_cache(client, story):
    mutation = f'mutation {{ registerView(slug: "{story.slug}") {{ viewCount }} }}'
    for _ in range(3):
        response, queries = graphql(client, mutation)
        assert "errors" not in response.json(), response.json()
        assert queries > 0
        assert "public" not in response.get("Cache-Control", "")
        assert "Surrogate-Key" not in response


def test_a_hit_answers_if_none_match_with_304(client, story):
    etag = warm(client, detail(story))["ETag"]
    response, queries = read(client, detail(story), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert queries == 0
    assert response["ETag"] == etag
    assert response["Surrogate-Key"]
    response, queries = read(client, detail(story), HTTP_IF_NONE_MATCH='W/"other"')
    assert response.status_code == 200
    assert queries == 0


def test_a_graphql_answer_has_an_etag_and_304s(client, story):
    path = "/graphql/?query=" + ARTICLES_QUERY.replace(" ", "+")
    etag = warm(client, path)["ETag"]
    response, queries = read(client, path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert queries == 0


def test_query_strings_are_normalised_and_accept_headers_keyed(client, story):
    warm(client, LIST + "?page_size=5&tag=ferries")
    assert cached(client, LIST + "?tag=ferries&page_size=5")
    _response, queries = read(client, LIST + "?tag=ferries&page_size=5", HTTP_ACCEPT_LANGUAGE="fr")
    assert queries > 0


def test_an_answer_varying_on_another_header_is_served_only_to_its_variant(client, story):
    path = detail(story)
    warm(client, path)
    key = next(k for k in [_key(path)] if k)
    entry = cache.get(key)
    varied = responsecache.Entry(**{**entry.__dict__, "varied": (("X-Edition", "uk"),)})
    cache.set(key, varied)
    responsecache._recent.drop(key)  # this process's copy, as another process would not have
    assert read(client, path, HTTP_X_EDITION="uk")[1] == 0
    assert read(client, path, HTTP_X_EDITION="us")[1] > 0


def _key(path: str) -> str | None:
    from django.test import RequestFactory

    return responsecache.request_key(RequestFactory().get(path))


def test_cacheable_answers_name_their_tags(client, story):
    response = warm(client, detail(story))
    keys = response["Surrogate-Key"].split(" ")
    assert {f"article-{story.pk}", "author-maya", "tag-ferries"} <= set(keys)
    assert f"section-{story.section.slug}" in keys
    assert response["Cache-Tag"].split(",") == keys
    listing = warm(client, LIST)["Surrogate-Key"].split(" ")
    assert "articles" in listing
    assert f"article-{story.pk}" in listing
    filtered = warm(client, LIST + "?tag=ferries")["Surrogate-Key"].split(" ")
    assert "tag-ferries" in filtered
    assert "articles" not in filtered
    comments = warm(client, detail(story) + "comments/")["Surrogate-Key"]
    assert comments == f"article-{story.pk}"


def test_cache_control_promises_no_more_than_the_cache_keeps(client, story, settings):
    settings.RESPONSE_CACHE_SECONDS = 7
    settings.API_CACHE_MAX_AGE = 60
    assert "max-age=7," in read(client, LIST)[0]["Cache-Control"]
    assert "max-age=7," in graphql(client, ARTICLES_QUERY)[0]["Cache-Control"]
    settings.API_CACHE_MAX_AGE = 3
    assert "max-age=3," in read(client, detail(story))[0]["Cache-Control"]


def test_counters_lag_by_at_most_the_configured_seconds(client, story, committed, monkeypatch):
    warm(client, detail(story))
    with committed():
        services.register_view(article=story, ip_address="203.0.113.9", user_agent="Reader/1.0")
        services.flush_views()  # as the worker does every VIEWS_FLUSH_EVERY seconds
    # A view does not invalidate: the cached answer (and its count) stands...
    assert cached(client, detail(story))
    later = time.time() + 31
    monkeypatch.setattr(responsecache.time, "time", lambda: later)
    # ...until RESPONSE_CACHE_SECONDS have passed.
    response, queries = read(client, detail(story))
    assert queries > 0
    assert response.json()["view_count"] == story.view_count + 1


def test_a_scheduled_article_shows_once_the_cached_list_expires(client, committed, monkeypatch):
    ArticleFactory()
    soon = ArticleFactory(
        status=ArticleStatus.SCHEDULED, published_at=timezone.now() + timedelta(seconds=20)
    )
    listed = warm(client, LIST).json()
    assert soon.slug not in [a["slug"] for a in listed["results"]]
    later = timezone.now() + timedelta(seconds=31)
    monkeypatch.setattr(responsecache.time, "time", lambda: later.timestamp())
    monkeypatch.setattr(timezone, "now", lambda: later)
    response, queries = read(client, LIST)
    assert queries > 0
    assert soon.slug in [a["slug"] for a in response.json()["results"]]


def test_an_answer_built_while_a_change_committed_is_not_stored(client, story, committed):
    """A change committed between reading the rows and storing the answer must not leave
    the answer cached under the new versions."""
    from cms import cachetags

    real = cachetags.collecting

    def racing():
        context = real()
        found = context.__enter__()

        class Racing:
            def __enter__(self):
                return found

            def __exit__(self, *exc):
                result = context.__exit__(*exc)
                with committed():  # the change lands after the rows were read
                    cachetags.invalidate([f"article-{story.pk}"])
                return result

        return Racing()

    import cms.responsecache as module

    module.cachetags.collecting = racing
    try:
        read(client, detail(story))
    finally:
        module.cachetags.collecting = real
    assert not cached(client, detail(story))  # rebuilt: nothing was stored
    assert cached(client, detail(story))


def test_off_when_response_cache_seconds_is_zero(client, story, settings):
    settings.RESPONSE_CACHE_SECONDS = 0
    for _ in range(3):
        response, queries = read(client, LIST)
        assert queries > 0
    assert "articles" in response["Surrogate-Key"].split(" ")  # still named for a CDN
