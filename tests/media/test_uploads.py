"""Uploads to the media library: hostile files are refused with a message naming the fault,
good ones are stored once (by content) and described."""

from __future__ import annotations

import html
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from articles import services as article_services
from cms.actors import Actor
from cms.errors import InUse, PermissionDenied, ValidationFailed
from media import services, validation
from media.models import Image
from tests.conftest import actor
from tests.factories import ArticleFactory, image_bytes, library_image

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG header declaring a 10-gigapixel canvas, in under 100 bytes: decoding it
    would need 30 GB."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def refusal(data: bytes, name: str = "upload.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validation.check_upload(ContentFile(data, name=name))
    return caught.value


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_each_accepted_type_is_read_from_the_content(fmt):
    checked = validation.check_upload(ContentFile(image_bytes((30, 20), fmt), name="x.txt"))
    assert (checked.format, checked.width, checked.height) == (fmt, 30, 20)


def test_a_text_file_named_jpg_is_not_an_image():
    error = refusal(b"just some words, not a picture", "holiday.jpg")
    assert error.code == "not_an_image"
    assert "not an image" in error.messages[0]


def test_an_svg_is_refused():
    assert refusal(SVG, "logo.svg").code == "not_an_image"


def test_a_type_pillow_reads_but_browsers_do_not_show_is_refused():
    error = refusal(image_bytes((8, 8), "BMP"), "x.bmp")
    assert error.code == "unsupported_type"
    assert "BMP" in error.messages[0]


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    error = refusal(png_bomb(), "small.png")
    assert error.code == "too_many_pixels"
    assert "megapixels" in error.messages[0]


def test_an_image_over_the_pixel_limit_is_refused(settings):
    settings.MEDIA_MAX_PIXELS = 10_000
    error = refusal(image_bytes((200, 100)), "wide.png")  # 20,000 pixels
    assert error.code == "too_many_pixels"
    assert "200 x 100" in error.messages[0]


def test_an_oversized_file_is_refused_before_it_is_read(settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1024 * 1024
    error = refusal(image_bytes((300, 300), "PNG") + b"\x00" * 1024 * 1024, "big.png")
    assert error.code == "too_large"
    assert "images may be 1 MB at most" in error.messages[0]


def test_a_truncated_jpeg_is_refused():
    whole = image_bytes((300, 200), "JPEG", "orange")
    error = refusal(whole[: len(whole) // 2], "cut.jpg")
    assert error.code == "corrupt"


def test_an_empty_file_is_refused():
    assert refusal(b"", "empty.png").code == "not_an_image"


def test_an_upload_is_stored_with_its_real_extension_and_description():
    image = library_image("photo.gif", fmt="PNG", alt=" A harbour ", credit="Ana")
    assert image.file.name.startswith("images/")
    assert image.file.name.endswith(".png")
    assert (image.width, image.height, image.alt, image.credit) == (4, 3, "A harbour", "Ana")
    assert len(image.content_hash) == 64
    assert image.byte_size


def test_the_same_bytes_twice_are_refused_naming_the_image_there():
    first = library_image("one.png")
    with pytest.raises(ValidationFailed) as caught:
        library_image("two.png")
    assert f"#{first.pk}" in caught.value.errors["file"][0]
    assert Image.objects.count() == 1


def test_the_service_refuses_a_hostile_file_naming_the_field():
    with pytest.raises(ValidationFailed) as caught:
        services.image_create(actor=Actor.system(), file=ContentFile(SVG, name="x.svg"))
    assert list(caught.value.errors) == ["file"]
    assert not Image.objects.exists()


def test_only_roles_upload_and_only_editors_delete(editor, contributor, staff_without_role):
    upload = ContentFile(image_bytes(), name="a.png")
    with pytest.raises(PermissionDenied):
        services.image_create(actor=actor(staff_without_role), file=upload)
    image = services.image_create(actor=actor(contributor), file=upload)
    with pytest.raises(PermissionDenied):
        services.image_delete(image=image, actor=actor(contributor))
    services.image_delete(image=image, actor=actor(editor))
    assert not Image.objects.exists()


def test_a_cover_in_use_cannot_be_deleted(editor):
    image = library_image()
    ArticleFactory(cover_image=image, title="Harbour at dawn")
    with pytest.raises(InUse) as caught:
        services.image_delete(image=image, actor=actor(editor))
    assert "“Harbour at dawn” (cover)" in caught.value.message


def test_an_image_in_a_published_body_cannot_be_deleted(editor):
    image = library_image("inline.png")
    src = f"https://cms.example.com/media/{image.file.name}"
    ArticleFactory(
        title="Quay works", status="published", body_html=f'<p>Look</p><img src="{src}" alt="x">'
    )
    ArticleFactory(title="Unrelated", body_html="<p>No images</p>")
    with pytest.raises(InUse) as caught:
        services.image_delete(image=image, actor=actor(editor))
    assert "“Quay works” (body)" in caught.value.message
    assert "Unrelated" not in caught.value.message
    assert Image.objects.filter(pk=image.pk).exists()


def test_the_admin_names_the_articles_that_keep_an_image(client, editor):
    image = library_image("kept.png")
    ArticleFactory(cover_image=image, title="Cover story")
    client.force_login(editor)
    page = client.get(f"/admin/media/image/{image.pk}/delete/").content.decode()
    assert "“Cover story” (cover)" in page
    response = client.post(f"/admin/media/image/{image.pk}/delete/", {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists(), response.status_code


# --- the admin ------------------------------------------------------------------------------


def add(client, data: bytes, name: str, **fields):
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post(
        "/admin/media/image/add/",
        {"file": upload, "alt": "", "caption": "", "credit": "", **fields},
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"plain text", "x.jpg", "not an image"),
        (SVG, "x.svg", "not an image"),
        (png_bomb(), "bomb.png", "too large in pixels"),
    ],
)
def test_the_admin_shows_why_a_file_was_refused(client, editor, data, name, message):
    client.force_login(editor)
    response = add(client, data, name)
    assert response.status_code == 200  # the form again, with its error
    assert message in response.content.decode()
    assert not Image.objects.exists()


def test_an_editor_uploads_and_describes_an_image_in_the_admin(
    client, editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = add(client, image_bytes((50, 40), "JPEG"), "quay.jpg", alt="The quay")
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.alt, image.width, image.uploaded_by) == ("The quay", 50, editor)
    assert len(callbacks) == 1  # renditions are enqueued once the upload is committed
    page = client.get(f"/admin/media/image/{image.pk}/change/").content.decode()
    assert image.file.name in page
    assert "No article." in page
    found = client.get("/admin/media/image/?q=quay").content.decode()
    assert f"/admin/media/image/{image.pk}/change/" in found


def test_the_article_form_picks_its_cover_from_the_library(client, editor):
    image = library_image(alt="A lighthouse")
    article = ArticleFactory(cover_image=image)
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "A lighthouse" in page
    results = client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "cover_image",
         "term": "light"},
    ).json()["results"]  # fmt: skip
    assert results == [{"id": str(image.pk), "text": "A lighthouse"}]


def test_an_image_inserted_in_the_body_from_the_library_is_kept(client, editor):
    image = library_image(alt="Quay")
    url = f"https://cms.example.com/media/{image.file.name}"
    article = ArticleFactory()
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'href="/admin/media/image/"' in page  # the body's help points at the library
    body = f'<figure><img src="{url}" alt="Quay"><figcaption>At dawn</figcaption></figure>'
    article_services.article_update(article=article, actor=actor(editor), body_html=body)
    article.refresh_from_db()
    assert article.body_html == body


# --- the body editor's picker -------------------------------------------------------------------

PICKER = "/admin/media/image/picker/"


def test_the_editor_s_browse_button_opens_the_picker(client, editor):
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{ArticleFactory().pk}/change/").content.decode()
    # The editor's configuration, a JSON attribute of its textarea.
    assert '"Figure":{"pickerUrl":"/admin/media/image/picker/"}' in html.unescape(page)


def test_the_picker_lists_images_to_hand_back_to_the_editor(client, editor):
    quay = library_image("quay.png", alt="The quay", caption="At dawn")
    library_image("boat.png", color="red", alt="A boat")
    client.force_login(editor)
    page = client.get(PICKER, {"CKEditorFuncNum": "3", "q": "quay"}).content.decode()
    assert 'data-func-num="3"' in page
    assert f'data-url="https://cms.example.com/media/{quay.file.name}"' in page
    assert 'data-alt="The quay"' in page
    assert 'data-caption="At dawn"' in page
    assert "A boat" not in page  # not what was searched for
    assert "media/picker.js" in page


@pytest.mark.parametrize("func_num", ["-1", "0", "42"])
def test_the_picker_takes_the_editors_callback_numbers(client, editor, func_num):
    # django-prose-editor counts its callbacks down from -1.
    client.force_login(editor)
    page = client.get(PICKER, {"CKEditorFuncNum": func_num}).content.decode()
    assert f'data-func-num="{func_num}"' in page


@pytest.mark.parametrize("func_num", ["", "x", "1;alert(1)", "1" * 10, "--1", "-", "1-"])
def test_the_picker_refuses_a_callback_that_is_not_a_number(client, editor, func_num):
    client.force_login(editor)
    assert client.get(PICKER, {"CKEditorFuncNum": func_num}).status_code == 400


def test_the_picker_is_for_editorial_roles_only(client, staff_without_role):
    assert client.get(PICKER, {"CKEditorFuncNum": "1"}).status_code == 302  # to sign in
    client.force_login(staff_without_role)
    assert client.get(PICKER, {"CKEditorFuncNum": "1"}).status_code == 403


def test_an_upload_over_the_api_body_limit_but_within_the_media_limit_is_accepted(
    client, editor, settings
):
    """MAX_REQUEST_BYTES (DATA_UPLOAD_MAX_MEMORY_SIZE) counts form fields, not files."""
    settings.MAX_REQUEST_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    padded = image_bytes((64, 64), "PNG") + b"\x00" * (2 * 1024 * 1024)  # after IEND
    client.force_login(editor)
    assert add(client, padded, "large.png", alt="Large").status_code == 302
    assert Image.objects.get().byte_size == len(padded)


def test_the_image_page_lists_the_articles_that_use_it(client, editor):
    image = library_image("listed.png")
    ArticleFactory(cover_image=image, title="Cover story")
    src = f"https://cms.example.com/media/{image.file.name}"
    ArticleFactory(title="Inline story", body_html=f'<p>x</p><img src="{src}" alt="x">')
    client.force_login(editor)
    page = client.get(f"/admin/media/image/{image.pk}/change/").content.decode()
    assert "Cover story</a> (cover)" in page
    assert "Inline story</a> (body)" in page


def test_an_image_for_an_article_needs_alt_text_whichever_way_it_comes(contributor):
    """The body editor's picker asks the service with ``for_article``: the rule is the
    service's, so no other path into an article can skip it."""
    upload = ContentFile(image_bytes(), name="harbour.png")
    with pytest.raises(ValidationFailed) as refused:
        services.image_create(actor=actor(contributor), file=upload, for_article=True, alt="  ")
    assert "alt" in refused.value.errors
    assert not Image.objects.exists()
    image = services.image_create(
        actor=actor(contributor), file=upload, for_article=True, alt="Cranes at dawn"
    )
    assert image.alt == "Cranes at dawn"
