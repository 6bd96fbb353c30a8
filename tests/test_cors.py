import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_cors_is_closed_by_default(client):
    ArticleFactory()
    response = client.get("/api/v1/articles/", HTTP_ORIGIN="https://news.example")
    assert "Access-Control-Allow-Origin" not in response


def test_cors_opens_to_configured_origins_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://news.example"]
    allowed = client.get("/api/v1/articles/", HTTP_ORIGIN="https://news.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://news.example"
    assert "etag" in allowed["Access-Control-Expose-Headers"].lower()
    other = client.get("/api/v1/articles/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    admin = client.get("/admin/login/", HTTP_ORIGIN="https://news.example")
    assert "Access-Control-Allow-Origin" not in admin
