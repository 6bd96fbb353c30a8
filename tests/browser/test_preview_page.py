"""The admin's preview page in a browser: the change form's Preview button opens the saved
article laid out as a reader's page, with no front-end running; nobody else's draft opens."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from articles.models import ArticleStatus
from comments.models import CommentStatus
from tests.browser.conftest import BrowserSession, record_load, sign_in, visit
from tests.conftest import profile
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

BODY = (
    "<h2>What happened</h2><p>The harbour <strong>reopened on Monday</strong> after a week "
    'of storms. <a href="https://port.example/notice">Read the notice</a>.</p>'
    "<blockquote><p>We are open again.</p></blockquote><p>Ships queued overnight.</p>"
)


def a_draft(**fields):
    return ArticleFactory(
        **{
            "title": "Harbour reopens after storm",
            "slug": "harbour-reopens",
            "subtitle": "Ships return after a week at anchor",
            "status": ArticleStatus.DRAFT,
            "body_html": BODY,
            "reading_time_minutes": 2,
            "view_count": 1234,
            "comment_count": 1,
            "section": SectionFactory(name="City", slug="city"),
            "tags": [
                TagFactory(name="Harbour", slug="harbour"),
                TagFactory(name="Weather", slug="weather"),
            ],
            **fields,
        }
    )


def test_the_preview_button_opens_the_draft_as_a_reader_would_see_it(
    browser: BrowserSession, page: Page, editor: User
) -> None:
    article = a_draft(
        authors=[AuthorFactory(name="Ada Lovelace"), AuthorFactory(name="Grace Hopper")]
    )
    CommentFactory(
        article=article,
        author_name="Harbour Watcher",
        body_html="<p>Good to see the cranes moving.</p>",
        status=CommentStatus.APPROVED,
    )
    CommentFactory(article=article, author_name="Not Yet", body_html="<p>Pending words.</p>")
    sign_in(page, editor)
    visit(page, f"/admin/articles/article/{article.pk}/change/")
    # No front-end is configured: no link that would lead nowhere.
    expect(page.get_by_role("link", name="Preview on the site")).to_have_count(0)
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Preview", exact=True).click()
    preview = opened.value
    browser.pages.append(preview)  # screenshotted with the others at the end
    record_load(preview, "article preview")

    expect(preview.get_by_role("status")).to_contain_text("Preview — not published")
    post = preview.locator("article.post")
    expect(post.get_by_role("heading", level=1)).to_have_text("Harbour reopens after storm")
    expect(post.locator(".post-section")).to_have_text("City")
    expect(post.locator(".post-subtitle")).to_have_text("Ships return after a week at anchor")
    expect(post.locator(".post-byline")).to_have_text("By Ada Lovelace and Grace Hopper")
    expect(post.locator(".post-reading-time")).to_have_text("2 min read")
    body = post.locator(".post-body")
    expect(body.get_by_role("heading", level=2)).to_have_text("What happened")
    expect(body.locator("strong")).to_have_text("reopened on Monday")
    expect(body.get_by_role("link", name="Read the notice")).to_have_attribute(
        "href", "https://port.example/notice"
    )
    expect(body.locator("blockquote")).to_have_text("We are open again.")
    expect(post.get_by_role("list", name="Tags")).to_have_text("HarbourWeather")
    expect(post.locator(".post-stats")).to_have_text("1,234 views · 1 comment")
    comments = post.locator(".post-comments")
    expect(comments).to_contain_text("Harbour Watcher")
    expect(comments).to_contain_text("Good to see the cranes moving.")
    expect(comments).not_to_contain_text("Pending words.")
    # Laid out by its own stylesheet (served here): a reading column in a serif face.
    font = body.evaluate("el => getComputedStyle(el).fontFamily")
    assert "Georgia" in font
    width = post.evaluate("el => el.getBoundingClientRect().width")
    assert 500 < width <= 800, width


def test_an_author_cannot_open_another_authors_preview(
    page: Page, author: User, other_author: User
) -> None:
    theirs = a_draft(title="Embargoed scoop", authors=[profile(other_author)])
    sign_in(page, author)
    response = visit(page, f"/admin/articles/article/{theirs.pk}/preview/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Embargoed scoop")
    expect(page.locator("body")).not_to_contain_text("reopened on Monday")
