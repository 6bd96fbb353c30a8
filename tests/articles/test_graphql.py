"""GraphQL reads of articles, authors, sections and tags."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from graphql_relay import to_global_id

from articles import selectors, services
from articles.models import Article, ArticleStatus
from cms.actors import Actor
from tests.api import assert_queries, gql
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN = [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED, "future"]


def make_hidden(status, **kwargs):
    if status == "future":
        return ArticleFactory(
            status=ArticleStatus.SCHEDULED,
            published_at=timezone.now() + timedelta(hours=1),
            **kwargs,
        )
    return ArticleFactory(status=status, **kwargs)


def hours_ago(n):
    return timezone.now() - timedelta(hours=n)


def slugs(body):
    return [edge["node"]["slug"] for edge in body["data"]["articles"]["edges"]]


def test_article_by_slug_has_the_contract_fields(client):
    author = AuthorFactory(name="Maya Okafor", slug="maya", email="maya@private.example")
    article = ArticleFactory(
        slug="ferry",
        title="Ferry returns",
        section=SectionFactory(slug="town", name="Town"),
        authors=[author],
        tags=[TagFactory(slug="harbour", name="Harbour")],
        view_count=5,
    )
    _, body = gql(
        client,
        """{ article(slug: "ferry") { id slug title subtitle excerpt bodyHtml bodyText
             authors { slug name avatarUrl } section { slug name } tags { slug name }
             coverImage { url } publishedAt updatedAt readingTimeMinutes wordCount viewCount
             commentCount commentsEnabled featured url
             seo { title description canonicalUrl } } }""",
    )
    assert "errors" not in body
    data = body["data"]["article"]
    assert data["id"] == to_global_id("Article", article.pk)
    assert data["authors"] == [{"slug": "maya", "name": "Maya Okafor", "avatarUrl": None}]
    assert data["section"] == {"slug": "town", "name": "Town"}
    assert data["tags"] == [{"slug": "harbour", "name": "Harbour"}]
    assert data["coverImage"] is None
    assert data["viewCount"] == 5
    assert data["url"] == "https://example.com/town/ferry"
    assert data["seo"]["canonicalUrl"] == "https://example.com/town/ferry"
    assert "private.example" not in str(body)


@pytest.mark.parametrize("status", HIDDEN)
def test_unpublished_articles_are_invisible_everywhere(client, status):
    article = make_hidden(status, title="Secret lighthouse plan", slug="secret")
    ArticleFactory(title="Public story")
    _, body = gql(client, '{ article(slug: "secret") { title } }')
    assert body["data"]["article"] is None
    node_id = to_global_id("Article", article.pk)
    _, body = gql(client, f'{{ node(id: "{node_id}") {{ id }} }}')
    assert body["data"]["node"] is None
    for args in ("", '(search: "lighthouse")', f'(section: "{article.section.slug}")'):
        _, body = gql(client, f"{{ articles{args} {{ totalCount edges {{ node {{ slug }} }} }} }}")
        assert "secret" not in slugs(body)
        assert body["data"]["articles"]["totalCount"] == (0 if args else 1)


def test_articles_connection_pages_with_cursors(client):
    for n in range(5):
        ArticleFactory(slug=f"a{n}", published_at=hours_ago(n + 1))
    query = """query($after: String) { articles(first: 2, after: $after) { totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { slug } } } }"""
    _, body = gql(client, query)
    conn = body["data"]["articles"]
    assert conn["totalCount"] == 5
    assert slugs(body) == ["a0", "a1"]
    assert conn["pageInfo"]["hasNextPage"] is True
    assert conn["pageInfo"]["hasPreviousPage"] is False
    _, body = gql(client, query, {"after": conn["pageInfo"]["endCursor"]})
    assert slugs(body) == ["a2", "a3"]
    _, body = gql(client, query, {"after": body["data"]["articles"]["pageInfo"]["endCursor"]})
    assert slugs(body) == ["a4"]
    assert body["data"]["articles"]["pageInfo"]["hasNextPage"] is False


def test_default_page_size_is_20(client):
    Article.objects.bulk_create(
        Article(title=f"T{n}", slug=f"t{n}", status="published", published_at=hours_ago(1))
        for n in range(25)
    )
    _, body = gql(client, "{ articles { edges { node { slug } } } }")
    assert len(body["data"]["articles"]["edges"]) == 20


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ('tag: "harbour"', ["a"]),
        ('section: "town"', ["a", "b"]),
        ('author: "maya"', ["b"]),
        ("featured: true", ["c"]),
        ("featured: false", ["a", "b"]),
        ("orderBy: VIEW_COUNT_DESC", ["c", "a", "b"]),
        ("orderBy: TITLE", ["c", "b", "a"]),
        ("orderBy: PUBLISHED_AT", ["c", "b", "a"]),
        ("orderBy: PUBLISHED_AT_DESC", ["a", "b", "c"]),
        ("orderBy: COMMENT_COUNT_DESC", ["b", "a", "c"]),
        ('search: "ferry"', ["b"]),
    ],
)
def test_articles_arguments(client, args, expected):
    town = SectionFactory(slug="town")
    ArticleFactory(
        slug="a", title="Zed", section=town, tags=[TagFactory(slug="harbour")],
        view_count=5, comment_count=1, published_at=hours_ago(1),
    )  # fmt: skip
    ArticleFactory(
        slug="b", title="Mango ferry", section=town, authors=[AuthorFactory(slug="maya")],
        view_count=1, comment_count=4, published_at=hours_ago(2),
    )  # fmt: skip
    ArticleFactory(slug="c", title="Apple", featured=True, view_count=9, published_at=hours_ago(3))
    _, body = gql(client, f"{{ articles({args}) {{ edges {{ node {{ slug }} }} }} }}")
    assert "errors" not in body, body
    assert slugs(body) == expected


def test_search_ranks_title_matches_first(client):
    ArticleFactory(slug="body", title="Council", body_html="<p>the ferry</p>")
    ArticleFactory(slug="title", title="Ferry news", body_html="<p>boats</p>")
    for article in Article.objects.all():
        services.article_update(article=article, actor=Actor.system())
    _, body = gql(client, '{ articles(search: "ferry") { totalCount edges { node { slug } } } }')
    assert slugs(body) == ["title", "body"]
    assert body["data"]["articles"]["totalCount"] == 2


@pytest.mark.parametrize(
    "query",
    [
        "{ articles(orderBy: AUTHOR_EMAIL) { totalCount } }",
        '{ articles(orderBy: "-published_at") { totalCount } }',  # REST's name, as a string
        'query { articles(orderBy: "TITLE") { totalCount } }',
    ],
)
def test_a_bad_order_by_is_refused_by_the_schema_before_it_runs(client, query):
    response, body = gql(client, query)
    assert response.status_code == 400
    assert "data" not in body
    assert "ArticleOrder" in body["errors"][0]["message"]


def test_order_by_through_a_variable_is_held_to_the_enum(client):
    query = "query($o: ArticleOrder) { articles(orderBy: $o) { totalCount } }"
    response, body = gql(client, query, {"o": "-view_count"})
    assert response.status_code == 400
    assert "ArticleOrder" in body["errors"][0]["message"]
    _, body = gql(client, query, {"o": "VIEW_COUNT_DESC"})
    assert body == {"data": {"articles": {"totalCount": 0}}}


def test_the_order_enum_is_the_selectors_declaration():
    from articles.graphql.queries import ArticleOrder

    assert {member.value for member in ArticleOrder._meta.enum} == set(selectors.ORDERINGS)


def test_bad_cursor_is_refused(client):
    _, body = gql(client, '{ articles(after: "nonsense") { totalCount } }')
    assert body["errors"][0]["extensions"]["code"] == "BAD_CURSOR"


def test_authors_connection_and_author(client):
    maya = AuthorFactory(slug="maya", name="Maya", email="maya@private.example")
    ArticleFactory(authors=[maya])
    ArticleFactory(authors=[maya])
    idle = AuthorFactory(slug="idle")
    ArticleFactory(status=ArticleStatus.DRAFT, authors=[idle])
    make_hidden("future", authors=[maya])  # not counted until it is live
    ArticleFactory(status=ArticleStatus.ARCHIVED, authors=[maya])
    _, body = gql(
        client,
        """{ authors(first: 10) { totalCount edges { node { id slug name bio website
             avatarUrl articleCount } } }
             author(slug: "maya") { slug articleCount } idle: author(slug: "idle") { slug } }""",
    )
    assert body["data"]["authors"]["totalCount"] == 1
    node = body["data"]["authors"]["edges"][0]["node"]
    assert node["slug"] == "maya"
    assert node["articleCount"] == 2
    assert body["data"]["author"] == {"slug": "maya", "articleCount": 2}
    assert body["data"]["idle"] is None
    assert "private.example" not in str(body)
    _, body = gql(client, f'{{ node(id: "{node["id"]}") {{ ... on Author {{ slug }} }} }}')
    assert body["data"]["node"] == {"slug": "maya"}


def test_authors_connection_pages(client):
    for n in range(3):
        ArticleFactory(authors=[AuthorFactory(name=f"Writer {n}", slug=f"w{n}")])
    query = """query($after: String) { authors(first: 2, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { slug } } } }"""
    _, body = gql(client, query)
    page = body["data"]["authors"]
    assert [e["node"]["slug"] for e in page["edges"]] == ["w0", "w1"]
    assert page["pageInfo"]["hasNextPage"] is True
    _, body = gql(client, query, {"after": page["pageInfo"]["endCursor"]})
    assert [e["node"]["slug"] for e in body["data"]["authors"]["edges"]] == ["w2"]


def test_tags_and_sections(client):
    town = SectionFactory(slug="town", name="Town", description="Local news.")
    ArticleFactory(section=town, tags=[TagFactory(slug="harbour", name="Harbour")])
    ArticleFactory(status="draft", tags=[TagFactory(slug="secret-merger", name="Merger")])
    _, body = gql(
        client,
        """{ tags { slug name } sections { slug name description }
             articles { edges { node { section { description } } } } }""",
    )
    assert body["data"]["tags"] == [{"slug": "harbour", "name": "Harbour"}]
    assert {"slug": "town", "name": "Town", "description": "Local news."} in body["data"][
        "sections"
    ]
    assert body["data"]["articles"]["edges"][0]["node"]["section"] == {"description": "Local news."}


def test_sections_used_only_by_unpublished_work_are_not_listed(client):
    ArticleFactory(status="draft", section=SectionFactory(slug="secret-plans"))
    ArticleFactory(status="archived", section=SectionFactory(slug="old-plans"))
    SectionFactory(slug="empty")
    ArticleFactory(section=SectionFactory(slug="town"))
    _, body = gql(client, "{ sections { slug name description } }")
    assert [s["slug"] for s in body["data"]["sections"]] == ["town"]


def test_node_lookup_of_a_live_article(client):
    article = ArticleFactory(slug="live")
    node_id = to_global_id("Article", article.pk)
    _, body = gql(client, f'{{ node(id: "{node_id}") {{ id ... on Article {{ slug }} }} }}')
    assert body["data"]["node"] == {"id": node_id, "slug": "live"}


def test_query_count_is_the_same_for_1_and_50_articles(client):
    query = """{ articles(first: 50) { totalCount edges { node { slug title
        authors { name } tags { name } section { name } viewCount commentCount
        comments(first: 3) { totalCount edges { node { authorName } } } } } } }"""

    def make():
        article = ArticleFactory(authors=[AuthorFactory(), AuthorFactory()], tags=[TagFactory()])
        for _ in range(4):
            CommentFactory(article=article, status="approved")

    # Cold each time (no stored totalCount): the page, bylines, tags, comments, the count and
    # the next scheduled go-live.
    make()
    cache.clear()
    with assert_queries(6):
        _, body = gql(client, query)
    assert len(body["data"]["articles"]["edges"]) == 1
    for _ in range(49):
        make()
    cache.clear()
    with assert_queries(6):
        _, body = gql(client, query)
    edges = body["data"]["articles"]["edges"]
    assert len(edges) == 50
    assert body["data"]["articles"]["totalCount"] == 50
    assert all(len(e["node"]["comments"]["edges"]) == 3 for e in edges)
