"""The admin's own preview page: an article as readers would see it, for those who may
preview it, never stored; and the front-end preview link only where one is configured."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import ArticleStatus
from cms.sanitize import sanitize_article_html
from comments.models import CommentStatus
from tests.conftest import profile
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
    library_image,
)

pytestmark = pytest.mark.django_db

# As the services store it: sanitised (links get rel="noopener noreferrer").
BODY = sanitize_article_html(
    "<h2>What happened</h2><p>The <strong>harbour</strong> opened at "
    '<a href="https://port.example/news">dawn</a>.</p><blockquote><p>It was time.</p></blockquote>'
)


def preview_path(article) -> str:
    return f"/admin/articles/article/{article.pk}/preview/"


def draft(**fields):
    defaults = {
        "title": "Harbour reopens",
        "slug": "harbour-reopens",
        "subtitle": "Ships return after a week",
        "status": ArticleStatus.DRAFT,
        "body_html": BODY,
        "reading_time_minutes": 3,
        "view_count": 1234,
        "section": SectionFactory(name="City", slug="city"),
        "authors": [AuthorFactory(name="Ada Lovelace"), AuthorFactory(name="Grace Hopper")],
        "tags": [
            TagFactory(name="Harbour", slug="harbour"),
            TagFactory(name="Shipping", slug="shipping"),
        ],
    }
    return ArticleFactory(**{**defaults, **fields})


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_an_editor_previews_a_draft_as_a_reader_would_see_it(client, editor):
    article = draft()
    client.force_login(editor)
    response = client.get(preview_path(article))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    words = text_of(page)
    assert "Preview — not published" in words
    assert "City Harbour reopens Ships return after a week" in words
    assert "By Ada Lovelace and Grace Hopper" in words
    assert "3 min read" in words
    assert "Not yet dated" in words
    assert "Harbour Shipping" in words
    assert "1,234 views · 0 comments" in words
    assert '<link rel="stylesheet" href="/static/articles/preview.css">' in page


def test_the_body_is_the_html_the_api_serves(client, editor):
    article = draft()
    client.force_login(editor)
    served = client.get("/api/v1/articles/harbour-reopens/").json()["body_html"]
    page = client.get(preview_path(article)).content.decode()
    assert served == BODY
    assert f'<div class="post-body">{served}</div>' in page


def test_a_scheduled_article_says_when_it_goes_live(client, editor, settings):
    settings.TIME_ZONE = "UTC"
    when = (timezone.now() + timedelta(days=2)).replace(hour=9, minute=30)
    article = draft(status=ArticleStatus.SCHEDULED, published_at=when)
    client.force_login(editor)
    words = text_of(client.get(preview_path(article)).content.decode())
    stamp = f"{when.day} {when:%B %Y}, 09:30 UTC"
    assert f"Scheduled for {stamp}" in words
    assert f"Scheduled: goes live {stamp}" in words


def test_a_live_article_is_previewed_as_live(client, editor):
    article = draft(status=ArticleStatus.PUBLISHED, published_at=timezone.now())
    client.force_login(editor)
    words = text_of(client.get(preview_path(article)).content.decode())
    assert "Preview — live" in words
    assert "not published" not in words


def test_the_cover_shows_with_its_alt_text_caption_and_credit(client, editor):
    cover = library_image(alt="Cranes at dawn", caption="The east quay", credit="J. Doe")
    article = draft(cover_image=cover)
    client.force_login(editor)
    page = client.get(preview_path(article)).content.decode()
    figure = page[page.index('<figure class="post-cover">') :]
    figure = figure[: figure.index("</figure>")]
    assert f'src="{cover.file.url}"' in figure or cover.file.name in figure
    assert 'alt="Cranes at dawn"' in figure
    assert "The east quay" in text_of(figure)
    assert "J. Doe" in text_of(figure)


def test_only_approved_comments_show_threaded_with_the_count(client, editor):
    article = draft(comment_count=2)
    approved = {"article": article, "status": CommentStatus.APPROVED}
    first = CommentFactory(**approved, author_name="Reader One", body_html="<p>Good news.</p>")
    CommentFactory(
        **approved, parent=first, depth=1, author_name="Reader Two", body_html="<p>Agreed.</p>"
    )
    CommentFactory(article=article, author_name="Waiting", body_html="<p>Pending one.</p>")
    client.force_login(editor)
    page = client.get(preview_path(article)).content.decode()
    words = text_of(page)
    assert "2 comments" in words
    assert "Reader One" in words
    assert "Good news." in words
    assert "Waiting" not in words
    assert "Pending one." not in words
    replies = page[page.index('<ol class="comment-replies">') :]
    assert "Reader Two" in replies[: replies.index("</ol>")]


def test_authors_preview_their_own_drafts_and_nobody_elses(client, author, other_author):
    own = draft(slug="own", authors=[profile(author)])
    theirs = draft(slug="theirs", title="Secret plans", authors=[profile(other_author)])
    live_theirs = draft(
        slug="live", status=ArticleStatus.PUBLISHED, authors=[profile(other_author)]
    )
    client.force_login(author)
    assert client.get(preview_path(own)).status_code == 200
    for refused in (theirs, live_theirs):
        response = client.get(preview_path(refused))
        assert response.status_code == 404
        assert "Secret plans" not in response.content.decode()
    # The same answer as for an id that names nothing: nothing confirms the draft exists.
    assert client.get("/admin/articles/article/999999/preview/").status_code == 404
    assert client.get("/admin/articles/article/nope/preview/").status_code == 404


def test_contributors_preview_only_their_own(client, contributor, other_author):
    own = draft(slug="own", created_by=contributor, authors=[])
    theirs = draft(slug="theirs", authors=[profile(other_author)])
    client.force_login(contributor)
    assert client.get(preview_path(own)).status_code == 200
    assert client.get(preview_path(theirs)).status_code == 404


def test_signed_out_visitors_are_sent_to_the_login_page(client, staff_without_role):
    article = draft()
    response = client.get(preview_path(article))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    client.force_login(staff_without_role)
    assert client.get(preview_path(article)).status_code in (403, 404)


def test_the_change_form_offers_the_preview_to_those_who_may_preview(client, author, other_author):
    own = draft(slug="own", authors=[profile(author)])
    theirs = draft(slug="theirs", status=ArticleStatus.PUBLISHED, authors=[profile(other_author)])
    client.force_login(author)
    page = client.get(f"/admin/articles/article/{own.pk}/change/").content.decode()
    assert f'href="{preview_path(own)}"' in page
    page = client.get(f"/admin/articles/article/{theirs.pk}/change/").content.decode()
    assert preview_path(theirs) not in page


def test_without_a_front_end_there_is_no_front_end_preview_link(client, editor, settings):
    settings.FRONTEND_PREVIEW_URL = ""
    article = draft()
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Preview on the site" not in page
    assert "token=" not in page
    assert f'href="{preview_path(article)}"' in page
    settings.FRONTEND_PREVIEW_URL = "https://news.example/preview/{slug}?token={token}"
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Preview on the site" in page
    assert "https://news.example/preview/harbour-reopens?token=" in page


def test_the_front_end_preview_is_off_by_default():
    from config.settings import base

    assert base.FRONTEND_PREVIEW_URL == ""


def test_a_stored_body_or_comment_that_escaped_the_sanitiser_runs_no_script(client, editor):
    """The page is on the admin's origin, beside the editors' session: rows written past the
    services (an import, a bulk update) are sanitised again as they are shown."""
    from articles.models import Article
    from comments.models import Comment

    article = draft(comment_count=1)
    Article.objects.filter(pk=article.pk).update(
        body_html='<p>Text</p><script>steal()</script><img src="x" onerror="steal()">'
    )
    comment = CommentFactory(article=article, status=CommentStatus.APPROVED, author_name="R")
    Comment.objects.filter(pk=comment.pk).update(
        body_html='<p onclick="steal()">Hi</p><script>steal()</script>'
    )
    client.force_login(editor)
    page = client.get(preview_path(article)).content.decode()
    assert "Text" in page
    assert "Hi" in page
    assert "steal()" not in page
