"""Composite reads of articles and the taxonomy, shared by REST and GraphQL.

Every function starts from the visibility querysets, and loads related rows in a fixed number
of queries whatever the number of articles (select_related / prefetch_related), so adapters
never cause N+1 queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from cms.actors import Actor

from .models import Article, ArticleAuthor, ArticleQuerySet, Author, Section, Tag

# Public article fields and the columns / relations each needs.
ARTICLE_FIELDS: Final = (
    "id",
    "slug",
    "title",
    "subtitle",
    "excerpt",
    "body_html",
    "body_text",
    "authors",
    "section",
    "tags",
    "cover_image",
    "published_at",
    "updated_at",
    "reading_time_minutes",
    "word_count",
    "view_count",
    "comment_count",
    "comments_enabled",
    "featured",
    "seo",
    "url",
)
_COLUMNS: Final = {
    "excerpt": ("excerpt",),
    "cover_image": (
        "cover_image",
        "cover_image_alt",
        "cover_image_caption",
        "cover_image_width",
        "cover_image_height",
    ),
    "seo": ("seo_title", "seo_description", "canonical_url", "title", "excerpt", "section__slug"),
    "url": ("slug", "published_at", "section__slug"),
    "section": ("section__slug", "section__name"),
    "authors": (),
    "tags": (),
}
# Always loaded: identity and what the ETag is made of.
_ALWAYS: Final = ("id", "slug", "status", "version", "updated_at", "view_count", "comment_count",
                  "published_at", "section_id")  # fmt: skip
SEARCH_CONFIG: Final = "english"  # must match the generated column (migration 0002)
MAX_SEARCH_WORDS: Final = 12


def articles_for(actor: Actor, *, fields: Iterable[str] = ARTICLE_FIELDS) -> ArticleQuerySet:
    """Articles ``actor`` may read, loading exactly what ``fields`` need: one query for the
    articles (with their section), one for all their bylines with authors, one for all their
    tags."""
    fields = set(fields)
    columns = set(_ALWAYS)
    for name in fields:
        columns.update(_COLUMNS.get(name, (name,)))
    qs = Article.objects.visible_to(actor)
    if fields & {"section", "url", "seo"}:
        qs = qs.select_related("section")
    if "authors" in fields:
        bylines = ArticleAuthor.objects.select_related("author").only(
            "article_id", "position", "author__slug", "author__name", "author__avatar"
        )
        qs = qs.prefetch_related(Prefetch("bylines", queryset=bylines))
    if "tags" in fields:
        qs = qs.prefetch_related(Prefetch("tags", queryset=Tag.objects.only("slug", "name")))
    return qs.only(*columns)


def search(queryset: ArticleQuerySet, text: str) -> ArticleQuerySet:
    """Articles matching ``text`` over title, subtitle, excerpt and body, best match first.

    PostgreSQL: full-text search on a stored, GIN-indexed tsvector (title weighted above
    subtitle and excerpt, above body), ranked by ``ts_rank``. Elsewhere: every word must appear
    somewhere, and articles are ranked by where the words appear (title 3, subtitle or excerpt
    2, body 1).
    """
    words = text.split()[:MAX_SEARCH_WORDS]
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(words), search_type="websearch", config=SEARCH_CONFIG)
        vector = RawSQL('"articles_article"."search_vector"', [], output_field=SearchVectorField())
        return (
            queryset.alias(document=vector)
            .filter(document=query)
            .annotate(rank=SearchRank(vector, query))
            .order_by("-rank", "-published_at", "-id")
        )
    rank: Any = Value(0, output_field=IntegerField())
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(subtitle__icontains=word)
            | Q(excerpt__icontains=word)
            | Q(body_text__icontains=word)
        )
        rank = rank + Case(
            When(title__icontains=word, then=3),
            When(Q(subtitle__icontains=word) | Q(excerpt__icontains=word), then=2),
            default=1,
            output_field=IntegerField(),
        )
    return queryset.annotate(rank=rank).order_by("-rank", "-published_at", "-id")


def _published_count() -> Subquery:
    live = Article.objects.published().values("pk")
    return Subquery(
        ArticleAuthor.objects.filter(author=OuterRef("pk"), article__in=live)
        .order_by()
        .values("author")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def authors_with_published_work() -> QuerySet[Author]:
    """Authors credited on at least one live article, with how many."""
    return (
        Author.objects.annotate(article_count=Coalesce(_published_count(), 0))
        .filter(article_count__gt=0)
        .only("id", "slug", "name", "bio", "avatar", "website", "updated_at")
        .order_by("name", "id")
    )


def sections() -> QuerySet[Section]:
    return Section.objects.only("id", "slug", "name", "description").order_by("name", "id")


def tags() -> QuerySet[Tag]:
    return Tag.objects.only("id", "slug", "name").order_by("name", "id")
