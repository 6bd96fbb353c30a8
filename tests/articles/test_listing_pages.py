"""Keyset (cursor) pages of the article listings beside page numbers, REST and GraphQL."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.utils import timezone
from graphql_relay import offset_to_cursor

from articles import listing, selectors
from articles.models import Article, ArticleStatus
from cms.actors import Actor
from cms.keyset import decode_cursor, encode_cursor
from tests.api import gql
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
GQL = """query($after: String, $order: ArticleOrder, $first: Int, $search: String) {
  articles(first: $first, after: $after, orderBy: $order, search: $search) { totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { slug } } } }"""
ORDER_ENUM = {
    "-published_at": "PUBLISHED_AT_DESC",
    "published_at": "PUBLISHED_AT",
    "-view_count": "VIEW_COUNT_DESC",
    "-comment_count": "COMMENT_COUNT_DESC",
    "title": "TITLE",
}


@pytest.fixture
def archive() -> list[str]:
    """Nine live articles full of ties (the same time, views and comments for several), a
    draft and a scheduled one among them; their slugs in the order the default listing
    gives."""
    moment = timezone.now() - timedelta(hours=2)
    for n in range(9):
        ArticleFactory(
            slug=f"a{n}",
            title=f"Title {n % 3}",
            published_at=moment - timedelta(minutes=n // 3),
            view_count=n % 2,
            comment_count=n % 3,
        )
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT, title="Title 0")
    ArticleFactory(
        slug="later",
        status=ArticleStatus.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    return list(Article.objects.published().values_list("slug", flat=True))


def expected_order(ordering: str) -> list[str]:
    columns = selectors.ORDERINGS[ordering].columns
    return list(Article.objects.published().order_by(*columns).values_list("slug", flat=True))


def follow(client, url: str) -> dict:
    path = urlsplit(url)
    response = client.get(path.path, {k: v[0] for k, v in parse_qs(path.query).items()})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("ordering", list(selectors.ORDERINGS))
def test_rest_next_links_walk_every_ordering_in_order_without_gaps(client, archive, ordering):
    page = client.get(LIST, {"ordering": ordering, "page_size": 2}).json()
    seen = [item["slug"] for item in page["results"]]
    while page["next"]:
        page = follow(client, page["next"])
        assert page["count"] == 9
        seen += [item["slug"] for item in page["results"]]
    assert seen == expected_order(ordering)


@pytest.mark.parametrize("ordering", list(selectors.ORDERINGS))
def test_graphql_end_cursors_walk_every_ordering_in_order(client, archive, ordering):
    variables = {"order": ORDER_ENUM[ordering], "first": 2}
    seen: list[str] = []
    while True:
        _, body = gql(client, GQL, variables)
        connection = body["data"]["articles"]
        assert connection["totalCount"] == 9
        seen += [edge["node"]["slug"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        variables["after"] = connection["pageInfo"]["endCursor"]
    assert seen == expected_order(ordering)


def test_next_links_name_pages_until_the_link_depth_then_carry_a_cursor(client, archive, settings):
    settings.API_PAGE_LINK_DEPTH = 2
    first = client.get(LIST, {"page_size": 2}).json()
    assert parse_qs(urlsplit(first["next"]).query)["page"] == ["2"]
    second = follow(client, first["next"])
    query = parse_qs(urlsplit(second["next"]).query)
    assert "page" not in query
    assert query["page_size"] == ["2"]
    assert second["next"].startswith("https://cms.example.com/api/v1/articles/?")
    third = follow(client, second["next"])
    assert [r["slug"] for r in third["results"]] == archive[4:6]
    assert third["previous"] is not None


def test_previous_links_walk_back_from_a_cursor_page(client, archive, settings):
    settings.API_PAGE_LINK_DEPTH = 1
    page = client.get(LIST, {"page_size": 2}).json()
    while page["next"]:
        page = follow(client, page["next"])
    assert [r["slug"] for r in page["results"]] == archive[8:]
    back: list[str] = []
    while page["previous"]:
        page = follow(client, page["previous"])
        back = [r["slug"] for r in page["results"]] + back
        assert page["next"] is not None
    assert back == archive[:8]


def test_cursor_pages_never_hold_unpublished_work(client, archive, settings):
    settings.API_PAGE_LINK_DEPTH = 1
    page = client.get(LIST, {"page_size": 1, "ordering": "title"}).json()
    seen = []
    while page["next"]:
        page = follow(client, page["next"])
        seen += [r["slug"] for r in page["results"]]
    assert "draft" not in seen
    assert "later" not in seen


def cursor_for(ordering: str, values: list, **extra) -> str:
    return encode_cursor({"o": ordering, "k": values, **extra})


GOOD_DATE = "2024-01-02T03:04:05+00:00"


@pytest.mark.parametrize(
    ("cursor", "says"),
    [
        ("nonsense", "Not a cursor"),
        ("x" * 2000, "Not a cursor"),
        (encode_cursor([1, 2]), "Not a cursor"),
        (cursor_for("-published_at", [GOOD_DATE]), "Not a cursor"),
        (cursor_for("title", ["A", 1]), "another ordering"),
        (cursor_for("-published_at", ["yesterday", 1]), "date"),
        (cursor_for("-published_at", ["2024-01-02T03:04:05", 1]), "time zone"),
        (cursor_for("-published_at", ["0001-01-01T00:00:00+00:00", 1]), "out of range"),
        (cursor_for("-published_at", [GOOD_DATE, 2**70]), "whole number"),
        (cursor_for("-published_at", [GOOD_DATE, -1]), "whole number"),
        (cursor_for("-published_at", [GOOD_DATE, True]), "whole number"),
        (cursor_for("-published_at", [GOOD_DATE, "1"]), "whole number"),
        (cursor_for("-published_at", [GOOD_DATE, 1], r=7), "Not a cursor"),
        (cursor_for("-published_at", [GOOD_DATE, 1], x=1), "Not a cursor"),
    ],
)
def test_a_bad_cursor_is_a_400_naming_cursor(client, archive, cursor, says):
    response = client.get(LIST, {"cursor": cursor})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    (message,) = response.json()["errors"]["cursor"]
    assert says in message


@pytest.mark.parametrize("title", ["nul\x00byte", "t" * 201, 5])
def test_a_cursor_with_a_title_no_article_can_have_is_a_400(client, archive, title):
    response = client.get(LIST, {"ordering": "title", "cursor": cursor_for("title", [title, 1])})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_cursor_with_page_or_with_a_relevance_search_is_refused(client, archive):
    cursor = cursor_for("-published_at", [GOOD_DATE, 1])
    both = client.get(LIST, {"cursor": cursor, "page": 2})
    assert both.status_code == 400
    assert "not both" in both.json()["errors"]["cursor"][0]
    ranked = client.get(LIST, {"cursor": cursor, "search": "title"})
    assert ranked.status_code == 400
    assert "relevance" in ranked.json()["errors"]["cursor"][0]


def test_a_search_with_an_ordering_pages_by_cursor(client, archive, settings):
    settings.API_PAGE_LINK_DEPTH = 1
    page = client.get(LIST, {"search": "title", "ordering": "title", "page_size": 4}).json()
    seen = [r["slug"] for r in page["results"]]
    while page["next"]:
        assert "cursor=" in page["next"]
        page = follow(client, page["next"])
        seen += [r["slug"] for r in page["results"]]
    assert seen == expected_order("title")


def test_page_numbers_stop_at_the_cap_with_a_400_pointing_at_next(client, archive, settings):
    settings.API_MAX_PAGE_NUMBER = 3
    assert client.get(LIST, {"page_size": 1, "page": 3}).status_code == 200
    response = client.get(LIST, {"page_size": 1, "page": 4})
    assert response.status_code == 400
    (message,) = response.json()["errors"]["page"]
    assert "up to 3" in message
    assert "`next`" in message


def test_a_cursor_past_the_end_is_an_empty_page(client, archive):
    last = Article.objects.published().order_by("published_at", "id").first()
    assert last is not None
    assert last.published_at is not None
    cursor = cursor_for("-published_at", [last.published_at.isoformat(), last.pk])
    body = client.get(LIST, {"cursor": cursor}).json()
    assert body == {"count": 9, "next": None, "previous": None, "results": []}


def test_rest_and_graphql_cursors_are_opaque_base64_of_the_position(client, archive):
    _, body = gql(client, GQL, {"first": 1})
    cursor = body["data"]["articles"]["pageInfo"]["endCursor"]
    payload = decode_cursor(cursor)
    first = Article.objects.published().first()
    assert first is not None
    assert first.published_at is not None
    assert payload == {"o": "-published_at", "k": [first.published_at.isoformat(), first.pk]}
    rest = client.get(LIST, {"cursor": cursor, "page_size": 1}).json()
    assert [r["slug"] for r in rest["results"]] == archive[1:2]


@pytest.mark.parametrize(
    ("after", "says"),
    [
        ("nonsense", "Invalid cursor"),
        (cursor_for("title", ["A", 1]), "another ordering"),
        (cursor_for("-published_at", [GOOD_DATE, 1], r=1), "pages back"),
        (offset_to_cursor(10_000), "Offset cursors reach at most 10,000"),
    ],
)
def test_graphql_refuses_bad_cursors_with_bad_cursor(client, archive, after, says):
    _, body = gql(client, GQL, {"after": after})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_CURSOR"
    assert says in error["message"]
    assert body["data"] is None


def test_graphql_still_accepts_a_shallow_offset_cursor(client, archive):
    _, body = gql(client, GQL, {"after": offset_to_cursor(2), "first": 2})
    connection = body["data"]["articles"]
    assert [e["node"]["slug"] for e in connection["edges"]] == archive[3:5]
    assert connection["pageInfo"]["hasPreviousPage"] is True
    # Its pages go on by keyset.
    _, body = gql(client, GQL, {"after": connection["pageInfo"]["endCursor"], "first": 2})
    assert [e["node"]["slug"] for e in body["data"]["articles"]["edges"]] == archive[5:7]


def test_graphql_search_by_relevance_pages_with_offset_cursors(client, archive):
    _, body = gql(client, GQL, {"search": "title", "first": 4})
    connection = body["data"]["articles"]
    assert connection["edges"][-1]["cursor"] == offset_to_cursor(3)
    _, more = gql(client, GQL, {"search": "title", "first": 4, "after": offset_to_cursor(3)})
    both = connection["edges"] + more["data"]["articles"]["edges"]
    assert len({edge["node"]["slug"] for edge in both}) == 8
    keyset = cursor_for("-published_at", [GOOD_DATE, 1])
    _, refused = gql(client, GQL, {"search": "title", "after": keyset})
    assert refused["errors"][0]["extensions"]["code"] == "BAD_CURSOR"


def test_every_ordering_is_keyset_pageable():
    """A new ordering whose columns run both ways, or that does not end with the id, could
    not be paged by cursor: the listing module refuses it at import."""
    for ordering in selectors.ORDERINGS.values():
        assert len({column.startswith("-") for column in ordering.columns}) == 1
        assert ordering.columns[-1].lstrip("-") == "id"
    window = listing.ArticleWindow(listing.article_listing(Actor.anonymous()), ("id",))
    assert window.keyset
    ranked = listing.article_listing(Actor.anonymous(), search="ferry")
    assert not listing.ArticleWindow(ranked, ("id",)).keyset


def test_listings_hold_what_every_reader_may_see_of_the_live_articles(
    archive, editor, author, contributor
):
    """``readable_articles`` is the live set itself: for every kind of reader (with and without
    preview rights, a token's scopes narrowing them) it equals what the policy lets that reader
    see, narrowed to live articles."""
    from articles.models import ArticleAuthor
    from tests.conftest import profile

    mine = ArticleFactory(slug="mine", status=ArticleStatus.DRAFT)
    ArticleAuthor.objects.create(article=mine, author=profile(author), position=0)
    readers = [
        Actor.anonymous(),
        *(Actor.for_user(user) for user in (editor, author, contributor)),
        *(Actor(user=user, scopes=frozenset({"content:read"})) for user in (editor, author)),
    ]
    for reader in readers:
        expected = set(Article.objects.visible_to(reader).published().values_list("pk", flat=True))
        got = set(selectors.readable_articles(reader).values_list("pk", flat=True))
        assert got == expected == set(Article.objects.published().values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner (PostgreSQL's: bench)")
# Not "title": SQLite takes the publication date's range for a narrow one and prefers sorting
# what it leaves to walking the title index (see README, Search and scale on SQLite).
@pytest.mark.parametrize("ordering", [o for o in ORDER_ENUM if o != "title"])
def test_sqlite_reads_each_listing_page_from_its_index_without_sorting(ordering):
    """Once the worker has refreshed the planner's statistics, a page is read in order from
    the listing index (no temporary sort of the whole live archive): the live condition is
    written once, with the statuses in the SQL where the partial index's condition can be
    matched against it."""
    from cms.tasks import refresh_statistics

    moment = timezone.now() - timedelta(days=1)
    Article.objects.bulk_create(
        ArticleFactory.build(
            slug=f"s{n}",
            section=None,
            status=ArticleStatus.DRAFT if n % 10 == 0 else ArticleStatus.PUBLISHED,
            published_at=moment - timedelta(minutes=n),
            view_count=n % 97,
            comment_count=n % 13,
        )
        for n in range(500)
    )
    refresh_statistics.call()
    ids = selectors.article_list(Actor.anonymous(), ordering=ordering).values("pk")[:20]
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "article_live_" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner (PostgreSQL's: bench)")
def test_sqlite_counts_a_listing_from_an_index_alone(archive):
    """Counting the live articles reads a covering index, no table row per article."""
    from cms.tasks import refresh_statistics

    refresh_statistics.call()
    counted = selectors.article_list(Actor.anonymous()).order_by().values("pk")
    sql, params = counted.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ({sql})", params)  # noqa: S608
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX" in plan, plan
