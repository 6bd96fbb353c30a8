"""Full-text search of articles: what a search looks for, and how each database finds it.

The rules are declared once here and both engines follow them: a search is at most
``MAX_SEARCH_CHARS`` characters, its first ``MAX_SEARCH_WORDS`` whitespace-separated words are
looked for, every word must match (stemmed, in any of title, subtitle, excerpt and body), and
the user's text is only ever words: quotes, operators (``OR``, ``NOT``, ``-``, ``NEAR``),
prefixes (``*``) and column filters (``title:``) are matched as the words they contain, never
obeyed. A word that holds no letter or digit matches nothing by itself and is ignored beside
others, so a search of only punctuation finds nothing.

A search ranks a bounded set: the ``SEARCH_CANDIDATES`` most recent matches (a setting, 1,000
by default), found in one query, then ranked by relevance (title above subtitle and excerpt,
above body; more occurrences above fewer; then newest first). Ranking every match is what made
a common word cost a second at 100,000 articles; ranking a fixed number costs the same at any
size. A search's ``count`` is therefore how many of those candidates there are: the number of
matches, up to ``SEARCH_CANDIDATES``.

- PostgreSQL: the stored, GIN-indexed ``search_vector`` (migration 0002), newest published
  first (the planner walks the live-articles index for common words and the GIN index for rare
  ones), ranked by ``ts_rank`` with :data:`WEIGHTS`.
- SQLite: the FTS5 table ``articles_article_fts`` (migration 0015, kept in step by triggers),
  newest created first: FTS5 hands matches out in its rowid (article id) order and scores them
  with ``bm25`` as it goes; any other order would score every match first, or probe the index
  once per article, both far slower.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import BooleanField, Exists, IntegerField, OuterRef, QuerySet
from django.db.models.expressions import Expression

from cms.text import is_storable

from .models import Article

MAX_SEARCH_WORDS: Final = 12
# One long hyphenated "word" becomes thousands of lexemes, past PostgreSQL's stack.
MAX_SEARCH_CHARS: Final = 200
SEARCH_CONFIG: Final = "english"  # must match the generated column (migration 0002)
FTS_TABLE: Final = "articles_article_fts"  # SQLite's index (migration 0015)


@dataclass(frozen=True)
class Weighted:
    """A searched column, its weight class in PostgreSQL's ``search_vector`` (migration 0002)
    and the weight a match in it counts for, on both engines."""

    column: str
    pg_class: str
    weight: float


# Where a word is found, and what that counts for: the title most, the body least. The
# migrations index these columns in this order (tests hold them to it).
WEIGHTS: Final = (
    Weighted("title", "A", 1.0),
    Weighted("subtitle", "B", 0.4),
    Weighted("excerpt", "B", 0.4),
    Weighted("body_text", "C", 0.2),
)


def search_errors(text: str) -> list[str]:
    """Why ``text`` cannot be searched for (empty when it can): the adapters answer 400
    naming ``search`` with these."""
    if not text.strip():
        return ["May not be blank."]  # the same answer REST gives a blank value
    if len(text) > MAX_SEARCH_CHARS:
        return [f"Search with at most {MAX_SEARCH_CHARS} characters."]
    if not is_storable(text):
        return ["May not contain NUL characters or unpaired surrogates."]
    return []


def search_words(text: str) -> list[str]:
    """The words a search looks for: the first ``MAX_SEARCH_WORDS`` of ``text``."""
    return text.split()[:MAX_SEARCH_WORDS]


def matching(queryset: QuerySet[Article], text: str) -> QuerySet[Article]:
    """The articles of ``queryset`` matching ``text`` (checked by :func:`search_errors`),
    best first: the ``SEARCH_CANDIDATES`` most recent matches, ranked.

    Runs one query now (finding and ranking the candidates) and returns ``queryset`` narrowed
    to them, in rank order, so counting and paging it reads only those rows by primary key
    rather than searching again for each.
    """
    words = search_words(text)
    limit = int(settings.SEARCH_CANDIDATES)
    if connections[queryset.db].vendor == "postgresql":
        ranked = _postgresql_candidates(queryset, words, limit)
    else:
        ranked = _sqlite_candidates(queryset, words, limit)
    if not ranked:
        return queryset.none()  # nothing to count or page: no further query
    return _among(queryset, ranked).alias(relevance=_Position(ranked)).order_by("relevance")


def _among(queryset: QuerySet[Article], ids: list[int]) -> QuerySet[Article]:
    """``queryset`` narrowed to ``ids``, its conditions (visibility, filters) checked again on
    each by primary key: the candidates were read a moment ago, but what a page lists is
    decided by the queryset at the time it is read."""
    if connections[queryset.db].vendor == "postgresql":
        # One array, not a thousand placeholders: PostgreSQL parses and plans it in a fraction
        # of the time, as an index lookup of each id.
        return queryset.filter(_PrimaryKeyIn(ids))
    # SQLite without statistics (it has none unless someone runs ANALYZE) prefers the status
    # index to a thousand primary-key lookups and reads every live article; this shape leaves
    # it only the primary key to use, outside and in.
    again = queryset.filter(pk=OuterRef("pk"))
    return queryset.model.objects.filter(pk__in=ids).filter(Exists(again))


def _pk(compiler: Any) -> str:
    """The article table's primary key, under whatever alias the query gives the table."""
    alias = compiler.query.get_initial_alias()
    return f"{compiler.quote_name_unless_alias(alias)}.{compiler.quote_name_unless_alias('id')}"


class _PrimaryKeyIn(Expression):
    """The article's id is one of ``ids`` (PostgreSQL: ``= ANY`` of one array parameter)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, ids: Sequence[int]) -> None:
        super().__init__()
        self.ids = list(ids)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return f"{_pk(compiler)} = ANY(%s::bigint[])", [self.ids]


class _Position(Expression):
    """Where an article stands in a list of ids (an ascending sort key): ``array_position``
    on PostgreSQL, ``instr`` in ``",1,5,3,"`` on SQLite (where a ``CASE`` would need a branch
    per id)."""

    output_field = IntegerField()

    def __init__(self, ids: Sequence[int]) -> None:
        super().__init__()
        self.ids = list(ids)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        listed = "," + ",".join(map(str, self.ids)) + ","
        return f"instr(%s, ',' || {_pk(compiler)} || ',')", [listed]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return f"array_position(%s::bigint[], {_pk(compiler)})", [self.ids]


class _SearchDocument(Expression):
    """The article's stored ``search_vector`` column (PostgreSQL only; see migration 0002).

    The column is maintained by the database and unknown to the model, so this names it
    under whatever alias the query gives the article table.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


# ts_rank's weights are given lowest class first: {D, C, B, A}.
_PG_WEIGHTS: Final = [
    max((w.weight for w in WEIGHTS if w.pg_class == cls), default=0.0) for cls in "DCBA"
]


def _postgresql_candidates(queryset: QuerySet[Article], words: list[str], limit: int) -> list[int]:
    # plainto_tsquery: every word, stemmed, ANDed; it obeys no operator in the text.
    query = SearchQuery(" ".join(words), search_type="plain", config=SEARCH_CONFIG)
    document = _SearchDocument()
    # ts_rank is computed in the same scan, for the candidates only (after the filter, before
    # the limit: the planner evaluates the select list on the rows it keeps).
    rows = (
        queryset.alias(document=document)
        .filter(document=query)
        .annotate(score=SearchRank(document, query, weights=_PG_WEIGHTS))
        .order_by("-published_at", "-id")
        .values_list("pk", "score", "published_at")[:limit]
    )
    ranked = sorted(rows, key=lambda row: (-row[1], -_moment(row[2]), -row[0]))
    return [row[0] for row in ranked]


def _moment(published_at: Any) -> float:
    # Listed articles all have a publication date; a privileged caller's queryset might not.
    return published_at.timestamp() if published_at is not None else float("-inf")


def fts_query(words: list[str]) -> str:
    """FTS5's query for ``words``: each one a quoted string (quotes doubled), so nothing in
    the user's text is FTS5 syntax, ANDed. A quoted string with no letter or digit in it is
    an empty phrase, which FTS5 ignores beside others and matches nothing alone."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


# bm25's weights, one per FTS5 column in the table's order.
_BM25: Final = f"bm25({FTS_TABLE}, {', '.join(str(w.weight) for w in WEIGHTS)})"


def _sqlite_candidates(queryset: QuerySet[Article], words: list[str], limit: int) -> list[int]:
    # A join the ORM cannot express (a virtual table, its MATCH and bm25 of it), written with
    # extra() in this one place. FTS5 walks its matches newest id first (the ORDER BY on its
    # rowid is handed to it) and the article row is read by primary key for the visibility and
    # filters: the scan stops after ``limit`` rows that pass.
    rows = queryset.extra(  # noqa: S610 - the only user input is the bound MATCH parameter
        select={"score": _BM25},
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = {Article._meta.db_table}.id", f"{FTS_TABLE} MATCH %s"],
        params=[fts_query(words)],
        order_by=[f"-{FTS_TABLE}.rowid"],
    ).values_list("pk", "score", "published_at")[:limit]
    # bm25 is lower for better matches.
    ranked = sorted(rows, key=lambda row: (row[1], -_moment(row[2]), -row[0]))
    return [row[0] for row in ranked]
