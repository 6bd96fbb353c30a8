"""The GraphQL endpoint itself: limits, CSRF, introspection, errors, GraphiQL, the schema."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api import gql, loaded_urls
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def refused(client, query, code, status=None):
    with CaptureQueriesContext(connection) as queries:
        response, body = gql(client, query)
    assert body["errors"][0]["extensions"]["code"] == code, body
    assert "data" not in body or body["data"] is None
    assert queries.captured_queries == []
    if status is not None:
        assert response.status_code == status
    return response


def test_depth_limit(client, settings):
    settings.GRAPHQL_MAX_DEPTH = 4
    refused(
        client,
        "{ articles { edges { node { comments { edges { node { id } } } } } } }",
        "MAX_DEPTH_EXCEEDED",
    )
    _, body = gql(client, "{ articles { edges { node { slug } } } }")
    assert "errors" not in body


def test_depth_counts_through_fragments(client, settings):
    settings.GRAPHQL_MAX_DEPTH = 4
    query = """{ articles { edges { node { ...deep } } } }
      fragment deep on Article { comments { edges { node { id } } } }"""
    refused(client, query, "MAX_DEPTH_EXCEEDED")


def test_alias_limit(client):
    aliases = " ".join(f"a{n}: tags {{ slug }}" for n in range(16))
    refused(client, f"{{ {aliases} }}", "MAX_ALIASES_EXCEEDED")
    # (The same field fifteen times, so cheap that the query cost does not refuse it first.)
    fifteen = " ".join(f'a{n}: article(slug: "x") {{ slug }}' for n in range(15))
    _, body = gql(client, f"{{ {fifteen} }}")
    assert "errors" not in body


def test_aliases_count_at_every_place_a_fragment_is_spread(client):
    eight = " ".join(f"a{n}: tags {{ slug }}" for n in range(8))
    spreads = " ".join(f"s{n}: sections {{ slug }} ...eight" for n in range(2))
    refused(client, f"{{ {spreads} }} fragment eight on Query {{ {eight} }}",
            "MAX_ALIASES_EXCEEDED")  # fmt: skip
    nested = "{ articles { edges { node { ...one } } } ...eight } "
    _, body = gql(client, nested + "fragment one on Article { x: slug } "
                  f"fragment eight on Query {{ {eight} }}")  # fmt: skip
    assert "errors" not in body, body  # 9 aliases in all


def test_fragments_spread_many_times_are_measured_once(client, monkeypatch):
    from cms.graphql import selection

    walks = {"folds": 0}
    fold = selection.SelectionFold.__call__

    def counted(self, *args):
        walks["folds"] += 1
        return fold(self, *args)

    monkeypatch.setattr(selection.SelectionFold, "__call__", counted)
    # Each fragment spreads the next one twice: 2^30 paths through 30 short fragments.
    levels = 30
    fragments = " ".join(
        f"fragment F{n} on Article {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)
    )
    last = f"fragment F{levels} on Article {{ title }}"
    query = '{ article(slug: "x") { ...F0 } articles { edges { node { ...F0 } } } }'
    ArticleFactory()  # something to resolve, so the resolvers read the selection too
    response, body = gql(client, f"{query} {fragments} {last}")
    assert response.status_code == 200, body
    assert body["data"]["articles"]["edges"][0]["node"]["title"]
    assert 0 < walks["folds"] < 20 * levels  # depth and aliases: linear, not 2^levels


def test_token_limit(client, settings):
    settings.GRAPHQL_MAX_TOKENS = 50
    refused(client, "{ " + " ".join(["tags { slug }"] * 20) + " }", "MAX_TOKENS_EXCEEDED")


def test_body_size_limit(client, settings):
    settings.GRAPHQL_MAX_BODY_BYTES = 100
    query = "{ tags { slug } }" + " " * 200
    refused(client, query, "MAX_BODY_SIZE_EXCEEDED", status=413)


@pytest.mark.parametrize("argument", ["first: 101", "first: -1"])
def test_page_size_limit(client, argument):
    refused(client, f"{{ articles({argument}) {{ totalCount }} }}", "MAX_PAGE_SIZE_EXCEEDED")


def test_batches_are_refused(client):
    response = client.post(
        "/graphql/",
        json.dumps([{"query": "{ tags { slug } }"}, {"query": "{ sections { slug } }"}]),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BATCH_NOT_SUPPORTED"


def test_introspection_is_off_without_debug_but_typename_works(client):
    _, body = gql(client, "{ __schema { types { name } } }")
    assert "introspection" in body["errors"][0]["message"].lower()
    _, body = gql(client, "{ tags { __typename slug } }")
    assert "errors" not in body


def test_introspection_can_be_enabled(client, settings):
    settings.GRAPHQL_INTROSPECTION = True
    _, body = gql(client, "{ __schema { queryType { name } } }")
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_no_field_suggestions_in_production(client):
    _, body = gql(client, '{ articel(slug: "x") { title } }')
    message = body["errors"][0]["message"]
    assert "Did you mean" not in message
    assert "articel" in message


def test_resolver_errors_are_not_500s_and_reveal_nothing(client, monkeypatch):
    from articles import selectors

    def broken():
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(selectors, "tags", broken)
    response, body = gql(client, "{ tags { slug } }")
    assert response.status_code == 200
    assert body["errors"][0]["message"] == "Internal server error."
    assert "hunter2" not in json.dumps(body)


def test_malformed_requests_are_400s(client):
    response = client.post("/graphql/", "{not json", content_type="application/json")
    assert response.status_code == 400
    response, body = gql(client, "{ tags { slug }")
    assert response.status_code == 400
    assert body["errors"]


def test_anonymous_posts_need_no_csrf_token(client):
    csrf_client = Client(enforce_csrf_checks=True)
    _, body = gql(csrf_client, "{ tags { slug } }")
    assert "errors" not in body


def test_session_posts_must_carry_the_csrf_token(editor):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(editor)
    response = csrf_client.post(
        "/graphql/", json.dumps({"query": "{ tags { slug } }"}), content_type="application/json"
    )
    assert response.status_code == 403
    csrf_client.get("/admin/")  # sets the CSRF cookie
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(
        "/graphql/",
        json.dumps({"query": "{ tags { slug } }"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


def test_graphiql_only_in_debug_and_without_cdn(client, settings):
    page = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert b"graphiql.min.js" not in page.content
    settings.DEBUG = True
    from django.urls import clear_url_caches

    from cms.graphql.view import BylineGraphQLView
    from config.schema import schema

    view = BylineGraphQLView.as_view(schema=schema, graphiql=True)
    from django.test import RequestFactory

    request = RequestFactory().get("/graphql/", HTTP_ACCEPT="text/html")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = view(request).content.decode()
    clear_url_caches()
    assert "/static/graphiql/graphiql.min.js" in html
    assert not [url for url in loaded_urls(html) if "cdn" in url.lower()]
    assert "https://" not in html


def test_schema_graphql_is_up_to_date(tmp_path):
    out = tmp_path / "schema.graphql"
    call_command("graphql_schema", schema="config.schema.schema", out=str(out), verbosity=0)
    committed = Path(__file__).resolve().parents[2] / "schema.graphql"
    assert committed.read_text() == out.read_text(), (
        "schema.graphql is stale: run `python manage.py graphql_schema --out schema.graphql`"
    )


def test_get_queries_work_and_mutations_need_post(client):
    ArticleFactory()
    response = client.get("/graphql/", {"query": "{ articles { totalCount } }"})
    assert response.json()["data"]["articles"]["totalCount"] == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"query": 5},
        {"query": ["{ tags { slug } }"]},
        {"query": {"a": 1}},
        {"query": "query($n: Int) { articles(first: $n) { totalCount } }", "variables": 5},
        {"query": "query($n: Int) { articles(first: $n) { totalCount } }", "variables": [1]},
        {"query": '{ articles(tag: "a\\u0000") { totalCount } }'},
    ],
)
def test_malformed_requests_are_400s_not_500s(client, payload):
    response = client.post("/graphql/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]


@pytest.mark.parametrize("node_id", ["@@@", "U2VjdGlvbjox", "U3RyaW5nOjE=", "QXJ0aWNsZTrCsg=="])
def test_foreign_or_malformed_node_ids_are_null(client, node_id):
    _, body = gql(client, f'{{ node(id: "{node_id}") {{ id }} }}')
    assert body == {"data": {"node": None}}


def test_cursors_past_any_real_page_are_refused(client):
    from graphql_relay import offset_to_cursor

    _, body = gql(client, f'{{ articles(after: "{offset_to_cursor(2**40)}") {{ totalCount }} }}')
    assert body["errors"][0]["extensions"]["code"] == "BAD_CURSOR"


def test_repeated_selections_cost_the_size_of_the_document(client, monkeypatch):
    from cms.graphql import selection

    visits = {"levels": 0}
    names, named = selection.SelectionWalk.names, selection.SelectionWalk.named

    def counted_names(self, *args):
        visits["levels"] += 1
        return names(self, *args)

    def counted_named(self, *args):
        visits["levels"] += 1
        return named(self, *args)

    monkeypatch.setattr(selection.SelectionWalk, "names", counted_names)
    monkeypatch.setattr(selection.SelectionWalk, "named", counted_named)
    ArticleFactory()
    copies = 20
    query = (
        "{ " + "articles { ...A } " * copies + "} "
        "fragment A on ArticleConnection { " + "edges { ...E } " * copies + "} "
        "fragment E on ArticleEdge { " + "node { ...N } " * copies + "} "
        "fragment N on Article { " + "slug " * 100 + "title }"
    )
    response, body = gql(client, query)
    assert response.status_code == 200, body
    assert body["data"]["articles"]["edges"][0]["node"]["title"]
    # A naive walk visits copies^3 = 8,000 levels; this one about 4 * copies.
    assert visits["levels"] < 10 * copies, visits


# --- what the endpoint remembers between requests --------------------------------------------


@pytest.fixture
def cost_counts(monkeypatch):
    """How often the cost is counted (not remembered), with the memo emptied first."""
    from cms.graphql import cost, view

    view.COST_MEMO.entries.clear()
    counted = []
    count = cost.cost_errors

    def counting(*args):
        counted.append(args[3])
        return count(*args)

    monkeypatch.setattr(cost, "cost_errors", counting)
    return counted


def test_repeated_queries_are_costed_once(client, cost_counts):
    from cms.graphql import view

    query = "query($n: Int) { articles(first: $n) { totalCount } }"
    for _ in range(3):
        gql(client, query, {"n": 5})
    assert len(cost_counts) == 1
    gql(client, query, {"n": 6})
    assert len(cost_counts) == 2
    assert len(view.COST_MEMO.entries) == 2


def test_no_cache_keeps_the_variables_or_documents_of_writes(editor, cost_counts):
    """Each article write sends a new body of up to 4 MiB; remembering them by their
    variables kept hundreds of megabytes alive."""
    from cms import scopes, tokens
    from cms.graphql import view

    _, plaintext = tokens.token_create(owner=editor, name="t", scopes=list(scopes.ALL_SCOPES))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    create = "mutation($input: ArticleInput!) { createArticle(input: $input) { errors { code } } }"
    view._remembered_prepare.cache_clear()
    marker = "payload-that-must-not-stay"
    for n in range(4):
        body = f"<p>{marker}-{n} " + "word " * 60_000 + "</p>"  # 300 KB each
        _, answer = gql(client, create, {"input": {"title": f"Story {n}", "bodyHtml": body}})
        assert answer["data"]["createArticle"]["errors"] == [], answer
    # A query whose variables are large, and a document holding an article in a literal.
    big = {"q": "harbour " * 1000}
    gql(client, "query($q: String) { articles(search: $q) { totalCount } }", big)
    literal = f'mutation {{ createArticle(input: {{title: "Big", bodyHtml: "{"word " * 20_000}"}}) '
    _, answer = gql(client, literal + "{ errors { code } } }")
    assert answer["data"]["createArticle"]["errors"] == [], answer
    assert len(cost_counts) == 6  # every one counted afresh
    assert view.COST_MEMO.entries == {}
    assert view._remembered_prepare.cache_info().currsize == 2  # the small documents
    # Whatever is remembered is keyed by digests: nothing sent is kept.
    gql(client, "query($n: Int) { articles(first: $n) { totalCount } }", {"n": 3})
    (key,) = view.COST_MEMO.entries
    assert len(repr(key[1:])) < 500
    assert marker not in repr(view.COST_MEMO.entries)


def test_the_cost_memo_forgets_the_least_recently_used():
    from cms.graphql.view import _Memo

    memo = _Memo(2)
    computed = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    assert [memo.get((key,), compute) for key in "abac"] == [1, 2, 1, 3]
    assert list(memo.entries) == [("a",), ("c",)]
