"""The OpenAPI document is valid OpenAPI 3, complete, and every documented path answers."""

import json
import re
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate

from articles import services
from articles.models import Article, Author, Section, Tag
from cms import scopes, tokens
from cms.actors import Actor
from comments.models import CommentStatus
from tests.api import loaded_urls
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_schema_generation_has_no_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_every_documented_path_answers(client, schema, editor):
    call_command("seed_demo", verbosity=0)
    client.force_login(editor)  # the moderation queue is for editors
    article = Article.objects.published().filter(comment_count__gt=0).first()
    assert article is not None
    # A revision to read (the demo's articles may have none yet).
    services.article_update(article=article, actor=Actor.for_user(editor), title=article.title)
    number = str(article.revisions.order_by("-number").values_list("number", flat=True)[0])
    by_path = {
        "/api/v1/articles/{slug}": article.slug,
        "/api/v1/articles/{slug}/revisions": article.slug,
        "/api/v1/articles/{slug}/revisions/{number}": article.slug,
        "/api/v1/articles/{slug}/comments": article.slug,
        "/api/v1/authors/{slug}": Author.objects.filter(articles__isnull=False)[0].slug,
        "/api/v1/sections/{slug}": Section.objects.all()[0].slug,
        "/api/v1/tags/{slug}": Tag.objects.all()[0].slug,
    }
    paths = [p for p, ops in schema["paths"].items() if p.startswith("/api/v1/") and "get" in ops]
    assert len(paths) >= 9
    for path in paths:
        concrete = path.replace("{slug}", by_path[path]) if "{slug}" in path else path
        concrete = concrete.replace("{number}", number)
        response = client.get(concrete)
        assert response.status_code == 200, (path, response.content[:200])
    posts = [p for p, ops in schema["paths"].items() if "post" in ops]
    assert sorted(posts) == [
        "/api/v1/articles",
        "/api/v1/articles/{slug}/comments",
        "/api/v1/articles/{slug}/corrections",
        "/api/v1/articles/{slug}/publish",
        "/api/v1/articles/{slug}/revisions/{number}/restore",
        "/api/v1/articles/{slug}/unpublish",
        "/api/v1/articles/{slug}/views",
        "/api/v1/trash/{id}/restore",
    ]


def test_list_parameters_are_documented(schema):
    params = {p["name"] for p in schema["paths"]["/api/v1/articles"]["get"]["parameters"]}
    assert {
        "page", "page_size", "tag", "section", "author", "featured", "published_after",
        "published_before", "search", "ordering", "fields",
    } <= params  # fmt: skip


def test_docs_are_served_without_any_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "drf_spectacular_sidecar" in page
    assert not [url for url in loaded_urls(page) if "cdn" in url.lower()]
    assert 'src="http' not in page


def test_errors_and_caching_are_documented(schema):
    assert "ProblemDetails" in schema["components"]["schemas"]
    listing = schema["paths"]["/api/v1/articles"]["get"]
    assert {"200", "304", "400", "404", "500"} <= set(listing["responses"])
    assert "ETag" in listing["responses"]["200"]["headers"]
    assert "If-None-Match" in {p["name"] for p in listing["parameters"]}
    submit = schema["paths"]["/api/v1/articles/{slug}/comments"]["post"]
    assert {"201", "400", "404", "415", "429"} <= set(submit["responses"])
    assert submit["responses"]["429"]["content"]["application/problem+json"]


# --- Authentication and refusals, checked against what the server answers -----------------

SAFE = ("get", "head", "options")


def _document(headers: dict[str, str] | None = None) -> dict:
    """The document as served, generated under the current settings."""
    accept = "application/vnd.oai.openapi+json"
    response = Client(headers=headers).get("/api/schema/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    return response.json()


def _operations(document: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, operations in document["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in operations.items()
    ]


def _bearer(plaintext: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def _token(owner, *scope_list: str) -> str:
    return tokens.token_create(owner=owner, name="t", scopes=list(scope_list))[1]


@pytest.fixture
def world(editor):
    """One of everything a documented path can name, all visible to readers and editors."""
    writer = AuthorFactory(slug="ann")
    tag, section = TagFactory(slug="harbour"), SectionFactory(slug="news")
    article = ArticleFactory(slug="live", authors=[writer], tags=[tag], section=section)
    comment = CommentFactory(article=article, status=CommentStatus.APPROVED)
    article.comment_count = 1
    article.save(update_fields=["comment_count"])
    # Revision 1, for the revision paths.
    services.article_update(article=article, actor=Actor.for_user(editor), title=article.title)
    return {
        "slug": article.slug,
        "article_slug": article.slug,
        "id": str(comment.pk),
        "number": "1",
    }


# A valid body for each operation that takes one (so that validation does not answer first).
BODIES = {
    ("post", "/api/v1/articles"): {"title": "Fresh"},
    ("patch", "/api/v1/articles/{slug}"): {"title": "Edited"},
    ("post", "/api/v1/articles/{slug}/comments"): {
        "author_name": "Ann",
        "author_email": "ann@example.com",
        "body": "Well said.",
    },
    ("patch", "/api/v1/comments/{id}"): {"status": "approved"},
    ("post", "/api/v1/articles/{slug}/corrections"): {"kind": "correction", "text": "Fixed."},
}


def _call(client: Client, method: str, path: str, world: dict, body=None, **extra):
    concrete = path.format(**{k: world[k] for k in ("slug", "article_slug", "id", "number")})
    if path == "/api/v1/authors/{slug}":
        concrete = "/api/v1/authors/ann"
    elif path == "/api/v1/tags/{slug}":
        concrete = "/api/v1/tags/harbour"
    elif path == "/api/v1/sections/{slug}":
        concrete = "/api/v1/sections/news"
    data = json.dumps(body if body is not None else BODIES.get((method, path), {}))
    if method in SAFE:
        return getattr(client, method)(concrete, **extra)
    return getattr(client, method)(concrete, data, content_type="application/json", **extra)


def _documented(operation: dict, status: int) -> bool:
    return str(status) in operation["responses"]


def test_document_declares_the_bearer_scheme(schema):
    assert schema["components"]["securitySchemes"]["bearerAuth"]["type"] == "http"
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    used = {name for _, _, op in _operations(schema) for req in op["security"] for name in req}
    assert used == {"bearerAuth", "cookieAuth"}  # apiToken was the old name


def test_operations_are_anonymous_exactly_where_the_server_lets_anonymous_in(world):
    """Security is read from the document and held to what the server answers."""
    document = _document()
    for method, path, operation in _operations(document):
        optional = {} in operation["security"]
        assert {"bearerAuth": []} in operation["security"], (method, path)
        response = _call(Client(), method, path, world)
        if optional:
            assert response.status_code not in (401, 403), (method, path, response.content)
            assert "x-required-scope" not in operation
        else:
            assert response.status_code == 401, (method, path)


def test_closed_api_documents_every_operation_as_needing_credentials(world, editor, settings):
    settings.API_PUBLIC_READS = False
    document = _document({"Authorization": f"Bearer {_token(editor, scopes.CONTENT_READ)}"})
    for method, path, operation in _operations(document):
        assert {} not in operation["security"], (method, path)
        assert _call(Client(), method, path, world).status_code == 401, (method, path)
        assert _documented(operation, 403), (method, path)


def test_each_scoped_operation_needs_the_scope_it_documents(world, editor):
    scoped = [(m, p, op) for m, p, op in _operations(_document()) if "x-required-scope" in op]
    assert len(scoped) == 15
    # The article is needed until the end; the other deletes go after what needs their objects.
    scoped.sort(
        key=lambda item: (item[:2] == ("delete", "/api/v1/articles/{slug}"), item[0] == "delete")
    )
    for method, path, operation in scoped:
        scope = operation["x-required-scope"]
        assert scope in scopes.ALL_SCOPES
        others = [s for s in scopes.ALL_SCOPES if s != scope]
        refused = _call(Client(), method, path, world, **_bearer(_token(editor, *others)))
        assert refused.status_code == 403, (method, path)
        assert _documented(operation, 403)
        allowed = _call(Client(), method, path, world, **_bearer(_token(editor, scope)))
        assert allowed.status_code not in (401, 403), (method, path, allowed.content)


def test_every_refusal_the_server_gives_is_documented(world, editor, settings):
    """Provoke each kind of refusal on every operation; whatever comes back is documented."""
    document = _document()
    session = Client(enforce_csrf_checks=True)
    session.force_login(editor)
    no_scope = _token(editor)
    seen: set[tuple[str, int]] = set()
    for method, path, operation in _operations(document):
        provocations = [
            _call(Client(), method, path, world, **_bearer("byl_invalid_token")),
            _call(Client(), method, path, world),
            _call(Client(), method, path, world, **_bearer(no_scope)),
            _call(session, method, path, world),  # no CSRF token
        ]
        for response in provocations:
            status = response.status_code
            assert _documented(operation, status), (method, path, status, response.content)
            seen.add((method, status))
            if status == 401:
                headers = operation["responses"]["401"]["headers"]
                assert response["WWW-Authenticate"]
                assert headers["WWW-Authenticate"]["required"]
    assert {("get", 401), ("post", 401), ("patch", 403), ("post", 403)} <= seen


def test_preconditions_and_conflicts_are_documented(world, editor):
    document = _document()
    token = _bearer(_token(editor, *scopes.ALL_SCOPES))
    patch = document["paths"]["/api/v1/articles/{slug}"]["patch"]
    edit = {"title": "New"}
    without = _call(Client(), "patch", "/api/v1/articles/{slug}", world, edit, **token)
    assert without.status_code == 428
    assert _documented(patch, 428)
    stale = _call(Client(), "patch", "/api/v1/articles/{slug}", world, edit,
                  HTTP_IF_MATCH='"v0"', **token)  # fmt: skip
    assert stale.status_code == 412
    assert _documented(patch, 412)
    header = next(p for p in patch["parameters"] if p["name"] == "If-Match")
    assert header["required"]
    assert re.fullmatch(header["schema"]["pattern"], '"v3-ab12"')
    publish = document["paths"]["/api/v1/articles/{slug}/publish"]["post"]
    again = _call(Client(), "post", "/api/v1/articles/{slug}/publish", world, **token)
    assert again.status_code == 409
    assert _documented(publish, 409)


def test_rate_limits_are_documented_with_retry_after(world, settings):
    settings.COMMENTS_RATE_LIMITS_PER_IP = ["1/m"]
    operation = _document()["paths"]["/api/v1/articles/{slug}/comments"]["post"]
    body = {"author_name": "Ann", "author_email": "ann@example.com", "body": "Well said."}
    path = "/api/v1/articles/{slug}/comments"
    assert _call(Client(), "post", path, world, body).status_code == 201
    refused = _call(Client(), "post", path, world, {**body, "body": "Again."})
    assert refused.status_code == 429
    assert _documented(operation, 429)
    assert int(refused["Retry-After"]) >= 1
    assert operation["responses"]["429"]["headers"]["Retry-After"]["required"]


def test_request_bodies_are_closed_as_documented(world, editor):
    document = _document()
    token = _bearer(_token(editor, *scopes.ALL_SCOPES))
    bodies = [(m, p, op) for m, p, op in _operations(document) if "requestBody" in op]
    assert len(bodies) == 6
    for method, path, operation in bodies:
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        component = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert component["additionalProperties"] is False, (method, path)
        body = {**BODIES.get((method, path), {}), "no_such_field": 1}
        response = _call(Client(), method, path, world, body, **token)
        assert response.status_code == 400, (method, path)
        assert "no_such_field" in response.json()["errors"], (method, path)


# --- Blank query parameters: every one the document lists, on every operation --------------

QUERY_PARAMETERS = sorted(
    (method, path, parameter["name"])
    for method, path, operation in _operations(
        SchemaGenerator(patterns=None).get_schema(request=None, public=True)
    )
    for parameter in operation.get("parameters", [])
    if parameter["in"] == "query"
)


def test_every_list_parameter_is_covered():
    names = {(path, name) for _, path, name in QUERY_PARAMETERS}
    assert ("/api/v1/articles", "published_before") in names
    assert ("/api/v1/articles/popular", "days") in names
    assert ("/api/v1/comments", "status") in names
    assert len(QUERY_PARAMETERS) >= 25


@pytest.mark.parametrize(("method", "path", "name"), QUERY_PARAMETERS)
@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_query_parameter_is_a_400_naming_it(world, editor, method, path, name, blank):
    operation = _document()["paths"][path][method]
    parameter = next(p for p in operation["parameters"] if p["name"] == name)
    assert parameter["allowEmptyValue"] is False
    if parameter["schema"]["type"] == "string":
        assert parameter["schema"]["minLength"] >= 1
    client = Client()
    client.force_login(editor)  # the moderation queue is for editors
    query = "?" + urlencode({name: blank})
    response = _call(client, method, path + query, world)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][name] == ["May not be blank."]


def test_a_method_the_endpoint_lacks_is_a_405_whatever_its_query(client):
    # The query was judged against no action and refused as unknown (400) before.
    for path in ("/api/v1/authors/?page=1", "/api/v1/articles/popular/?days=1"):
        assert client.generic("TRACE", path).status_code == 405
