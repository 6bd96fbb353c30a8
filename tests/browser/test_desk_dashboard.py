"""The desk: an editor signs in and sees what waits for them, with links to the lists."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from articles.models import ArticleStatus
from comments.models import CommentStatus
from tests.browser.conftest import ARTEFACTS, record_load, sign_in, visit
from tests.conftest import profile
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory


def test_the_desk_shows_reviews_and_pending_comments_with_links_to_them(
    page: Page, editor: User
) -> None:
    writer = AuthorFactory(name="Ada Quill")
    for n in range(3):
        ArticleFactory(
            title=f"Review me {n}",
            status=ArticleStatus.IN_REVIEW,
            authors=[writer],
            submitted_at=timezone.now() - timedelta(hours=3 - n),
        )
    ArticleFactory(title="Old archive", status=ArticleStatus.ARCHIVED)
    ArticleFactory(title="Someone's draft", status=ArticleStatus.DRAFT)
    CommentFactory.create_batch(2, status=CommentStatus.PENDING)
    CommentFactory(status=CommentStatus.APPROVED, author_name="Already fine")

    sign_in(page, editor)
    review = page.locator("#desk-review")
    expect(review.locator(".desk-count")).to_have_text("3")
    expect(review).to_contain_text("Review me 0")
    expect(review).to_contain_text("Ada Quill")
    expect(review).to_contain_text("submitted")
    comments = page.locator("#desk-comments")
    expect(comments.locator(".desk-count")).to_have_text("2")

    review.get_by_role("link", name="In review").first.click()
    record_load(page, "article list: in review")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    expect(page.locator("#result_list")).not_to_contain_text("Old archive")

    visit(page, "/admin/")
    page.locator("#desk-comments").get_by_role("link", name="Moderate 2 pending comments").click()
    record_load(page, "comment queue: pending")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    expect(page.locator("#result_list")).not_to_contain_text("Already fine")
    visit(page, "/admin/")
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=str(ARTEFACTS / "desk-index-dark.png"), full_page=True)


def test_a_writer_sees_only_their_own_work_on_the_desk(
    page: Page, author: User, other_author: User
) -> None:
    ArticleFactory(title="My half-done piece", status=ArticleStatus.DRAFT,
                   authors=[profile(author)])  # fmt: skip
    ArticleFactory(title="Their piece", status=ArticleStatus.IN_REVIEW,
                   authors=[profile(other_author)])  # fmt: skip
    sign_in(page, author)
    own = page.locator("#desk-own")
    expect(own).to_contain_text("My half-done piece")
    expect(page.locator("#content-main")).not_to_contain_text("Their piece")
    expect(page.locator("#desk-review")).to_have_count(0)
    page.screenshot(path=str(ARTEFACTS / "desk-writer.png"), full_page=True)
    own.get_by_role("link", name="My half-done piece").click()
    record_load(page, "own draft")
    expect(page.locator("#id_title")).to_have_value("My half-done piece")


def test_todays_schedule_shows_a_due_article_as_published(page: Page, editor: User) -> None:
    now = timezone.now()
    ArticleFactory(title="Went out a minute ago", status=ArticleStatus.SCHEDULED,
                   published_at=now - timedelta(minutes=1))  # fmt: skip
    sign_in(page, editor)
    row = page.locator("#desk-today tr", has_text="Went out a minute ago")
    expect(row.locator(".status-badge")).to_have_text("Published")
