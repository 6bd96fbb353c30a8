"""Input an outsider can send that no database column should get: a clear 4xx, never a 500.

Several of these only fail on PostgreSQL (which refuses NUL characters and years past 9999),
so CI runs this file on both databases.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from articles.models import Article
from cms import scopes, tokens
from comments.models import Comment
from tests.api import gql
from tests.conftest import profile
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(db):
    return ArticleFactory(slug="live")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/articles/a%00b/"),
        ("get", "/api/v1/authors/a%00/"),
        ("get", "/api/v1/tags/a%00/"),
        ("post", "/api/v1/articles/a%00b/views/"),
        ("get", "/api/v1/articles/a%00b/comments/"),
        ("patch", "/api/v1/articles/a%00/"),
        ("patch", "/api/v1/comments/1%00/"),
    ],
)
def test_nul_in_a_path_is_a_404(client, live, editor, method, path):
    client.force_login(editor)
    if method == "get":
        response = client.get(path)
    else:
        response = getattr(client, method)(path, "{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "query",
    [
        '{ article(slug: "a\\u0000") { title } }',
        '{ articles(search: "\\u0000") { totalCount } }',
        '{ article(slug: "a\\u{0}") { title } }',
    ],
)
def test_nul_in_graphql_literals_is_refused_however_escaped(client, live, query):
    for response, body in (
        gql(client, query),
        (lambda r: (r, r.json()))(client.get("/graphql/", {"query": query})),
    ):
        assert response.status_code == 400, body
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_lone_surrogate_escape_in_a_graphql_literal_is_a_syntax_error(client, live):
    response, body = gql(client, '{ article(slug: "\\ud800") { title } }')
    assert response.status_code == 400
    assert "Invalid Unicode escape" in body["errors"][0]["message"]


@pytest.mark.parametrize("value", ["a\x00b", "\ud800", {"nested": ["\x00"]}])
def test_nul_and_lone_surrogates_in_graphql_variables_are_refused(client, live, value):
    # json.dumps writes a lone surrogate as the escape "\ud800", as a hostile client would.
    response, body = gql(client, "query($s: String!) { article(slug: $s) { title } }",
                         {"s": value})  # fmt: skip
    assert response.status_code == 400, body
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_lone_surrogate_in_a_comment_writes_nothing(client, live):
    _, body = gql(
        client,
        'mutation($n: String!) { submitComment(input: {articleSlug: "live", authorName: $n, '
        'authorEmail: "a@example.com", body: "Hi"}) { errors { code } } }',
        {"n": "\ud800"},
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert not Comment.objects.exists()


def test_a_body_over_the_request_limit_is_a_413_problem(client, live, settings):
    settings.MAX_REQUEST_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    big = json.dumps({"author_name": "x", "author_email": "a@example.com", "body": "x" * 20_000})
    response = client.post("/api/v1/articles/live/comments/", big, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    response, body = gql(client, "{ articles { totalCount } }", {"pad": "x" * 20_000})
    assert response.status_code == 413
    assert body["errors"][0]["extensions"]["code"] == "MAX_BODY_SIZE_EXCEEDED"


def test_graphql_writes_may_carry_long_article_bodies(editor):
    _, plaintext = tokens.token_create(owner=editor, name="t", scopes=[scopes.CONTENT_WRITE])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    body_html = "<p>" + "word " * 20_000 + "</p>"  # 100 KB: over the anonymous limit
    response, body = gql(
        client,
        'mutation($b: String) { createArticle(input: {title: "Long read", bodyHtml: $b}) '
        "{ errors { code } } }",
        {"b": body_html},
    )
    assert body == {"data": {"createArticle": {"errors": []}}}
    assert Article.objects.get().word_count == 20_000
    response, body = gql(Client(), "{ articles { totalCount } }", {"pad": "x" * 40_000})
    assert response.status_code == 413  # anonymous requests stay small


@pytest.mark.parametrize("header", ["Token {t}", "{t}", "Bearer\t{t}x", "bearer   {t}x"])
def test_a_token_under_another_scheme_or_spacing_is_never_anonymous(client, live, editor, header):
    _, plaintext = tokens.token_create(owner=editor, name="t", scopes=[scopes.CONTENT_READ])
    value = header.format(t=plaintext)
    rest = client.get("/api/v1/articles/", HTTP_AUTHORIZATION=value)
    response, body = gql(client, "{ articles { totalCount } }", HTTP_AUTHORIZATION=value)
    assert rest.status_code == 401
    assert rest.json()["code"] == "invalid_token"
    assert response.status_code == 401
    assert body["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"


def test_bearer_with_a_tab_still_authenticates(live, editor):
    _, plaintext = tokens.token_create(owner=editor, name="t", scopes=[scopes.CONTENT_READ])
    response = Client(HTTP_AUTHORIZATION=f"Bearer\t{plaintext}").get("/api/v1/articles/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def test_other_schemes_pass_through_as_anonymous(client, live):
    # A proxy's Basic credentials are not ours to judge.
    response = client.get("/api/v1/articles/", HTTP_AUTHORIZATION="Basic dXNlcjpwdw==")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("field", "value"), [("title", 1e308), ("title", True), ("tags", [1]), ("body_html", {})]
)
def test_article_text_fields_take_only_strings(editor, field, value):
    _, plaintext = tokens.token_create(owner=editor, name="t", scopes=[scopes.CONTENT_WRITE])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    body = {"title": "x", field: value}
    response = client.post("/api/v1/articles/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert field in json.dumps(response.json()["errors"])
    assert not Article.objects.exists()


def test_comment_text_fields_take_only_strings(client, live):
    body = {"author_name": 12, "author_email": "a@example.com", "body": "Hi"}
    response = client.post(
        "/api/v1/articles/live/comments/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"author_name": ["Must be a string."]}


@pytest.mark.parametrize("header", ["*", '"v1", "v2"', 'W/"a2bd0c"'])
def test_if_match_wildcards_lists_and_readers_etags_are_refused(editor, header):
    ArticleFactory(slug="draft", status="draft")
    _, plaintext = tokens.token_create(owner=editor, name="t", scopes=[scopes.CONTENT_WRITE])
    response = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}").patch(
        "/api/v1/articles/draft/", "{}", content_type="application/json", HTTP_IF_MATCH=header
    )
    assert response.status_code == 400
    message = response.json()["errors"]["If-Match"][0]
    assert "a reader's ETag, * or a list names no version" in message


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/comments/5/"), ("put", "/api/v1/comments/5/"),
     ("delete", "/api/v1/tags/harbour/"), ("put", "/api/v1/articles/live/")],
)  # fmt: skip
def test_missing_methods_are_405_even_on_a_closed_api(client, live, settings, method, path):
    settings.API_PUBLIC_READS = False
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


def test_a_graphql_csrf_refusal_is_json(editor):
    session = Client(enforce_csrf_checks=True)
    session.force_login(editor)
    response, body = gql(session, "{ articles { totalCount } }")
    assert response.status_code == 403
    assert body["errors"][0]["extensions"]["code"] == "CSRF_FAILED"


def test_json_nested_past_the_parsers_limit_is_a_400(client, live, editor):
    deep = "[" * 5000 + "]" * 5000
    response = client.post("/api/v1/articles/live/comments/", deep, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    _, plaintext = tokens.token_create(owner=editor, name="t", scopes=[scopes.CONTENT_READ])
    signed_in = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")  # past the anonymous limit
    body = '{"query": "{ tags { slug } }", "variables": {"v": ' + deep + "}}"
    response = signed_in.post("/graphql/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_deeply_nested_variables_within_the_parsers_limit_are_checked_without_recursion(
    client, live
):
    nested: object = "\x00"
    for _ in range(900):
        nested = [nested]
    response, body = gql(
        client, "query($v: String!) { article(slug: $v) { title } }", {"v": nested}
    )
    assert response.status_code == 400
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "param",
    ["published_after=1900-01-01T00:00:00-23:59", "published_before=2998-12-31T23:59:59-23:59"],
)
def test_offsets_postgresql_refuses_are_converted_first(client, live, param):
    response = client.get(f"/api/v1/articles/?{param}")
    assert response.status_code == 200, response.content


def test_non_ascii_digits_in_dates_are_refused(client, live):
    fullwidth_year = "\uff11\uff19\uff19\uff19"
    response = client.get("/api/v1/articles/", {"published_after": f"{fullwidth_year}-01-01"})
    assert response.status_code == 400
    assert "published_after" in response.json()["errors"]


def test_a_publication_time_with_a_sixteen_hour_offset_is_stored_in_utc(author):
    ArticleFactory(slug="draft", status="draft", authors=[profile(author)])
    _, plaintext = tokens.token_create(owner=author, name="t", scopes=[scopes.CONTENT_PUBLISH])
    _, body = gql(
        Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}"),
        'mutation { publishArticle(slug: "draft", publishedAt: "2026-01-01T00:00:00+16:00") '
        "{ errors { code } } }",
    )
    assert body == {"data": {"publishArticle": {"errors": []}}}
    stored = Article.objects.get().published_at
    assert stored is not None
    assert stored.isoformat() == "2025-12-31T08:00:00+00:00"


def test_overlong_searches_are_a_field_error_in_both_apis(client, live):
    long_word = "-".join(["x"] * 15_000)  # thousands of lexemes in one "word"
    response = client.get("/api/v1/articles/", {"search": long_word})
    assert response.status_code == 400
    assert "search" in response.json()["errors"]
    response, body = gql(client, "query($s: String) { articles(search: $s) { totalCount } }",
                         {"s": long_word[:30_000]})  # fmt: skip
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": "search"}


def test_a_graphql_body_that_is_not_utf8_is_a_400(client):
    response = client.post("/graphql/", b"{ tags { name } }\xff\xfe",
                           content_type="application/graphql")  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("presented", ["byl_\x00_x", "byl_a\x00b_secret", "byl_ab_"])
def test_malformed_token_prefixes_never_reach_the_database(client, presented):
    response = client.get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Bearer {presented}")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    response, _ = gql(client, "{ tags { slug } }", HTTP_AUTHORIZATION=f"Bearer {presented}")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("not an address", "not an address"),
    ],
)
def test_limits_count_ipv6_by_network(address, counted_as):
    from cms.ratelimit import network_of

    assert network_of(address) == counted_as
