"""GraphQL query cost (GRAPHQL_MAX_NODES) and response size (GRAPHQL_MAX_RESPONSE_BYTES)."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql import (
    get_introspection_query,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_object_type,
    parse,
)
from graphql import get_operation_ast as operation_of
from graphql.execution.values import get_variable_values
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.models import Article, ArticleViewDay, Section, Tag
from cms.graphql import cost, limits
from cms.graphql.selection import SelectionWalk
from comments.models import CommentStatus
from config.schema import schema
from tests.api import assert_queries, gql
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, TagFactory

SCHEMA = schema.graphql_schema

# The query of the report: 15 aliases of 100 articles with 100 comments each.
ATTACK = (
    "{ "
    + " ".join(
        f"a{n}: articles(first: 100) {{ edges {{ node {{ title "
        f"comments(first: 100) {{ edges {{ node {{ authorName bodyHtml }} }} }} }} }} }}"
        for n in range(15)
    )
    + " }"
)


def cost_of(query: str, variables: dict[str, Any] | None = None) -> int:
    document = parse(query)
    operation = operation_of(document)
    assert operation is not None
    coerced = get_variable_values(SCHEMA, operation.variable_definitions, variables or {})
    assert isinstance(coerced, dict), coerced
    return cost.operation_cost(SCHEMA, document, operation, coerced)


def refused_as_too_costly(client, query, variables=None):
    with CaptureQueriesContext(connection) as queries:
        response, body = gql(client, query, variables)
    assert response.status_code == 400, body
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY", body
    assert "data" not in body
    assert queries.captured_queries == []
    return body["errors"][0]


# --- the refusal ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_reported_query_is_refused_before_any_sql(client):
    assert len(ATTACK) < 1800  # 1.7 KB, under the depth, alias and token limits
    error = refused_as_too_costly(client, ATTACK)
    # Per alias: the connection, and per article its edge, node and comments connection,
    # and per comment an edge and a node.
    assert error["extensions"]["cost"] == 15 * (1 + 100 * (3 + 100 * 2))
    assert error["extensions"]["limit"] == 5000
    assert "5,000" in error["message"]


@pytest.mark.django_db
def test_a_query_at_the_limit_runs_and_one_past_it_is_refused(client, settings):
    ArticleFactory.create_batch(3)
    query = "{ articles(first: 10) { totalCount edges { node { slug section { name } } } } }"
    assert cost_of(query) == 1 + 10 * 3
    settings.GRAPHQL_MAX_NODES = 31
    _, body = gql(client, query)
    assert len(body["data"]["articles"]["edges"]) == 3
    settings.GRAPHQL_MAX_NODES = 30
    refused_as_too_costly(client, query)


@pytest.mark.django_db
def test_the_default_limit_allows_a_full_page_of_articles_with_their_taxonomy(client):
    query = """{ articles(first: 100) { totalCount pageInfo { hasNextPage endCursor }
      edges { node { slug title authors { name } section { name } tags { slug }
                     coverImage { url } seo { title } } } } }"""
    _, body = gql(client, query)
    assert "errors" not in body, body
    comments = "comments(first: 100) { totalCount edges { node { authorName bodyHtml } } }"
    _, body = gql(client, f"{{ articles(first: 24) {{ edges {{ node {{ {comments} }} }} }} }}")
    assert "errors" not in body, body


# --- what is counted ------------------------------------------------------------------------

ONE_PAGE = "articles(first: 10) { edges { node { slug } } }"  # 1 + 10 * (edge + node) = 21


def test_aliases_add_up():
    assert cost_of(f"{{ {ONE_PAGE} }}") == 21
    assert cost_of(f"{{ a: {ONE_PAGE} b: {ONE_PAGE} c: {ONE_PAGE} }}") == 3 * 21


def test_fields_graphql_merges_count_once():
    # The same response key twice executes once, whatever each copy selects.
    query = f"{{ {ONE_PAGE} ...more }} fragment more on Query {{ articles(first: 10) {{ "
    query += "edges { node { title } } } }"
    assert cost_of(query) == 21


def test_named_inline_and_nested_fragments_are_counted_where_they_are_spread():
    query = """{ a: articles(first: 10) { ...Edges } b: articles(first: 5) { ...Edges } }
      fragment Edges on ArticleConnection { edges { node { ...Comments } } }
      fragment Comments on Article { ... on Article { comments(first: 3) { edges { ...E } } } }
      fragment E on CommentEdge { node { id } }"""
    per_article = 2 + 1 + 3 * 2
    assert cost_of(query) == (1 + 10 * per_article) + (1 + 5 * per_article)


def test_fragments_on_interfaces_count_each_type_they_may_select():
    query = """{ node(id: "x") { id ... on Article { tags { slug } } ... on Author { slug } } }"""
    assert cost_of(query) == 1 + 30  # the node, and an article's tags at ARTICLE_MAX_TAGS


def test_page_sizes_come_from_variables_defaults_and_limits():
    query = "query($n: Int) { articles(first: $n) { edges { node { slug } } } }"
    assert cost_of(query, {"n": 7}) == 1 + 7 * 2
    assert cost_of(query, {}) == 1 + 20 * 2  # GRAPHQL_DEFAULT_PAGE_SIZE
    assert cost_of(query, {"n": None}) == 1 + 20 * 2
    assert cost_of(query, {"n": 10_000}) == 1 + 100 * 2  # refused elsewhere; counted at most
    defaulted = "query($n: Int = 3) { articles(first: $n) { edges { node { slug } } } }"
    assert cost_of(defaulted, {}) == 1 + 3 * 2
    assert cost_of("{ popularArticles(first: 4) { slug } }") == 4
    assert cost_of("{ popularArticles { slug } }") == 10  # the argument's default


def test_lists_without_page_sizes_count_the_settings_that_cap_them(settings):
    assert cost_of("{ tags { slug } sections { slug } }") == 500 + 500  # GRAPHQL_MAX_TAXONOMY
    article = '{ article(slug: "x") { authors { name } tags { slug } } }'
    assert cost_of(article) == 1 + 10 + 30  # ARTICLE_MAX_AUTHORS, ARTICLE_MAX_TAGS
    settings.GRAPHQL_MAX_TAXONOMY = 7
    settings.ARTICLE_MAX_AUTHORS = 2
    settings.ARTICLE_MAX_TAGS = 3
    assert cost_of("{ tags { slug } sections { slug } }") == 7 + 7
    assert cost_of(article) == 1 + 2 + 3


def test_scalars_typename_and_introspection_cost_nothing():
    assert cost_of('{ article(slug: "x") { __typename slug title bodyHtml } }') == 1
    assert cost_of("{ __schema { types { name fields { name } } } }") == 0


def test_every_list_in_the_schema_has_a_declared_bound():
    """A list that is neither a connection's edges nor declared would count at the largest
    page size, which is no bound at all for a list that is not paged."""
    undeclared = []
    for type_ in SCHEMA.type_map.values():
        if type_.name.startswith("__") or not is_object_type(type_):
            continue
        for name, definition in type_.fields.items():
            if not is_list_type(get_nullable_type(definition.type)):
                continue
            connection_edges = type_.name.endswith("Connection") and name == "edges"
            declared = (type_.name, name) in cost.LIST_BOUNDS or (
                get_named_type(definition.type).name in cost.ITEM_BOUNDS
            )
            if not (connection_edges or declared):
                undeclared.append(f"{type_.name}.{name}")
    assert undeclared == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "variables",
    [{"n": 100}, {"n": "many"}, {"n": [1]}, {"n": 2**40}],
)
def test_page_sizes_in_variables_are_counted_or_refused_not_500s(client, variables):
    comments = "comments(first: $n) { edges { node { id } } }"
    page = f"articles(first: $n) {{ edges {{ node {{ {comments} }} }} }}"
    query = f"query($n: Int) {{ a: {page} b: {page} }}"
    with CaptureQueriesContext(connection) as queries:
        response, body = gql(client, query, variables)
    assert response.status_code == 400, body
    assert body["errors"][0]["extensions"]["code"] in (
        "QUERY_TOO_COSTLY",
        "BAD_USER_INPUT",
        "MAX_PAGE_SIZE_EXCEEDED",
    ), body
    assert queries.captured_queries == []


@pytest.mark.django_db
def test_variables_are_resolved_through_the_view(client, settings):
    settings.GRAPHQL_MAX_NODES = 20
    query = "query($n: Int) { articles(first: $n) { edges { node { slug } } } }"
    _, body = gql(client, query, {"n": 9})  # 19
    assert "errors" not in body, body
    refused_as_too_costly(client, query, {"n": 10})  # 21
    refused_as_too_costly(client, query)  # the default page: 41


@pytest.mark.django_db
def test_only_the_operation_that_runs_is_counted(client, settings):
    settings.GRAPHQL_MAX_NODES = 50
    query = f"query Small {{ articles(first: 2) {{ totalCount }} }} query Big {{ {ATTACK[1:-1]} }}"
    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "operationName": "Small"}),
        content_type="application/json",
    )
    assert response.json() == {"data": {"articles": {"totalCount": 0}}}
    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "operationName": "Big"}),
        content_type="application/json",
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


@pytest.mark.django_db
def test_full_introspection_still_works_where_enabled(client, settings):
    settings.GRAPHQL_INTROSPECTION = True
    response, body = gql(client, get_introspection_query(descriptions=True))
    assert response.status_code == 200, body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


# --- searches -------------------------------------------------------------------------------

SEARCH = 'articles(first: 1, search: "harbour") { totalCount }'


@pytest.mark.django_db
def test_searches_past_the_limit_are_refused_before_any_sql(client, settings):
    ArticleFactory(title="Harbour news")
    three = " ".join(f"s{n}: {SEARCH}" for n in range(3))
    _, body = gql(client, f"{{ {three} }}")
    assert body["data"]["s2"] == {"totalCount": 1}
    error = refused_as_too_costly(client, f"{{ {three} s3: {SEARCH} }}")
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "searches": 4, "limit": 3}
    assert error["message"] == "The query runs 4 searches; the limit is 3."
    settings.GRAPHQL_MAX_SEARCHES = 1
    through_a_variable = "query($q: String) { a: articles(search: $q) { totalCount } "
    through_a_variable += 'b: articles(search: "x") { totalCount } }'
    refused_as_too_costly(client, through_a_variable, {"q": "harbour"})


@pytest.mark.django_db
def test_only_fields_that_search_count_as_searches(client, settings):
    settings.GRAPHQL_MAX_SEARCHES = 1
    # Merged fields run once; a null search, or none, is a plain list (a blank one is
    # refused, as REST refuses search=).
    query = """query($q: String, $none: String) {
      a: articles(search: $q) { totalCount } ...A
      b: articles(search: $none) { totalCount }
      d: articles(first: 3) { totalCount } }
      fragment A on Query { a: articles(search: $q) { totalCount } }"""
    _, body = gql(client, query, {"q": "harbour", "none": None})
    assert "errors" not in body, body


# --- linear in the document -----------------------------------------------------------------


def test_costing_a_fragment_spread_exponentially_often_is_linear(monkeypatch):
    calls = {"fields": 0}
    fields = SelectionWalk.fields

    def counted(self, *args):
        calls["fields"] += 1
        return fields(self, *args)

    monkeypatch.setattr(SelectionWalk, "fields", counted)
    levels = 40  # 2^40 paths through the spreads
    fragments = " ".join(
        f"fragment F{n} on Article {{ a{n}: tags {{ slug }} ...F{n + 1} ...F{n + 1} }}"
        for n in range(levels)
    )
    query = (
        "{ articles(first: 3) { edges { node { ...F0 } } } } "
        f"{fragments} fragment F{levels} on Article {{ comments(first: 2) {{ totalCount }} }}"
    )
    started = time.perf_counter()
    total = cost_of(query)
    assert time.perf_counter() - started < 0.5
    # Each fragment's alias is one field of the response, merged wherever it is spread.
    assert total == 1 + 3 * (2 + levels * 30 + 1)  # ARTICLE_MAX_TAGS each
    assert calls["fields"] < 10 * levels


# --- the estimate is an upper bound: property tests ------------------------------------------

SLUGS = ["story-a", "story-b", "story-c", "missing"]
# Editors' fields (these queries run anonymously): articleRevisions' bound is tested in
# tests/articles/test_graphql_revisions.py.
SKIPPED_FIELDS = {"node", "moderationQueue", "trash", "commentFormToken", "articleRevisions"}


@dataclass
class _Document:
    """What one generated query needs besides its text: fragments, and arguments chosen once
    per field so that repeated fields can merge."""

    fragments: list[str] = field(default_factory=list)
    arguments: dict[tuple[str, str], str] = field(default_factory=dict)
    names: Any = field(default_factory=itertools.count)
    aliases: int = 0


def _arguments(draw: Any, owner: Any, name: str, definition: Any, doc: _Document) -> str:
    key = (owner.name, name)
    if key not in doc.arguments:
        given = []
        for argument in definition.args:
            if argument == "first":
                # A connection's page may be empty; a plain list's limit (popularArticles')
                # starts at 1, as its selector requires.
                smallest = 0 if limits.is_connection(definition.type) else 1
                size = draw(st.none() | st.integers(smallest, 8))
                if size is not None:
                    given.append(f"first: {size}")
            elif argument == "slug":
                given.append(f'slug: "{draw(st.sampled_from(SLUGS))}"')
            elif argument == "days":
                given.append(f"days: {draw(st.integers(1, 7))}")
        doc.arguments[key] = f"({', '.join(given)})" if given else ""
    return doc.arguments[key]


def _field(draw: Any, owner: Any, name: str, doc: _Document, depth: int) -> str:
    definition = owner.fields[name]
    text = name + _arguments(draw, owner, name, definition, doc)
    child = get_named_type(definition.type)
    if not is_leaf_type(child):
        text += " { " + draw(_selection(child, doc, depth + 1)) + " }"
    return text


@st.composite
def _selection(draw: Any, owner: Any, doc: _Document, depth: int = 0) -> str:
    """Fields of ``owner``, each plain, aliased, in an inline fragment or a named one."""
    usable = sorted(n for n in owner.fields if n not in SKIPPED_FIELDS)
    chosen = draw(st.lists(st.sampled_from(usable), min_size=1, max_size=3 if depth < 2 else 2))
    parts = []
    for name in chosen:
        text = _field(draw, owner, name, doc, depth)
        how = draw(st.sampled_from(["plain", "alias", "inline", "fragment"]))
        if how == "alias" and doc.aliases < 10:
            doc.aliases += 1
            text = f"k{next(doc.names)}: {text}"
        elif how == "inline":
            text = f"... on {owner.name} {{ {text} }}"
        elif how == "fragment":
            fragment = f"F{next(doc.names)}"
            doc.fragments.append(f"fragment {fragment} on {owner.name} {{ {text} }}")
            text = f"...{fragment}"
        parts.append(text)
    return " ".join(parts)


@st.composite
def queries(draw: Any) -> str:
    doc = _Document()
    body = draw(_selection(SCHEMA.query_type, doc))
    return " ".join([f"{{ {body} }}", *doc.fragments])


@st.composite
def root_fields(draw: Any) -> tuple[str, str]:
    """One root field with what it selects, and the fragments it spreads."""
    doc = _Document()
    usable = sorted(n for n in SCHEMA.query_type.fields if n not in SKIPPED_FIELDS)
    text = _field(draw, SCHEMA.query_type, draw(st.sampled_from(usable)), doc, 0)
    return text, " ".join(doc.fragments)


def _objects(value: Any) -> int:
    """The objects in a response's data (the root excluded)."""
    if isinstance(value, dict):
        return sum(1 + _objects(v) for v in value.values() if isinstance(v, dict)) + sum(
            _objects(v) for v in value.values() if isinstance(v, list)
        )
    if isinstance(value, list):
        return sum(1 + _objects(v) if isinstance(v, dict) else _objects(v) for v in value)
    return 0


def test_objects_are_counted_as_the_cost_counts_them():
    data = {"a": {"edges": [{"node": {"x": 1}}, {"node": None}]}, "b": [{"c": {}}], "d": 1}
    assert _objects(data) == 1 + 2 + 1 + 2


@pytest.fixture
def publication(db):
    """Lists at least as long as the generated page sizes (up to 8), and within the declared
    bounds of the unpaged ones."""
    tags = TagFactory.create_batch(4)
    authors = [AuthorFactory(slug=slug) for slug in SLUGS[:3]]
    articles = [
        ArticleFactory(slug=slug, tags=tags[:n], authors=authors[: 1 + n % 3])
        for n, slug in enumerate(SLUGS[:3])
    ]
    articles += ArticleFactory.create_batch(8, tags=tags[:1], authors=authors[:1])
    for article in articles[:4]:
        CommentFactory.create_batch(9, article=article, status=CommentStatus.APPROVED)
    today = timezone.now().date()
    ArticleViewDay.objects.bulk_create(
        ArticleViewDay(article=a, day=today, count=n + 1) for n, a in enumerate(articles)
    )


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries())
def test_the_cost_bounds_the_objects_a_query_returns(client, publication, settings, query):
    settings.GRAPHQL_MAX_NODES = 10**9  # measure, do not refuse
    _, body = gql(client, query)
    assert "errors" not in body, (query, body)
    assert cost_of(query) >= _objects(body["data"]), query


@pytest.fixture
def crowded_publication(db, settings):
    """Lists at the caps: every article has ARTICLE_MAX_TAGS tags and ARTICLE_MAX_AUTHORS
    names, and more tags and sections are live than GRAPHQL_MAX_TAXONOMY."""
    settings.ARTICLE_MAX_TAGS = 3
    settings.ARTICLE_MAX_AUTHORS = 2
    settings.GRAPHQL_MAX_TAXONOMY = 3
    tags = TagFactory.create_batch(6)
    authors = [AuthorFactory(slug=slug) for slug in SLUGS[:3]]
    articles = [
        ArticleFactory(slug=slug, tags=tags[n : n + 3], authors=authors[n : n + 2])
        for n, slug in enumerate(SLUGS[:3])
    ]
    articles += ArticleFactory.create_batch(8, tags=tags[3:], authors=authors[:2])
    for article in articles[:4]:
        CommentFactory.create_batch(9, article=article, status=CommentStatus.APPROVED)
    today = timezone.now().date()
    ArticleViewDay.objects.bulk_create(
        ArticleViewDay(article=a, day=today, count=n + 1) for n, a in enumerate(articles)
    )


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries())
def test_the_cost_bounds_the_objects_returned_with_lists_at_their_caps(
    client, crowded_publication, settings, query
):
    settings.GRAPHQL_MAX_NODES = 10**9
    _, body = gql(client, query)
    assert "errors" not in body, (query, body)
    assert cost_of(query) >= _objects(body["data"]), query


@pytest.mark.django_db
def test_root_tags_and_sections_return_at_most_what_they_are_counted_as(client):
    """With the default settings: more live tags and sections than GRAPHQL_MAX_TAXONOMY (500),
    every article within ARTICLE_MAX_TAGS (30)."""
    tags = Tag.objects.bulk_create(Tag(name=f"Tag {n:03}", slug=f"tag-{n}") for n in range(510))
    sections = Section.objects.bulk_create(
        Section(name=f"Section {n:03}", slug=f"section-{n}") for n in range(501)
    )
    articles = Article.objects.bulk_create(
        ArticleFactory.build(slug=f"a{n}", section=section) for n, section in enumerate(sections)
    )
    Article.tags.through.objects.bulk_create(
        Article.tags.through(article_id=articles[n // 30].pk, tag_id=tag.pk)
        for n, tag in enumerate(tags)
    )
    query = "{ tags { slug name } sections { slug } }"
    _, body = gql(client, query)
    assert "errors" not in body, body
    assert cost_of(query) >= _objects(body["data"])
    assert [t["name"] for t in body["data"]["tags"]] == [f"Tag {n:03}" for n in range(500)]
    assert len(body["data"]["sections"]) == 500


@hypothesis_settings(max_examples=200, deadline=None)
@given(root=root_fields(), copies=st.integers(2, 5))
def test_the_cost_adds_up_under_aliases(root, copies):
    text, fragments = root
    single = cost_of(f"{{ c0: {text} }} {fragments}")
    aliased = " ".join(f"c{n}: {text}" for n in range(copies))
    assert cost_of(f"{{ {aliased} }} {fragments}") == copies * single
    # Merged copies (one response key) execute once: no more than one.
    assert cost_of(f"{{ {' '.join(f'c0: {text}' for _ in range(copies))} }} {fragments}") == (
        single
    )


# --- the response size --------------------------------------------------------------------

BODIES = "{ articles(first: 5) { edges { node { bodyHtml } } } }"


def _bodies_response(client):
    response, body = gql(client, BODIES)
    assert "errors" not in body, body
    return response


@pytest.mark.django_db
def test_a_response_over_the_byte_cap_is_refused_whole(client, settings):
    ArticleFactory.create_batch(5, body_html="<p>" + "word " * 400 + "</p>")
    size = len(_bodies_response(client).content)
    settings.GRAPHQL_MAX_RESPONSE_BYTES = size
    assert len(_bodies_response(client).content) == size  # exactly at the cap: sent
    settings.GRAPHQL_MAX_RESPONSE_BYTES = size - 1
    response, body = gql(client, BODIES)
    assert response.status_code == 400
    assert body == {
        "errors": [
            {
                "message": f"The response would exceed {size - 1:,} bytes. Ask for smaller "
                "pages (first) or fewer fields.",
                "extensions": {"code": "RESPONSE_TOO_LARGE"},
            }
        ]
    }


@pytest.mark.django_db
def test_a_response_heading_past_the_cap_stops_resolving_and_querying(client, settings):
    ArticleFactory.create_batch(3, body_html="<p>" + "word " * 400 + "</p>")
    page = "articles(first: 3) { edges { node { bodyHtml comments { totalCount } } } }"
    # The first page was loaded; the nine after it never were: ten pages cost what one does.
    with assert_queries(2):
        gql(client, f"{{ a: {page} }}")
    settings.GRAPHQL_MAX_RESPONSE_BYTES = 3000  # one article body and a half
    with assert_queries(2):
        response, body = gql(client, f"{{ {' '.join(f'a{n}: {page}' for n in range(10))} }}")
    assert response.status_code == 400
    assert body["errors"][0]["extensions"]["code"] == "RESPONSE_TOO_LARGE"
    assert len(body["errors"]) == 1


@pytest.mark.django_db
def test_mutations_answer_whatever_the_byte_cap_as_their_writes_are_done(editor, settings):
    """Refusing the answer of aliased writes past the cap would hide what was committed."""
    from tests.articles.test_graphql_writes import as_token

    settings.GRAPHQL_MAX_RESPONSE_BYTES = 60
    creates = " ".join(
        f'c{n}: createArticle(input: {{title: "Quay wall {n}"}}) '
        "{ article { slug title } errors { code } }"
        for n in range(3)
    )
    response, body = gql(as_token(editor), f"mutation {{ {creates} }}")
    assert response.status_code == 200, body
    assert "errors" not in body, body
    assert [body["data"][f"c{n}"]["article"]["title"] for n in range(3)] == [
        f"Quay wall {n}" for n in range(3)
    ]
    assert Article.objects.count() == 3
    # Queries are still capped.
    ArticleFactory(title="A headline longer than the cap: " + "word " * 10)
    response, body = gql(as_token(editor), "{ articles { edges { node { title } } } }")
    assert body["errors"][0]["extensions"]["code"] == "RESPONSE_TOO_LARGE"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2", str(2**70), '"two"'])
def test_variables_over_get_are_counted_or_refused_not_500s(client, value):
    query = "query($n: Int) { articles(first: $n) { totalCount } }"
    response = client.get("/graphql/", {"query": query, "variables": f'{{"n": {value}}}'})
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        code = response.json()["errors"][0]["extensions"]["code"]
        assert code in ("BAD_USER_INPUT", "MAX_PAGE_SIZE_EXCEEDED")
