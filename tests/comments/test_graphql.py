"""Article.comments and Comment nodes over GraphQL."""

import pytest
from graphql_relay import to_global_id

from comments.models import CommentStatus
from tests.api import gql
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

QUERY = """query($slug: String!, $first: Int, $after: String) { article(slug: $slug) {
    commentCount comments(first: $first, after: $after) { totalCount
    pageInfo { hasNextPage endCursor } edges { node { id parentId authorName bodyHtml } } } } }"""


def test_only_approved_comments_with_threads(client):
    article = ArticleFactory(slug="a")
    root = CommentFactory(article=article, status=CommentStatus.APPROVED, author_name="Ruth")
    CommentFactory(
        article=article, status=CommentStatus.APPROVED, parent=root, depth=1, author_name="Cal"
    )
    for status in (CommentStatus.PENDING, CommentStatus.SPAM, CommentStatus.REMOVED):
        CommentFactory(article=article, status=status, author_email="hidden@mail.example")
    article.comment_count = 2
    article.save()
    _, body = gql(client, QUERY, {"slug": "a"})
    comments = body["data"]["article"]["comments"]
    assert comments["totalCount"] == 2
    nodes = [e["node"] for e in comments["edges"]]
    assert [n["authorName"] for n in nodes] == ["Ruth", "Cal"]
    assert nodes[0]["parentId"] is None
    assert nodes[1]["parentId"] == nodes[0]["id"] == to_global_id("Comment", root.pk)
    assert "hidden@mail.example" not in str(body)


def test_comments_page_with_cursors(client):
    article = ArticleFactory(slug="a")
    for n in range(5):
        CommentFactory(article=article, status=CommentStatus.APPROVED, author_name=f"R{n}")
    _, body = gql(client, QUERY, {"slug": "a", "first": 2})
    page = body["data"]["article"]["comments"]
    assert [e["node"]["authorName"] for e in page["edges"]] == ["R0", "R1"]
    assert page["pageInfo"]["hasNextPage"] is True
    _, body = gql(client, QUERY, {"slug": "a", "first": 2, "after": page["pageInfo"]["endCursor"]})
    assert [e["node"]["authorName"] for e in body["data"]["article"]["comments"]["edges"]] == [
        "R2",
        "R3",
    ]


def test_comment_node_lookup_respects_moderation(client):
    article = ArticleFactory()
    shown = CommentFactory(article=article, status=CommentStatus.APPROVED, author_name="Shown")
    pending = CommentFactory(article=article, status=CommentStatus.PENDING)
    draft_comment = CommentFactory(
        article=ArticleFactory(status="draft"), status=CommentStatus.APPROVED
    )
    query = '{ node(id: "%s") { ... on Comment { authorName } } }'
    _, body = gql(client, query % to_global_id("Comment", shown.pk))
    assert body["data"]["node"] == {"authorName": "Shown"}
    for hidden in (pending, draft_comment):
        _, body = gql(client, query % to_global_id("Comment", hidden.pk))
        assert body["data"]["node"] is None


def test_variables_cannot_exceed_the_page_size_and_nothing_runs(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ArticleFactory(slug="a")
    with CaptureQueriesContext(connection) as queries:
        _, body = gql(client, QUERY, {"slug": "a", "first": 101})
    assert body["errors"][0]["extensions"]["code"] == "MAX_PAGE_SIZE_EXCEEDED"
    assert body.get("data") is None
    assert queries.captured_queries == []
