"""Media on S3-compatible object storage (MEDIA_STORAGE=s3, django-storages), against moto's
S3 server on loopback: uploads, renditions and the API's URLs, end to end over HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured

from cms.sanitize import sanitize_article_html
from config.settings.base import media_storage
from media.tasks import make_renditions
from tests.api import get
from tests.factories import ArticleFactory, library_image

pytestmark = pytest.mark.django_db

BUCKET = "byline-media"
PUBLIC = "images.example.net"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
MOTO_SERVER = Path(sys.executable).with_name("moto_server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's server mode on a free loopback port, for this module's tests."""
    port = _free_port()
    server = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3(settings, monkeypatch, s3_endpoint):
    """STORAGES["default"] as MEDIA_STORAGE=s3 builds it from the environment, and a fresh
    bucket; returns a boto3 client on the same server."""
    for name, value in {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
        "AWS_S3_CUSTOM_DOMAIN": PUBLIC,
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **KEYS)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": media_storage("s3")}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_uploads_and_renditions_go_to_the_bucket_and_the_api_points_at_the_public_domain(
    client, s3
):
    image = library_image("harbour.jpg", size=(1200, 600), fmt="JPEG", alt="Harbour")
    assert keys(s3) == {image.file.name}
    make_renditions.call(image.pk)
    image.refresh_from_db()
    assert keys(s3) == {image.file.name, *(r["name"] for r in image.renditions)}
    assert [r["width"] for r in image.renditions] == [480, 960, 1200]
    stored = s3.head_object(Bucket=BUCKET, Key=image.renditions[0]["name"])
    assert stored["CacheControl"] == "public, max-age=31536000, immutable"

    assert "already made" in make_renditions.call(image.pk)  # nothing new in the bucket
    assert len(keys(s3)) == 4

    ArticleFactory(cover_image=image)
    cover = get(client, "/api/v1/articles/").json()["results"][0]["cover_image"]
    assert cover["url"] == f"https://{PUBLIC}/{image.file.name}"
    assert [r["url"] for r in cover["renditions"]] == [
        f"https://{PUBLIC}/{r['name']}" for r in image.renditions
    ]


def test_body_images_are_kept_at_the_public_domain_only(s3):
    kept = f'<img src="https://{PUBLIC}/images/a.png" alt="a">'
    assert sanitize_article_html(kept) == kept
    assert "src" not in sanitize_article_html('<img src="https://cms.example.com/media/a.png">')


def test_s3_without_a_bucket_is_refused_at_start_up(monkeypatch):
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        media_storage("s3")
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE"):
        media_storage("ftp")
