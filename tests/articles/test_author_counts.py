"""Authors' article counts are stored and kept by the services: exact after every write that
changes what is live or who is credited, and at the moment a scheduled article goes live."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.models import ArticleStatus, Author
from cms.actors import Actor
from tests.api import get, gql
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

AUTHOR = '{ author(slug: "%s") { articleCount } }'


def counts(client, slug: str) -> tuple[int | None, int | None]:
    """The author's article_count through REST and GraphQL (None: no public profile)."""
    response = get(client, f"/api/v1/authors/{slug}/")
    rest = response.json()["article_count"] if response.status_code == 200 else None
    _, body = gql(client, AUTHOR % slug)
    found = body["data"]["author"]
    return rest, (found["articleCount"] if found else None)


def test_publish_unpublish_trash_restore_keep_the_count(client, editor):
    actor = Actor.for_user(editor)
    maya = AuthorFactory(slug="maya")
    draft = services.article_create(actor=actor, title="A draft", authors=[maya])
    assert counts(client, "maya") == (None, None)
    services.article_publish(article=draft, actor=actor)
    assert counts(client, "maya") == (1, 1)
    other = services.article_create(actor=actor, title="Another", authors=[maya])
    services.article_publish(article=other, actor=actor)
    assert counts(client, "maya") == (2, 2)
    services.article_unpublish(article=other, actor=actor)
    assert counts(client, "maya") == (1, 1)
    services.article_delete(article=draft, actor=actor)
    assert counts(client, "maya") == (None, None)
    services.article_restore_from_trash(article=draft, actor=actor)
    assert counts(client, "maya") == (1, 1)
    services.article_archive(article=draft, actor=actor)
    assert counts(client, "maya") == (None, None)


def test_a_byline_change_moves_the_count(client, editor):
    actor = Actor.for_user(editor)
    maya, noor = AuthorFactory(slug="maya"), AuthorFactory(slug="noor")
    article = ArticleFactory(authors=[maya])
    assert counts(client, "maya") == (1, 1)
    services.article_update(article=article, actor=actor, authors=[noor])
    assert counts(client, "maya") == (None, None)
    assert counts(client, "noor") == (1, 1)
    services.article_update(article=article, actor=actor, authors=[noor, maya])
    assert counts(client, "maya") == (1, 1)
    assert counts(client, "noor") == (1, 1)
    assert get(client, "/api/v1/authors/").json()["count"] == 2


def test_a_scheduled_article_counts_from_its_time_without_any_write(client, editor):
    actor = Actor.for_user(editor)
    maya = AuthorFactory(slug="maya")
    ArticleFactory(authors=[maya])
    soon = services.article_create(actor=actor, title="Soon", authors=[maya])
    at = timezone.now() + timedelta(hours=1)
    services.article_publish(article=soon, actor=actor, published_at=at)
    assert counts(client, "maya") == (1, 1)
    with time_machine.travel(at + timedelta(seconds=1)):
        assert counts(client, "maya") == (2, 2)  # live by the clock; the job has not run
        services.publish_due_articles()
        assert counts(client, "maya") == (2, 2)
    assert Author.objects.get(slug="maya").published_or_scheduled_count == 2


def test_an_author_with_only_work_to_come_is_not_listed(client, editor):
    actor = Actor.for_user(editor)
    later = AuthorFactory(slug="later")
    article = services.article_create(actor=actor, title="Later", authors=[later])
    at = timezone.now() + timedelta(days=1)
    services.article_publish(article=article, actor=actor, published_at=at)
    assert counts(client, "later") == (None, None)
    assert get(client, "/api/v1/authors/").json()["count"] == 0
    _, body = gql(client, "{ authors(first: 5) { totalCount } }")
    assert body["data"]["authors"]["totalCount"] == 0


def test_the_scheduler_publishing_many_recounts_them(client, editor):
    actor = Actor.for_user(editor)
    maya = AuthorFactory(slug="maya")
    at = timezone.now() + timedelta(minutes=5)
    for n in range(3):
        article = services.article_create(actor=actor, title=f"Due {n}", authors=[maya])
        services.article_publish(article=article, actor=actor, published_at=at)
    with time_machine.travel(at + timedelta(seconds=1)):
        assert services.publish_due_articles() == 3
        assert counts(client, "maya") == (3, 3)


def test_recount_command_mends_counts_written_outside_the_services(client):
    maya = AuthorFactory(slug="maya")
    ArticleFactory(authors=[maya])
    Author.objects.filter(pk=maya.pk).update(published_or_scheduled_count=7)
    assert counts(client, "maya") == (7, 7)
    call_command("recount_authors", stdout=StringIO())
    assert counts(client, "maya") == (1, 1)


def test_an_unused_author_deleted_leaves_the_others_counts(client, editor):
    actor = Actor.for_user(editor)
    maya, gone = AuthorFactory(slug="maya"), AuthorFactory(slug="gone")
    ArticleFactory(authors=[maya])
    services.taxonomy_delete(obj=gone, actor=actor)
    assert counts(client, "maya") == (1, 1)


def test_the_migrations_first_count_uses_the_live_statuses():
    """Migration 0015 counts the statuses it names (it may not import the lifecycle): held to
    the lifecycle's declaration here."""
    from articles.lifecycle import LIVE_STATUSES

    assert set(LIVE_STATUSES) == {ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED}


def test_saving_an_author_loaded_before_their_article_went_live_keeps_the_count(editor):
    """An editor's copy of the profile, opened before the publish, must not write back the
    count it was loaded with."""
    author = AuthorFactory()
    stale = Author.objects.get(pk=author.pk)
    ArticleFactory(authors=[author])
    stale.bio = "Covers the harbour."
    services.taxonomy_save(obj=stale, actor=Actor(user=editor))
    assert Author.objects.get(pk=author.pk).published_or_scheduled_count == 1
