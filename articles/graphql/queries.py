"""Root query fields for articles and the taxonomy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any

import graphene
from django.conf import settings

from cms.actors import actor_from_request
from cms.errors import ValidationFailed
from cms.graphql.connections import build_connection, page_size, seek_connection, window
from cms.graphql.cost import LIST_BOUNDS, SEARCHES, Setting
from cms.graphql.selection import requested_fields
from cms.graphql.view import never_store

from .. import listing, notes, previews, selectors
from ..models import Article
from .types import (
    SHOW_EDITORIAL_STATE,
    ArticleConnection,
    ArticleNode,
    AuthorConnection,
    AuthorNode,
    Section,
    Tag,
    remember_articles,
)

# What the query cost (cms.graphql.cost) counts the unpaged lists as: what the resolvers
# below return at most.
LIST_BOUNDS[("Query", "popularArticles")] = "first"
LIST_BOUNDS[("Query", "tags")] = Setting("GRAPHQL_MAX_TAXONOMY")
LIST_BOUNDS[("Query", "sections")] = Setting("GRAPHQL_MAX_TAXONOMY")
SEARCHES[("Query", "articles")] = "search"


def _taxonomy_help(noun: str) -> str:
    return (
        f"{noun.capitalize()} with published work, by name: the first GRAPHQL_MAX_TAXONOMY "
        f"({settings.GRAPHQL_MAX_TAXONOMY:,} by default). REST's paged `/api/v1/{noun}/` "
        "lists them all."
    )


def _order_name(ordering: str) -> str:
    """The enum name of one of ``selectors.ORDERINGS``: ``-view_count`` is VIEW_COUNT_DESC."""
    descending = ordering.startswith("-")
    return ordering.lstrip("-").upper() + ("_DESC" if descending else "")


class Ordering(Enum):
    """A member of ``ArticleOrder``, as graphene hands it to ``orderBy``'s resolver: its value
    is the name ``selectors.ORDERINGS`` knows it by."""


# The members, made from that table: mypy types the resolver's argument by the base class,
# and cannot follow a functional call on it (hence the ignore).
ArticleOrdering = Ordering(  # type: ignore[call-arg]
    "ArticleOrdering", [(_order_name(name), name) for name in selectors.ORDERINGS]
)

ArticleOrder = graphene.Enum.from_enum(
    ArticleOrdering,
    name="ArticleOrder",
    description=lambda member: (
        "How a list of articles is ordered. Ties go newest first, then by id."
        if member is None
        else selectors.ORDERINGS[member.value].description
    ),
)


# The bounds ``popularArticles`` states in its schema (the selector checks them).
_POPULAR = selectors.most_read_bounds()


@contextmanager
def _arguments_named(**names: str) -> Iterator[None]:
    """A selector's ValidationFailed, its fields renamed to this resolver's arguments (the
    selector speaks REST's names: ``limit`` is ``first`` here).
    The view renders it as a field error with ``extensions {code, field}``."""
    try:
        yield
    except ValidationFailed as refused:
        errors = {names.get(field, field): messages for field, messages in refused.errors.items()}
        raise ValidationFailed(errors) from refused


def _article_fields(info: Any, path: tuple[str, ...]) -> tuple[str, ...]:
    wanted = requested_fields(info, path)
    return tuple(f for f in selectors.PRIVILEGED_FIELDS if f in wanted or f == "id")


class ArticleQueries(graphene.ObjectType):
    article = graphene.Field(
        ArticleNode,
        description="One article by its slug, or by a former slug of a published article "
        "(its `slug` is then the current one).",
        slug=graphene.String(required=True),
        preview_token=graphene.String(description="From the admin's Preview button."),
    )
    articles = graphene.Field(
        ArticleConnection,
        required=True,
        first=graphene.Int(description="Page size, 0 to 100 (default 20)."),
        after=graphene.String(
            description="The `endCursor` of the page before, given with the same `orderBy`: "
            "a keyset cursor, which reads any depth as fast as the first page."
        ),
        tag=graphene.String(description="A tag's slug."),
        section=graphene.String(description="A section's slug."),
        author=graphene.String(description="An author's slug."),
        search=graphene.String(
            description="Words to find; ranked by relevance. A query may run "
            f"GRAPHQL_MAX_SEARCHES ({settings.GRAPHQL_MAX_SEARCHES} by default) searches."
        ),
        featured=graphene.Boolean(),
        order_by=graphene.Argument(
            ArticleOrder,
            description="Default: newest first, or by relevance when `search` is given "
            "(an explicit order replaces relevance).",
        ),
    )
    author = graphene.Field(AuthorNode, slug=graphene.String(required=True))
    authors = graphene.Field(
        AuthorConnection, required=True, first=graphene.Int(), after=graphene.String()
    )
    popular_articles = graphene.List(
        graphene.NonNull(ArticleNode),
        required=True,
        days=graphene.Int(
            default_value=_POPULAR["days"].default,
            description=f"{_POPULAR['days'].minimum} to {_POPULAR['days'].maximum}.",
        ),
        first=graphene.Int(
            default_value=_POPULAR["limit"].default,
            description=f"{_POPULAR['limit'].minimum} to {_POPULAR['limit'].maximum}.",
        ),
        description="The most read published articles over the last `days` days.",
    )
    tags = graphene.List(graphene.NonNull(Tag), required=True, description=_taxonomy_help("tags"))
    sections = graphene.List(
        graphene.NonNull(Section), required=True, description=_taxonomy_help("sections")
    )

    @staticmethod
    def resolve_article(
        root: Any, info: Any, slug: str, preview_token: str | None = None
    ) -> dict[str, Any] | None:
        fields = _article_fields(info, ())
        actor = actor_from_request(info.context)
        visible = selectors.retrievable_articles(actor).filter(slug=slug)
        if preview_token is not None:
            draft = previews.previewed(preview_token, slug)
            if draft is None:
                return None
            visible = Article.objects.filter(pk=draft.pk)
        rows = selectors.attach_related(list(selectors.article_rows(visible, fields)[:1]), fields)
        if not rows and preview_token is None:
            # A former slug: the article it led to, with its current slug.
            moved = notes.former_slug_owner(selectors.retrievable_articles(actor), slug)
            if moved is not None:
                rows = selectors.article_rows_by_id([moved.pk], fields)
        remember_articles(info, rows)
        if rows and preview_token is not None:
            # Unpublished work for an anonymous caller (credentialed responses are never
            # stored anyway: see BylineGraphQLView).
            never_store(info.context)
            rows[0][SHOW_EDITORIAL_STATE] = True
        return rows[0] if rows else None

    @staticmethod
    def resolve_articles(
        root: Any,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        tag: str | None = None,
        section: str | None = None,
        author: str | None = None,
        search: str | None = None,
        featured: bool | None = None,
        order_by: Ordering | None = None,
    ) -> Any:
        page_size(first)  # refused before anything else, as every connection does
        # The selector's argument names are these; the enum has already held orderBy.
        found = listing.article_listing(
            actor_from_request(info.context),
            tag=tag,
            section=section,
            author=author,
            featured=featured,
            search=search,
            ordering=None if order_by is None else order_by.value,
        )
        rows = listing.ArticleWindow(found, _article_fields(info, ("edges", "node")))
        connection = seek_connection(ArticleConnection, rows, first, after)
        remember_articles(info, [edge.node for edge in connection.edges])
        return connection

    @staticmethod
    def resolve_popular_articles(root: Any, info: Any, days: int, first: int) -> Any:
        with _arguments_named(limit="first"):
            ranked = selectors.most_read(days=days, limit=first)
        rows = selectors.article_rows_by_id([pk for pk, _ in ranked], _article_fields(info, ()))
        remember_articles(info, rows)
        return rows

    @staticmethod
    def resolve_author(root: Any, info: Any, slug: str) -> Any:
        return selectors.authors_with_published_work().filter(slug=slug).first()

    @staticmethod
    def resolve_authors(
        root: Any, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        page = window(first, after)
        queryset = selectors.authors_with_published_work()
        items = list(queryset[page.offset : page.offset + page.size + 1]) if page.size else []
        return build_connection(AuthorConnection, items, page, queryset.count)

    @staticmethod
    def resolve_tags(root: Any, info: Any) -> Any:
        return list(selectors.tags()[: settings.GRAPHQL_MAX_TAXONOMY])

    @staticmethod
    def resolve_sections(root: Any, info: Any) -> Any:
        return list(selectors.sections()[: settings.GRAPHQL_MAX_TAXONOMY])
