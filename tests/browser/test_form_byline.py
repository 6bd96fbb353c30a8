"""The byline editor: near the top of the page, the writer's own row already there on a new
article, co-authors added after it, order set by dragging (or by the position numbers)."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from articles.models import Article, ArticleStatus
from tests.browser.conftest import ARTEFACTS, BrowserSession, record_load, sign_in, visit
from tests.conftest import profile
from tests.factories import ArticleFactory, AuthorFactory

ADD = "/admin/articles/article/add/"


def pick_author(page: Page, row: int, name: str) -> None:
    """Choose ``name`` in the byline row ``row`` through its autocomplete."""
    page.locator(f"#bylines-{row} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(name)
    page.locator(".select2-results__option", has_text=name).first.click()


def save(page: Page, label: str) -> None:
    with page.expect_navigation():
        page.click("input[name=_save]")
    record_load(page, label)


def byline_names(article: Article) -> list[str]:
    return [b.author.name for b in article.bylines.select_related("author")]


def test_a_contributor_adds_a_co_author_and_stays_credited_first(
    browser: BrowserSession, contributor: User
) -> None:
    AuthorFactory(name="Bea Co-Writer")
    page = browser.new_page()
    sign_in(page, contributor)
    visit(page, ADD)
    page.fill("#id_title", "Night ferry returns")
    page.locator("#bylines-group .add-row a").click()
    added = int(page.locator("#id_bylines-TOTAL_FORMS").input_value()) - 1
    pick_author(page, added, "Bea Co-Writer")
    page.screenshot(path=str(ARTEFACTS / "form-byline-co-author-added.png"), full_page=True)
    save(page, "article added")

    article = Article.objects.get(title="Night ferry returns")
    assert byline_names(article) == ["Contributor", "Bea Co-Writer"]
    assert [b.position for b in article.bylines.all()] == [1, 2]


def test_the_byline_sits_near_the_top_starting_with_the_writer(
    browser: BrowserSession, contributor: User
) -> None:
    page = browser.new_page()
    sign_in(page, contributor)
    visit(page, ADD)
    # Right after the main fieldset (title, body), before placement: not at the foot.
    main = page.locator("fieldset.module").first.bounding_box()
    byline = page.locator("#bylines-group").bounding_box()
    placement = page.locator("fieldset.module", has_text="Placement").bounding_box()
    assert main is not None
    assert byline is not None
    assert placement is not None
    assert main["y"] < byline["y"] < placement["y"]
    # The writer's own row is there already, numbered 1; a new row is numbered next.
    expect(page.locator("#bylines-0 .select2-selection")).to_contain_text("Contributor")
    expect(page.locator("#id_bylines-0-position")).to_have_value("1")
    page.locator("#bylines-group .add-row a").click()
    expect(page.locator("#id_bylines-1-position")).to_have_value("2")


def test_dragging_a_row_reorders_the_byline(browser: BrowserSession, editor: User) -> None:
    first, second = AuthorFactory(name="Ada First"), AuthorFactory(name="Bo Second")
    article = ArticleFactory(status=ArticleStatus.DRAFT, authors=[first, second])
    ids_before = list(article.bylines.values_list("pk", flat=True))
    page = browser.new_page()
    sign_in(page, editor)
    visit(page, f"/admin/articles/article/{article.pk}/change/")

    page.locator("#bylines-1 .byline-handle").hover()
    page.mouse.down()
    box = page.locator("#bylines-0").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 40, box["y"] + 2, steps=8)
    page.mouse.up()
    expect(page.locator("#id_bylines-1-position")).to_have_value("1")
    expect(page.locator("#id_bylines-0-position")).to_have_value("2")
    save(page, "article saved")

    assert byline_names(article) == ["Bo Second", "Ada First"]
    # The same rows, reordered: a page opened before still names rows that exist.
    assert sorted(article.bylines.values_list("pk", flat=True)) == sorted(ids_before)


def test_the_writer_is_not_dropped_when_the_page_is_saved_untouched(
    browser: BrowserSession, author: User
) -> None:
    page = browser.new_page()
    sign_in(page, author)
    visit(page, ADD)
    page.fill("#id_title", "Solo piece")
    save(page, "article added")
    assert byline_names(Article.objects.get(title="Solo piece")) == [profile(author).name]
