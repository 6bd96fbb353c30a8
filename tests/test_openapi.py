"""The OpenAPI document is valid OpenAPI 3, complete, and every documented path answers."""

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate

from articles.models import Article, Author, Section, Tag
from tests.api import loaded_urls

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
    by_path = {
        "/api/v1/articles/{slug}/": article.slug,
        "/api/v1/authors/{slug}/": Author.objects.filter(articles__isnull=False)[0].slug,
        "/api/v1/sections/{slug}/": Section.objects.all()[0].slug,
        "/api/v1/tags/{slug}/": Tag.objects.all()[0].slug,
    }
    paths = [p for p, ops in schema["paths"].items() if p.startswith("/api/v1/") and "get" in ops]
    assert len(paths) >= 9
    for path in paths:
        concrete = path.replace("{article_slug}", article.slug)
        if "{slug}" in path:
            concrete = path.replace("{slug}", by_path[path])
        response = client.get(concrete)
        assert response.status_code == 200, (path, response.content[:200])
    posts = [p for p, ops in schema["paths"].items() if "post" in ops]
    assert sorted(posts) == [
        "/api/v1/articles/",
        "/api/v1/articles/{article_slug}/comments/",
        "/api/v1/articles/{slug}/publish/",
        "/api/v1/articles/{slug}/unpublish/",
        "/api/v1/articles/{slug}/views/",
    ]


def test_list_parameters_are_documented(schema):
    params = {p["name"] for p in schema["paths"]["/api/v1/articles/"]["get"]["parameters"]}
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
    listing = schema["paths"]["/api/v1/articles/"]["get"]
    assert {"200", "304", "400", "404", "500"} <= set(listing["responses"])
    assert "ETag" in listing["responses"]["200"]["headers"]
    assert "If-None-Match" in {p["name"] for p in listing["parameters"]}
    submit = schema["paths"]["/api/v1/articles/{article_slug}/comments/"]["post"]
    assert {"201", "400", "404", "415", "429"} <= set(submit["responses"])
    assert submit["responses"]["429"]["content"]["application/problem+json"]
