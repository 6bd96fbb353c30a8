"""Absolute URLs in responses come from configured bases, never from the request's Host.

A cached public response carries whatever URLs the first caller's request produced; if they
came from the Host header, one request with ``Host: 127.0.0.1:1`` would poison the copy every
reader then gets (and revalidates with a 304, since the ETag would not change either).
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, library_image

pytestmark = pytest.mark.django_db

BASE = "https://cms.example.com"  # PUBLIC_API_URL in config.settings.test
# Host values Django accepts in the test settings (ALLOWED_HOSTS) with any port.
HOSTS = ["testserver", "localhost:1", "127.0.0.1:1", "127.0.0.1:65535", "localhost"]


def _png() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="pic.png")


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    author = AuthorFactory(slug="maya")
    author.avatar.save("maya.png", _png())
    for n in range(3):
        ArticleFactory(
            slug=f"story-{n}",
            authors=[author],
            cover_image=library_image(f"cover-{n}.png", color=f"#0000{n:02x}"),
        )
    for _ in range(3):
        CommentFactory(article=Article.objects.get(slug="story-0"), status="approved")
    return author


def _urls(value) -> list[str]:
    text = json.dumps(value)
    return [part.split('"')[0] for part in text.split('"http')[1:]]


def _without_form_token(body: dict) -> dict:
    return {key: value for key, value in body.items() if key != "form_token"}


REST_PATHS = [
    "/api/v1/articles/?page_size=1&page=2",
    "/api/v1/articles/story-0/",
    "/api/v1/articles/story-0/comments/?page_size=1&page=2",
    "/api/v1/authors/",
    "/api/v1/authors/maya/",
    "/api/v1/articles/popular/",
]


@pytest.mark.parametrize("path", REST_PATHS)
@pytest.mark.parametrize("host", HOSTS)
def test_rest_urls_and_etags_ignore_the_host(client, world, path, host):
    honest = client.get(path, HTTP_HOST="testserver")
    forged = client.get(path, HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="http")
    assert forged.status_code == honest.status_code == 200
    # The comment form's token is signed with the time it was issued; nothing else may differ.
    assert _without_form_token(forged.json()) == _without_form_token(honest.json())
    assert forged["ETag"] == honest["ETag"]
    for url in _urls(forged.json()):
        assert not url.startswith(("://testserver", "://localhost", "://127.0.0.1")), url


def test_media_and_pagination_use_public_api_url(client, world):
    body = client.get("/api/v1/articles/?page_size=1&page=2", HTTP_HOST="127.0.0.1:1").json()
    assert body["next"] == f"{BASE}/api/v1/articles/?page=3&page_size=1"
    assert body["previous"] == f"{BASE}/api/v1/articles/?page_size=1"
    article = body["results"][0]
    assert article["cover_image"]["url"].startswith(f"{BASE}/media/images/")
    assert article["authors"][0]["avatar_url"].startswith(f"{BASE}/media/avatars/")
    assert article["url"].startswith("https://example.com/")  # FRONTEND_ARTICLE_URL


def test_an_absolute_media_url_is_used_as_it_is(client, world, settings):
    settings.MEDIA_URL = "https://images.example.net/m/"
    body = client.get("/api/v1/authors/maya/", HTTP_HOST="127.0.0.1:1").json()
    assert body["avatar_url"].startswith("https://images.example.net/m/avatars/")


QUERY = """{ articles(first: 3) { edges { node { url coverImage { url }
    authors { avatarUrl } } } } author(slug: "maya") { avatarUrl } }"""


@pytest.mark.parametrize("host", HOSTS)
def test_graphql_urls_ignore_the_host(client, world, host):
    def ask(h: str):
        return client.post(
            "/graphql/", json.dumps({"query": QUERY}), "application/json", HTTP_HOST=h
        )

    honest, forged = ask("testserver"), ask(host)
    assert forged.json() == honest.json()
    data = forged.json()["data"]
    assert data["author"]["avatarUrl"].startswith(f"{BASE}/media/avatars/")
    for edge in data["articles"]["edges"]:
        assert edge["node"]["coverImage"]["url"].startswith(f"{BASE}/media/images/")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(port=st.integers(1, 65535), name=st.sampled_from(["localhost", "127.0.0.1", "testserver"]))
def test_no_allowed_host_and_port_reaches_a_response(client, world, port, name):
    response = client.get("/api/v1/articles/?page_size=1", HTTP_HOST=f"{name}:{port}")
    text = response.content.decode()
    assert f"{name}:{port}" not in text
    assert "://testserver" not in text
