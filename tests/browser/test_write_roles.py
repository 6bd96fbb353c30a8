"""What each role is shown and told on the article form: no fields or buttons a contributor
cannot use, one message per outcome, a warning before a live article's address changes, and
a submitted article shown to its contributor as readers will see it."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import Dialog, Page, expect

from articles.models import Article, ArticleStatus
from tests.browser.conftest import record_load, sign_in, visit
from tests.conftest import profile
from tests.factories import ArticleFactory

ADD = "/admin/articles/article/add/"
BODY = ".field-body_html .ProseMirror[contenteditable]"


def change_url(article: Article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def test_a_contributor_sees_no_publish_at_and_no_publish_button(
    page: Page, contributor: User
) -> None:
    sign_in(page, contributor)
    visit(page, ADD)
    expect(page.locator("#id_title")).to_be_visible()
    expect(page.get_by_text("Publish at")).to_have_count(0)
    expect(page.locator("#id_publish_at_0")).to_have_count(0)
    expect(page.locator("input[name=_publish]")).to_have_count(0)
    expect(page.get_by_text("Featured")).to_have_count(0)
    expect(page.get_by_role("button", name="Submit for review")).to_be_visible()


def test_a_refused_transition_is_one_message_saying_what_was_saved(
    page: Page, author: User
) -> None:
    draft = ArticleFactory(status=ArticleStatus.DRAFT, title="Quay", authors=[profile(author)])
    sign_in(page, author)
    visit(page, change_url(draft))
    page.fill("#id_title", "Quay wall repairs")
    page.fill("#id_publish_at_0", "2099-01-01")  # beyond what publishing accepts
    page.fill("#id_publish_at_1", "09:00")
    page.get_by_role("button", name="Publish / schedule").click()
    page.wait_for_load_state("load")
    record_load(page, "publishing refused")
    messages = page.locator("ul.messagelist li")
    expect(messages).to_have_count(1)
    expect(messages).to_have_class("warning")
    expect(messages).to_contain_text("“Quay wall repairs” was saved, but not published")
    assert page.url.endswith(change_url(draft))  # still on the article
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Quay wall repairs", ArticleStatus.DRAFT)


def test_a_transition_taken_is_one_success_message(page: Page, author: User) -> None:
    draft = ArticleFactory(status=ArticleStatus.DRAFT, title="Quay", authors=[profile(author)])
    sign_in(page, author)
    visit(page, change_url(draft))
    page.get_by_role("button", name="Publish / schedule").click()
    page.wait_for_load_state("load")
    messages = page.locator("ul.messagelist li")
    expect(messages).to_have_count(1)
    expect(messages).to_have_text("“Quay” is now published.")


def test_changing_a_live_articles_slug_asks_first(page: Page, editor: User) -> None:
    live = ArticleFactory(status=ArticleStatus.PUBLISHED, title="Quay", slug="quay-wall")
    asked: list[str] = []
    answers = iter([False, True])

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept() if next(answers) else dialog.dismiss()

    page.on("dialog", answer)
    sign_in(page, editor)
    visit(page, change_url(live))
    expect(page.locator(".field-slug")).to_contain_text(
        "readers and search engines use the current address"
    )
    page.fill("#id_slug", "quay-wall-repairs")
    page.click("input[name=_continue]")
    page.wait_for_timeout(300)
    assert len(asked) == 1
    assert "Readers and search engines use its current address" in asked[0]
    assert "quay-wall-repairs" in asked[0]
    live.refresh_from_db()
    assert live.slug == "quay-wall"  # declined: nothing sent

    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    expect(page.locator("ul.messagelist li")).to_have_count(1)
    assert len(asked) == 2
    live.refresh_from_db()
    assert live.slug == "quay-wall-repairs"


def test_a_draft_slug_changes_without_asking(page: Page, editor: User) -> None:
    draft = ArticleFactory(status=ArticleStatus.DRAFT, title="Quay", slug="quay-wall")
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    sign_in(page, editor)
    visit(page, change_url(draft))
    expect(page.locator(".field-slug")).not_to_contain_text("search engines")
    page.fill("#id_slug", "quay-wall-repairs")
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    assert asked == []
    draft.refresh_from_db()
    assert draft.slug == "quay-wall-repairs"


def test_a_contributor_sees_their_submitted_article_rendered(page: Page, contributor: User) -> None:
    sign_in(page, contributor)
    visit(page, ADD)
    page.fill("#id_title", "Quay wall repairs")
    page.locator(BODY).click()
    page.keyboard.type("Work starts on ")
    page.keyboard.press("Control+b")
    page.keyboard.type("Monday")
    page.keyboard.press("Control+b")
    page.keyboard.type(".")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state("load")
    article = Article.objects.get()
    assert article.status == ArticleStatus.IN_REVIEW
    assert "<strong>Monday</strong>" in article.body_html

    visit(page, change_url(article))  # read only now: in review
    expect(page.locator(BODY)).to_have_count(0)
    body = page.locator(".field-body_rendered")
    expect(body.locator("strong")).to_have_text("Monday")
    expect(body).to_contain_text("Work starts on Monday.")
    expect(body).not_to_contain_text("<p>")
    expect(page.locator("body")).not_to_contain_text("<strong>")
