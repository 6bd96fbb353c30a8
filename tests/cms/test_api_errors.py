"""Every error under /api/ is RFC 9457 problem details."""

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


def test_unknown_api_path_is_a_404_problem(client):
    assert_problem(client.get("/api/v1/nothing-here/"), 404)


def test_wrong_method_is_a_405_problem(client):
    ArticleFactory(slug="a")
    assert_problem(client.put("/api/v1/articles/a/"), 405)
    assert_problem(client.put("/api/v1/tags/"), 405)


def test_unacceptable_format_is_a_406_problem(client):
    assert_problem(client.get("/api/v1/articles/", HTTP_ACCEPT="text/csv"), 406)


def test_server_errors_are_500_problems_without_internals(client, monkeypatch):
    from articles import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(selectors, "tags", broken)
    client.raise_request_exception = False
    body = assert_problem(client.get("/api/v1/tags/"), 500)
    assert "hunter2" not in str(body)


def test_pages_outside_the_api_keep_html_errors(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        ("NotAuthenticated", 401),
        ("AuthenticationFailed", 401),
        ("PermissionDenied", 403),
        ("UnsupportedMediaType", 415),
        ("Throttled", 429),
    ],
)
def test_every_drf_error_becomes_a_problem(exc, status):
    """Errors that no read endpoint raises yet (tokens, writes, rate limits) get the same
    shape once they do."""
    from rest_framework import exceptions

    from cms.api.errors import problem_exception_handler

    error = {
        "UnsupportedMediaType": lambda: exceptions.UnsupportedMediaType("text/csv"),
        "Throttled": lambda: exceptions.Throttled(wait=7),
    }.get(exc, lambda: getattr(exceptions, exc)())()
    response = problem_exception_handler(error, {"view": None, "request": None})
    assert response is not None
    assert response.status_code == status
    assert response.content_type == PROBLEM
    assert response.data["status"] == status
    assert response.data["title"]
    assert response.data["detail"]
    if status == 429:
        assert response["Retry-After"] == "7"
    if status == 401:
        assert response.data["code"] in ("not_authenticated", "authentication_failed")


@pytest.mark.parametrize(
    "params",
    [
        {"page": "²"},
        {"page_size": "²"},
        {"page": "9" * 40},
        {"published_after": "0001-01-01T00:00:00+05:00"},
        {"published_before": "9999-12-31T23:59:59-05:00"},
        {"tag": "a\x00b"},
        {"search": "\x00"},
    ],
)
def test_odd_values_are_400_not_500(client, params):
    ArticleFactory()
    response = client.get("/api/v1/articles/", params)
    assert response.status_code == 400
    assert next(iter(params)) in response.json()["errors"]


def test_nul_in_a_comment_is_a_field_error(client):
    import json

    article = ArticleFactory()
    response = client.post(
        f"/api/v1/articles/{article.slug}/comments/",
        json.dumps({"author_name": "A\x00", "author_email": "a@b.net", "body": "x\x00"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"author_name", "body"}
