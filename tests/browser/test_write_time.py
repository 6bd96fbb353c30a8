"""Times in the newsroom's zone: typed and shown in settings.TIME_ZONE, labelled with the zone
and its offset, and the editor's own offset added when their computer is elsewhere (instead
of Django's "You are N hours ahead of server time")."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from articles.models import Article, ArticleStatus
from tests.browser.conftest import BrowserSession, record_load, sign_in, visit

ADD = "/admin/articles/article/add/"
BERLIN_LABEL = re.compile(r"Europe/Berlin, UTC\+0[12]:00")


def schedule_at_ten(page: Page, title: str) -> None:
    visit(page, ADD)
    page.fill("#id_title", title)
    page.fill("#id_publish_at_0", "2031-01-15")  # winter: Berlin is UTC+01:00
    page.fill("#id_publish_at_1", "10:00")
    page.get_by_role("button", name="Publish / schedule").click()
    page.wait_for_load_state("load")
    record_load(page, "article scheduled")


def test_ten_oclock_typed_in_berlin_is_nine_utc_and_shown_back_as_ten(
    page: Page, editor: User, settings: Any
) -> None:
    settings.TIME_ZONE = "Europe/Berlin"
    sign_in(page, editor)
    visit(page, ADD)
    zone = page.locator(".field-publish_at .newsroom-zone")
    expect(zone).to_have_text(BERLIN_LABEL)  # the browser is in Berlin too: nothing added
    expect(page.locator(".field-publish_at")).not_to_contain_text("server time")

    schedule_at_ten(page, "Harbour festival")
    article = Article.objects.get()
    assert article.status == ArticleStatus.SCHEDULED
    assert article.published_at == datetime(2031, 1, 15, 9, 0, tzinfo=UTC)

    visit(page, f"/admin/articles/article/{article.pk}/change/")
    expect(page.locator(".field-published_at .readonly")).to_contain_text("10 a.m.")
    expect(page.locator("fieldset", has_text="Published at")).to_contain_text(BERLIN_LABEL)


def test_an_editor_elsewhere_sees_both_offsets_and_no_server_time_note(
    browser: BrowserSession, editor: User, settings: Any
) -> None:
    settings.TIME_ZONE = "Europe/Berlin"
    page = browser.new_page(time_zone="America/New_York")
    sign_in(page, editor)
    visit(page, ADD)
    offset = datetime.now(ZoneInfo("America/New_York")).strftime("%z")  # -0500 or -0400
    own = f"UTC\u2212{offset[1:3]}:{offset[3:]}"
    zone = page.locator(".field-publish_at .newsroom-zone")
    expect(zone).to_contain_text(BERLIN_LABEL)
    expect(zone).to_contain_text(f"your computer: {own}")
    expect(page.locator(".field-publish_at")).not_to_contain_text("server time")

    # What is typed is still the newsroom's time.
    schedule_at_ten(page, "Harbour festival")
    assert Article.objects.get().published_at == datetime(2031, 1, 15, 9, 0, tzinfo=UTC)
    visit(page, ADD)  # the screenshot shows both offsets
    expect(zone).to_contain_text("your computer")
