"""Moderating from the queue's rows, and the figures that follow: the desk's pending count and
the article's comment_count in REST."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from comments.models import CommentStatus
from tests.browser.conftest import ARTEFACTS, record_load, sign_in, visit
from tests.factories import ArticleFactory, CommentFactory


def test_approving_by_the_row_button_updates_the_desk_and_the_api(page: Page, editor: User) -> None:
    article = ArticleFactory(title="Ferry strike", slug="ferry-strike")
    CommentFactory(article=article, author_name="Kari", body_html="<p>Good piece.</p>")
    CommentFactory(article=article, author_name="Spammy", spam_reason="too many links",
                   status=CommentStatus.SPAM)  # fmt: skip
    CommentFactory(author_name="Elsewhere")
    api = f"/api/v1/articles/{article.slug}/"
    assert page.request.get(api).json()["comment_count"] == 0

    sign_in(page, editor)
    expect(page.locator("#desk-comments .desk-count")).to_have_text("2")
    page.locator("#desk-comments").get_by_role("link", name="Moderate 2 pending comments").click()
    record_load(page, "comment queue: pending")
    visit(page, "/admin/comments/comment/")
    expect(page.locator("#result_list")).to_contain_text("too many links")  # the spam reason
    page.screenshot(path=str(ARTEFACTS / "desk-comment-queue-before.png"), full_page=True)

    row = page.locator("#result_list tbody tr", has_text="Kari")
    row.get_by_role("button", name="Approve comment by Kari").click()
    record_load(page, "comment queue after approving")
    expect(page.locator(".messagelist")).to_contain_text("Comment by Kari marked approved")
    kari = page.locator("#result_list tbody tr", has_text="Kari")
    expect(kari.locator(".status-badge")).to_have_text("Approved")
    expect(page.locator("#result_list tbody tr", has_text="Elsewhere").locator(".status-badge")
           ).to_have_text("Pending")  # fmt: skip

    visit(page, "/admin/")
    expect(page.locator("#desk-comments .desk-count")).to_have_text("1")
    assert page.request.get(api).json()["comment_count"] == 1
