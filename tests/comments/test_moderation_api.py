"""Moderating comments through REST and GraphQL (comments:moderate)."""

import json

import pytest
from django.test import Client
from graphql_relay import to_global_id

from articles.models import Article
from cms import scopes, tokens
from comments.models import Comment, CommentStatus
from tests.api import gql
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

MODERATE = """mutation($id: ID!, $status: CommentStatus!) {
    moderateComment(id: $id, status: $status) {
    comment { id status } errors { field code message } } }"""


def as_token(user, scope_list):
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=scope_list)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def patch(client, comment, status):
    return client.patch(
        f"/api/v1/comments/{comment.pk}/",
        json.dumps({"status": status}),
        content_type="application/json",
    )


def test_the_queue_and_approval_through_rest(editor):
    article = ArticleFactory(slug="a")
    pending = CommentFactory(article=article, author_email="secret@mail.example")
    CommentFactory(article=article, status=CommentStatus.APPROVED)
    client = as_token(editor, [scopes.COMMENTS_MODERATE])
    queue = client.get("/api/v1/comments/", {"status": "pending"})
    assert queue.status_code == 200
    assert [c["id"] for c in queue.json()["results"]] == [pending.pk]
    assert "secret@mail.example" not in queue.content.decode()
    response = patch(client, pending, "approved")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert Article.objects.get(pk=article.pk).comment_count == 2  # both approved now


def test_moderation_needs_the_scope_and_the_role(editor, author, client):
    comment = CommentFactory()
    assert client.get("/api/v1/comments/").status_code == 401
    assert patch(client, comment, "approved").status_code == 401
    without = as_token(editor, [scopes.CONTENT_WRITE])
    assert without.get("/api/v1/comments/").status_code == 403
    assert patch(without, comment, "approved").status_code == 403
    not_an_editor = as_token(author, [scopes.COMMENTS_MODERATE])
    assert not_an_editor.get("/api/v1/comments/").status_code == 403
    assert Comment.objects.get().status == CommentStatus.PENDING


def test_bad_moderation_input_is_400(editor):
    comment = CommentFactory()
    client = as_token(editor, [scopes.COMMENTS_MODERATE])
    assert patch(client, comment, "deleted").status_code == 400
    assert client.get("/api/v1/comments/", {"status": "gone"}).status_code == 400
    response = client.patch(
        f"/api/v1/comments/{comment.pk}/",
        json.dumps({"status": "approved", "body_html": "<p>rewritten</p>"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "body_html" in response.json()["errors"]


def test_moderation_through_graphql(editor, author):
    comment = CommentFactory()
    node_id = to_global_id("ModeratedComment", comment.pk)
    _, body = gql(
        as_token(author, [scopes.COMMENTS_MODERATE]),
        MODERATE,
        {"id": node_id, "status": "APPROVED"},
    )
    assert (
        body["data"]["moderateComment"]["errors"][0]["code"] == "PERMISSION_DENIED"
    )  # as REST answers
    _, body = gql(
        as_token(editor, [scopes.COMMENTS_MODERATE]), MODERATE, {"id": node_id, "status": "SPAM"}
    )
    assert body["data"]["moderateComment"] == {
        "comment": {"id": node_id, "status": "SPAM"},
        "errors": [],
    }
    # The status is the CommentStatus enum: anything else (REST's lower-case value included)
    # is refused by the schema before the mutation runs.
    for wrong in ("nope", "approved"):
        response, body = gql(
            as_token(editor, [scopes.COMMENTS_MODERATE]), MODERATE, {"id": node_id, "status": wrong}
        )
        assert response.status_code == 400
        assert "CommentStatus" in body["errors"][0]["message"]
        assert Comment.objects.get().status == CommentStatus.SPAM


QUEUE = """query($status: CommentStatus, $article: String) {
    moderationQueue(status: $status, article: $article, first: 10) {
        totalCount edges { node { id article parentId authorName bodyHtml status spamReason } }
    } }"""


def test_the_queue_through_graphql_matches_rest(editor, author, client):
    live = ArticleFactory(slug="live")
    pending = CommentFactory(article=live, status=CommentStatus.PENDING,
                             author_email="secret@example.com")  # fmt: skip
    CommentFactory(article=live, status=CommentStatus.APPROVED)
    CommentFactory(status=CommentStatus.PENDING)  # on another article
    moderator = as_token(editor, [scopes.COMMENTS_MODERATE])
    response, body = gql(moderator, QUEUE, {"status": "PENDING", "article": "live"})
    assert "errors" not in body, body
    queue = body["data"]["moderationQueue"]
    assert queue["totalCount"] == 1
    node = queue["edges"][0]["node"]
    assert node["id"] == to_global_id("ModeratedComment", pending.pk)
    assert (node["article"], node["status"]) == ("live", "PENDING")
    assert "secret@example.com" not in response.content.decode()
    rest = moderator.get("/api/v1/comments/?status=pending&article=live").json()
    assert [c["id"] for c in rest["results"]] == [pending.pk]
    # The ID it lists is the one moderateComment takes.
    _, body = gql(moderator, MODERATE, {"id": node["id"], "status": "APPROVED"})
    assert body["data"]["moderateComment"]["errors"] == []


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", "not_authenticated"), ("author", "permission_denied"),
     ("editor_without_scope", "permission_denied")],
)  # fmt: skip
def test_the_graphql_queue_refuses_like_rest(client, editor, author, who, code):
    CommentFactory(status=CommentStatus.PENDING)
    caller = {
        "anonymous": client,
        "author": as_token(author, [scopes.COMMENTS_MODERATE]),
        "editor_without_scope": as_token(editor, [scopes.CONTENT_READ]),
    }[who]
    _, body = gql(caller, QUEUE)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code.upper()
    rest = caller.get("/api/v1/comments/")
    assert rest.json()["code"] == code
    assert rest.status_code == (401 if code == "not_authenticated" else 403)


def test_a_bad_status_in_the_graphql_queue_is_refused_by_the_schema(editor):
    response, body = gql(as_token(editor, [scopes.COMMENTS_MODERATE]), QUEUE, {"status": "nope"})
    assert response.status_code == 400
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
    assert "'$status'" in body["errors"][0]["message"]
    assert "CommentStatus" in body["errors"][0]["message"]


def test_the_queue_answers_with_an_etag_and_304(client, editor):
    CommentFactory()
    client.force_login(editor)
    first = client.get("/api/v1/comments/")
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-store"
    again = client.get("/api/v1/comments/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    CommentFactory()
    assert client.get("/api/v1/comments/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
