"""Optimistic locking under real concurrency (PostgreSQL row locks)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from articles import services
from articles.models import Article, ArticleStatus
from cms.actors import Actor
from cms.errors import VersionConflict
from tests.factories import ArticleFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="exercises PostgreSQL row locks"),
]


def test_of_20_simultaneous_edits_of_one_version_exactly_one_wins(editor):
    article = ArticleFactory(status=ArticleStatus.DRAFT, version=1)
    barrier = threading.Barrier(20)
    actor = Actor.for_user(editor)

    def edit(n):
        try:
            copy = Article.objects.get(pk=article.pk)
            barrier.wait(timeout=10)
            services.article_update(
                article=copy, actor=actor, expected_version=1, title=f"Edit {n}"
            )
            return "saved"
        except VersionConflict:
            return "conflict"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(edit, range(20)))
    assert outcomes.count("saved") == 1
    assert outcomes.count("conflict") == 19
    assert Article.objects.get(pk=article.pk).version == 2
