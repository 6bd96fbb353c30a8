"""Real answers validate against the OpenAPI document (JSON Schema 2020-12, ``jsonschema``
with the document's own ``$ref``s): the Python twin of the clients' Ajv crawl. Each answer is
checked against its operation's documented status, content type, required headers and body
schema, and the article answers also against the one shape they must be (so that ``anyOf``
with the all-optional fieldset cannot hide a field missing from a full answer)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from articles import previews
from articles.models import Article, ArticleStatus
from cms import scopes, tokens
from comments.models import CommentStatus
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

URI = "urn:byline:openapi"
COMMENT = {"author_name": "Ann", "author_email": "ann@example.com", "body": "Well said."}


@pytest.fixture(scope="module")
def document(django_db_blocker) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def _errors(document: dict[str, Any], pointer: str, instance: Any) -> list[str]:
    registry = Registry().with_resource(URI, DRAFT202012.create_resource(document))
    validator = Draft202012Validator(
        {"$ref": f"{URI}#{pointer}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(instance)]


def shape_errors(document: dict[str, Any], name: str, instance: Any) -> list[str]:
    return _errors(document, _pointer("components", "schemas", name), instance)


def conforms(document: dict[str, Any], method: str, path: str, response) -> Any:
    """Assert that ``response`` is what the document says ``method path`` answers; return
    its body."""
    operation = document["paths"][path][method]
    status = str(response.status_code)
    assert status in operation["responses"], (method, path, status, response.content[:300])
    declared = operation["responses"][status]
    for name, header in declared.get("headers", {}).items():
        if header.get("required"):
            assert response.has_header(name), (method, path, status, name)
        if response.has_header(name):
            value: Any = response[name]
            if header["schema"].get("type") == "integer":
                value = int(value)
            pointer = _pointer("paths", path, method, "responses", status, "headers", name)
            assert _errors(document, pointer + "/schema", value) == [], (path, name, value)
    if status in ("204", "304"):
        assert response.content == b""
        return None
    media_type = response["Content-Type"].split(";")[0]
    assert media_type in declared["content"], (method, path, status, media_type)
    body = json.loads(response.content)
    pointer = _pointer("paths", path, method, "responses", status, "content", media_type)
    errors = _errors(document, pointer + "/schema", body)
    assert errors == [], (method, path, status, errors[:5])
    return body


@pytest.fixture
def world(editor):
    writer = AuthorFactory(slug="ann")
    section, tag = SectionFactory(slug="town"), TagFactory(slug="harbour")
    live = ArticleFactory(slug="live", authors=[writer], tags=[tag], section=section)
    ArticleFactory(slug="other", authors=[writer], section=None)
    draft = ArticleFactory(slug="draft", status=ArticleStatus.DRAFT, published_at=None)
    CommentFactory(article=live, status=CommentStatus.APPROVED)
    CommentFactory(article=live)  # pending: for the moderation queue
    Article.objects.filter(pk=live.pk).update(comment_count=1)
    return {"live": live, "draft": draft}


def _bearer(editor, *scope_list: str) -> Client:
    _, plaintext = tokens.token_create(owner=editor, name="t", scopes=list(scope_list))
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def _send(client: Client, method: str, url: str, body: Any = None, **extra: Any):
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data, content_type="application/json", **extra)


def test_readers_answers_validate(document, world):
    client = Client()
    listing = conforms(document, "get", "/api/v1/articles", client.get("/api/v1/articles/"))
    assert listing["results"]
    for item in listing["results"]:
        assert shape_errors(document, "ArticleSummary", item) == []
        assert "status" not in item
    sparse = client.get("/api/v1/articles/?fields=slug,title")
    for item in conforms(document, "get", "/api/v1/articles", sparse)["results"]:
        assert set(item) == {"slug", "title"}
        assert shape_errors(document, "ArticleSummary", item)  # not a full item

    detail = conforms(
        document, "get", "/api/v1/articles/{slug}", client.get("/api/v1/articles/live/")
    )
    assert shape_errors(document, "Article", detail) == []
    assert shape_errors(document, "ArticleSummary", detail)  # bodies are not in lists
    sparse = client.get("/api/v1/articles/live/?fields=title,authors")
    body = conforms(document, "get", "/api/v1/articles/{slug}", sparse)
    assert set(body) == {"title", "authors"}
    assert shape_errors(document, "Article", body)  # a fieldset is not an Article
    unchanged = client.get("/api/v1/articles/live/", HTTP_IF_NONE_MATCH=sparse["ETag"])
    assert unchanged.status_code == 200  # another representation, another ETag
    not_modified = client.get("/api/v1/articles/live/", HTTP_IF_NONE_MATCH=unchanged["ETag"])
    assert not_modified.status_code == 304
    conforms(document, "get", "/api/v1/articles/{slug}", not_modified)

    popular = conforms(
        document, "get", "/api/v1/articles/popular", client.get("/api/v1/articles/popular/")
    )
    for item in popular["results"]:
        assert shape_errors(document, "PopularArticle", item) == []
    sparse = client.get("/api/v1/articles/popular/?fields=slug")
    for item in conforms(document, "get", "/api/v1/articles/popular", sparse)["results"]:
        assert set(item) == {"slug", "views_in_period"}

    thread = client.get("/api/v1/articles/live/comments/")
    page = conforms(document, "get", "/api/v1/articles/{slug}/comments", thread)
    assert page["form_token"]
    assert len(page["results"]) == 1
    posted = _send(client, "post", "/api/v1/articles/live/comments/", COMMENT)
    assert conforms(document, "post", "/api/v1/articles/{slug}/comments", posted)["status"] == (
        "pending"
    )
    counted = client.post("/api/v1/articles/live/views/", HTTP_USER_AGENT="Mozilla/5.0")
    assert conforms(document, "post", "/api/v1/articles/{slug}/views", counted)["view_count"] == 1

    for path, url in [
        ("/api/v1/authors", "/api/v1/authors/"),
        ("/api/v1/authors/{slug}", "/api/v1/authors/ann/"),
        ("/api/v1/sections", "/api/v1/sections/"),
        ("/api/v1/sections/{slug}", "/api/v1/sections/town/"),
        ("/api/v1/tags", "/api/v1/tags/"),
        ("/api/v1/tags/{slug}", "/api/v1/tags/harbour/"),
    ]:
        assert client.get(url).status_code == 200, url
        conforms(document, "get", path, client.get(url))


def test_editors_answers_validate(document, world, editor):
    client = _bearer(editor, *scopes.ALL_SCOPES)
    listing = conforms(document, "get", "/api/v1/articles", client.get("/api/v1/articles/"))
    for item in listing["results"]:
        assert shape_errors(document, "ArticleSummary", item) == []
        assert item["status"] == "published"
    draft = client.get("/api/v1/articles/draft/")
    body = conforms(document, "get", "/api/v1/articles/{slug}", draft)
    assert shape_errors(document, "Article", body) == []
    assert (body["status"], body["published_at"]) == ("draft", None)
    assert draft["ETag"].startswith(f'"v{body["version"]}-')  # If-Match takes it
    assert draft["Cache-Control"] == "private, no-store"
    sparse = client.get("/api/v1/articles/draft/?fields=title")
    assert set(conforms(document, "get", "/api/v1/articles/{slug}", sparse)) == {
        "title",
        "status",
        "submitted_at",
        "returned_at",
        "version",
    }

    token = previews.issue(world["draft"], editor)
    preview = Client().get(f"/api/v1/articles/draft/?preview={token}")
    body = conforms(document, "get", "/api/v1/articles/{slug}", preview)
    assert shape_errors(document, "EditedArticle", body) == []

    created = _send(client, "post", "/api/v1/articles/", {"title": "Fresh"})
    body = conforms(document, "post", "/api/v1/articles", created)
    assert shape_errors(document, "EditedArticle", body) == []
    slug = body["slug"]
    edited = _send(client, "patch", f"/api/v1/articles/{slug}/", {"title": "Edited"},
                   HTTP_IF_MATCH=created["ETag"])  # fmt: skip
    body = conforms(document, "patch", "/api/v1/articles/{slug}", edited)
    assert shape_errors(document, "EditedArticle", body) == []
    published = _send(client, "post", f"/api/v1/articles/{slug}/publish/")
    assert conforms(document, "post", "/api/v1/articles/{slug}/publish", published)["status"] == (
        "published"
    )
    back = _send(client, "post", f"/api/v1/articles/{slug}/unpublish/")
    assert conforms(document, "post", "/api/v1/articles/{slug}/unpublish", back)["status"] == (
        "draft"
    )
    queue = conforms(document, "get", "/api/v1/comments", client.get("/api/v1/comments/"))
    pending = next(c for c in queue["results"] if c["status"] == "pending")
    moderated = _send(client, "patch", f"/api/v1/comments/{pending['id']}/", {"status": "spam"})
    conforms(document, "patch", "/api/v1/comments/{id}", moderated)
    deleted = _send(client, "delete", f"/api/v1/articles/{slug}/")
    conforms(document, "delete", "/api/v1/articles/{slug}", deleted)


def test_a_write_the_caller_may_not_read_answers_the_reference(document, world, editor):
    client = _bearer(editor, scopes.CONTENT_WRITE)  # no content:preview: drafts are unreadable
    created = _send(client, "post", "/api/v1/articles/", {"title": "Blind"})
    body = conforms(document, "post", "/api/v1/articles", created)
    assert shape_errors(document, "EditedArticleRef", body) == []
    assert "body_html" not in body


def test_refusals_validate(document, world, editor, settings):
    anonymous = Client()
    get = anonymous.get
    articles, detail = "/api/v1/articles", "/api/v1/articles/{slug}"
    for path, response, status in [
        (articles, get("/api/v1/articles/?fields=nope"), 400),
        (articles, get("/api/v1/articles/?page=99"), 404),
        (detail, get("/api/v1/articles/missing/"), 404),
        (detail, get("/api/v1/articles/draft/"), 404),
        (articles, get("/api/v1/articles/", HTTP_AUTHORIZATION="Bearer byl_nope"), 401),
        (articles, get("/api/v1/articles/", HTTP_ACCEPT="text/html"), 406),
    ]:
        assert response.status_code == status, (path, response.content)
        body = conforms(document, "get", path, response)
        assert body["code"]

    refused = _send(anonymous, "post", "/api/v1/articles/", {"title": "No"})
    assert refused.status_code == 401
    conforms(document, "post", articles, refused)
    reader = _bearer(editor, scopes.CONTENT_READ)
    refused = _send(reader, "post", "/api/v1/articles/", {"title": "No"})
    assert refused.status_code == 403
    conforms(document, "post", articles, refused)
    writer = _bearer(editor, *scopes.ALL_SCOPES)
    unsupported = writer.post("/api/v1/articles/", "title", content_type="text/plain")
    assert unsupported.status_code == 415
    conforms(document, "post", articles, unsupported)

    without = _send(writer, "patch", "/api/v1/articles/live/", {"title": "New"})
    assert without.status_code == 428
    conforms(document, "patch", detail, without)
    stale = _send(writer, "patch", "/api/v1/articles/live/", {"title": "New"}, HTTP_IF_MATCH='"v0"')
    assert stale.status_code == 412
    conforms(document, "patch", detail, stale)
    again = _send(writer, "post", "/api/v1/articles/live/publish/")
    assert again.status_code == 409
    conforms(document, "post", "/api/v1/articles/{slug}/publish", again)

    settings.COMMENTS_RATE_LIMITS_PER_IP = ["1/m"]
    comments = "/api/v1/articles/{slug}/comments"
    assert _send(anonymous, "post", "/api/v1/articles/live/comments/", COMMENT).status_code == 201
    limited = _send(anonymous, "post", "/api/v1/articles/live/comments/", COMMENT)
    assert limited.status_code == 429
    conforms(document, "post", comments, limited)

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64
    too_big = _send(writer, "post", "/api/v1/articles/", {"title": "x" * 100})
    assert too_big.status_code == 413
    conforms(document, "post", articles, too_big)


# --- Both forms of every path --------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles",
        "/api/v1/articles/live",
        "/api/v1/articles/live?fields=title",
        "/api/v1/articles/popular",
        "/api/v1/articles/live/comments",
        "/api/v1/authors",
        "/api/v1/authors/ann",
        "/api/v1/sections/town",
        "/api/v1/tags",
        "/api/v1/articles/missing",
        "/api/v1/no-such-thing",
    ],
)
def test_a_path_answers_alike_with_and_without_its_trailing_slash(world, url):
    path, _, query = url.partition("?")
    query = f"?{query}" if query else ""
    bare, slashed = Client().get(path + query), Client().get(f"{path}/{query}")
    assert bare.status_code == slashed.status_code != 301
    assert bare["Content-Type"] == slashed["Content-Type"]
    assert bare.get("ETag") == slashed.get("ETag")
    body = json.loads(bare.content)
    if "form_token" in body:  # signed with a timestamp: equal in kind, not in bytes
        assert json.loads(slashed.content)["form_token"]
        body.pop("form_token")
        assert body == {k: v for k, v in json.loads(slashed.content).items() if k != "form_token"}
    else:
        assert bare.content == slashed.content


def test_a_comment_posts_alike_with_and_without_the_trailing_slash(world):
    for url in ("/api/v1/articles/live/comments", "/api/v1/articles/live/comments/"):
        posted = _send(Client(), "post", url, {**COMMENT, "body": f"Sent to {url}."})
        assert posted.status_code == 201, posted.content
        assert posted.json()["status"] == "pending"


def test_pagination_links_follow_the_form_asked_for(world):
    for path in ("/api/v1/articles", "/api/v1/articles/"):
        first = Client().get(f"{path}?page_size=1").json()
        assert first["next"] == f"https://cms.example.com{path}?page=2&page_size=1"
        following = first["next"].removeprefix("https://cms.example.com")
        second = Client().get(following).json()
        assert second["previous"] == f"https://cms.example.com{path}?page_size=1"
