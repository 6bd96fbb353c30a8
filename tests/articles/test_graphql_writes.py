"""Article mutations over GraphQL: same services, scopes, roles and codes as REST."""

from __future__ import annotations

import pytest
from django.test import Client
from graphql_relay import to_global_id

from articles.models import Article, ArticleStatus
from cms import scopes, tokens
from tests.api import gql
from tests.conftest import profile
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

ALL = list(scopes.ALL_SCOPES)
PAYLOAD = "{ article { id slug status version } errors { field code message } }"


def as_token(user, scope_list=ALL):
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=scope_list)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def run(client, mutation, variables=None):
    _, body = gql(client, mutation, variables)
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


CREATE = "mutation($input: ArticleInput!) { createArticle(input: $input) " + PAYLOAD + " }"
UPDATE = (
    "mutation($slug: String!, $input: ArticleInput!, $v: Int!) "
    "{ updateArticle(slug: $slug, input: $input, expectedVersion: $v) " + PAYLOAD + " }"
)
PUBLISH = 'mutation { publishArticle(slug: "%s") ' + PAYLOAD + " }"
UNPUBLISH = 'mutation { unpublishArticle(slug: "%s") ' + PAYLOAD + " }"
DELETE = 'mutation { deleteArticle(slug: "%s") { deletedId errors { field code message } } }'


def test_create_update_publish_unpublish_delete(editor):
    SectionFactory(slug="town")
    client = as_token(editor)
    created = run(client, CREATE, {"input": {"title": "Wire", "section": "town"}})
    assert created["errors"] == []
    assert created["article"]["status"] == "DRAFT"
    slug = created["article"]["slug"]
    updated = run(client, UPDATE, {"slug": slug, "input": {"title": "Wire 2"}, "v": 1})
    assert updated["article"]["version"] == 2
    assert run(client, PUBLISH % slug)["article"]["status"] == "PUBLISHED"
    assert run(client, UNPUBLISH % slug)["article"]["status"] == "DRAFT"
    article_id = created["article"]["id"]
    assert article_id == to_global_id("Article", Article.objects.get().pk)
    assert run(client, DELETE % slug) == {"deletedId": article_id, "errors": []}
    assert not Article.objects.exists()


def test_stale_versions_are_refused(editor):
    ArticleFactory(slug="d", status=ArticleStatus.DRAFT)
    client = as_token(editor)
    run(client, UPDATE, {"slug": "d", "input": {"title": "First"}, "v": 1})
    stale = run(client, UPDATE, {"slug": "d", "input": {"title": "Lost"}, "v": 1})
    assert stale["article"] is None
    assert stale["errors"][0]["code"] == "VERSION_CONFLICT"
    assert Article.objects.get().title == "First"


def test_anonymous_mutations_are_refused(client):
    ArticleFactory(slug="live")
    result = run(client, UNPUBLISH % "live")
    assert result["errors"][0]["code"] == "NOT_AUTHENTICATED"
    assert Article.objects.get().status == ArticleStatus.PUBLISHED


@pytest.mark.parametrize(
    ("mutation", "needed"),
    [
        ("create", scopes.CONTENT_WRITE),
        ("update", scopes.CONTENT_WRITE),
        ("delete", scopes.CONTENT_WRITE),
        ("publish", scopes.CONTENT_PUBLISH),
        ("unpublish", scopes.CONTENT_PUBLISH),
    ],
)
def test_every_mutation_needs_its_scope(editor, mutation, needed):
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT)
    ArticleFactory(slug="live")
    calls = {
        "create": (CREATE, {"input": {"title": "x"}}),
        "update": (UPDATE, {"slug": "draft", "input": {"title": "y"}, "v": 1}),
        "delete": (DELETE % "draft", None),
        "publish": (PUBLISH % "draft", None),
        "unpublish": (UNPUBLISH % "live", None),
    }
    query, variables = calls[mutation]
    without = as_token(editor, [s for s in ALL if s != needed])
    assert run(without, query, variables)["errors"][0]["code"] == "PERMISSION_DENIED"
    with_scope = as_token(editor, [needed, scopes.CONTENT_PREVIEW])
    assert run(with_scope, query, variables)["errors"] == []


def test_roles_apply(author, other_author, contributor):
    ArticleFactory(slug="mine", status=ArticleStatus.DRAFT, authors=[profile(author)])
    ArticleFactory(slug="theirs", status=ArticleStatus.DRAFT, authors=[profile(other_author)])
    ArticleFactory(slug="c", status=ArticleStatus.DRAFT, authors=[profile(contributor)])
    assert run(as_token(author), PUBLISH % "mine")["article"]["status"] == "PUBLISHED"
    assert run(as_token(author), PUBLISH % "theirs")["errors"][0]["code"] == "NOT_FOUND"
    assert run(as_token(contributor), PUBLISH % "c")["errors"][0]["code"] == "PERMISSION_DENIED"


def test_no_mass_assignment_in_the_schema(editor):
    _, body = gql(as_token(editor), CREATE, {"input": {"title": "x", "status": "published"}})
    assert body["errors"]
    assert not Article.objects.exists()


def test_a_date_past_year_9999_in_utc_is_a_field_error(author):
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT, authors=[profile(author)])
    result = run(
        as_token(author, [scopes.CONTENT_PUBLISH]),
        'mutation { publishArticle(slug: "draft", publishedAt: "9999-12-31T23:59:59-12:00") '
        + PAYLOAD
        + " }",
    )
    assert result["article"] is None
    assert result["errors"][0]["field"] == "publishedAt"
    assert Article.objects.get().status == ArticleStatus.DRAFT


def test_graphql_trims_text_input_as_rest_does(client, editor):
    client.force_login(editor)
    _, body = gql(
        client,
        'mutation { createArticle(input: {title: "  Padded  ", subtitle: " sub "}) '
        "{ article { slug } errors { field code } } }",
    )
    assert body["data"]["createArticle"]["errors"] == []
    article = Article.objects.get()
    assert (article.title, article.subtitle) == ("Padded", "sub")
    _, body = gql(
        client,
        'mutation { createArticle(input: {title: "   "}) { article { slug } errors { field } } }',
    )
    assert body["data"]["createArticle"]["errors"] == [{"field": "title"}]
    assert Article.objects.count() == 1
