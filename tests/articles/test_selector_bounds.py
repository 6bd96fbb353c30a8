"""The article list's and most-read's bounds belong to the selectors: REST and GraphQL refuse
the same bad argument with the same field (in each API's spelling) and the same code."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.test import Client

from articles import search, selectors
from articles.api.filters import PUBLISHED_YEARS_PATTERN
from cms.actors import Actor
from cms.errors import ValidationFailed
from tests.api import assert_queries, gql
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LONG_SEARCH = "x" * (search.MAX_SEARCH_CHARS + 1)

# (REST path, REST parameter, GraphQL field, GraphQL argument, the bad value)
POPULAR = ("/api/v1/articles/popular/", "popularArticles(%s) { slug }")
LIST = ("/api/v1/articles/", "articles(%s) { totalCount }")
SAME_BAD_ARGUMENT = [
    (POPULAR, "days", "days", 0),
    (POPULAR, "days", "days", selectors.MOST_READ_MAX_DAYS + 1),
    (POPULAR, "limit", "first", 0),
    (POPULAR, "limit", "first", 101),
    (LIST, "search", "search", LONG_SEARCH),
]


@pytest.mark.parametrize(("endpoint", "param", "argument", "value"), SAME_BAD_ARGUMENT)
def test_rest_and_graphql_refuse_the_same_argument_alike(
    client: Client, endpoint: tuple[str, str], param: str, argument: str, value: str | int
) -> None:
    path, field = endpoint
    response = client.get(path, {param: value})
    assert response.status_code == 400, response.content
    problem = response.json()
    assert problem["code"] == "invalid"
    assert list(problem["errors"]) == [param]

    literal = f'"{value}"' if isinstance(value, str) else str(value)
    _, body = gql(client, "{ %s }" % (field % f"{argument}: {literal}"))
    (error,) = body["errors"]
    assert error["extensions"] == {"code": problem["code"].upper(), "field": argument}
    # Same words too: the selector wrote them once.
    assert error["message"] == problem["errors"][param][0]


def test_popular_first_0_is_refused_as_rest_refuses_limit_0(client: Client) -> None:
    ArticleFactory()
    response = client.get("/api/v1/articles/popular/", {"limit": "0"})
    assert response.status_code == 400
    _, body = gql(client, "{ popularArticles(first: 0) { slug } }")
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": "first"}
    # Through a variable as well (the page-size check before execution is for connections).
    _, body = gql(client, "query($n: Int) { popularArticles(first: $n) { slug } }", {"n": 0})
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": "first"}


def test_a_connections_page_size_is_still_checked_before_execution(client: Client) -> None:
    response, body = gql(client, "{ articles(first: 101) { totalCount } }")
    assert response.status_code == 400
    assert body["errors"][0]["extensions"] == {"code": "MAX_PAGE_SIZE_EXCEEDED"}
    response, body = gql(
        client, "query($n: Int) { articles(first: $n) { totalCount } }", {"n": 101}
    )
    assert body["errors"][0]["extensions"] == {"code": "MAX_PAGE_SIZE_EXCEEDED"}


def test_text_that_is_no_number_is_refused_by_each_adapters_parser(client: Client) -> None:
    # REST parses the query string, in the selector's words; GraphQL's Int type refuses it
    # before any resolver runs, so the selector never sees it.
    response = client.get("/api/v1/articles/popular/", {"days": "x"})
    assert response.json()["errors"] == {"days": [selectors.most_read_bounds()["days"].message]}
    _, body = gql(client, '{ popularArticles(days: "x") { slug } }')
    assert "Int cannot represent" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("last tuesday", "Enter a valid date/time."),
        ("\uff11\uff19\uff19\uff19-01-01", "Use ASCII digits."),
        ("1899-12-31T23:59:59Z", selectors.PUBLISHED_YEARS_MESSAGE),
        ("0001-01-01T00:00:00+05:00", selectors.PUBLISHED_YEARS_MESSAGE),
    ],
)
@pytest.mark.parametrize("param", ["published_after", "published_before"])
def test_malformed_or_out_of_range_dates_are_refused(
    client: Client, param: str, value: str, message: str
) -> None:
    # GraphQL's articles() takes no dates; REST parses them and the selector bounds them.
    response = client.get("/api/v1/articles/", {param: value})
    assert response.status_code == 400
    assert response.json()["errors"] == {param: [message]}


def test_every_bad_parameter_is_named_in_one_answer(client: Client) -> None:
    response = client.get(
        "/api/v1/articles/", {"featured": "maybe", "published_after": "1800-01-01", "ordering": "x"}
    )
    assert list(response.json()["errors"]) == ["featured", "published_after", "ordering"]
    response = client.get("/api/v1/articles/popular/", {"days": "0", "limit": "0"})
    assert list(response.json()["errors"]) == ["days", "limit"]


# The selectors themselves.


def anonymous() -> Actor:
    return Actor.anonymous()


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"ordering": "author_email"}, "ordering"),
        ({"search": LONG_SEARCH}, "search"),
        ({"published_after": datetime(1899, 12, 31, tzinfo=UTC)}, "published_after"),
        ({"published_before": datetime(3000, 1, 1, tzinfo=UTC)}, "published_before"),
        (
            {"published_after": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))},
            "published_after",
        ),
    ],
)
def test_article_list_refuses_before_any_query(arguments: dict, field: str) -> None:
    with assert_queries(0), pytest.raises(ValidationFailed) as refused:
        selectors.article_list(anonymous(), **arguments)
    assert list(refused.value.errors) == [field]
    assert refused.value.code == "invalid"


def test_article_list_names_every_argument_at_fault() -> None:
    with pytest.raises(ValidationFailed) as refused:
        selectors.article_list(anonymous(), search=LONG_SEARCH, ordering="nope")
    assert list(refused.value.errors) == ["search", "ordering"]


def test_article_list_reads_dates_in_utc() -> None:
    ArticleFactory(slug="early", published_at=datetime(2025, 1, 1, 4, tzinfo=UTC))
    ArticleFactory(slug="late", published_at=datetime(2025, 1, 1, 6, tzinfo=UTC))
    five_am_utc = datetime(2025, 1, 1, 10, tzinfo=timezone(timedelta(hours=5)))
    found = selectors.article_list(anonymous(), published_after=five_am_utc)
    assert list(found.values_list("slug", flat=True)) == ["late"]
    # Past PostgreSQL's ±15:59 offsets, yet within the bounds once converted.
    far_west = datetime(2025, 1, 1, 0, tzinfo=timezone(timedelta(hours=-23, minutes=-59)))
    assert selectors.article_list(anonymous(), published_before=far_west).count() == 2


def test_article_list_filters_and_orders() -> None:
    ArticleFactory(slug="b", title="B", featured=True)
    ArticleFactory(slug="a", title="A", featured=True)
    ArticleFactory(slug="c", title="C", featured=False)
    found = selectors.article_list(anonymous(), featured=True, ordering="title")
    assert list(found.values_list("slug", flat=True)) == ["a", "b"]


@pytest.mark.parametrize(
    ("arguments", "fields"),
    [
        ({"days": 0}, ["days"]),
        ({"days": selectors.MOST_READ_MAX_DAYS + 1}, ["days"]),
        ({"limit": 0}, ["limit"]),
        ({"limit": 101}, ["limit"]),
        ({"days": -1, "limit": -1}, ["days", "limit"]),
    ],
)
def test_most_read_refuses_before_any_query(arguments: dict, fields: list[str]) -> None:
    with assert_queries(0), pytest.raises(ValidationFailed) as refused:
        selectors.most_read(**arguments)
    assert list(refused.value.errors) == fields


def test_most_read_limit_follows_the_page_size_setting(settings) -> None:
    settings.API_MAX_PAGE_SIZE = 5
    with pytest.raises(ValidationFailed):
        selectors.most_read(limit=6)
    assert selectors.most_read(limit=5) == []


def test_most_read_bounds_are_what_both_documents_state(client: Client) -> None:
    bounds = selectors.most_read_bounds()
    document = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    popular = document["paths"]["/api/v1/articles/popular"]["get"]["parameters"]
    stated = {p["name"]: p["schema"] for p in popular if p["name"] in bounds}
    for name, bound in bounds.items():
        assert (stated[name]["minimum"], stated[name]["maximum"]) == (bound.minimum, bound.maximum)
    from config.schema import schema

    field = schema.graphql_schema.query_type.fields["popularArticles"]
    assert field.args["days"].default_value == bounds["days"].default
    assert field.args["first"].default_value == bounds["limit"].default
    assert field.args["first"].description == f"1 to {bounds['limit'].maximum}."


def test_the_openapi_date_pattern_admits_exactly_the_published_years() -> None:
    first, last = selectors.PUBLISHED_YEARS
    pattern = re.compile(PUBLISHED_YEARS_PATTERN)
    assert pattern.match(f"{first}-01-01")
    assert pattern.match(f"{last}-12-31")
    assert not pattern.match(f"{first - 1}-12-31")
    assert not pattern.match(f"{last + 1}-01-01")


@pytest.mark.parametrize("argument", ["tag", "section", "author", "search"])
def test_blank_filters_are_refused_by_both_apis(client, argument):
    rest = client.get("/api/v1/articles/", {argument: " "})
    assert rest.status_code == 400
    assert rest.json()["errors"] == {argument: ["May not be blank."]}
    _, body = gql(client, "{ articles(" + argument + ': " ") { totalCount } }')
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": argument}
    assert body["errors"][0]["message"] == "May not be blank."


def test_popular_first_is_counted_at_what_the_selector_serves(client, settings):
    settings.API_MAX_PAGE_SIZE = 200
    settings.GRAPHQL_MAX_PAGE_SIZE = 50
    settings.GRAPHQL_MAX_NODES = 2000
    response, body = gql(client, "{ popularArticles(first: 150) { id tags { name } } }")
    assert response.status_code == 400
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
