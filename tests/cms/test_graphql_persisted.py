"""Persisted queries: Apollo's automatic persisted-query protocol, GET by hash, its caching."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import previews
from articles.models import ArticleStatus
from cms import scopes
from tests.cms.persisted_requests import (
    ARTICLE,
    TAGS,
    VIEW,
    code,
    extension,
    get_by_hash,
    post,
    register,
    sha,
    token_client,
)
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db


# --- the protocol ------------------------------------------------------------------------------


def test_an_unknown_hash_is_not_found_then_registered_then_served_by_get_and_post(
    client, harbour_tag
):
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


def test_a_get_is_read_from_its_url_whatever_its_content_type(client, harbour_tag):
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


def test_a_hash_that_is_not_the_documents_is_refused_and_nothing_is_stored(client, harbour_tag):
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


def test_a_hash_in_capitals_names_the_same_document(client, harbour_tag):
    register(client, TAGS)
    response = post(client, {"extensions": extension(digest=sha(TAGS).upper())})
    assert response.json() == {"data": {"tags": [{"slug": "harbour"}]}}


def test_extensions_without_a_persisted_query_change_nothing(client, harbour_tag):
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


def test_a_hash_is_looked_up_only_for_callers_who_may_read(client, settings, harbour_tag):
    register(client, TAGS)
    settings.API_PUBLIC_READS = False
    response = get_by_hash(client, TAGS)
    assert response.status_code == 401
    assert code(response) == "NOT_AUTHENTICATED"
    assert code(get_by_hash(client, ARTICLE)) == "NOT_AUTHENTICATED"  # not "not found"


# --- HTTP caching of GET answers ----------------------------------------------------------------


def test_an_anonymous_get_by_hash_is_cacheable_as_rest_reads_are(client, harbour_tag):
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


def test_a_get_with_the_document_is_cacheable_too(client, harbour_tag):
    response = client.get("/graphql/", {"query": TAGS})
    assert response["Cache-Control"].startswith("public, ")
    assert "ETag" in response


def test_a_get_by_hash_with_a_token_is_private(editor, harbour_tag):
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


def test_a_registration_is_answered_as_any_anonymous_query(client, harbour_tag):
    """Public, as every anonymous query's complete answer (cms.graphql.caching), and with no
    cookie of anyone's."""
    answer = register(client, TAGS)
    assert answer["Cache-Control"].startswith("public")
    assert not answer.cookies


def test_a_registered_document_is_remembered_by_the_process(client, harbour_tag):
    from django.core.cache import cache

    register(client, TAGS)
    assert get_by_hash(client, TAGS).status_code == 200  # found in the cache, remembered
    cache.clear()  # evicted from the shared cache: this process still knows it
    assert get_by_hash(client, TAGS).json() == {"data": {"tags": [{"slug": "harbour"}]}}
    assert code(get_by_hash(client, ARTICLE)) == "PERSISTED_QUERY_NOT_FOUND"
    register(client, ARTICLE, {"slug": "x"})  # a miss is not remembered
    assert get_by_hash(client, ARTICLE, {"slug": "x"}).json() == {"data": {"article": None}}
