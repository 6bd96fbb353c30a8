"""Article search (articles.search): ranking, bounds, visibility and hostile text, through REST
and GraphQL, on whichever engine the suite runs (FTS5 on SQLite, tsvector on PostgreSQL)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles import search, selectors, services
from articles.models import Article, ArticleStatus
from cms.actors import Actor
from tests.api import assert_queries, get, gql
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
GQL = "query($s: String, $o: ArticleOrder, $t: String) { articles(search: $s, orderBy: $o, tag: $t) { totalCount edges { node { slug } } } }"  # noqa: E501


def hours_ago(n: float):
    return timezone.now() - timedelta(hours=n)


def article(slug: str, *, title: str = "Council news", body: str = "Nothing.", **kwargs):
    """An article written through the services, as editors write them (body_text derived)."""
    made = ArticleFactory(slug=slug, title=title, body_html=f"<p>{body}</p>", **kwargs)
    services.article_update(article=made, actor=Actor.system())
    return made


def found(client, text: str, **params) -> tuple[list[str], int]:
    """(slugs, count) from REST, after checking GraphQL answers the same."""
    response = get(client, LIST, search=text, page_size=100, **params)
    assert response.status_code == 200, response.content
    body = response.json()
    rest = ([item["slug"] for item in body["results"]], body["count"])
    variables = {"s": text, "t": params.get("tag")}
    if "ordering" in params:
        variables["o"] = {"-view_count": "VIEW_COUNT_DESC"}[params["ordering"]]
    _, graph = gql(client, GQL, variables)
    assert "errors" not in graph, graph
    articles = graph["data"]["articles"]
    graphql = ([edge["node"]["slug"] for edge in articles["edges"]], articles["totalCount"])
    assert graphql == rest
    return rest


def test_a_title_match_ranks_above_a_body_match(client):
    article(
        "in-body", title="Council meeting", body="The ferry was late.", published_at=hours_ago(1)
    )
    article("in-title", title="Ferry timetable", body="Boats were late.", published_at=hours_ago(2))
    assert found(client, "ferry") == (["in-title", "in-body"], 2)


def test_a_subtitle_or_excerpt_match_ranks_between_title_and_body(client):
    article("body", body="The ferry sailed.", published_at=hours_ago(1))
    article("excerpt", excerpt="About the ferry.", published_at=hours_ago(2))
    article("title", title="Ferry news", published_at=hours_ago(3))
    assert found(client, "ferry")[0] == ["title", "excerpt", "body"]


def test_more_occurrences_rank_above_fewer(client):
    article("once", body="ferry harbour quay boats wall", published_at=hours_ago(1))
    article("thrice", body="ferry ferry ferry boats wall", published_at=hours_ago(2))
    assert found(client, "ferry")[0] == ["thrice", "once"]


def test_equal_matches_go_newest_first(client):
    for n, slug in enumerate(["newest", "middle", "oldest"]):
        article(slug, body="The ferry sailed.", published_at=hours_ago(n + 1))
    assert found(client, "ferry")[0] == ["newest", "middle", "oldest"]


def test_words_are_stemmed_and_every_word_must_match(client):
    article("both", title="Ferries cross the harbour")
    article("one", title="Harbour wall")
    assert found(client, "ferry harbours") == (["both"], 1)


def test_search_ranks_only_the_most_recent_candidates_and_counts_them(client, settings):
    """SEARCH_CANDIDATES bounds a search: it ranks the newest matches (by publication on
    PostgreSQL, by creation on SQLite: created here in publication order), and its count is
    theirs."""
    settings.SEARCH_CANDIDATES = 2
    article("oldest", title="Ferry", published_at=hours_ago(3))  # the best match, too old
    article("older", body="A ferry.", published_at=hours_ago(2))
    article("newest", body="A ferry ferry.", published_at=hours_ago(1))
    assert found(client, "ferry") == (["newest", "older"], 2)
    settings.SEARCH_CANDIDATES = 3
    assert found(client, "ferry") == (["oldest", "newest", "older"], 3)


def test_a_tag_filter_narrows_the_candidates_before_they_are_bounded(client, settings):
    settings.SEARCH_CANDIDATES = 1
    tag = TagFactory(slug="port")
    article("tagged", body="A ferry.", tags=[tag], published_at=hours_ago(2))
    article("untagged", body="A ferry.", published_at=hours_ago(1))
    assert found(client, "ferry", tag="port") == (["tagged"], 1)


def test_an_explicit_ordering_replaces_relevance(client):
    article("title", title="Ferry", view_count=1, published_at=hours_ago(1))
    article("body", body="A ferry.", view_count=9, published_at=hours_ago(2))
    article("other", title="Cinema", view_count=50, published_at=hours_ago(3))
    assert found(client, "ferry", ordering="-view_count") == (["body", "title"], 2)


def test_unpublished_and_trashed_articles_never_match(client, editor):
    for status in (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED):
        article(f"hidden-{status}", title="Lighthouse plan", status=status)
    article("scheduled", title="Lighthouse plan", status=ArticleStatus.SCHEDULED,
            published_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    binned = article("binned", title="Lighthouse plan")
    services.article_delete(article=binned, actor=Actor.for_user(editor))
    assert found(client, "lighthouse") == ([], 0)
    client.force_login(editor)  # an editor's listings hold live articles only, too
    assert found(client, "lighthouse") == ([], 0)


def test_the_index_follows_every_write(client):
    """Triggers (SQLite) and the generated column (PostgreSQL) keep the index in step."""
    made = article("story", title="Harbour news")
    assert found(client, "harbour")[0] == ["story"]
    made.title = "Cinema news"
    made.save()
    assert found(client, "harbour")[0] == []
    assert found(client, "cinema")[0] == ["story"]
    Article.objects.filter(pk=made.pk).update(body_text="The quay flooded.")
    assert found(client, "quay")[0] == ["story"]
    Article.with_trashed.filter(pk=made.pk).delete()
    assert found(client, "cinema")[0] == []
    article("again", title="Cinema again")  # a deleted row left nothing behind to match
    assert found(client, "cinema")[0] == ["again"]


BOTH = {"ferry", "cinema"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"ferry', BOTH),  # an unclosed quote
        ("(ferry", BOTH),
        ("ferr*", set()),  # no prefix search
        ("ferry -cinema", {"cinema"}),  # no negation: "cinema" is a word to find
        ("title:cinema", set()),  # no column filter
        ("NEAR(ferry quay)", set()),  # no NEAR: "near" is a word to find
        ('"ferry quay"', {"cinema"}),
        ("ferry + ^ quay", {"cinema"}),
    ],
)
def test_query_syntax_in_the_text_is_matched_as_words_never_obeyed(client, text, expected):
    article("ferry", title="Ferry", published_at=hours_ago(1))
    article("cinema", title="Cinema ferry quay", published_at=hours_ago(2))
    assert set(found(client, text)[0]) == expected


@pytest.mark.parametrize("text", ["!!!", "* -", '"', "...", "\u2014 \u2013", "()"])
def test_a_search_of_only_punctuation_finds_nothing(client, text):
    article("ferry", title="Ferry")
    assert found(client, text) == ([], 0)


def test_a_search_costs_the_same_queries_for_one_result_and_fifty(client):
    """Cold (no count kept yet): search, the next go-live time and the count (which the
    count's cache keeps: articles.listing), the page, bylines, tags."""
    article("first", title="Ferry")
    with assert_queries(6):
        assert len(get(client, LIST, search="ferry").json()["results"]) == 1
    for n in range(49):
        ArticleFactory(slug=f"more-{n}", title=f"Ferry {n}")
    cache.clear()  # the factory wrote behind the services' backs: nothing was invalidated
    with assert_queries(6):
        assert len(get(client, LIST, search="ferry", page_size=50).json()["results"]) == 50


def test_nothing_found_needs_no_more_queries(client):
    article("first", title="Ferry")
    with assert_queries(1):  # the search itself: nothing to count or page
        assert get(client, LIST, search="cinema").json()["count"] == 0


def test_the_search_rules_are_one_declaration_checked_before_any_query(client):
    too_long = "x" * (search.MAX_SEARCH_CHARS + 1)
    with assert_queries(0):
        response = get(client, LIST, search=too_long)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "search": [f"Search with at most {search.MAX_SEARCH_CHARS} characters."]
    }
    _, body = gql(client, GQL, {"s": too_long})
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": "search"}
    assert search.search_words(" ".join(["w"] * 20)) == ["w"] * search.MAX_SEARCH_WORDS


def test_words_past_the_word_limit_are_not_looked_for(client):
    article("story", title="Ferry")
    text = "ferry " * search.MAX_SEARCH_WORDS + "cinema"
    assert found(client, text)[0] == ["story"]


def test_a_nul_character_is_a_400_naming_search(client):
    response = get(client, LIST, search="ferry\x00")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["search"]


def test_the_indexed_columns_are_the_declared_ones():
    """The migrations' indexes and articles.search.WEIGHTS name the same columns, in order."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT * FROM {search.FTS_TABLE} LIMIT 0")  # noqa: S608 - a constant
            columns = [column[0] for column in cursor.description]
            assert columns == [w.column for w in search.WEIGHTS]
        else:
            cursor.execute(
                "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
                "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
                "WHERE a.attname = 'search_vector' AND d.adrelid = 'articles_article'::regclass"
            )
            expression = cursor.fetchone()[0]
            found_pairs = re.findall(r"COALESCE\((\w+),.*?'(\w)'::\"char\"", expression)
            assert found_pairs == [(w.column, w.pg_class) for w in search.WEIGHTS], expression


@pytest.fixture
def story(db):
    return article("story", title="Ferry", body="The quay.")


@hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=search.MAX_SEARCH_CHARS))
def test_any_text_is_found_or_refused_never_an_error(client, story, text):
    response = get(client, LIST, search=text)
    assert response.status_code in (200, 400), (text, response.content)
    if response.status_code == 400:
        assert list(response.json()["errors"]) == ["search"]
        assert search.search_errors(text)
    else:
        assert response.json()["count"] in (0, 1)


@hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=14))
def test_any_words_run_on_the_engine_without_error(story, words):
    """Straight at the selector: text the HTTP layers might have refused or reshaped."""
    text = " ".join(words)[: search.MAX_SEARCH_CHARS]
    if search.search_errors(text):
        return
    list(selectors.article_list(Actor.anonymous(), search=text).values_list("pk", flat=True))
