"""Every editorial write records who (user or token), what and when, whatever the adapter."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from articles.models import ArticleStatus
from cms import scopes, tokens
from cms.models import AuditEntry
from comments.models import CommentStatus
from tests.api import gql
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def entries():
    return list(AuditEntry.objects.order_by("id").values_list("action", "object_repr"))


def test_admin_writes_are_logged(client, editor):
    draft = ArticleFactory(status=ArticleStatus.DRAFT, title="Ferry")
    client.force_login(editor)
    client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    entry = AuditEntry.objects.get(action="article.publish")
    assert entry.user == editor
    assert entry.token is None
    assert entry.object_repr == "Ferry"
    assert entry.object_id == str(draft.pk)


def test_rest_writes_through_a_token_name_the_token(editor):
    token, plaintext = tokens.token_create(
        owner=editor, name="wire", scopes=list(scopes.ALL_SCOPES)
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    response = client.post(
        "/api/v1/articles/", json.dumps({"title": "Wire copy"}), content_type="application/json"
    )
    assert response.status_code == 201
    entry = AuditEntry.objects.get(action="article.create")
    assert entry.user == editor
    assert entry.token == token
    assert f"API token {token.pk}" in entry.actor


def test_graphql_moderation_is_logged(editor):
    comment = CommentFactory(status=CommentStatus.PENDING)
    _, plaintext = tokens.token_create(owner=editor, name="mod", scopes=[scopes.COMMENTS_MODERATE])
    from graphql_relay import to_global_id

    node_id = to_global_id("Comment", comment.pk)
    mutation = (
        "mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { errors { code } } }"
    )
    gql(Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}"), mutation, {"id": node_id})
    assert ("comment.approved", f"comment {comment.pk} on {comment.article}") in entries()


def test_refused_writes_leave_no_entry(client, contributor):
    draft = ArticleFactory(status=ArticleStatus.DRAFT)
    client.force_login(contributor)
    client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    assert not AuditEntry.objects.filter(action="article.publish").exists()


def test_the_log_is_read_only_and_for_editors(client, editor, author):
    ArticleFactory()
    client.force_login(author)
    assert client.get("/admin/cms/auditentry/").status_code == 403
    client.force_login(editor)
    assert client.get("/admin/cms/auditentry/").status_code == 200
    assert client.get("/admin/cms/auditentry/add/").status_code == 403


def test_readers_comments_are_logged_without_personal_data(client, editor):
    from comments import form_tokens

    article = ArticleFactory(slug="live")
    submission = {
        "author_name": "Ann",
        "author_email": "ann@example.com",
        "body": "Well said.",
        "form_token": form_tokens.issue(article.pk),
    }
    response = client.post(
        "/api/v1/articles/live/comments/",
        json.dumps(submission),
        content_type="application/json",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 201
    entry = AuditEntry.objects.get(action="comment.create")
    assert (entry.user, entry.token, entry.actor) == (None, None, "anonymous")
    assert entry.object_id == str(response.json()["id"])
    logged = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert "ann@example.com" not in logged
    assert "Ann" not in logged  # names are personal data too: "comment 7 on <title>"
    assert entry.object_repr == f"comment {entry.object_id} on {article.title}"
    assert "203.0.113.9" not in logged
    _, plaintext = tokens.token_create(owner=editor, name="site", scopes=[scopes.CONTENT_READ])
    _, body = gql(
        Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}"),
        'mutation { submitComment(input: {articleSlug: "live", authorName: "Bo", '
        'authorEmail: "bo@example.com", body: "Hm."}) { errors { code } } }',
    )
    assert body["data"]["submitComment"]["errors"] == []
    by_token = AuditEntry.objects.filter(action="comment.create").latest("id")
    assert by_token.user == editor
    assert by_token.token is not None


def test_readers_views_are_counted_not_logged(client):
    ArticleFactory(slug="live")
    assert client.post("/api/v1/articles/live/views/").status_code == 200
    assert not AuditEntry.objects.exists()
