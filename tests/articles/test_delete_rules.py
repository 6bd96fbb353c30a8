"""Whether an article was ever live (``first_published_at``), and who may delete it.

Contributors and authors delete only their own work that was never public; anything that
was ever live needs an editor, whatever its status now.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleStatus
from articles.policies import EVER_LIVE_REFUSAL
from cms.access import Action, can
from cms.errors import PermissionDenied
from tests.api import gql
from tests.conftest import actor, profile
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def draft_of(user):
    return services.article_create(actor=actor(user), title="Mine")


def stored(article):
    return Article.objects.get(pk=article.pk)


def test_publishing_now_records_when_it_first_went_live(author):
    article = services.article_publish(article=draft_of(author), actor=actor(author))
    first = stored(article).first_published_at
    assert first is not None
    assert first == stored(article).published_at
    assert article.first_published_at == first  # the caller's instance is kept in step
    services.article_unpublish(article=article, actor=actor(author))
    later = timezone.now() + timedelta(seconds=5)
    services.article_publish(article=article, actor=actor(author), published_at=later)
    services.article_unpublish(article=article, actor=actor(author))
    services.article_publish(article=article, actor=actor(author))
    assert stored(article).first_published_at == first  # set once, never moved or cleared


def test_a_back_dated_publication_went_live_at_its_date(editor):
    when = timezone.now() - timedelta(days=400)
    article = services.article_publish(article=draft_of(editor), actor=actor(editor),
                                       published_at=when)  # fmt: skip
    assert stored(article).first_published_at == when


def test_scheduling_is_not_going_live(author):
    article = draft_of(author)
    later = timezone.now() + timedelta(days=1)
    services.article_publish(article=article, actor=actor(author), published_at=later)
    assert stored(article).first_published_at is None
    services.article_unpublish(article=article, actor=actor(author))  # before its time
    assert stored(article).first_published_at is None
    services.article_delete(article=article, actor=actor(author))  # never public: theirs
    assert not Article.objects.filter(pk=article.pk).exists()


def test_the_job_records_scheduled_articles_going_live(author):
    article = draft_of(author)
    when = timezone.now() + timedelta(minutes=5)
    services.article_publish(article=article, actor=actor(author), published_at=when)
    assert services.publish_due_articles(now=when + timedelta(seconds=1)) == 1
    assert stored(article).first_published_at == when


def test_the_job_keeps_an_earlier_first_publication(author):
    first = timezone.now() - timedelta(days=3)
    article = ArticleFactory(status=ArticleStatus.SCHEDULED, authors=[profile(author)],
                             published_at=timezone.now() - timedelta(minutes=1),
                             first_published_at=first)  # fmt: skip
    assert services.publish_due_articles() == 1
    assert stored(article).first_published_at == first


def test_a_scheduled_article_live_by_its_date_is_recorded_when_taken_down(author):
    # Its time came, and it was live, before the job tidied it: unpublishing records it.
    when = timezone.now() - timedelta(minutes=1)
    article = ArticleFactory(status=ArticleStatus.SCHEDULED, published_at=when,
                             first_published_at=None, authors=[profile(author)])  # fmt: skip
    assert not can(actor(author), Action.DELETE, article)  # live, so ever live, already
    services.article_unpublish(article=article, actor=actor(author))
    assert stored(article).first_published_at == when
    with pytest.raises(PermissionDenied):
        services.article_delete(article=stored(article), actor=actor(author))


@pytest.mark.parametrize("role", ["author", "contributor"])
def test_writers_may_not_delete_their_unpublished_after_live_work(request, editor, role):
    writer = request.getfixturevalue(role)
    article = draft_of(writer)
    services.article_publish(article=article, actor=actor(editor))
    services.article_unpublish(article=article, actor=actor(editor))
    assert stored(article).status == ArticleStatus.DRAFT  # a draft again, as before
    with pytest.raises(PermissionDenied) as refused:
        services.article_delete(article=article, actor=actor(writer))
    assert refused.value.message == EVER_LIVE_REFUSAL
    assert Article.objects.filter(pk=article.pk).exists()
    services.article_delete(article=article, actor=actor(editor))
    assert not Article.objects.filter(pk=article.pk).exists()


def test_the_reason_is_for_the_writer_of_the_article_only(author, other_author):
    # Someone else's article is refused as any other: its history is none of their business.
    article = ArticleFactory(status=ArticleStatus.ARCHIVED, authors=[profile(other_author)])
    with pytest.raises(PermissionDenied) as refused:
        services.article_delete(article=article, actor=actor(author))
    assert refused.value.message != EVER_LIVE_REFUSAL


def test_the_apis_tell_the_writer_why(client, author):
    went_out = timezone.now() - timedelta(days=3)
    ArticleFactory(slug="was-live", status=ArticleStatus.DRAFT, published_at=went_out,
                   first_published_at=went_out, authors=[profile(author)])  # fmt: skip
    client.force_login(author)
    response = client.delete("/api/v1/articles/was-live/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert EVER_LIVE_REFUSAL in response.content.decode()
    _, body = gql(client, 'mutation { deleteArticle(slug: "was-live") { deletedId '
                          "errors { code message } } }")  # fmt: skip
    payload = body["data"]["deleteArticle"]
    assert payload["deletedId"] is None
    assert payload["errors"] == [{"code": "PERMISSION_DENIED", "message": EVER_LIVE_REFUSAL}]
    assert Article.objects.filter(slug="was-live").exists()
