"""Draft previews: a token bound to one article, expiring, never cached."""

from __future__ import annotations

import html
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone

from articles import previews
from articles.models import ArticleStatus
from tests.api import gql
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

QUERY = 'query($t: String) { article(slug: "%s", previewToken: $t) { title publishedAt } }'


def test_a_preview_token_shows_the_current_draft_uncached(client, editor):
    draft = ArticleFactory(slug="embargo", status=ArticleStatus.DRAFT, title="Draft headline")
    token = previews.issue(draft, editor)
    assert client.get("/api/v1/articles/embargo/").status_code == 404
    response = client.get("/api/v1/articles/embargo/", {"preview": token})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert body["title"] == "Draft headline"
    assert body["status"] == "draft"
    _, data = gql(client, QUERY % "embargo", {"t": token})
    assert data["data"]["article"] == {"title": "Draft headline", "publishedAt": None}


def test_a_token_works_for_no_other_article(client, editor):
    first = ArticleFactory(slug="first", status=ArticleStatus.DRAFT)
    ArticleFactory(slug="second", status=ArticleStatus.DRAFT)
    token = previews.issue(first, editor)
    assert client.get("/api/v1/articles/second/", {"preview": token}).status_code == 404
    _, data = gql(client, QUERY % "second", {"t": token})
    assert data["data"]["article"] is None
    for forged in ("garbage", token[:-2] + "xx"):
        assert client.get("/api/v1/articles/first/", {"preview": forged}).status_code == 404
    blank = client.get("/api/v1/articles/first/", {"preview": ""})
    assert blank.status_code == 400  # like any blank query parameter
    assert blank.json()["errors"] == {"preview": ["May not be blank."]}


def test_tokens_expire(client, settings, editor):
    settings.PREVIEW_TOKEN_MAX_AGE = 3600
    draft = ArticleFactory(slug="d", status=ArticleStatus.DRAFT)
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        token = previews.issue(draft, editor)
        clock.shift(timedelta(minutes=59))
        assert client.get("/api/v1/articles/d/", {"preview": token}).status_code == 200
        clock.shift(timedelta(minutes=2))
        assert client.get("/api/v1/articles/d/", {"preview": token}).status_code == 404


def test_the_admin_preview_button_links_to_the_front_end_with_a_working_token(
    client, editor, settings
):
    settings.FRONTEND_PREVIEW_URL = "https://news.example/preview/{slug}?token={token}"
    draft = ArticleFactory(slug="d", status=ArticleStatus.DRAFT, title="Soon")
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    start = page.index("https://news.example/preview/d?token=")
    link = html.unescape(page[start : page.index('"', start)])
    token = parse_qs(urlsplit(link).query)["token"][0]
    assert client.get("/api/v1/articles/d/", {"preview": token}).json()["title"] == "Soon"


def test_only_those_who_may_preview_get_the_button_or_a_token(
    client, contributor, editor, settings
):
    from cms.errors import PermissionDenied

    settings.FRONTEND_PREVIEW_URL = "https://news.example/preview/{slug}?token={token}"
    theirs = ArticleFactory(slug="theirs", title="Live, not mine")  # live, by someone else
    client.force_login(contributor)
    page = client.get(f"/admin/articles/article/{theirs.pk}/change/").content.decode()
    assert "Preview on the site" not in page
    with pytest.raises(PermissionDenied):
        previews.issue(theirs, contributor)


def test_a_token_dies_with_its_issuers_right_to_preview(client, author):
    from tests.conftest import profile

    draft = ArticleFactory(slug="d", status=ArticleStatus.DRAFT, authors=[profile(author)])
    token = previews.issue(draft, author)
    assert client.get("/api/v1/articles/d/", {"preview": token}).status_code == 200
    draft.bylines.all().delete()  # taken off the article: no longer theirs to show
    assert client.get("/api/v1/articles/d/", {"preview": token}).status_code == 404
    draft.bylines.create(author=profile(author), position=0)
    author.is_active = False
    author.save()
    assert client.get("/api/v1/articles/d/", {"preview": token}).status_code == 404


def test_a_token_dies_when_its_issuer_is_no_longer_staff(client, editor):
    draft = ArticleFactory(slug="d", status=ArticleStatus.DRAFT)
    token = previews.issue(draft, editor)
    assert client.get("/api/v1/articles/d/", {"preview": token}).status_code == 200
    editor.is_staff = False
    editor.save()
    assert client.get("/api/v1/articles/d/", {"preview": token}).status_code == 404
    _, data = gql(client, QUERY % "d", {"t": token})
    assert data["data"]["article"] is None
    editor.is_staff = True  # restored: the link works again until it expires
    editor.save()
    assert client.get("/api/v1/articles/d/", {"preview": token}).status_code == 200
