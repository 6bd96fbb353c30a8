"""Writing an article in the browser: the title box, the body editor's size and spellcheck,
and the warning before leaving unsaved work."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import Dialog, Page, expect

from articles.models import Article, ArticleStatus
from tests.browser.conftest import record_load, sign_in, visit
from tests.conftest import profile
from tests.factories import ArticleFactory

ADD = "/admin/articles/article/add/"
BODY = ".field-body_html .ProseMirror[contenteditable]"


def leave(page: Page) -> None:
    """Follow the breadcrumb to the article list."""
    page.click('.breadcrumbs a[href="/admin/articles/article/"]')


def editor_height(page: Page) -> float:
    return page.locator(BODY).bounding_box()["height"]  # type: ignore[index]


def test_the_title_box_is_wide_and_large(page: Page, editor: User) -> None:
    sign_in(page, editor)
    visit(page, ADD)
    title = page.locator("#id_title")
    box = title.bounding_box()
    assert box is not None
    assert box["width"] >= 600, f"title box {box['width']} px wide"
    font = title.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert font >= 20, f"title in {font} px type"
    subtitle = page.locator("#id_subtitle").bounding_box()
    assert subtitle is not None
    assert subtitle["width"] >= 600, f"subtitle box {subtitle['width']} px wide"


def test_the_body_editor_starts_at_about_twenty_lines_and_grows(page: Page, editor: User) -> None:
    sign_in(page, editor)
    visit(page, ADD)
    editor_box = page.locator(BODY)
    expect(editor_box).to_be_visible()
    before = editor_height(page)
    assert before >= 20 * 15, f"the editor starts {before} px tall"
    editor_box.click()
    for n in range(40):
        page.keyboard.type(f"Line {n} of the copy.")
        page.keyboard.press("Enter")
    after = editor_height(page)
    assert after > before + 200, f"the editor grew from {before} to {after} px"
    # It grows rather than scrolling inside itself.
    assert editor_box.evaluate("el => el.scrollHeight <= el.clientHeight + 1")


def test_the_body_editor_checks_spelling(page: Page, editor: User) -> None:
    sign_in(page, editor)
    visit(page, ADD)
    editor_box = page.locator(BODY)
    expect(editor_box).to_be_visible()
    page.wait_for_load_state("load")
    expect(editor_box).to_have_attribute("spellcheck", "true")
    assert editor_box.evaluate("el => el.spellcheck") is True
    editor_box.click()  # and it stays on while writing (the editor redraws its attributes)
    page.keyboard.type("Teh harbour")
    page.keyboard.press("Enter")
    expect(editor_box).to_have_attribute("spellcheck", "true")


def test_leaving_unsaved_work_warns_and_saving_does_not(
    page: Page, editor: User, author: User
) -> None:
    article = ArticleFactory(
        status=ArticleStatus.DRAFT, title="Quay wall", authors=[profile(author)]
    )
    dialogs: list[str] = []

    def answer(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    sign_in(page, editor)
    url = f"/admin/articles/article/{article.pk}/change/"
    visit(page, url)
    # Untouched: leaving asks nothing.
    leave(page)
    page.wait_for_url("**/admin/articles/article/")
    assert dialogs == []

    visit(page, url)
    page.locator(BODY).click()
    page.keyboard.type(" A sentence not yet saved.")
    leave(page)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(url), "dismissing the warning keeps the editor on the article"

    # Saving is not leaving: no warning, and the sentence is kept.
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    record_load(page, "article saved")
    assert dialogs == ["beforeunload"]
    article.refresh_from_db()
    assert "A sentence not yet saved." in article.body_html
    leave(page)
    page.wait_for_url("**/admin/articles/article/")
    assert dialogs == ["beforeunload"]


def test_a_change_to_the_title_alone_also_warns(page: Page, editor: User) -> None:
    dialogs: list[str] = []

    def answer(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    sign_in(page, editor)
    visit(page, ADD)
    page.fill("#id_title", "Half a headline")
    leave(page)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert not Article.objects.exists()
