"""Two people on one article: the second save is refused with who saved, when and what
changed, everything typed stays in the form, and saving over the newer version is a choice."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from articles.models import Article, ArticleStatus
from cms.roles import Role
from tests.browser.conftest import ARTEFACTS, BrowserSession, record_load, sign_in, visit
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

TYPED = "Late paragraph from the second desk."
THEIRS = "Ferries run again from Monday."


def person(username: str, first: str, last: str) -> User:
    user = UserFactory(username=username, role=Role.EDITOR)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def change_url(article: Article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def save(page: Page, label: str) -> None:
    with page.expect_navigation():
        page.click("input[name=_save]")
    record_load(page, label)


# Whether the body editor's own state has its cursor at the very end of the document.
# ProseMirror learns of a cursor the keyboard moved from the browser's asynchronous
# selectionchange event: a person's next key comes long after it, a script's may not.
CURSOR_AT_END = """() => {
    const state = document.querySelector(".field-body_html .ProseMirror[contenteditable]")
        .editor.state;
    return state.selection.empty && state.selection.to === state.doc.content.size - 1;
}"""


def type_in_body(page: Page, text: str) -> None:
    """A new paragraph at the end of the body, typed."""
    body = page.locator(".field-body_html .ProseMirror[contenteditable]").first
    body.locator("p").last.click()
    page.keyboard.press("Control+End")
    page.wait_for_function(CURSOR_AT_END)
    page.keyboard.press("Enter")
    page.keyboard.type(text)
    expect(body.locator("p").last).to_have_text(text)


def two_editors_on_one_article(browser: BrowserSession, article: Article) -> tuple[Page, Page]:
    maya, jonas = person("maya", "Maya", "Berg"), person("jonas", "Jonas", "Lund")
    first, second = browser.new_page(), browser.new_page()
    sign_in(first, maya)
    sign_in(second, jonas)
    visit(first, change_url(article))
    visit(second, change_url(article))
    return first, second


def screenshot(page: Page, name: str) -> None:
    """Keep the page as a person sees it at this step (the fixture keeps only the last)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def the_second_save_is_refused(first: Page, second: Page, article: Article, name: str) -> None:
    original_title = article.title
    first.fill("#id_title", "Harbour reopens after storm")
    type_in_body(first, THEIRS)
    save(first, "article saved")
    expect(first.locator(".messagelist")).to_contain_text("changed successfully")

    type_in_body(second, TYPED)
    save(second, "article save refused")

    conflict = second.locator("#article-conflict")
    screenshot(second, f"{name}-refused")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Not saved: Maya Berg saved this article at")
    expect(second.locator("text=Please correct the error below.")).to_have_count(0)
    # What changed in between: the title, as the second person opened it and as saved now.
    title_row = conflict.locator("tr", has_text="Title")
    expect(title_row).to_contain_text(original_title)
    expect(title_row).to_contain_text("Harbour reopens after storm")
    body_row = conflict.locator("tr", has_text="Body")
    expect(body_row.locator("ins")).to_have_text(THEIRS)
    expect(body_row).to_contain_text("changed by you: your text is in the editor below")
    # What they typed is still in the editor, and nothing was overwritten.
    expect(second.locator(".field-body_html .ProseMirror[contenteditable]").first).to_contain_text(
        TYPED
    )
    expect(second.locator("#id_title")).to_have_value(original_title)
    article.refresh_from_db()
    assert article.title == "Harbour reopens after storm"
    assert THEIRS in article.body_html
    assert TYPED not in article.body_html

    # Saving as usual again is refused again: overwriting takes the button, on purpose.
    save(second, "article save refused again")
    expect(second.locator("#article-conflict")).to_be_visible()
    article.refresh_from_db()
    assert TYPED not in article.body_html

    # Merge their title and paragraph in, then save mine over theirs.
    second.fill("#id_title", "Harbour reopens after storm")
    type_in_body(second, THEIRS)
    with second.expect_navigation():
        second.get_by_role("button", name="Save mine over theirs").click()
    record_load(second, "article saved over a newer version")
    expect(second.locator(".messagelist")).to_contain_text("changed successfully")
    article.refresh_from_db()
    assert article.title == "Harbour reopens after storm"
    assert TYPED in article.body_html
    assert THEIRS in article.body_html


def test_two_editors_on_an_article_with_a_byline(browser: BrowserSession) -> None:
    writer = AuthorFactory(name="Ada Reporter")
    article = ArticleFactory(
        status=ArticleStatus.DRAFT, title="Storm closes the harbour", authors=[writer]
    )
    first, second = two_editors_on_one_article(browser, article)
    the_second_save_is_refused(first, second, article, "form-conflict-with-byline")
    assert [b.author for b in article.bylines.all()] == [writer]


def test_two_editors_on_an_article_without_a_byline(browser: BrowserSession) -> None:
    article = ArticleFactory(status=ArticleStatus.DRAFT, title="Storm closes the harbour")
    first, second = two_editors_on_one_article(browser, article)
    the_second_save_is_refused(first, second, article, "form-conflict-without-byline")


def test_each_person_sees_who_else_has_the_article_open(browser: BrowserSession) -> None:
    article = ArticleFactory(status=ArticleStatus.DRAFT, title="Storm closes the harbour")
    first, second = two_editors_on_one_article(browser, article)
    expect(second.locator("#article-editing")).to_contain_text(
        "Maya Berg is editing this article (since "
    )
    expect(second.locator("input[name=_save]")).to_be_enabled()  # a notice, never a lock
    # The first page hears of the second at its next heartbeat.
    first.evaluate("() => window.bylinePresence.beat()")
    expect(first.locator("#article-editing")).to_contain_text("Jonas Lund is editing this article")
    screenshot(second, "form-presence-notice")
    # Leaving the page says so: the other stops seeing the notice at its next heartbeat.
    visit(first, "/admin/")
    second.evaluate("() => window.bylinePresence.beat()")
    expect(second.locator("#article-editing")).not_to_contain_text("Maya Berg")
