"""An image into the body without leaving the article: the editor's image dialog opens the
media library's picker, where a new image is uploaded (with its alt text) and handed straight
back to the dialog; a hostile file is refused in the picker with the reason."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.models import User
from PIL import Image as PILImage
from playwright.sync_api import Page, expect

from articles.models import Article
from media.models import Image
from tests.browser.conftest import BrowserSession, record_load, sign_in, visit

ADD = "/admin/articles/article/add/"
BODY = ".field-body_html .ProseMirror[contenteditable]"


def png(colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()


def open_picker(page: Page) -> Page:
    """The body editor's image dialog, then its "Browse..." window."""
    page.locator(BODY).click()
    page.click('.prose-menubar button[data-name="figure"]')
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    expect(dialog).to_be_visible()
    with page.context.expect_page() as opened:
        dialog.get_by_role("button", name="Browse").click()
    picker = opened.value
    picker.wait_for_load_state("load")
    record_load(picker, "media picker")
    return picker


def test_an_image_uploaded_in_the_picker_goes_into_the_body(
    browser: BrowserSession, editor: User, settings: Any, live_server: Any
) -> None:
    # Media addresses on this server, so the browser fetches nothing from elsewhere.
    settings.PUBLIC_API_URL = live_server.url
    page = browser.new_page()
    sign_in(page, editor)
    visit(page, ADD)
    page.fill("#id_title", "The harbour at dawn")
    page.locator(BODY).click()
    page.keyboard.type("The first boats leave at five.")
    picker = open_picker(page)
    browser.pages.append(picker)  # its screenshot too
    picker.get_by_text("Upload a new image").click()
    picker.set_input_files(
        "#id_upload-file", {"name": "harbour.png", "mimeType": "image/png", "buffer": png()}
    )
    picker.fill("#id_upload-alt", "Fishing boats leaving the harbour")
    with picker.expect_event("close"):
        picker.click("#picker-upload-form input[type=submit]")

    image = Image.objects.get()
    assert image.alt == "Fishing boats leaving the harbour"
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    expect(dialog.locator("input[name=altText]")).to_have_value("Fishing boats leaving the harbour")
    assert image.file.name in dialog.locator("input[name=imageUrl]").input_value()
    dialog.get_by_role("button", name="Insert").click()
    expect(page.locator(f"{BODY} img")).to_have_attribute(
        "alt", "Fishing boats leaving the harbour"
    )

    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    article = Article.objects.get()
    assert f'src="{live_server.url}/media/{image.file.name}"' in article.body_html
    assert 'alt="Fishing boats leaving the harbour"' in article.body_html
    expect(page.locator(f"{BODY} img")).to_have_count(1)


def test_a_hostile_file_is_refused_in_the_picker_with_the_reason(
    browser: BrowserSession, editor: User, settings: Any, live_server: Any
) -> None:
    settings.PUBLIC_API_URL = live_server.url
    page = browser.new_page()
    sign_in(page, editor)
    visit(page, ADD)
    picker = open_picker(page)
    browser.pages.append(picker)
    picker.get_by_text("Upload a new image").click()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    picker.set_input_files(
        "#id_upload-file", {"name": "photo.png", "mimeType": "image/png", "buffer": svg}
    )
    picker.fill("#id_upload-alt", "Not a photo")
    picker.click("#picker-upload-form input[type=submit]")
    picker.wait_for_load_state("load")
    expect(picker.locator(".errorlist")).to_contain_text("not an image")
    assert not picker.is_closed()
    assert not Image.objects.exists()
