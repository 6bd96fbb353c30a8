"""GET /api/v1/articles/{slug}/comments/"""

import pytest

from articles.models import ArticleStatus
from cms.actors import Actor
from comments import form_tokens, services
from comments.api.views import ThreadPagination
from comments.models import CommentStatus
from tests.api import assert_queries, get
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def url(article):
    return f"/api/v1/articles/{article.slug}/comments/"


def test_only_approved_comments_oldest_first_with_threads(client):
    article = ArticleFactory()
    root = CommentFactory(article=article, status=CommentStatus.APPROVED, author_name="Ruth")
    reply = CommentFactory(
        article=article, status=CommentStatus.APPROVED, parent=root, depth=1, author_name="Cal"
    )
    for status in (CommentStatus.PENDING, CommentStatus.SPAM, CommentStatus.REMOVED):
        CommentFactory(article=article, status=status)
    body = get(client, url(article)).json()
    assert body["count"] == 2
    assert body["results"] == [
        {
            "id": root.pk,
            "parent_id": None,
            "author_name": "Ruth",
            "body_html": root.body_html,
            "created_at": root.created_at.isoformat().replace("+00:00", "Z"),
        },
        {
            "id": reply.pk,
            "parent_id": root.pk,
            "author_name": "Cal",
            "body_html": reply.body_html,
            "created_at": reply.created_at.isoformat().replace("+00:00", "Z"),
        },
    ]


@pytest.mark.parametrize(
    "status", [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED]
)
def test_comments_of_unpublished_articles_are_404(client, status):
    article = ArticleFactory(status=status)
    CommentFactory(article=article, status=CommentStatus.APPROVED)
    assert get(client, url(article)).status_code == 404


def test_a_page_has_the_keys_its_schema_declares(client):
    """The form token is in the page's schema and in every page (one class says and adds
    it), and the token is the article's."""
    article = ArticleFactory()
    CommentFactory(article=article, status=CommentStatus.APPROVED)
    body = get(client, url(article)).json()
    schema = ThreadPagination().get_paginated_response_schema({"type": "array"})
    assert set(body) == set(schema["properties"]) == set(schema["required"])
    assert form_tokens.started_at(body["form_token"], article.pk)


def test_a_whole_thread_fits_one_page_by_default(client):
    article = ArticleFactory()
    for _ in range(60):
        CommentFactory(article=article, status=CommentStatus.APPROVED)
    assert len(get(client, url(article)).json()["results"]) == 60


def test_query_count_is_the_same_for_1_and_50_comments(client):
    article = ArticleFactory()
    CommentFactory(article=article, status=CommentStatus.APPROVED)
    with assert_queries(3):
        response = get(client, url(article))
    assert response.json()["count"] == 1
    for _ in range(49):
        CommentFactory(article=article, status=CommentStatus.APPROVED)
    with assert_queries(3):
        response = get(client, url(article))
    assert response.json()["count"] == 50


def test_etag_changes_when_a_comment_is_approved(client):
    article = ArticleFactory()
    pending = CommentFactory(article=article)
    etag = get(client, url(article))["ETag"]
    assert client.get(url(article), HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.comment_moderate(comment=pending, actor=Actor.system(), status=CommentStatus.APPROVED)
    assert client.get(url(article), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_unknown_parameters_are_refused(client):
    article = ArticleFactory()
    response = get(client, url(article), status="pending")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
