"""comment_count under concurrent moderation. Needs real row locks, so it runs on the
PostgreSQL leg of CI (SQLite serialises every writer, which makes the race impossible)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from articles.models import Article
from cms.actors import Actor
from comments import services
from comments.models import CommentStatus
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="exercises PostgreSQL row locks"),
]


def test_concurrent_approvals_count_exactly(editor):
    article = ArticleFactory()
    comments = [CommentFactory(article=article) for _ in range(20)]
    barrier = threading.Barrier(len(comments))
    moderator = Actor.for_user(editor)

    def approve(comment):
        try:
            barrier.wait(timeout=10)
            services.comment_moderate(
                comment=comment, actor=moderator, status=CommentStatus.APPROVED
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(comments)) as pool:
        list(pool.map(approve, comments))
    assert Article.objects.get(pk=article.pk).comment_count == 20
