"""Revisions over GraphQL: articleRevisions for those who may edit, restoreArticleRevision
with errors {field code message}, the same refusals as REST."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.models import ArticleRevision
from cms import scopes
from tests.api import gql
from tests.articles.test_api_revisions import edited_twice
from tests.articles.test_graphql_writes import as_token, run
from tests.cms.test_graphql_cost import _objects, cost_of
from tests.conftest import actor
from tests.factories import AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

REVISIONS = """query($slug: String!, $first: Int) {
  articleRevisions(slug: $slug, first: $first) {
    totalCount
    edges { node {
      number createdAt summary
      actor { kind name tokenId tokenName }
      fields { title bodyHtml status section { slug name } tags { slug } authors { slug name } }
    } }
  }
}"""
RESTORE = """mutation($slug: String!, $n: Int!, $v: Int!) {
  restoreArticleRevision(slug: $slug, number: $n, expectedVersion: $v) {
    version
    article { title authors { slug } tags { slug } section { slug } }
    errors { field code message }
  }
}"""


def test_an_editor_reads_the_revisions_newest_first(editor):
    edited_twice(editor)
    _, body = gql(as_token(editor), REVISIONS, {"slug": "story"})
    assert "errors" not in body, body
    connection_ = body["data"]["articleRevisions"]
    assert connection_["totalCount"] == 2
    newest, first = (edge["node"] for edge in connection_["edges"])
    assert (newest["number"], newest["summary"]) == (2, "Edited")
    assert newest["actor"] == {"kind": "user", "name": "editor", "tokenId": None, "tokenName": None}
    assert first["fields"]["title"] == "One"
    assert first["fields"]["status"] == "DRAFT"
    assert [a["slug"] for a in first["fields"]["authors"]] == ["ann", "bob"]
    assert first["fields"]["tags"] == [{"slug": "red"}]
    assert first["fields"]["section"] == {
        "slug": "town",
        "name": first["fields"]["section"]["name"],
    }


def test_restore_brings_back_bylines_tags_and_section(editor):
    article = edited_twice(editor)
    client = as_token(editor)
    payload = run(client, RESTORE, {"slug": "story", "n": 1, "v": article.version})
    assert payload["errors"] == []
    assert payload["version"] == article.version + 1
    restored = payload["article"]
    assert restored["title"] == "One"
    assert [a["slug"] for a in restored["authors"]] == ["ann", "bob"]
    assert restored["tags"] == [{"slug": "red"}]
    assert restored["section"] == {"slug": "town"}
    _, body = gql(client, REVISIONS, {"slug": "story", "first": 1})
    newest = body["data"]["articleRevisions"]["edges"][0]["node"]
    assert (newest["number"], newest["summary"]) == (3, "Restored revision 1")
    assert newest["actor"]["kind"] == "token"


def test_restore_refuses_a_stale_version_and_a_missing_revision(editor):
    article = edited_twice(editor)
    client = as_token(editor)
    stale = run(client, RESTORE, {"slug": "story", "n": 1, "v": 1})
    assert stale["errors"][0]["code"] == "VERSION_CONFLICT"
    missing = run(client, RESTORE, {"slug": "story", "n": 7, "v": article.version})
    assert missing["errors"][0]["field"] == "number"
    assert missing["errors"][0]["code"] == "NOT_FOUND"
    assert ArticleRevision.objects.count() == 2


def test_restore_names_a_deleted_author(editor):
    article = edited_twice(editor)
    services.taxonomy_delete(
        obj=AuthorFactory._meta.model.objects.get(slug="ann"), actor=actor(editor)
    )
    payload = run(as_token(editor), RESTORE, {"slug": "story", "n": 1, "v": article.version})
    (error,) = payload["errors"]
    assert error["field"] == "authors"
    assert "(ann)" in error["message"]


def _code(body) -> str | None:
    errors = body.get("errors")
    return errors[0]["extensions"]["code"] if errors else None


def test_who_reads_revisions(author, other_author, editor):
    article = edited_twice(author)
    slug = article.slug
    assert _code(gql(Client(), REVISIONS, {"slug": slug})[1]) == "NOT_AUTHENTICATED"
    assert _code(gql(as_token(other_author), REVISIONS, {"slug": slug})[1]) == "NOT_FOUND"
    no_preview = as_token(author, [scopes.CONTENT_READ, scopes.CONTENT_WRITE])
    assert _code(gql(no_preview, REVISIONS, {"slug": slug})[1]) == "NOT_FOUND"
    assert (
        _code(gql(as_token(author, [scopes.CONTENT_PREVIEW]), REVISIONS, {"slug": slug})[1]) is None
    )
    services.article_publish(article=article, actor=actor(editor))
    assert _code(gql(as_token(other_author), REVISIONS, {"slug": slug})[1]) == "PERMISSION_DENIED"
    assert _code(gql(no_preview, REVISIONS, {"slug": slug})[1]) == "PERMISSION_DENIED"


def test_who_restores(author, other_author, editor):
    article = edited_twice(author)
    services.article_publish(article=article, actor=actor(editor))
    variables = {"slug": article.slug, "n": 1, "v": article.version}
    refused = run(as_token(other_author), RESTORE, variables)
    assert refused["errors"][0]["code"] == "PERMISSION_DENIED"
    read_only = as_token(author, [scopes.CONTENT_READ, scopes.CONTENT_PREVIEW])
    assert run(read_only, RESTORE, variables)["errors"][0]["code"] == "PERMISSION_DENIED"
    assert run(as_token(author), RESTORE, variables)["errors"] == []


def test_the_connection_costs_the_same_queries_for_1_and_50(editor):
    article = services.article_create(
        actor=actor(editor), title="T", slug="story", tags=[TagFactory()],
        authors=[AuthorFactory()], section=SectionFactory(),
    )  # fmt: skip
    client = as_token(editor)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            _, body = gql(client, REVISIONS, {"slug": "story", "first": 50})
        assert "errors" not in body, body
        return len(body["data"]["articleRevisions"]["edges"]), len(captured)

    count()
    one, queries = count()
    for n in range(49):
        services.article_update(article=article, actor=actor(editor), title=f"T{n}")
    fifty, same = count()
    assert (one, fifty) == (1, 50)
    assert same == queries


def test_the_query_cost_bounds_the_revisions_returned_at_the_caps(editor, settings):
    settings.ARTICLE_MAX_TAGS = 3
    settings.ARTICLE_MAX_AUTHORS = 2
    article = services.article_create(
        actor=actor(editor), title="T", slug="story", tags=TagFactory.create_batch(3),
        authors=AuthorFactory.create_batch(2), section=SectionFactory(),
    )  # fmt: skip
    for n in range(4):
        services.article_update(article=article, actor=actor(editor), title=f"T{n}")
    query = REVISIONS.replace("$first", "5").replace("$slug", '"story"')
    query = "{" + query.split("{", 1)[1]
    _, body = gql(as_token(editor), query)
    assert "errors" not in body, body
    assert cost_of(query) >= _objects(body["data"]) > 5 * 3


def test_node_finds_a_revision_only_for_those_who_may_read_it(author, other_author):
    article = edited_twice(author)
    _, body = gql(as_token(author), REVISIONS.replace("number createdAt", "id number createdAt"),
                  {"slug": article.slug})  # fmt: skip
    revision_id = body["data"]["articleRevisions"]["edges"][0]["node"]["id"]
    query = f'{{ node(id: "{revision_id}") {{ ... on ArticleRevision {{ number summary }} }} }}'
    assert gql(as_token(author), query)[1]["data"]["node"] == {"number": 2, "summary": "Edited"}
    assert gql(as_token(other_author), query)[1]["data"]["node"] is None
    assert gql(Client(), query)[1]["data"]["node"] is None


def test_node_finds_no_revision_of_a_trashed_article(editor):
    article = edited_twice(editor)
    _, body = gql(as_token(editor), REVISIONS.replace("number createdAt", "id number createdAt"),
                  {"slug": article.slug})  # fmt: skip
    revision_id = body["data"]["articleRevisions"]["edges"][0]["node"]["id"]
    services.article_delete(article=article, actor=actor(editor))
    query = f'{{ node(id: "{revision_id}") {{ ... on ArticleRevision {{ number summary }} }} }}'
    _, body = gql(as_token(editor), query)
    assert "errors" not in body, body
    assert body["data"]["node"] is None
