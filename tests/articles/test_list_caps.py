"""An article's tags and byline are capped where they are written (ARTICLE_MAX_TAGS,
ARTICLE_MAX_AUTHORS), through REST, GraphQL and the admin: the GraphQL query cost counts them
at those numbers, so no article may have more."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.models import Article, ArticleStatus
from cms import scopes, tokens
from cms.errors import ValidationFailed
from tests.api import gql
from tests.conftest import actor
from tests.factories import ArticleFactory, AuthorFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_caps(settings):
    settings.ARTICLE_MAX_TAGS = 3
    settings.ARTICLE_MAX_AUTHORS = 2
    return settings


def token_client(user) -> Client:
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=list(scopes.ALL_SCOPES))
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def tag_slugs(n: int) -> list[str]:
    return [TagFactory(slug=f"t{i}").slug for i in range(n)]


def author_slugs(n: int) -> list[str]:
    return [AuthorFactory(slug=f"a{i}").slug for i in range(n)]


def test_the_services_refuse_more_tags_or_names_than_the_caps(editor, small_caps):
    tags = [TagFactory() for _ in range(4)]
    authors = [AuthorFactory() for _ in range(3)]
    with pytest.raises(ValidationFailed) as refused:
        services.article_create(actor=actor(editor), title="x", tags=tags)
    assert refused.value.errors == {"tags": ["An article may have at most 3 tags."]}
    article = services.article_create(actor=actor(editor), title="x", tags=tags[:3])
    with pytest.raises(ValidationFailed) as refused:
        services.article_update(article=article, actor=actor(editor), authors=authors)
    assert refused.value.errors == {
        "authors": ["An article may have at most 2 names in its byline."]
    }
    services.article_update(article=article, actor=actor(editor), authors=authors[:2] * 3)
    assert article.tags.count() == 3
    assert article.bylines.count() == 2


def test_a_long_list_of_slugs_is_refused_before_it_is_looked_up(small_caps):
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationFailed):
        services.resolve_references({"tags": [f"t{n}" for n in range(100_000)]})
    assert queries.captured_queries == []


def test_rest_refuses_tags_and_authors_past_the_caps(editor, small_caps):
    client = token_client(editor)

    def create(**body):
        return client.post("/api/v1/articles/", json.dumps(body), content_type="application/json")

    tags, authors = tag_slugs(4), author_slugs(3)
    response = create(title="x", tags=tags)
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"tags": ["An article may have at most 3 tags."]}
    response = create(title="x", authors=authors)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["authors"]
    assert not Article.objects.exists()
    assert create(title="x", tags=tags[:3], authors=authors[:2]).status_code == 201


CREATE = (
    "mutation($input: ArticleInput!) { createArticle(input: $input) "
    "{ article { slug } errors { field code message } } }"
)
UPDATE = (
    "mutation($slug: String!, $input: ArticleInput!) { updateArticle(slug: $slug, "
    "input: $input, expectedVersion: 1) { article { slug } errors { field code message } } }"
)


def test_graphql_refuses_tags_and_authors_past_the_caps(editor, small_caps):
    client = token_client(editor)
    _, body = gql(client, CREATE, {"input": {"title": "x", "tags": tag_slugs(4)}})
    assert body["data"]["createArticle"] == {
        "article": None,
        "errors": [
            {"field": "tags", "code": "INVALID", "message": "An article may have at most 3 tags."}
        ],
    }
    ArticleFactory(slug="d", status=ArticleStatus.DRAFT)
    _, body = gql(client, UPDATE, {"slug": "d", "input": {"authors": author_slugs(3)}})
    assert body["data"]["updateArticle"]["errors"][0]["field"] == "authors"
    assert Article.objects.get(slug="d").version == 1


def _admin_form(**overrides):
    data = {
        "title": "Quay wall",
        "slug": "quay-wall",
        "subtitle": "",
        "excerpt": "",
        "body_html": "<p>Text.</p>",
        "section": "",
        "tags": [],
        "cover_image": "",
        "comments_enabled": "on",
        "seo_title": "",
        "seo_description": "",
        "canonical_url": "",
        "publish_at_0": "",
        "publish_at_1": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def _byline(authors) -> dict[str, str]:
    rows = {"bylines-TOTAL_FORMS": str(len(authors))}
    for i, author in enumerate(authors):
        rows |= {f"bylines-{i}-author": str(author.pk), f"bylines-{i}-position": str(i)}
    return rows


def test_the_admin_shows_the_caps_on_the_form(client, editor, small_caps):
    client.force_login(editor)
    tags = [TagFactory() for _ in range(4)]
    response = client.post("/admin/articles/article/add/", _admin_form(tags=[t.pk for t in tags]))
    assert response.status_code == 200
    assert "An article may have at most 3 tags." in response.content.decode()
    authors = [AuthorFactory() for _ in range(3)]
    response = client.post("/admin/articles/article/add/", _admin_form(**_byline(authors)))
    assert response.status_code == 200
    assert "An article may have at most 2 names in its byline." in response.content.decode()
    assert not Article.objects.exists()
    within = _admin_form(tags=[t.pk for t in tags[:3]], **_byline(authors[:2]))
    assert client.post("/admin/articles/article/add/", within).status_code == 302
    article = Article.objects.get()
    assert article.tags.count() == 3
    assert article.bylines.count() == 2


def test_the_demo_content_is_within_the_caps(settings):
    call_command("seed_demo", verbosity=0)
    for article in Article.objects.all():
        assert article.tags.count() <= settings.ARTICLE_MAX_TAGS, article
        assert article.bylines.count() <= settings.ARTICLE_MAX_AUTHORS, article
