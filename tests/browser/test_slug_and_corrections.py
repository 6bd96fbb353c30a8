"""What an editor does in the admin to a published article's record: change its address (the
old one keeps answering, 301, over HTTP) and add and remove a correction note (readers see it
over REST and GraphQL until it is removed; the admin keeps it, marked removed)."""

from __future__ import annotations

import json
from http.client import HTTPConnection
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from articles.models import ArticleStatus, Correction
from tests.browser.conftest import record_load, sign_in, visit
from tests.factories import ArticleFactory


def http(live_server: Any, method: str, path: str, body: Any = None) -> Any:
    """One anonymous request to the live server, redirects not followed."""
    address = urlsplit(live_server.url)
    connection = HTTPConnection(address.hostname, address.port, timeout=10)
    data = None if body is None else json.dumps(body)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response, payload


def rest_corrections(live_server: Any, slug: str) -> list[dict[str, Any]]:
    response, payload = http(live_server, "GET", f"/api/v1/articles/{slug}/")
    assert response.status == 200, payload
    return json.loads(payload)["corrections"]


def graphql_corrections(live_server: Any, slug: str) -> list[dict[str, Any]]:
    query = "query($slug: String!) { article(slug: $slug) { corrections { date text kind } } }"
    body = {"query": query, "variables": {"slug": slug}}
    response, payload = http(live_server, "POST", "/graphql/", body)
    assert response.status == 200, payload
    return json.loads(payload)["data"]["article"]["corrections"]


def test_changing_a_live_slug_keeps_the_old_url_answering(
    page: Page, editor: User, live_server: Any
) -> None:
    live = ArticleFactory(status=ArticleStatus.PUBLISHED, title="Quay", slug="quay-wall")
    page.on("dialog", lambda dialog: dialog.accept())  # "This article is live ... Change it?"
    sign_in(page, editor)
    visit(page, f"/admin/articles/article/{live.pk}/change/")
    page.fill("#id_slug", "quay-wall-repairs")
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    record_load(page, "slug changed")
    expect(page.locator(".field-former_slugs")).to_contain_text("quay-wall")
    live.refresh_from_db()
    assert live.slug == "quay-wall-repairs"

    response, _ = http(live_server, "GET", "/api/v1/articles/quay-wall/?fields=title")
    assert response.status == 301
    assert response.getheader("Location") == (
        f"{settings.PUBLIC_API_URL}/api/v1/articles/quay-wall-repairs/?fields=title"
    )
    response, payload = http(live_server, "GET", "/api/v1/articles/quay-wall-repairs/")
    assert response.status == 200
    assert json.loads(payload)["slug"] == "quay-wall-repairs"


def test_an_editor_adds_and_removes_a_correction(
    page: Page, editor: User, live_server: Any
) -> None:
    live = ArticleFactory(status=ArticleStatus.PUBLISHED, title="Ferry strike", slug="ferry")
    sign_in(page, editor)
    visit(page, f"/admin/articles/article/{live.pk}/change/")
    panel = page.locator("#corrections")
    expect(panel).to_contain_text("No notes.")
    panel.locator("#id_correction_kind").select_option("correction")
    panel.locator("#id_correction_date").fill("2026-03-03")
    panel.locator("#id_correction_text").fill(
        "An earlier version of this article misnamed the minister."
    )
    panel.get_by_role("button", name="Add note").click()
    page.wait_for_load_state("load")
    record_load(page, "correction added")
    expect(page.locator("ul.messagelist li")).to_have_text(
        "The note was added: readers see it with the article."
    )
    row = page.locator("#corrections tr.correction")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("3 March 2026")
    expect(row).to_contain_text("misnamed the minister")
    expect(row).to_contain_text(editor.get_username())

    note = {"date": "2026-03-03", "text": "An earlier version of this article misnamed the "
            "minister.", "kind": "correction"}  # fmt: skip
    (shown,) = rest_corrections(live_server, "ferry")
    assert {key: shown[key] for key in note} == note
    assert graphql_corrections(live_server, "ferry") == [{**note, "kind": "CORRECTION"}]

    page.locator("#corrections").get_by_role("button", name="Remove").click()
    page.wait_for_load_state("load")
    record_load(page, "correction removed")
    expect(page.locator("ul.messagelist li")).to_have_text(
        "The note was removed: readers no longer see it."
    )
    removed = page.locator("#corrections tr.correction-removed")
    expect(removed).to_have_count(1)
    expect(removed).to_contain_text(f"Removed by {editor.get_username()}")
    expect(removed.locator("del")).to_contain_text("misnamed the minister")
    assert rest_corrections(live_server, "ferry") == []
    assert graphql_corrections(live_server, "ferry") == []
    assert Correction.objects.get().removed_by == editor
