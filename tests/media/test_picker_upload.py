"""Uploading from inside the body editor's picker: the same checks and service as the
library's add page; a new image is handed straight to the editor, a refused file is named in
the picker with the reason."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from media.models import Image
from tests.factories import image_bytes, library_image
from tests.media.test_uploads import SVG, png_bomb

pytestmark = pytest.mark.django_db

PICKER = "/admin/media/image/picker/?CKEditorFuncNum=-1"


def upload(client, data: bytes, name: str, alt: str = "Harbour at dawn", **extra):
    return client.post(
        PICKER,
        {
            "upload-file": SimpleUploadedFile(name, data, content_type="image/png"),
            "upload-alt": alt,
            "upload-caption": "",
            **extra,
        },
    )


def test_the_picker_offers_an_upload_form_to_those_who_may_add_images(client, contributor):
    client.force_login(contributor)
    page = client.get(PICKER).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="upload-file"' in page
    assert 'name="upload-alt"' in page


def test_an_upload_in_the_picker_is_stored_and_handed_to_the_editor(client, contributor):
    client.force_login(contributor)
    response = upload(client, image_bytes((40, 30)), "harbour.png")
    assert response.status_code == 200
    image = Image.objects.get()
    assert image.alt == "Harbour at dawn"
    assert (image.width, image.height) == (40, 30)
    assert image.uploaded_by == contributor
    page = html.unescape(response.content.decode())
    # picker.js hands the element marked "picked" back to the editor's dialog on load.
    assert f'class="picked" data-url="https://cms.example.com/media/{image.file.name}"' in page
    assert 'data-alt="Harbour at dawn"' in page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"plain text", "x.png", "not an image"),
        (SVG, "x.svg", "not an image"),
        (png_bomb(), "bomb.png", "too large in pixels"),
        (image_bytes(fmt="BMP"), "x.bmp", "accepted types"),
        (b"", "empty.png", "empty"),
    ],
)
def test_a_hostile_upload_in_the_picker_is_refused_with_the_reason(
    client, editor, data, name, message
):
    client.force_login(editor)
    response = upload(client, data, name)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'class="picked"' not in page
    assert '<details class="picker-upload" open' in page  # the reason is in view
    assert not Image.objects.exists()


def test_the_same_image_again_is_refused_naming_the_one_in_the_library(client, editor):
    existing = library_image("quay.png", alt="The quay")
    client.force_login(editor)
    response = upload(client, image_bytes(), "again.png")
    assert response.status_code == 400
    assert f"#{existing.pk}" in response.content.decode()
    assert Image.objects.count() == 1


def test_an_image_going_into_an_article_needs_its_alt_text(client, editor):
    client.force_login(editor)
    response = upload(client, image_bytes(), "pic.png", alt="")
    assert response.status_code == 400
    assert not Image.objects.exists()


def test_staff_without_a_role_cannot_upload_through_the_picker(client, staff_without_role):
    client.force_login(staff_without_role)
    assert upload(client, image_bytes(), "pic.png").status_code == 403
    assert not Image.objects.exists()


def test_the_picker_upload_needs_the_editors_callback_number(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/media/image/picker/?CKEditorFuncNum=x",
        {"upload-file": SimpleUploadedFile("p.png", image_bytes()), "upload-alt": "A"},
    )
    assert response.status_code == 400
    assert not Image.objects.exists()
