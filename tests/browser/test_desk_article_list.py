"""The article list as a work queue, in a browser: order, badges, columns, search, and a due
scheduled article shown live. Screenshots of the list in the light and dark themes."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from articles.models import ArticleStatus
from tests.browser.conftest import ARTEFACTS, record_load, sign_in, visit
from tests.factories import ArticleFactory, AuthorFactory

LIST = "/admin/articles/article/"


def _one_of_each() -> None:
    now = timezone.now()
    ArticleFactory(title="Archived piece", status=ArticleStatus.ARCHIVED)
    ArticleFactory(title="Published piece", published_at=now - timedelta(days=1))
    ArticleFactory(title="Draft piece", status=ArticleStatus.DRAFT)
    ArticleFactory(title="Scheduled piece", status=ArticleStatus.SCHEDULED,
                   published_at=now + timedelta(days=1))  # fmt: skip
    ArticleFactory(title="Review piece", status=ArticleStatus.IN_REVIEW, submitted_at=now)


def test_in_review_comes_above_archived_with_badges_and_columns(page: Page, editor: User) -> None:
    _one_of_each()
    sign_in(page, editor)
    visit(page, LIST)
    rows = page.locator("#result_list tbody tr th a")
    expect(rows).to_have_text(
        ["Review piece", "Scheduled piece", "Draft piece", "Published piece", "Archived piece"]
    )
    first = page.locator("#result_list tbody tr").first
    expect(first.locator(".status-badge")).to_have_text("In review")
    expect(first.locator(".status-badge")).to_be_visible()
    headers = page.locator("#result_list thead")
    expect(headers.get_by_text("Updated", exact=True)).to_be_visible()
    expect(headers.get_by_text("Submitted", exact=True)).to_be_visible()
    expect(first.locator("td.field-submitted")).not_to_have_text("—")
    page.screenshot(path=str(ARTEFACTS / "desk-article-list-light.png"), full_page=True)
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=str(ARTEFACTS / "desk-article-list-dark.png"), full_page=True)


def test_searching_an_authors_name_finds_their_article(page: Page, editor: User) -> None:
    ArticleFactory(title="Tides and timetables", authors=[AuthorFactory(name="Marit Strand")])
    ArticleFactory(title="Something else", authors=[AuthorFactory(name="Ola Berg")])
    sign_in(page, editor)
    visit(page, LIST)
    page.fill("#searchbar", "Strand")
    page.press("#searchbar", "Enter")
    record_load(page, "article list: search by author")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Tides and timetables")
    expect(page.locator("#result_list")).to_contain_text("Marit Strand")


def test_a_due_scheduled_article_shows_published(page: Page, editor: User) -> None:
    due = ArticleFactory(title="Embargo lifted", status=ArticleStatus.SCHEDULED,
                         published_at=timezone.now() - timedelta(minutes=5))  # fmt: skip
    sign_in(page, editor)
    visit(page, LIST)
    row = page.locator("#result_list tbody tr", has_text="Embargo lifted")
    expect(row.locator(".status-badge")).to_have_text("Published")
    page.locator("#changelist-filter").get_by_role("link", name="Published").click()
    record_load(page, "article list: published filter")
    expect(page.locator("#result_list")).to_contain_text("Embargo lifted")
    visit(page, f"{LIST}{due.pk}/change/")
    expect(page.locator(".field-current_status .status-badge")).to_have_text("Published")
