from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, ArticleStatus
from cms.actors import Actor
from tests.conftest import actor, profile
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_published_means_live_now():
    now = timezone.now()
    live = ArticleFactory(status=ArticleStatus.PUBLISHED, published_at=now - timedelta(minutes=1))
    due = ArticleFactory(status=ArticleStatus.SCHEDULED, published_at=now - timedelta(seconds=1))
    ArticleFactory(status=ArticleStatus.SCHEDULED, published_at=now + timedelta(hours=1))
    ArticleFactory(status=ArticleStatus.DRAFT)
    ArticleFactory(status=ArticleStatus.IN_REVIEW)
    ArticleFactory(status=ArticleStatus.ARCHIVED, published_at=now - timedelta(days=3))
    assert set(Article.objects.published()) == {live, due}


def test_a_scheduled_article_goes_live_at_its_time_without_any_job():
    at = timezone.now() + timedelta(hours=2)
    article = ArticleFactory(status=ArticleStatus.SCHEDULED, published_at=at)
    assert article not in Article.objects.published()
    assert article in Article.objects.published(now=at)
    assert article in Article.objects.published(now=at + timedelta(seconds=1))


def test_anonymous_readers_see_only_live_articles(contributor):
    live = ArticleFactory()
    ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(contributor)])
    assert list(Article.objects.visible_to(Actor.anonymous())) == [live]


def test_contributors_see_live_articles_and_their_own_drafts(contributor, other_author):
    live = ArticleFactory()
    mine = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(contributor)])
    ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(other_author)])
    assert set(Article.objects.visible_to(actor(contributor))) == {live, mine}


def test_editors_see_everything(editor):
    for status in ArticleStatus:
        ArticleFactory(status=status)
    assert Article.objects.visible_to(actor(editor)).count() == len(ArticleStatus)


def test_database_refuses_a_live_article_without_a_date():
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PUBLISHED)


def test_database_refuses_an_unknown_status():
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status="deleted")


def test_slugs_are_unique_in_the_database():
    ArticleFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(slug="same")


def test_front_end_url_follows_the_configured_pattern(settings):
    article = ArticleFactory(slug="ferry", section=SectionFactory(slug="town"))
    assert article.url == "https://example.com/town/ferry"
    settings.FRONTEND_ARTICLE_URL = "https://news.example/{year}/{month}/{slug}"
    date = article.published_at
    assert article.url == f"https://news.example/{date.year:04d}/{date.month:02d}/ferry"
    article.section = None
    settings.FRONTEND_ARTICLE_URL = "https://news.example/{section}/{slug}"
    assert article.url == "https://news.example/news/ferry"
