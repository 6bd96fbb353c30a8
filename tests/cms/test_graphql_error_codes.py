"""Every top-level GraphQL error carries an ``extensions.code`` that the schema's ``ErrorCode``
enum lists, so a typed client can switch on it without a catch-all."""

import json

import pytest
from graphql_relay import offset_to_cursor

from config.schema import schema
from tests.api import gql

pytestmark = pytest.mark.django_db

ERROR_CODES = set(schema.graphql_schema.get_type("ErrorCode").values)

REFUSED = {
    "unknown field": ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
    "bad enum value": (
        {"query": "{ articles(orderBy: BAD) { totalCount } }"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "bad variable": (
        {
            "query": "query($n: Int) { articles(first: $n) { totalCount } }",
            "variables": {"n": "many"},
        },
        "BAD_USER_INPUT",
    ),
    "date-time without offset": (
        {
            "query": 'mutation { publishArticle(slug: "x", publishedAt: "2030-01-01T10:00:00") '
            "{ errors { code } } }"
        },
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "syntax": ({"query": "{ tags { slug }"}, "GRAPHQL_PARSE_FAILED"),
    "page size": ({"query": "{ articles(first: 101) { totalCount } }"}, "MAX_PAGE_SIZE_EXCEEDED"),
    "cursor": (
        {"query": f'{{ articles(after: "{offset_to_cursor(2**40)}") {{ totalCount }} }}'},
        "BAD_CURSOR",
    ),
    "query not a string": ({"query": 5}, "BAD_USER_INPUT"),
    "variables not an object": (
        {"query": "query($n: Int) { articles(first: $n) { totalCount } }", "variables": [1]},
        "BAD_USER_INPUT",
    ),
}


@pytest.mark.parametrize(("payload", "code"), list(REFUSED.values()), ids=list(REFUSED))
def test_each_refusal_names_a_code_of_the_schema(client, payload, code):
    response = client.post("/graphql/", json.dumps(payload), content_type="application/json")
    errors = response.json()["errors"]
    assert [error["extensions"]["code"] for error in errors] == [code] * len(errors)
    assert code in ERROR_CODES


def test_limits_and_refusals_before_the_schema_name_codes_of_the_schema(client, settings):
    settings.GRAPHQL_MAX_DEPTH = 3
    settings.GRAPHQL_MAX_NODES = 10
    codes = set()
    for query in (
        "{ articles { edges { node { authors { slug } } } } }",  # depth
        "{ a: tags { slug } b: tags { slug } }",  # cost: 2 x 500 taxonomy rows
    ):
        _, body = gql(client, query)
        codes |= {error["extensions"]["code"] for error in body["errors"]}
    batch = client.post("/graphql/", "[]", content_type="application/json").json()
    codes |= {error["extensions"]["code"] for error in batch["errors"]}
    assert codes == {"MAX_DEPTH_EXCEEDED", "QUERY_TOO_COSTLY", "BATCH_NOT_SUPPORTED"}
    assert codes <= ERROR_CODES


def test_a_resolver_failure_is_an_internal_error_of_the_schema(client, monkeypatch):
    from articles import selectors

    def broken():
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(selectors, "tags", broken)
    _, body = gql(client, "{ tags { slug } }")
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "INTERNAL_SERVER_ERROR" in ERROR_CODES
