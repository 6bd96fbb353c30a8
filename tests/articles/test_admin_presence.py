"""Who else has an article open: a notice on the change page, never a lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.admin import presence
from articles.models import ArticleStatus
from tests.articles.test_admin import change_url
from tests.conftest import profile
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def editing_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/editing/"


def test_the_second_person_to_open_an_article_is_told_who_has_it_open(client, editor, author):
    article = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(author)])
    author.first_name, author.last_name = "Maya", "Berg"
    author.save()
    client.force_login(author)
    assert "is editing this article" not in client.get(change_url(article)).content.decode()
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert "Maya Berg is editing this article (since " in page
    assert 'name="_save"' in page  # a notice, not a lock

    client.force_login(author)
    notices = client.post(editing_url(article)).json()["notices"]
    assert len(notices) == 1
    assert notices[0].startswith("editor is editing this article (since ")


def test_a_page_that_was_left_or_went_quiet_is_forgotten(editor, author):
    article = ArticleFactory()
    start = timezone.now()
    presence.here(article.pk, author, now=start)
    assert [e.name for e in presence.here(article.pk, editor, now=start)] == ["author"]
    presence.left(article.pk, author)
    assert presence.here(article.pk, editor, now=start) == []
    presence.here(article.pk, author, now=start)
    later = start + timedelta(seconds=presence.STALE_AFTER_SECONDS + 1)
    assert presence.here(article.pk, editor, now=later) == []


def test_the_time_shown_is_when_they_opened_it_not_their_last_beat(editor, author):
    article = ArticleFactory()
    start = timezone.now()
    presence.here(article.pk, author, now=start)
    presence.here(article.pk, author, now=start + timedelta(seconds=60))
    [other] = presence.here(article.pk, editor, now=start + timedelta(seconds=61))
    assert abs(other.since - start) < timedelta(seconds=1)


def test_the_heartbeat_follows_the_article_policy(client, author, other_author):
    theirs = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(other_author)])
    live = ArticleFactory(authors=[profile(other_author)])
    client.force_login(author)
    assert client.post(editing_url(theirs)).status_code == 404  # not even visible
    assert client.post(editing_url(live)).status_code == 403  # visible, not theirs to edit
    assert client.get(editing_url(live)).status_code == 405
