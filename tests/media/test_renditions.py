"""Renditions: made once by a task, never wider than the original, listed by both APIs with
the article rows (no query per cover)."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image as PILImage

from cms.actors import Actor
from media import renditions
from media.models import Image
from media.services import image_create
from media.tasks import make_renditions
from tests.api import assert_queries, get, gql
from tests.factories import ArticleFactory, library_image

pytestmark = pytest.mark.django_db

BASE = "https://cms.example.com"
LIST = "/api/v1/articles/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_RENDITION_WIDTHS = [480, 960, 1600]


def stored_files(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("original", "widths"),
    [(2000, [480, 960, 1600]), (1000, [480, 960, 1000]), (700, [480, 700]), (300, [300])],
)
def test_widths_never_exceed_the_original(original, widths):
    assert renditions.target_widths(original) == widths


def test_the_task_makes_webp_renditions_once(tmp_path):
    image = library_image("wide.jpg", size=(1200, 800), fmt="JPEG", alt="Boats")
    make_renditions.call(image.pk)
    image.refresh_from_db()
    assert [(r["width"], r["height"], r["format"]) for r in image.renditions] == [
        (480, 320, "webp"), (960, 640, "webp"), (1200, 800, "webp"),
    ]  # fmt: skip
    for rendition in image.renditions:
        with default_storage.open(rendition["name"]) as stored, PILImage.open(stored) as made:
            assert (made.format, made.size) == ("WEBP", (rendition["width"], rendition["height"]))
    files = stored_files(tmp_path)
    assert len(files) == 4  # the original and three renditions, side by side

    before = {name: (tmp_path / name).stat().st_mtime_ns for name in files}
    assert "already made" in make_renditions.call(image.pk)
    assert {name: (tmp_path / name).stat().st_mtime_ns for name in stored_files(tmp_path)} == before
    image.refresh_from_db()
    assert len(image.renditions) == 3


def test_transparency_is_kept():
    buffer = io.BytesIO()
    PILImage.new("RGBA", (600, 400), (255, 0, 0, 0)).save(buffer, "PNG")
    image = image_create(actor=Actor.system(), file=ContentFile(buffer.getvalue(), name="t.png"))
    make_renditions.call(image.pk)
    image.refresh_from_db()
    with default_storage.open(image.renditions[0]["name"]) as stored, PILImage.open(stored) as made:
        assert made.mode == "RGBA"
        assert made.getpixel((0, 0)) == (0, 0, 0, 0)  # transparent, not black


def test_a_deleted_image_is_nothing_to_do():
    assert "gone" in make_renditions.call(999_999)


def test_an_upload_enqueues_its_renditions(settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        image = library_image("quay.png", size=(800, 600))
    image.refresh_from_db()
    assert [r["width"] for r in image.renditions] == [480, 800]


def _covered(n: int) -> list[Image]:
    images = []
    for i in range(n):
        image = library_image(f"c{i}.png", size=(1000, 500), color=f"#{i:06x}", alt=f"Cover {i}")
        make_renditions.call(image.pk)
        ArticleFactory(cover_image=image)
        images.append(image)
    return images


def test_rest_lists_renditions_as_absolute_urls_narrowest_first(client):
    (image,) = _covered(1)
    image.refresh_from_db()
    cover = get(client, LIST).json()["results"][0]["cover_image"]
    assert cover["alt"] == "Cover 0"
    assert cover["credit"] == ""
    assert cover["url"] == f"{BASE}/media/{image.file.name}"
    assert cover["renditions"] == [
        {"url": f"{BASE}/media/{r['name']}", "width": w, "height": h, "format": "webp"}
        for r, (w, h) in zip(image.renditions, [(480, 240), (960, 480), (1000, 500)], strict=True)
    ]


def test_renditions_cost_no_query_per_article(client):
    _covered(1)
    # Cold each time: the count, the next scheduled go-live, the page, bylines and tags.
    cache.clear()
    with assert_queries(5):
        response = get(client, LIST, page_size=50)
    assert len(response.json()["results"][0]["cover_image"]["renditions"]) == 3
    for i in range(1, 6):
        image = library_image(f"m{i}.png", size=(900, 300), color=f"#{i:02x}0000")
        make_renditions.call(image.pk)
        ArticleFactory(cover_image=image)
    cache.clear()
    with assert_queries(5):
        response = get(client, LIST, page_size=50)
    assert all(a["cover_image"]["renditions"] for a in response.json()["results"])


def test_graphql_lists_the_same_renditions(client):
    _covered(3)
    query = """{ articles(first: 10) { edges { node { slug
        coverImage { url alt credit width height renditions { url width height format } } } } } }"""
    with assert_queries(1):  # the cover and its renditions come with the article rows
        _, body = gql(client, query)
    assert "errors" not in body, body
    rest = {a["slug"]: a["cover_image"] for a in get(client, LIST).json()["results"]}
    for edge in body["data"]["articles"]["edges"]:
        node = edge["node"]
        assert node["coverImage"]["renditions"] == rest[node["slug"]]["renditions"]
        assert node["coverImage"]["url"] == rest[node["slug"]]["url"]


def test_an_image_without_renditions_yet_lists_none(client):
    ArticleFactory(cover_image=library_image("new.png", size=(900, 600)))
    cover = get(client, LIST).json()["results"][0]["cover_image"]
    assert cover["renditions"] == []
    assert cover["width"] == 900


def test_the_command_queues_images_without_renditions(settings):
    settings.TASKS = IMMEDIATE
    done = library_image("done.png", size=(600, 300), color="red")
    make_renditions.call(done.pk)
    waiting = library_image("waiting.png", size=(600, 300), color="blue")
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert "1 image(s) queued" in out.getvalue()
    waiting.refresh_from_db()
    assert [r["width"] for r in waiting.renditions] == [480, 600]


def test_an_image_whose_file_is_lost_is_reported_not_retried():
    image = library_image("lost.png", size=(600, 300))
    default_storage.delete(image.file.name)
    assert "missing" in make_renditions.call(image.pk)
    image.refresh_from_db()
    assert image.renditions == []
