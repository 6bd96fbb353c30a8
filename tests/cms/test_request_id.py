"""Request ids: taken from the proxy when plausible, else made; returned; on every log line."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path

from cms.request_id import NO_REQUEST, RequestIdFilter, accepted_id, current_request_id
from config.log_format import JsonLineFormatter

GENERATED = re.compile(r"[0-9a-f]{32}")
LOG = logging.getLogger("byline.test_request_id")


def logging_view(request: HttpRequest) -> HttpResponse:
    LOG.warning("inside the view")
    return HttpResponse("ok")


urlpatterns = [path("logs/", logging_view)]


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What the production handler writes (JSON, with the request-id filter), for the test's
    logger and for django.request, which logs 4xx/5xx responses."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [LOG, logging.getLogger("django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield stream
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    "incoming",
    [
        "0f8fad5b-d9cb-469f-a165-70867728950e",  # a UUID
        "6a0c1f0e8d9b4c3a9e2f7d1c5b4a3f2e",  # nginx's $request_id
        "Rk9vQmFyQmF6+/=-aGVyb2t1LXN0eWxl",  # Heroku's router: letters, digits, +/=-
        "trace.span:00f067aa0ba902b7",
        "x" * 200,
    ],
)
def test_a_plausible_id_from_the_proxy_is_kept_and_returned(client, incoming):
    response = client.get("/healthz/", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "short",  # under 8 characters: cannot tell requests apart
        "x" * 201,  # oversized
        "x" * 100_000,
        "has space in it",
        "line\nbreak-injected",
        '"quoted-id-value"',
        "id;rm -rf /tmp",
        "naïve-identifier",
        "<script>alert(1)</script>",
    ],
)
def test_a_junk_or_oversized_id_is_replaced_by_a_new_one(client, junk):
    assert accepted_id(junk) is None
    response = client.get("/healthz/", HTTP_X_REQUEST_ID=junk)
    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_without_an_id_each_request_gets_its_own(client):
    first = client.get("/healthz/")["X-Request-ID"]
    second = client.get("/healthz/")["X-Request-ID"]
    assert GENERATED.fullmatch(first)
    assert GENERATED.fullmatch(second)
    assert first != second


@pytest.mark.urls("tests.cms.test_request_id")
def test_lines_logged_in_the_request_carry_its_id(client, lines):
    response = client.get("/logs/", HTTP_X_REQUEST_ID="from-the-proxy-1234")
    assert response["X-Request-ID"] == "from-the-proxy-1234"
    [line] = records(lines)
    assert line["message"] == "inside the view"
    assert line["request_id"] == "from-the-proxy-1234"
    assert line["level"] == "WARNING"


def test_djangos_own_line_for_an_error_response_carries_the_id(client, lines):
    # Django logs "Not Found" after the middleware chain has returned.
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="missing-page-5678")
    [line] = [r for r in records(lines) if r["logger"] == "django.request"]
    assert line["message"] == "Not Found: /no-such-page/"
    assert line["request_id"] == "missing-page-5678"


@pytest.mark.urls("tests.cms.test_request_id")
def test_after_the_response_lines_belong_to_no_request(client, lines):
    client.get("/logs/", HTTP_X_REQUEST_ID="finished-request-1")
    assert current_request_id() == NO_REQUEST
    LOG.warning("between requests")
    assert records(lines)[-1]["request_id"] == NO_REQUEST


def test_redirects_to_https_carry_the_id_too(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/admin/login/", HTTP_X_REQUEST_ID="redirected-12345")
    assert response.status_code == 301
    assert response["X-Request-ID"] == "redirected-12345"


def test_front_ends_may_read_the_id(client, settings, db):
    settings.CORS_ALLOWED_ORIGINS = ["https://news.example"]
    response = client.get("/api/v1/tags/", HTTP_ORIGIN="https://news.example")
    assert response.status_code == 200
    exposed = response["Access-Control-Expose-Headers"].lower()
    assert "x-request-id" in exposed
