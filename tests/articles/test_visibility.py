"""What readers can see of each status, with the clock under the test's control."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from articles import services
from articles.models import Article, ArticleStatus
from cms.access import Action, can
from cms.actors import Actor
from cms.errors import InvalidTransition, NotFound
from comments import services as comment_services
from tests.conftest import actor
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "visible"),
    [
        (ArticleStatus.DRAFT, False),
        (ArticleStatus.IN_REVIEW, False),
        (ArticleStatus.SCHEDULED, False),  # scheduled for the future
        (ArticleStatus.PUBLISHED, True),
        (ArticleStatus.ARCHIVED, False),
    ],
)
def test_each_status_is_visible_to_readers_only_when_live(status, visible):
    with time_machine.travel(NOON, tick=False):
        when = NOON + timedelta(days=1) if status == ArticleStatus.SCHEDULED else None
        article = ArticleFactory(status=status, **({"published_at": when} if when else {}))
        reader = Actor.anonymous()
        assert (article in Article.objects.visible_to(reader)) is visible
        assert (article in Article.objects.published()) is visible
        assert can(reader, Action.VIEW, article) is visible
        assert article.is_live is visible


def test_a_scheduled_article_appears_when_its_time_passes(editor):
    reader = Actor.anonymous()
    with time_machine.travel(NOON, tick=False) as clock:
        article = services.article_create(actor=actor(editor), title="Embargoed results")
        services.article_publish(
            article=article, actor=actor(editor), published_at=NOON + timedelta(hours=1)
        )
        assert article.status == ArticleStatus.SCHEDULED
        assert not Article.objects.visible_to(reader).filter(pk=article.pk).exists()
        with pytest.raises(NotFound):
            comment_services.comment_create(
                article=article, author_name="R", author_email="r@example.net", body="Early"
            )

        clock.move_to(NOON + timedelta(minutes=59, seconds=59))
        assert not Article.objects.visible_to(reader).filter(pk=article.pk).exists()

        clock.move_to(NOON + timedelta(hours=1))
        live = Article.objects.visible_to(reader).get(pk=article.pk)
        assert live.status == ArticleStatus.SCHEDULED  # nothing ran; the queryset decides
        assert live.is_live
        assert can(reader, Action.VIEW, live)
        comment_services.comment_create(
            article=live, author_name="R", author_email="r@example.net", body="Now"
        )


def test_publishing_a_scheduled_article_that_is_already_live_is_refused(editor):
    with time_machine.travel(NOON, tick=False) as clock:
        article = services.article_create(actor=actor(editor), title="Timed")
        services.article_publish(
            article=article, actor=actor(editor), published_at=NOON + timedelta(minutes=5)
        )
        clock.move_to(NOON + timedelta(minutes=10))
        with pytest.raises(InvalidTransition):
            services.article_publish(article=article, actor=actor(editor))
        article.refresh_from_db()
        assert article.published_at == NOON + timedelta(minutes=5)


def test_a_scheduled_article_can_be_rescheduled_before_it_goes_live(editor):
    with time_machine.travel(NOON, tick=False):
        article = services.article_create(actor=actor(editor), title="Moved")
        services.article_publish(
            article=article, actor=actor(editor), published_at=NOON + timedelta(hours=1)
        )
        services.article_publish(
            article=article, actor=actor(editor), published_at=NOON + timedelta(hours=3)
        )
        article.refresh_from_db()
        assert article.published_at == NOON + timedelta(hours=3)
