"""The OpenAPI document says what the server does, in the shapes TypeScript generators read:
article shapes derived from ``articles.fields``, closed and combined with ``anyOf``; every
header and refusal of each flow; servers, bounds, enums and names. Structure only: that real
answers validate against it is ``tests/test_openapi_responses.py``."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from graphene.utils.str_converters import to_camel_case
from graphql import get_nullable_type

from articles import fields, selectors
from articles.models import ArticleStatus
from comments.models import CommentStatus
from config.schema import schema as graphql_schema

pytestmark = pytest.mark.django_db

ACCEPT = "application/vnd.oai.openapi+json"
BODIES = {f.name for f in fields.READ_FIELDS if not f.in_lists}
ARTICLE_SHAPES = (
    "Article",
    "ArticleSummary",
    "ArticleFieldset",
    "PopularArticle",
    "PopularArticleFieldset",
    "EditedArticle",
    "EditedArticleRef",
)


@pytest.fixture(scope="module")
def document(django_db_blocker) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT=ACCEPT)
    assert response.status_code == 200
    return response.json()


class _Any:
    def __eq__(self, other: object) -> bool:
        return True


ANY = _Any()


def schemas(document: dict[str, Any]) -> dict[str, Any]:
    return document["components"]["schemas"]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def deref(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = schemas(document)[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def operations(document: dict[str, Any]):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def body_schema(operation: dict[str, Any], status: str) -> dict[str, Any]:
    return operation["responses"][status]["content"]["application/json"]["schema"]


def walk(node: Any, path: str = "#"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


# --- Version, servers, paths, hygiene ------------------------------------------------------


def test_the_document_is_openapi_3_1_without_nullable(document):
    assert document["openapi"] == "3.1.0"
    # 3.1 says null with type lists and {"type": "null"}; "nullable" would be ignored.
    assert [p for p, node in walk(document) if "nullable" in node] == []
    # 3.1 schemas are JSON Schema: "examples" (a list); Ajv's strict mode refuses "example".
    assert [p for p, node in walk(schemas(document)) if "example" in node] == []
    assert document["info"]["license"]["name"] == "Proprietary"


def test_servers_come_from_public_api_url(document, settings):
    assert document["servers"] == [{"url": "https://cms.example.com", "description": ANY}]
    settings.PUBLIC_API_URL = "https://api.newsroom.test"
    served = Client().get("/api/schema/", HTTP_ACCEPT=ACCEPT).json()
    assert served["servers"][0]["url"] == "https://api.newsroom.test"


def test_paths_have_no_trailing_slash_and_one_name_for_the_slug(document):
    paths = list(document["paths"])
    assert "/api/v1/articles" in paths
    assert [p for p in paths if p.endswith("/")] == []
    assert "/api/v1/articles/{slug}/comments" in paths
    assert [p for p in paths if "{" in p and not p.endswith(("{slug}", "{id}"))] == [
        "/api/v1/articles/{slug}/comments",
        "/api/v1/articles/{slug}/corrections",
        "/api/v1/articles/{slug}/publish",
        "/api/v1/articles/{slug}/revisions",
        "/api/v1/articles/{slug}/revisions/{number}",
        "/api/v1/articles/{slug}/revisions/{number}/restore",
        "/api/v1/articles/{slug}/unpublish",
        "/api/v1/articles/{slug}/views",
        "/api/v1/trash/{id}/restore",
    ]


def test_every_operation_has_a_summary_and_its_own_description(document):
    described: dict[str, str] = {}
    for method, path, operation in operations(document):
        assert operation.get("summary"), (method, path)
        # What the operation itself says, before the credentials paragraph every one has.
        own = operation.get("description", "").split("**Credentials:**")[0].strip()
        if own:
            assert own not in described, (method, path, "copies", described[own])
            described[own] = f"{method} {path}"
    # The write viewset's docstring was copied onto every article read.
    assert not any("Create, update, delete" in d for d in described)


def test_enums_and_bounds_are_the_servers(document):
    parameters = {
        (path, p["name"]): p["schema"]
        for _, path, operation in operations(document)
        for p in operation.get("parameters", [])
    }
    assert parameters[("/api/v1/articles", "page_size")]["maximum"] == settings.API_MAX_PAGE_SIZE
    assert parameters[("/api/v1/articles", "page_size")]["minimum"] == 1
    assert parameters[("/api/v1/articles", "page")]["minimum"] == 1
    for name, bound in selectors.most_read_bounds().items():
        schema = parameters[("/api/v1/articles/popular", name)]
        assert (schema["minimum"], schema["maximum"]) == (bound.minimum, bound.maximum)
    assert set(parameters[("/api/v1/articles", "ordering")]["enum"]) == set(selectors.ORDERINGS)
    assert set(parameters[("/api/v1/comments", "status")]["enum"]) == set(CommentStatus.values)
    moderation = document["paths"]["/api/v1/comments/{id}"]["patch"]
    body = moderation["requestBody"]["content"]["application/json"]["schema"]
    assert deref(document, body)["properties"]["status"] == ref("CommentStatus")
    assert schemas(document)["ArticleStatus"]["enum"] == list(ArticleStatus.values)


def test_pagination_and_problem_keys_are_required(document):
    for name, schema in schemas(document).items():
        if name.startswith("Paginated"):
            assert set(schema["required"]) >= {"count", "next", "previous", "results"}, name
            assert schema["properties"]["next"]["type"] == ["string", "null"]
    comments = schemas(document)["PaginatedCommentList"]
    assert "form_token" in comments["required"]
    problem = schemas(document)["ProblemDetails"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "code"}


@pytest.mark.parametrize(
    "name", ["Author", "Section", "Tag", "Comment", "ModeratedComment", "ViewCount"]
)
def test_answers_that_always_carry_every_key_require_them(document, name):
    # A blank bio or description is still sent (""): optional would make clients test for it.
    schema = schemas(document)[name]
    assert set(schema["required"]) == set(schema["properties"]), name


# --- Article shapes, derived from articles.fields ------------------------------------------


def test_article_shapes_are_derived_from_the_field_declaration(document):
    shapes = {name: schemas(document)[name] for name in ARTICLE_SHAPES}
    for name, shape in shapes.items():
        # Closed: a sparse answer must not pass for a full one.
        assert shape["additionalProperties"] is False, name
    every = set(fields.PRIVILEGED_FIELDS)
    assert set(shapes["Article"]["properties"]) == every
    assert set(shapes["Article"]["required"]) == set(fields.PUBLIC_FIELDS)
    assert {"body_html", "body_text"} <= set(shapes["Article"]["required"])
    assert set(shapes["ArticleSummary"]["properties"]) == set(fields.LIST_FIELDS) | set(
        fields.EDITORIAL_FIELDS
    )
    assert set(shapes["ArticleSummary"]["required"]) == set(fields.LIST_FIELDS)
    assert not BODIES & set(shapes["ArticleSummary"]["properties"])
    assert set(shapes["ArticleFieldset"]["properties"]) == every
    assert "required" not in shapes["ArticleFieldset"]
    assert shapes["ArticleFieldset"]["minProperties"] == 1
    popular = every | {"views_in_period"}
    assert set(shapes["PopularArticle"]["properties"]) == popular
    assert set(shapes["PopularArticle"]["required"]) == set(fields.PUBLIC_FIELDS) | {
        "views_in_period"
    }
    assert set(shapes["PopularArticleFieldset"]["properties"]) == popular
    assert shapes["PopularArticleFieldset"]["required"] == ["views_in_period"]
    assert set(shapes["EditedArticle"]["required"]) == every
    assert set(shapes["EditedArticleRef"]["properties"]) == set(fields.REFERENCE_FIELDS)
    assert set(shapes["EditedArticleRef"]["required"]) == set(fields.REFERENCE_FIELDS)


def test_the_short_write_answer_is_one_list_for_rest_and_graphql(document):
    """REST's EditedArticleRef and GraphQL's ArticlePayload answer the same fields (GraphQL's
    id is the article node's own), typed as the full article types them."""
    rest = schemas(document)["EditedArticleRef"]["properties"]
    assert list(rest) == list(fields.REFERENCE_FIELDS)
    for name in fields.REFERENCE_FIELDS:
        assert rest[name] == schemas(document)["EditedArticle"]["properties"][name], name
    payload = graphql_schema.graphql_schema.type_map["ArticlePayload"].fields
    article = graphql_schema.graphql_schema.type_map["Article"].fields
    scalars = {to_camel_case(name) for name in fields.REFERENCE_FIELDS if name != "id"}
    assert set(payload) == scalars | {"article", "errors"}
    for name in scalars:
        # Nullable (null with errors), else the Article field's own type.
        assert payload[name].type == get_nullable_type(article[name].type), name


def test_status_is_an_enum_and_published_at_is_nullable_where_it_can_be_null(document):
    nullable = {"Article", "ArticleFieldset", "EditedArticle", "EditedArticleRef"}
    for name in ARTICLE_SHAPES:
        properties = schemas(document)[name]["properties"]
        status = properties["status"]
        assert status.get("allOf", [status]) == [ref("ArticleStatus")], name
        assert properties["version"]["type"] == "integer", name
        published_at = properties["published_at"]["type"]
        # Lists and popular hold live articles only; a single one may be unpublished.
        assert published_at == (["string", "null"] if name in nullable else "string"), name
        if "section" in properties:  # not in EditedArticleRef
            assert properties["section"]["oneOf"] == [ref("NamedRef"), {"type": "null"}], name


def test_responses_are_any_of_the_full_shape_and_the_fieldset(document):
    paths = document["paths"]
    detail = deref(document, body_schema(paths["/api/v1/articles/{slug}"]["get"], "200"))
    assert detail["anyOf"] == [ref("Article"), ref("ArticleFieldset"), ref("EditedArticle")]
    listing = deref(document, body_schema(paths["/api/v1/articles"]["get"], "200"))
    items = deref(document, listing["properties"]["results"]["items"])
    assert items["anyOf"] == [ref("ArticleSummary"), ref("ArticleFieldset")]
    popular = deref(document, body_schema(paths["/api/v1/articles/popular"]["get"], "200"))
    items = deref(document, popular["properties"]["results"]["items"])
    assert items["anyOf"] == [ref("PopularArticle"), ref("PopularArticleFieldset")]
    for schema in (detail, items):
        assert "`fields`" in schema["description"]
    for method, path in [
        ("post", "/api/v1/articles"),
        ("patch", "/api/v1/articles/{slug}"),
        ("post", "/api/v1/articles/{slug}/publish"),
        ("post", "/api/v1/articles/{slug}/unpublish"),
    ]:
        operation = paths[path][method]
        status = "201" if method == "post" and path == "/api/v1/articles" else "200"
        written = deref(document, body_schema(operation, status))
        assert written["anyOf"] == [ref("EditedArticle"), ref("EditedArticleRef")], path
        assert operation["responses"][status]["headers"]["ETag"]["required"], path


# --- Headers and refusals of each flow ----------------------------------------------------


def test_conditional_reads_and_edits_declare_their_headers(document):
    for method, path, operation in operations(document):
        headers_in = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        success = next(s for s in operation["responses"] if s.startswith("2"))
        headers_out = operation["responses"][success].get("headers", {})
        if method == "get":
            assert "If-None-Match" in headers_in, path
            assert {"ETag", "Cache-Control"} <= set(headers_out), path
            assert "304" in operation["responses"], path
        elif "content" in operation["responses"][success]:
            assert headers_out["Cache-Control"]["schema"]["const"] == "private, no-store", path
        for status, response in operation["responses"].items():
            if status == "429":
                assert response["headers"]["Retry-After"]["required"], path
            if status == "401":
                assert response["headers"]["WWW-Authenticate"]["required"], path
    patch = document["paths"]["/api/v1/articles/{slug}"]["patch"]
    if_match = next(p for p in patch["parameters"] if p["name"] == "If-Match")
    assert if_match["required"]
    assert if_match["in"] == "header"
    assert {"401", "403", "412", "413", "428"} <= set(patch["responses"])
    submit = document["paths"]["/api/v1/articles/{slug}/comments"]["post"]
    assert {"413", "429"} <= set(submit["responses"])
