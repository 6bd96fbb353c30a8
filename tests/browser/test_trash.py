"""An editor deletes a live article with comments: it goes to the trash (gone from the list
and the public API), comes back whole from the Trash page, and can be deleted forever."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from articles.models import Article, ArticleStatus, ArticleViewDay
from comments.models import Comment, CommentStatus
from tests.browser.conftest import ARTEFACTS, record_load, sign_in, visit
from tests.factories import ArticleFactory, CommentFactory


def test_delete_to_trash_restore_and_delete_forever(page: Page, editor: User) -> None:
    article = ArticleFactory(title="Harbour fire", slug="harbour-fire", view_count=42,
                             status=ArticleStatus.PUBLISHED, comment_count=2)  # fmt: skip
    first = CommentFactory(article=article, author_name="Kari", status=CommentStatus.APPROVED)
    CommentFactory(article=article, author_name="Ola", status=CommentStatus.APPROVED, parent=first,
                   depth=1)  # fmt: skip
    CommentFactory(article=article, author_name="Waiting", status=CommentStatus.PENDING)
    ArticleViewDay.objects.create(article=article, day=date(2026, 11, 30), count=42)
    api = "/api/v1/articles/harbour-fire/"
    before = page.request.get(api).json()
    assert (before["view_count"], before["comment_count"]) == (42, 2)

    sign_in(page, editor)
    visit(page, f"/admin/articles/article/{article.pk}/delete/")
    expect(page.locator("#content")).to_contain_text(
        "Move the article “Harbour fire” to the trash?"
    )
    expect(page.locator("#content")).to_contain_text("restore it whole from the Trash for 30 days")
    page.screenshot(path=str(ARTEFACTS / "trash-delete-confirmation.png"), full_page=True)
    page.get_by_role("button", name="Yes, move it to the trash").click()
    record_load(page, "article list after moving to the trash")
    expect(page.locator(".messagelist")).to_contain_text("“Harbour fire” was moved to the trash")
    expect(page.locator("#changelist")).not_to_contain_text("Harbour fire")
    assert page.request.get(api).status == 404
    visit(page, "/admin/comments/comment/")
    expect(page.locator("#content")).not_to_contain_text("Kari")  # its comments went with it

    visit(page, "/admin/")
    page.get_by_role("link", name="Trash").first.click()
    record_load(page, "trash")
    row = page.locator("#result_list tbody tr", has_text="Harbour fire")
    expect(row).to_contain_text("editor")
    expect(row.locator("td.field-comments")).to_have_text("3")
    page.screenshot(path=str(ARTEFACTS / "trash-list.png"), full_page=True)
    row.get_by_role("link", name="Restore").click()
    expect(page.locator("#content")).to_contain_text("Restore “Harbour fire”?")
    page.get_by_role("button", name="Yes, restore it").click()
    record_load(page, "trash after restoring")
    expect(page.locator(".messagelist")).to_contain_text("was restored with its comments")
    expect(page.locator("#result_list")).not_to_be_attached()  # the trash is empty again

    after = page.request.get(api).json()
    assert (after["view_count"], after["comment_count"]) == (42, 2)
    names = [c["author_name"] for c in page.request.get(api + "comments/").json()["results"]]
    assert names == ["Kari", "Ola"]
    assert ArticleViewDay.objects.filter(article=article).count() == 1
    visit(page, "/admin/articles/article/")
    expect(page.locator("#result_list")).to_contain_text("Harbour fire")

    # Again to the trash, then for good.
    visit(page, f"/admin/articles/article/{article.pk}/delete/")
    page.get_by_role("button", name="Yes, move it to the trash").click()
    visit(page, "/admin/articles/trashedarticle/")
    page.locator("#result_list tbody tr", has_text="Harbour fire").get_by_role(
        "link", name="Delete forever"
    ).click()
    expect(page.locator("#content")).to_contain_text("cannot be undone")
    expect(page.locator("#content")).to_contain_text("3 comments")
    page.screenshot(path=str(ARTEFACTS / "trash-delete-forever-confirmation.png"), full_page=True)
    page.get_by_role("button", name="Yes, delete it forever").click()
    record_load(page, "trash after deleting forever")
    expect(page.locator(".messagelist")).to_contain_text("“Harbour fire” was deleted forever")
    assert not Article.with_trashed.filter(pk=article.pk).exists()
    assert not Comment.with_trashed.filter(article_id=article.pk).exists()


def test_an_author_sees_no_trash(page: Page, author: User) -> None:
    sign_in(page, author)
    expect(page.locator("#content")).not_to_contain_text("Trash")
    response = visit(page, "/admin/articles/trashedarticle/")
    assert response.status == 403


def test_the_bulk_delete_moves_the_selected_articles_to_the_trash(page: Page, editor: User) -> None:
    ArticleFactory(title="Tide tables", slug="tide-tables", status=ArticleStatus.PUBLISHED)
    ArticleFactory(title="Gull census", slug="gull-census", status=ArticleStatus.DRAFT)
    kept = ArticleFactory(title="Lighthouse", slug="lighthouse", status=ArticleStatus.PUBLISHED)
    sign_in(page, editor)
    visit(page, "/admin/articles/article/")
    for title in ("Tide tables", "Gull census"):
        page.locator("#result_list tbody tr", has_text=title).locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="Move selected articles to the trash")
    with page.expect_navigation():
        page.locator("#changelist-form button[name=index]").click()
    expect(page.locator("#content")).to_contain_text("Move the selected articles to the trash?")
    expect(page.locator("#content")).to_contain_text("for 30 days")
    page.screenshot(path=str(ARTEFACTS / "trash-bulk-confirmation.png"), full_page=True)
    page.get_by_role("button", name="Yes, move them to the trash").click()
    record_load(page, "article list after the bulk move to the trash")
    expect(page.locator(".messagelist")).to_contain_text("2 articles were moved to the trash")
    expect(page.locator("#result_list")).not_to_contain_text("Tide tables")
    expect(page.locator("#result_list")).to_contain_text("Lighthouse")
    assert page.request.get("/api/v1/articles/tide-tables/").status == 404
    assert sorted(Article.with_trashed.trashed().values_list("slug", flat=True)) == [
        "gull-census",
        "tide-tables",
    ]
    assert Article.objects.filter(pk=kept.pk).exists()
