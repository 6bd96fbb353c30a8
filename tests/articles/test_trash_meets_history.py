"""Where the trash meets the other records an article keeps: its former slugs, its correction
and update notes, and its revisions are out of every reach while it is in the trash, and come
back with it."""

from __future__ import annotations

import pytest
from django.test import Client
from graphql_relay import to_global_id

from articles import services
from articles.models import ArticleRevision
from cms import scopes, tokens
from tests.api import gql
from tests.conftest import actor
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def api(user):
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=list(scopes.ALL_SCOPES))
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


@pytest.fixture
def trashed(editor):
    article = ArticleFactory(slug="old")
    services.article_update(article=article, actor=actor(editor), slug="new")
    note = services.correction_add(
        article=article, actor=actor(editor), kind="correction", text="A name was wrong."
    )
    revision = ArticleRevision.objects.filter(article=article).order_by("-number").first()
    services.article_delete(article=article, actor=actor(editor))
    return article, note, revision


def test_nothing_of_a_trashed_article_is_reachable(client, editor, trashed):
    _, note, revision = trashed
    for caller in (client, api(editor)):
        for path in (
            "/api/v1/articles/old/",
            "/api/v1/articles/new/",
            "/api/v1/articles/old/comments/",
            "/api/v1/articles/new/revisions/",
            "/api/v1/articles/new/revisions/1/",
        ):
            assert caller.get(path).status_code in (401, 404), path
        queries = (
            '{ article(slug: "old") { id } }',
            '{ article(slug: "new") { id } }',
            f'{{ node(id: "{to_global_id("Correction", note.pk)}") {{ id }} }}',
            f'{{ node(id: "{to_global_id("ArticleRevision", revision.revision_id)}") {{ id }} }}',
        )
        for query in queries:
            _, body = gql(caller, query)
            assert "errors" not in body, (query, body)
            assert set(body["data"].values()) == {None}, query
    response = api(editor).post("/api/v1/articles/new/revisions/1/restore/", HTTP_IF_MATCH='"v1"')
    assert response.status_code == 404


def test_a_restored_article_keeps_its_former_slugs_notes_and_revisions(client, editor, trashed):
    article, _, revision = trashed
    services.article_restore_from_trash(article=article, actor=actor(editor))
    assert client.get("/api/v1/articles/old/").status_code == 301
    body = client.get("/api/v1/articles/new/").json()
    assert [c["text"] for c in body["corrections"]] == ["A name was wrong."]
    newest = api(editor).get("/api/v1/articles/new/revisions/").json()["results"][0]
    # Moving to the trash keeps no revision; restoring is one.
    assert (newest["number"], newest["summary"]) == (revision.number + 1, "Restored from the trash")
