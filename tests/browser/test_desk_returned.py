"""Returned to the writer: an editor sends an article in review back, and its writer finds it
on their desk, under "Returned to you", and can edit it again."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, ArticleStatus
from tests.browser.conftest import ARTEFACTS, BrowserSession, record_load, sign_in, visit
from tests.conftest import profile
from tests.factories import ArticleFactory


def test_an_editor_returns_an_article_and_its_writer_finds_it_on_the_desk(
    browser: BrowserSession, editor: User, contributor: User
) -> None:
    article = ArticleFactory(
        title="Needs another pass",
        status=ArticleStatus.IN_REVIEW,
        authors=[profile(contributor)],
        created_by=contributor,
        submitted_at=timezone.now(),
    )
    desk = browser.new_page()
    sign_in(desk, editor)
    visit(desk, f"/admin/articles/article/{article.pk}/change/")
    desk.screenshot(path=str(ARTEFACTS / "desk-return-button.png"), full_page=True)
    desk.get_by_role("button", name="Return to writer").click()
    record_load(desk, "article returned")
    messages = desk.locator("ul.messagelist li")
    expect(messages).to_have_count(1)
    expect(messages).to_have_class("success")
    expect(messages).to_contain_text("Needs another pass")
    expect(messages).to_have_text(
        "“Needs another pass” was returned to the writer: it is now draft."
    )
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert article.returned_at is not None

    writer = browser.new_page()
    sign_in(writer, contributor)
    returned = writer.locator("#desk-own-returned")
    expect(returned.locator(".desk-count")).to_have_text("1")
    expect(returned).to_contain_text("Needs another pass")
    expect(returned).to_contain_text("returned")
    writer.screenshot(path=str(ARTEFACTS / "desk-returned-writer.png"), full_page=True)
    returned.get_by_role("link", name="Needs another pass").click()
    record_load(writer, "returned article")
    title = writer.locator("#id_title")
    expect(title).to_be_editable()
    title.fill("Needs another pass, done")
    writer.get_by_role("button", name="Save and continue editing").click()
    record_load(writer, "returned article saved")
    expect(writer.locator("ul.messagelist li.success")).to_have_count(1)
    assert Article.objects.get(pk=article.pk).title == "Needs another pass, done"
