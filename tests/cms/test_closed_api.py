"""API_PUBLIC_READS off: the reader-facing API (content, comments, views) needs a signed-in
session or a token with content:read, over REST and GraphQL alike; writes keep their scopes.

Every endpoint and root field is classified below, and tests fail when a new one is not, so
nothing can join the API without deciding whether it closes with it.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from articles import previews
from articles.models import Article, ArticleStatus, ArticleViewDay
from cms import scopes, tokens
from comments.models import Comment
from config.schema import SCOPED_FIELDS, schema
from tests.api import gql
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

# (method, documented path): everything a front-end uses to show and take part in a page.
READER_ENDPOINTS = [
    ("get", "/api/v1/articles"),
    ("get", "/api/v1/articles/{slug}"),
    ("get", "/api/v1/articles/popular"),
    ("get", "/api/v1/articles/{slug}/comments"),
    ("post", "/api/v1/articles/{slug}/comments"),
    ("post", "/api/v1/articles/{slug}/views"),
    ("get", "/api/v1/authors"),
    ("get", "/api/v1/authors/{slug}"),
    ("get", "/api/v1/sections"),
    ("get", "/api/v1/sections/{slug}"),
    ("get", "/api/v1/tags"),
    ("get", "/api/v1/tags/{slug}"),
]
# Writes and moderation: their own scopes decide, whether or not the API is public.
SCOPED_ENDPOINTS = [
    ("post", "/api/v1/articles"),
    ("patch", "/api/v1/articles/{slug}"),
    ("delete", "/api/v1/articles/{slug}"),
    ("post", "/api/v1/articles/{slug}/publish"),
    ("post", "/api/v1/articles/{slug}/unpublish"),
    ("post", "/api/v1/articles/{slug}/corrections"),
    ("delete", "/api/v1/articles/{slug}/corrections/{id}"),
    ("get", "/api/v1/articles/{slug}/revisions"),
    ("get", "/api/v1/articles/{slug}/revisions/{number}"),
    ("post", "/api/v1/articles/{slug}/revisions/{number}/restore"),
    ("get", "/api/v1/comments"),
    ("patch", "/api/v1/comments/{id}"),
    ("get", "/api/v1/trash"),
    ("post", "/api/v1/trash/{id}/restore"),
    ("delete", "/api/v1/trash/{id}"),
]
COMMENT = {"author_name": "Ann", "author_email": "ann@example.com", "body": "Well said."}

GRAPHQL_READS = {
    "article": '{ article(slug: "live") { id title } }',
    "articles": "{ articles { totalCount } }",
    "popularArticles": "{ popularArticles { id } }",
    "author": '{ author(slug: "ann") { slug } }',
    "authors": "{ authors { totalCount } }",
    "tags": "{ tags { slug } }",
    "sections": "{ sections { slug } }",
    "node": '{ node(id: "%s") { id } }',
    "__typename": "{ __typename }",
}
GRAPHQL_READER_MUTATIONS = {
    "registerView": 'mutation { registerView(slug: "live") { viewCount errors { code } } }',
    "submitComment": (
        'mutation { submitComment(input: {articleSlug: "live", authorName: "Ann", '
        'authorEmail: "ann@example.com", body: "Well said."}) '
        "{ comment { id } errors { code } } }"
    ),
}
GRAPHQL_SCOPED_FIELDS = {
    "moderationQueue",
    "createArticle",
    "updateArticle",
    "publishArticle",
    "unpublishArticle",
    "deleteArticle",
    "addCorrection",
    "removeCorrection",
    "restoreArticleRevision",
    "articleRevisions",
    "moderateComment",
    "trash",
    "restoreArticle",
    "deleteArticleForever",
}


@pytest.fixture
def closed(settings):
    settings.API_PUBLIC_READS = False


@pytest.fixture
def page(db):
    """A live article with an author, a section, a tag and an approved comment."""
    author = AuthorFactory(slug="ann")
    article = ArticleFactory(
        slug="live",
        section=SectionFactory(slug="town"),
        tags=[TagFactory(slug="harbour")],
        authors=[author],
    )
    CommentFactory(article=article)
    return article


def token_client(user, scope_list):
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=scope_list)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def concrete(path: str) -> str:
    slugs = {"slug": "live", "id": "1"}
    if path.startswith(("/api/v1/authors/{", "/api/v1/sections/{", "/api/v1/tags/{")):
        slugs["slug"] = {"authors": "ann", "sections": "town", "tags": "harbour"}[
            path.split("/")[3]
        ]
    return path.format(**slugs)


def call(client, method: str, path: str):
    body = COMMENT if path.endswith("/comments") and method == "post" else None
    return getattr(client, method)(
        concrete(path), json.dumps(body) if body else None, content_type="application/json"
    )


def documented_operations(client) -> set[tuple[str, str]]:
    document = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    return {
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_every_rest_operation_is_classified(client):
    assert documented_operations(client) == set(READER_ENDPOINTS) | set(SCOPED_ENDPOINTS)


def test_every_graphql_root_field_is_classified():
    queries = set(schema.graphql_schema.query_type.fields)
    mutations = set(schema.graphql_schema.mutation_type.fields)
    assert queries - SCOPED_FIELDS == set(GRAPHQL_READS) - {"__typename"}
    assert mutations - SCOPED_FIELDS == set(GRAPHQL_READER_MUTATIONS)
    assert SCOPED_FIELDS == GRAPHQL_SCOPED_FIELDS


@pytest.mark.parametrize(("method", "path"), READER_ENDPOINTS)
def test_closed_rest_refuses_anonymous_readers_with_401(client, closed, page, method, path):
    response = call(client, method, path)
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"
    assert "content:read" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Comment.objects.count() == 1  # nothing was written
    assert not ArticleViewDay.objects.exists()


@pytest.mark.parametrize(("method", "path"), READER_ENDPOINTS)
def test_closed_rest_refuses_tokens_without_content_read(closed, page, editor, method, path):
    others = [s for s in scopes.ALL_SCOPES if s != scopes.CONTENT_READ]
    response = call(token_client(editor, others), method, path)
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(("method", "path"), READER_ENDPOINTS)
def test_closed_rest_serves_content_read_tokens(closed, page, staff_without_role, method, path):
    # content:read needs no editorial role: a newsletter tool's user may hold none.
    response = call(token_client(staff_without_role, [scopes.CONTENT_READ]), method, path)
    assert response.status_code in (200, 201), response.content
    assert response["Cache-Control"].startswith("private")


@pytest.mark.parametrize(("method", "path"), READER_ENDPOINTS)
def test_closed_rest_serves_signed_in_staff(client, closed, page, editor, method, path):
    client.force_login(editor)
    # Session POSTs need CSRF; the test client skips the check, as it does for the admin.
    response = call(client, method, path)
    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize(("method", "path"), READER_ENDPOINTS)
def test_open_rest_serves_anyone_and_any_token(client, page, editor, method, path):
    assert call(client, method, path).status_code in (200, 201)
    writer = token_client(editor, [scopes.CONTENT_WRITE])  # a token is never less than nobody
    assert call(writer, method, path).status_code in (200, 201)


def test_closed_rest_keeps_writes_on_their_own_scopes(closed, editor):
    writer = token_client(editor, [scopes.CONTENT_WRITE])
    response = writer.post(
        "/api/v1/articles/", json.dumps({"title": "Wire"}), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert Article.objects.get().status == ArticleStatus.DRAFT


def test_closed_rest_previews_need_content_read_too(client, closed, editor):
    draft = ArticleFactory(slug="draft", status=ArticleStatus.DRAFT)
    token = previews.issue(draft, editor)
    path = f"/api/v1/articles/draft/?preview={token}"
    assert client.get(path).status_code == 401
    assert token_client(editor, [scopes.CONTENT_READ]).get(path).status_code == 200


def _graphql_queries(page):
    node_id = to_global_id("Article", page.pk)
    return {name: (q % node_id if name == "node" else q) for name, q in GRAPHQL_READS.items()}


@pytest.mark.parametrize("field", sorted(GRAPHQL_READS))
def test_closed_graphql_refuses_anonymous_queries_before_touching_the_database(
    client, closed, page, field
):
    query = _graphql_queries(page)[field]
    with CaptureQueriesContext(connection) as captured:
        response, body = gql(client, query)
    assert response.status_code == 401
    assert body["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "data" not in body
    assert len(captured.captured_queries) == 0


@pytest.mark.parametrize("field", sorted(GRAPHQL_READS))
def test_closed_graphql_queries_need_content_read(closed, page, editor, staff_without_role, field):
    query = _graphql_queries(page)[field]
    others = [s for s in scopes.ALL_SCOPES if s != scopes.CONTENT_READ]
    response, body = gql(token_client(editor, others), query)
    assert response.status_code == 403
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    response, body = gql(token_client(staff_without_role, [scopes.CONTENT_READ]), query)
    assert response.status_code == 200
    assert "errors" not in body, body
    assert body["data"][field if field != "__typename" else "__typename"] is not None


@pytest.mark.parametrize("field", sorted(GRAPHQL_READER_MUTATIONS))
def test_closed_graphql_reader_mutations(client, closed, page, editor, field):
    mutation = GRAPHQL_READER_MUTATIONS[field]
    response, body = gql(client, mutation)
    assert response.status_code == 401
    assert body["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"
    # The same mutation reached through a fragment is still a reader mutation.
    selection = mutation.removeprefix("mutation ")
    through_fragment = "mutation { ...M } fragment M on Mutation " + selection
    assert gql(client, through_fragment)[0].status_code == 401
    assert Comment.objects.count() == 1
    assert not ArticleViewDay.objects.exists()
    response, body = gql(token_client(editor, [scopes.CONTENT_READ]), mutation)
    assert response.status_code == 200
    assert body["data"][field]["errors"] == []


def test_closed_graphql_keeps_writes_on_their_own_scopes(closed, editor):
    writer = token_client(editor, [scopes.CONTENT_WRITE])
    _, body = gql(
        writer, 'mutation { createArticle(input: {title: "Wire"}) { status article { id } } }'
    )
    # Without content:read it may write, not read: where the draft stands, not the draft
    # (as REST answers it the short shape).
    assert body == {"data": {"createArticle": {"status": "DRAFT", "article": None}}}


def test_open_graphql_serves_anyone(client, page):
    response, body = gql(client, _graphql_queries(page)["articles"])
    assert response.status_code == 200
    assert body["data"]["articles"]["totalCount"] == 1


@pytest.mark.parametrize(
    "query",
    [
        '{ article(slug: "live") { bodyHtm } }',  # a misspelt field: no "did you mean"
        "{ secretField }",
        "{ article(slug: ",  # not even GraphQL
        "query { ...F } fragment F on Query { articles { totalCount } }",
        'mutation { createArticle(input: {title: "x"}) { errors { code } } '
        'registerView(slug: "live") { viewCount } }',  # a scoped field cannot carry a reader's
        "{ moderationQueue { edges { node { authorEmail } } } }",  # scoped, but misspelt
        'mutation { createArticle(input: {status: "published"}) { errors { code } } }',
    ],
)
def test_closed_graphql_refuses_before_validating(client, closed, page, query):
    response, body = gql(client, query)
    assert response.status_code == 401, body
    assert [e["extensions"] for e in body["errors"]] == [{"code": "NOT_AUTHENTICATED"}]


def test_closed_graphql_runs_scoped_fields_for_tokens_without_content_read(closed, editor):
    writer = token_client(editor, [scopes.CONTENT_WRITE])
    response, body = gql(writer, "{ articles { totalCount } }")
    assert response.status_code == 403
    response, body = gql(
        writer,
        'mutation { a: createArticle(input: {title: "One"}) { errors { code } } '
        'b: createArticle(input: {title: "Two"}) { errors { code } } }',
    )
    assert response.status_code == 200
    assert body["data"] == {"a": {"errors": []}, "b": {"errors": []}}


def test_graphql_responses_to_credentials_or_drafts_are_never_stored(client, page, editor):
    response, _ = gql(client, '{ article(slug: "live") { title } }')
    assert "no-store" not in response.get("Cache-Control", "")
    draft = ArticleFactory(slug="draft", status=ArticleStatus.DRAFT)
    preview = (
        f'{{ article(slug: "draft", previewToken: "{previews.issue(draft, editor)}") {{ title }} }}'
    )
    response, body = gql(client, preview)
    assert body["data"]["article"] is not None
    assert response["Cache-Control"] == "private, no-store"
    reader = token_client(editor, [scopes.CONTENT_READ])
    response, _ = gql(reader, '{ article(slug: "live") { title } }')
    assert response["Cache-Control"] == "private, no-store"
    assert "Authorization" in response["Vary"]


def test_closed_api_write_responses_show_no_more_than_a_read_would(closed, editor):
    ArticleFactory(slug="live", body_html="<p>Members only</p>")
    writer = token_client(editor, [scopes.CONTENT_WRITE])
    assert writer.get("/api/v1/articles/live/").status_code == 403
    response = writer.patch(
        "/api/v1/articles/live/", "{}", content_type="application/json", HTTP_IF_MATCH='"v1"'
    )
    assert response.status_code == 200
    assert "Members only" not in response.content.decode()
    assert set(response.json()) == {"id", "slug", "title", "published_at", "url", "status",
                                    "version"}  # fmt: skip
    reader = token_client(editor, [scopes.CONTENT_WRITE, scopes.CONTENT_READ])
    response = reader.patch(
        "/api/v1/articles/live/", "{}", content_type="application/json", HTTP_IF_MATCH='"v2"'
    )
    assert response.json()["body_html"] == "<p>Members only</p>"


def test_a_closed_api_closes_its_openapi_document_too(client, closed, editor):
    response = client.get("/api/schema/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"
    reader = token_client(editor, [scopes.CONTENT_READ])
    assert reader.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200  # the viewer alone shows nothing


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_documents_answer_only_get(client, path):
    response = client.options(path)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
