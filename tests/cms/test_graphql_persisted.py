"""Persisted queries: Apollo's automatic persisted-query protocol, GET by hash, the allow-list."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import previews
from articles.models import ArticleStatus
from cms import scopes, tokens
from cms.graphql import persisted
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

TAGS = "query Tags { tags { slug } }"
ARTICLE = "query Article($slug: String!) { article(slug: $slug) { slug title } }"
VIEW = "mutation View($slug: String!) { registerView(slug: $slug) { viewCount } }"


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def extension(document: str | None = None, *, digest: str | None = None, version: Any = 1):
    return {"persistedQuery": {"version": version, "sha256Hash": digest or sha(document or "")}}


def post(client: Client, body: dict[str, Any], **extra: Any):
    return client.post("/graphql/", json.dumps(body), content_type="application/json", **extra)


def get_by_hash(client: Client, document: str, variables: dict[str, Any] | None = None, **extra):
    """The request Apollo Client's link sends with useGETForHashedQueries."""
    params = {"extensions": json.dumps(extension(document))}
    if variables is not None:
        params["variables"] = json.dumps(variables)
    return client.get("/graphql/", params, **extra)


def register(client: Client, document: str, variables: dict[str, Any] | None = None, **extra):
    body = {"query": document, "variables": variables or {}, "extensions": extension(document)}
    return post(client, body, **extra)


def code(response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


@pytest.fixture
def tags(db):
    """A tag with published work: the only kind `tags` lists."""
    ArticleFactory(tags=[TagFactory(slug="harbour")])


def token_client(user, *scope_list: str) -> Client:
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=list(scope_list))
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


# --- the protocol ------------------------------------------------------------------------------


def test_an_unknown_hash_is_not_found_then_registered_then_served_by_get_and_post(client, tags):
    with CaptureQueriesContext(connection) as queries:
        miss = get_by_hash(client, TAGS)
    # What Apollo Client's link retries on: 200, the message and the code Apollo Server sends.
    assert miss.status_code == 200
    assert miss.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert miss["Cache-Control"] == "private, no-store"  # found once it is registered
    assert queries.captured_queries == []

    registered = register(client, TAGS)
    assert registered.status_code == 200
    assert registered.json() == {"data": {"tags": [{"slug": "harbour"}]}}

    hit = get_by_hash(client, TAGS)
    assert hit.status_code == 200
    assert hit.json() == {"data": {"tags": [{"slug": "harbour"}]}}
    by_post = post(Client(), {"extensions": extension(TAGS)})
    assert by_post.json() == {"data": {"tags": [{"slug": "harbour"}]}}


def test_a_get_is_read_from_its_url_whatever_its_content_type(client, tags):
    register(client, TAGS)
    # Apollo Client's HttpLink sends its JSON Content-Type with GETs too, with no body.
    response = get_by_hash(client, TAGS, CONTENT_TYPE="application/json")
    assert response.json() == {"data": {"tags": [{"slug": "harbour"}]}}


def test_variables_and_operation_name_come_by_get(client):
    ArticleFactory(slug="harbour-opens", title="Harbour opens")
    two = ARTICLE + " query Other { tags { slug } }"
    register(client, two, {"slug": "harbour-opens"})
    response = client.get(
        "/graphql/",
        {
            "extensions": json.dumps(extension(two)),
            "variables": json.dumps({"slug": "harbour-opens"}),
            "operationName": "Article",
        },
    )
    assert response.json() == {
        "data": {"article": {"slug": "harbour-opens", "title": "Harbour opens"}}
    }


def test_a_hash_that_is_not_the_documents_is_refused_and_nothing_is_stored(client, tags):
    response = post(client, {"query": TAGS, "extensions": extension(digest=sha(ARTICLE))})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["message"] == "provided sha does not match query"  # Apollo Server's words
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "extensions.persistedQuery.sha256Hash",
    }
    assert code(get_by_hash(client, ARTICLE)) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    ("persisted_query", "field"),
    [
        ({"version": 2, "sha256Hash": sha(TAGS)}, "extensions.persistedQuery.version"),
        ({"sha256Hash": sha(TAGS)}, "extensions.persistedQuery.version"),
        ({"version": True, "sha256Hash": sha(TAGS)}, "extensions.persistedQuery.version"),
        ({"version": 1, "sha256Hash": "abc"}, "extensions.persistedQuery.sha256Hash"),
        ({"version": 1, "sha256Hash": 5}, "extensions.persistedQuery.sha256Hash"),
        ({"version": 1}, "extensions.persistedQuery.sha256Hash"),
        ("yes", "extensions.persistedQuery"),
    ],
)
def test_malformed_persisted_queries_are_400s_naming_the_field(client, persisted_query, field):
    for response in (
        post(client, {"extensions": {"persistedQuery": persisted_query}}),
        client.get("/graphql/", {"extensions": json.dumps({"persistedQuery": persisted_query})}),
    ):
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "field": field,
        }


def test_an_unsupported_version_says_which_is(client):
    response = post(client, {"extensions": extension(TAGS, version=2)})
    assert "only version 1" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("raw", ["{nope", "[1]", '"x"'])
def test_extensions_that_are_not_a_json_object_are_400s(client, raw):
    response = client.get("/graphql/", {"extensions": raw})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "extensions",
    }


def test_a_hash_in_capitals_names_the_same_document(client, tags):
    register(client, TAGS)
    response = post(client, {"extensions": extension(digest=sha(TAGS).upper())})
    assert response.json() == {"data": {"tags": [{"slug": "harbour"}]}}


def test_extensions_without_a_persisted_query_change_nothing(client, tags):
    response = post(client, {"query": TAGS, "extensions": {"tracing": True}})
    assert response.json() == {"data": {"tags": [{"slug": "harbour"}]}}


def test_a_mutation_registers_and_runs_by_post_but_never_by_get(client):
    ArticleFactory(slug="harbour-opens")
    first = register(client, VIEW, {"slug": "harbour-opens"})
    assert first.json()["data"]["registerView"]["viewCount"] is not None
    by_get = get_by_hash(client, VIEW, {"slug": "harbour-opens"})
    assert by_get.status_code == 405
    assert by_get["Allow"] == "POST"
    # Known by hash: a POST with the hash alone runs it.
    again = post(client, {"variables": {"slug": "harbour-opens"}, "extensions": extension(VIEW)})
    assert again.json()["data"]["registerView"]["viewCount"] is not None


# --- limits -------------------------------------------------------------------------------------


def test_a_document_over_the_limits_is_refused_and_not_stored(client, settings):
    settings.GRAPHQL_MAX_DEPTH = 3
    deep = "{ articles { edges { node { comments { edges { node { id } } } } } } }"
    with CaptureQueriesContext(connection) as queries:
        response = register(client, deep)
    assert code(response) == "MAX_DEPTH_EXCEEDED"
    assert queries.captured_queries == []
    settings.GRAPHQL_MAX_DEPTH = 10
    assert code(get_by_hash(client, deep)) == "PERSISTED_QUERY_NOT_FOUND"


def test_a_stored_document_meets_the_limits_on_every_run(client, settings):
    query = "query($n: Int) { articles(first: $n) { edges { node { slug } } } }"
    register(client, query, {"n": 5})
    settings.GRAPHQL_MAX_DEPTH = 2
    assert code(get_by_hash(client, query, {"n": 5})) == "MAX_DEPTH_EXCEEDED"
    settings.GRAPHQL_MAX_DEPTH = 10
    settings.GRAPHQL_MAX_NODES = 10
    assert code(get_by_hash(client, query, {"n": 50})) == "QUERY_TOO_COSTLY"
    assert code(get_by_hash(client, query, {"n": 500})) == "MAX_PAGE_SIZE_EXCEEDED"


def test_a_document_larger_than_an_anonymous_body_runs_but_is_not_stored(editor, settings):
    settings.GRAPHQL_MAX_BODY_BYTES = 200
    long = "query Long { tags { slug } }  # " + "a long comment " * 20
    assert len(long) > 200
    writer = token_client(editor, scopes.CONTENT_READ)
    assert register(writer, long).json() == {"data": {"tags": []}}
    assert code(post(writer, {"extensions": extension(long)})) == "PERSISTED_QUERY_NOT_FOUND"


def test_a_hash_is_looked_up_only_for_callers_who_may_read(client, settings, tags):
    register(client, TAGS)
    settings.API_PUBLIC_READS = False
    response = get_by_hash(client, TAGS)
    assert response.status_code == 401
    assert code(response) == "NOT_AUTHENTICATED"
    assert code(get_by_hash(client, ARTICLE)) == "NOT_AUTHENTICATED"  # not "not found"


# --- HTTP caching of GET answers ----------------------------------------------------------------


def test_an_anonymous_get_by_hash_is_cacheable_as_rest_reads_are(client, tags):
    register(client, TAGS)
    rest = client.get("/api/v1/tags/")
    response = get_by_hash(client, TAGS)
    assert response["Cache-Control"] == rest["Cache-Control"]
    assert response["Cache-Control"].startswith("public, max-age=")
    assert response["ETag"].startswith('W/"')
    assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    # A shared cache must not hand one reader's CSRF cookie to the next.
    assert "csrftoken" not in response.cookies
    again = get_by_hash(client, TAGS)
    assert again["ETag"] == response["ETag"]  # the same URL, the same answer
    with CaptureQueriesContext(connection):
        not_modified = get_by_hash(client, TAGS, HTTP_IF_NONE_MATCH=response["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == response["ETag"]
    assert not_modified["Cache-Control"] == response["Cache-Control"]
    ArticleFactory(tags=[TagFactory(slug="ferry")])
    changed = get_by_hash(client, TAGS, HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != response["ETag"]


def test_a_get_with_the_document_is_cacheable_too(client, tags):
    response = client.get("/graphql/", {"query": TAGS})
    assert response["Cache-Control"].startswith("public, ")
    assert "ETag" in response


def test_a_get_by_hash_with_a_token_is_private(editor, tags):
    reader = token_client(editor, scopes.CONTENT_READ)
    register(reader, TAGS)
    response = get_by_hash(reader, TAGS)
    assert response.json() == {"data": {"tags": [{"slug": "harbour"}]}}
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response


def test_answers_with_errors_are_not_cacheable(client):
    query = "query { popularArticles(days: 0) { slug } }"
    register(client, query)
    response = get_by_hash(client, query)
    assert response.json()["errors"]
    assert "public" not in response.get("Cache-Control", "")
    assert "ETag" not in response


def test_a_preview_by_hash_is_never_stored(client, editor):
    draft = ArticleFactory(slug="embargo", status=ArticleStatus.DRAFT, title="Draft")
    query = 'query($t: String) { article(slug: "embargo", previewToken: $t) { title } }'
    variables = {"t": previews.issue(draft, editor)}
    register(client, query, variables)
    response = get_by_hash(client, query, variables)
    assert response.json() == {"data": {"article": {"title": "Draft"}}}
    assert response["Cache-Control"] == "private, no-store"


def test_posts_are_not_made_cacheable(client, tags):
    assert "Cache-Control" not in register(client, TAGS)


# --- modes -------------------------------------------------------------------------------------


def test_off_answers_not_supported_and_runs_documents_sent_whole(client, settings, tags):
    settings.GRAPHQL_PERSISTED_QUERIES = "off"
    for response in (get_by_hash(client, TAGS), register(client, TAGS)):
        assert response.status_code == 200
        assert response.json()["errors"][0] == {
            "message": "PersistedQueryNotSupported",
            "extensions": {"code": "PERSISTED_QUERY_NOT_SUPPORTED"},
        }
    assert post(client, {"query": TAGS}).json() == {"data": {"tags": [{"slug": "harbour"}]}}


def manifest(path, *documents: str, **overrides: Any) -> str:
    operations = [
        {"id": sha(d), "name": f"Op{n}", "type": "query", "body": d}
        for n, d in enumerate(documents)
    ]
    data = {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
    path.write_text(json.dumps({**data, **overrides}))
    return str(path)


@pytest.fixture
def allowlist(settings, tmp_path):
    settings.GRAPHQL_PERSISTED_QUERIES = "allowlist"
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = manifest(tmp_path / "manifest.json", TAGS, ARTICLE)


def test_allowlist_runs_listed_documents_by_hash_or_whole(client, allowlist, tags):
    assert get_by_hash(client, TAGS).json() == {"data": {"tags": [{"slug": "harbour"}]}}
    assert post(client, {"query": TAGS}).json() == {"data": {"tags": [{"slug": "harbour"}]}}
    assert register(client, TAGS).json() == {"data": {"tags": [{"slug": "harbour"}]}}
    assert get_by_hash(client, TAGS)["Cache-Control"].startswith("public, ")


def test_allowlist_refuses_anything_else_before_parsing(client, allowlist, monkeypatch):
    from cms.graphql import view

    def no_parsing(*args: Any) -> Any:
        raise AssertionError("parsed")

    monkeypatch.setattr(view, "_prepare", no_parsing)
    other = "{ sections { slug } }"
    for response in (
        post(client, {"query": other}),
        register(client, other),  # clients cannot add to the list
        get_by_hash(client, other),
        client.get("/graphql/", {"query": other}),
    ):
        assert response.status_code == 403
        assert code(response) == "PERSISTED_QUERY_NOT_ALLOWED"
        assert response["Cache-Control"] == "private, no-store"
    assert code(post(client, {"query": "{ nonsense"})) == "PERSISTED_QUERY_NOT_ALLOWED"


def test_allowlist_holds_for_tokens_and_sessions_alike(client, allowlist, editor, tags):
    other = "{ sections { slug } }"
    reader = token_client(editor, *scopes.ALL_SCOPES)
    assert code(post(reader, {"query": other})) == "PERSISTED_QUERY_NOT_ALLOWED"
    assert reader.post(
        "/graphql/", json.dumps({"query": TAGS}), content_type="application/json"
    ).json() == {"data": {"tags": [{"slug": "harbour"}]}}
    client.force_login(editor)
    assert code(get_by_hash(client, other)) == "PERSISTED_QUERY_NOT_ALLOWED"


def test_allowlist_refuses_a_listed_hash_sent_with_another_document(client, allowlist):
    response = post(client, {"query": "{ sections { slug } }", "extensions": extension(TAGS)})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["field"] == persisted.HASH_FIELD


def test_in_auto_the_manifests_documents_are_known_from_the_start(client, settings, tmp_path, tags):
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = manifest(tmp_path / "m.json", TAGS)
    assert get_by_hash(client, TAGS).json() == {"data": {"tags": [{"slug": "harbour"}]}}
    assert code(get_by_hash(client, ARTICLE)) == "PERSISTED_QUERY_NOT_FOUND"


# --- the manifest, its check and its command --------------------------------------------------


def e004(settings) -> list[str]:
    from cms.checks import persisted_queries_configured

    messages = persisted_queries_configured()
    assert all(isinstance(m, checks.Error) and m.id == "byline.E004" for m in messages)
    return [m.msg for m in messages]


def test_allowlist_without_a_manifest_does_not_start(settings):
    settings.GRAPHQL_PERSISTED_QUERIES = "allowlist"
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = ""
    assert "needs GRAPHQL_PERSISTED_QUERIES_FILE" in e004(settings)[0]


def test_a_valid_manifest_passes_the_check(settings, tmp_path):
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = manifest(tmp_path / "ok.json", TAGS)
    assert e004(settings) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"format": "relay"}, '"format" must be "apollo-persisted-query-manifest"'),
        ({"version": 2}, '"version" must be 1'),
        ({"operations": {}}, '"operations" must be a list'),
        (
            {"operations": [{"id": "0" * 64, "name": "T", "type": "query", "body": TAGS}]},
            f"operations[0].id must be the SHA-256 of its body, {sha(TAGS)}",
        ),
        (
            {"operations": [{"id": sha(TAGS), "name": "T", "type": "read", "body": TAGS}]},
            "operations[0].type must be",
        ),
        (
            {"operations": [{"id": sha(TAGS), "type": "query", "body": TAGS}]},
            "operations[0].name must be a string",
        ),
        ({"operations": ["x"]}, "operations[0] must be an object"),
    ],
)
def test_a_bad_manifest_is_named_by_the_check(settings, tmp_path, change, problem):
    path = manifest(tmp_path / f"bad{abs(hash(problem))}.json", TAGS, **change)
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = path
    [message] = e004(settings)
    assert path in message
    assert problem in message


def test_an_unreadable_manifest_is_named_by_the_check(settings, tmp_path):
    (tmp_path / "broken.json").write_text("{")
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = str(tmp_path / "broken.json")
    assert "is not valid JSON" in e004(settings)[0]
    settings.GRAPHQL_PERSISTED_QUERIES_FILE = str(tmp_path / "missing.json")
    assert "cannot be read" in e004(settings)[0]


def test_the_command_checks_bodies_against_the_schema_and_limits(tmp_path, capsys, settings):
    good = manifest(tmp_path / "good.json", TAGS, ARTICLE)
    call_command("check_persisted_queries", good)
    assert "2 operations, each runs here" in capsys.readouterr().out
    settings.GRAPHQL_MAX_DEPTH = 1
    bad = manifest(tmp_path / "bad.json", TAGS, "{ nosuchfield }")
    with pytest.raises(CommandError) as refused:
        call_command("check_persisted_queries", bad)
    assert "Cannot query field 'nosuchfield'" in str(refused.value)
    assert "depth" in str(refused.value)
    with pytest.raises(CommandError, match="format"):
        call_command("check_persisted_queries", manifest(tmp_path / "f.json", TAGS, format="x"))
