"""An article's history in the browser: edited twice in the change form, the History page
lists the revisions, compares two side by side, and restores one with its byline and tags."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from articles import services
from articles.models import Article, ArticleRevision
from tests.browser.conftest import ARTEFACTS, BrowserSession, record_load, sign_in, visit
from tests.browser.test_form_byline import pick_author
from tests.conftest import actor
from tests.factories import AuthorFactory, SectionFactory, TagFactory


def save(page: Page, label: str) -> None:
    with page.expect_navigation():
        page.click("input[name=_continue]")
    record_load(page, label)
    expect(page.locator(".messagelist .success")).to_be_visible()


def pick_tag(page: Page, name: str) -> None:
    page.locator(".field-tags .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(name)
    page.locator(".select2-results__option", has_text=name).first.click()


def names(article: Article) -> tuple[list[str], list[str]]:
    byline = [b.author.name for b in article.bylines.select_related("author")]
    return byline, sorted(t.name for t in article.tags.all())


def test_edit_twice_compare_and_restore_bylines_and_tags(
    browser: BrowserSession, editor: User
) -> None:
    AuthorFactory(name="Bob Roy")
    TagFactory(name="Boats")
    article = services.article_create(
        actor=actor(editor), title="Harbour opens", slug="harbour-opens",
        body_html="<p>The harbour opens today.</p><p>Boats are welcome.</p>",
        authors=[AuthorFactory(name="Ann Lee")], tags=[TagFactory(name="Sea")],
        section=SectionFactory(name="Town"),
    )  # fmt: skip
    change = f"/admin/articles/article/{article.pk}/change/"
    page = browser.new_page()
    sign_in(page, editor)

    # First edit: a new headline and a co-author.
    visit(page, change)
    page.fill("#id_title", "Harbour opens late")
    page.locator("#bylines-group .add-row a").click()
    added = int(page.locator("#id_bylines-TOTAL_FORMS").input_value()) - 1
    pick_author(page, added, "Bob Roy")
    save(page, "article saved")
    # Second edit: another headline and a tag.
    page.fill("#id_title", "Harbour opens at noon")
    pick_tag(page, "Boats")
    save(page, "article saved")
    article.refresh_from_db()
    assert names(article) == (["Ann Lee", "Bob Roy"], ["Boats", "Sea"])
    assert ArticleRevision.objects.filter(article=article).count() == 3

    # The History link of the change form.
    with page.expect_navigation():
        page.locator(".object-tools a", has_text="History").click()
    record_load(page, "article history")
    rows = page.locator("#revisions tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Edited")
    expect(rows.nth(2)).to_contain_text("Created")
    # The last change is compared by default; pick the first and the newest instead.
    page.check('input[name="a"][value="1"]')
    page.check('input[name="b"][value="3"]')
    with page.expect_navigation():
        page.click("#compare")
    record_load(page, "article history compared")
    expect(page.locator("#compare-title")).to_contain_text("Revision 1")
    title = page.locator('.revision-diff[data-field="title"]')
    expect(title.locator("tr.diff-changed td").first).to_have_text("Harbour opens")
    expect(title.locator("ins")).to_have_text("at noon")
    byline = page.locator('.revision-diff[data-field="authors"]')
    expect(byline.locator("tr.diff-added td").last).to_contain_text("Bob Roy")
    tags = page.locator('.revision-diff[data-field="tags"]')
    expect(tags).to_contain_text("Boats")
    expect(page.locator(".revision-unchanged")).to_contain_text("Section")
    page.screenshot(path=str(ARTEFACTS / "revisions-compare.png"), full_page=True)

    # Restore the first revision: its byline and tags come back.
    with page.expect_navigation():
        page.click("text=Restore revision 1")
    record_load(page, "article history restored")
    expect(page.locator(".messagelist .success")).to_contain_text("Revision 1 was restored")
    expect(page.locator("#revisions tbody tr").first).to_contain_text("Restored revision 1")
    article.refresh_from_db()
    assert article.title == "Harbour opens"
    assert names(article) == (["Ann Lee"], ["Sea"])
    page.screenshot(path=str(ARTEFACTS / "revisions-restored.png"), full_page=True)
    visit(page, change)
    expect(page.locator("#id_title")).to_have_value("Harbour opens")
    expect(page.locator("#bylines-group")).not_to_contain_text("Bob Roy")
    expect(page.locator(".field-tags")).not_to_contain_text("Boats")


def test_a_restore_after_someone_else_saved_is_refused(
    browser: BrowserSession, editor: User
) -> None:
    article = services.article_create(actor=actor(editor), title="First", slug="first")
    services.article_update(article=article, actor=actor(editor), title="Second")
    page = browser.new_page()
    sign_in(page, editor)
    visit(page, f"/admin/articles/article/{article.pk}/history/")
    # Someone saves while the page is open.
    services.article_update(article=article, actor=actor(editor), title="Third")
    with page.expect_navigation():
        page.click("text=Restore revision 1")
    expect(page.locator(".messagelist .error")).to_contain_text("someone saved this article")
    page.screenshot(path=str(ARTEFACTS / "revisions-conflict.png"), full_page=True)
    article.refresh_from_db()
    assert article.title == "Third"
