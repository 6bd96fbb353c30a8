"""The first thing an editor does: sign in and land on the desk."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in


def test_an_editor_signs_in_through_the_form_and_sees_the_admin(page: Page, editor: User) -> None:
    sign_in(page, editor)
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.get_by_role("link", name="Articles").first).to_be_visible()


def test_a_wrong_password_is_refused_on_the_form(page: Page, editor: User) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "not-the-password")
    page.click("input[type=submit]")
    expect(page.locator(".errornote")).to_be_visible()
    assert "/admin/login/" in page.url
