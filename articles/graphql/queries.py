"""Root query fields for articles and the taxonomy."""

from __future__ import annotations

from typing import Any

import graphene
from django.conf import settings
from graphql import GraphQLError

from cms.actors import actor_from_request
from cms.graphql import batch
from cms.graphql.connections import build_connection, window
from cms.graphql.cost import LIST_BOUNDS, SEARCHES, Setting
from cms.graphql.limits import page_size_error
from cms.graphql.selection import requested_fields
from cms.graphql.view import never_store

from .. import previews, selectors
from ..models import Article
from .types import (
    PREVIEWED,
    ArticleConnection,
    ArticleNode,
    AuthorConnection,
    AuthorNode,
    Section,
    Tag,
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


ORDER_BY_HELP = "One of: " + ", ".join(selectors.ORDERINGS) + ". Default: -published_at."


def _article_fields(info: Any, path: tuple[str, ...]) -> tuple[str, ...]:
    wanted = requested_fields(info, path)
    return tuple(f for f in selectors.PRIVILEGED_FIELDS if f in wanted or f == "id")


class ArticleQueries(graphene.ObjectType):
    article = graphene.Field(
        ArticleNode,
        slug=graphene.String(required=True),
        preview_token=graphene.String(description="From the admin's Preview button."),
    )
    articles = graphene.Field(
        ArticleConnection,
        required=True,
        first=graphene.Int(description="Page size, 0 to 100 (default 20)."),
        after=graphene.String(),
        tag=graphene.String(description="A tag's slug."),
        section=graphene.String(description="A section's slug."),
        author=graphene.String(description="An author's slug."),
        search=graphene.String(
            description="Words to find; ranked by relevance. A query may run "
            f"GRAPHQL_MAX_SEARCHES ({settings.GRAPHQL_MAX_SEARCHES} by default) searches."
        ),
        featured=graphene.Boolean(),
        order_by=graphene.String(description=ORDER_BY_HELP),
    )
    author = graphene.Field(AuthorNode, slug=graphene.String(required=True))
    authors = graphene.Field(
        AuthorConnection, required=True, first=graphene.Int(), after=graphene.String()
    )
    popular_articles = graphene.List(
        graphene.NonNull(ArticleNode),
        required=True,
        days=graphene.Int(
            default_value=selectors.MOST_READ_DEFAULT_DAYS,
            description=f"1 to {selectors.MOST_READ_MAX_DAYS}.",
        ),
        first=graphene.Int(default_value=10, description="1 to 100."),
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
        batch.remember(info, "article", [row["id"] for row in rows])
        if rows and preview_token is not None:
            # Unpublished work for an anonymous caller (credentialed responses are never
            # stored anyway: see BylineGraphQLView).
            never_store(info.context)
            rows[0][PREVIEWED] = True
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
        order_by: str | None = None,
    ) -> Any:
        page = window(first, after)
        if order_by is not None and order_by not in selectors.ORDERINGS:
            raise GraphQLError(
                f"orderBy must be one of: {', '.join(selectors.ORDERINGS)}.",
                extensions={"code": "BAD_USER_INPUT", "field": "orderBy"},
            )
        queryset = selectors.readable_articles(actor_from_request(info.context))
        if tag is not None:
            queryset = selectors.tagged(queryset, tag)
        if section is not None:
            queryset = selectors.in_section(queryset, section)
        if author is not None:
            queryset = selectors.credited_to(queryset, author)
        if featured is not None:
            queryset = queryset.filter(featured=featured)
        if search:
            queryset = selectors.search(queryset, search)
        if order_by is not None:
            queryset = selectors.ordered(queryset, order_by)
        rows = selectors.ArticleWindow(queryset, _article_fields(info, ("edges", "node")))
        items = rows[page.offset : page.offset + page.size + 1] if page.size else []
        batch.remember(info, "article", [row["id"] for row in items[: page.size]])
        return build_connection(ArticleConnection, items, page, rows.count)

    @staticmethod
    def resolve_popular_articles(root: Any, info: Any, days: int, first: int) -> Any:
        if not 1 <= days <= selectors.MOST_READ_MAX_DAYS:
            raise GraphQLError(
                f"days must be from 1 to {selectors.MOST_READ_MAX_DAYS}.",
                extensions={"code": "BAD_USER_INPUT", "field": "days"},
            )
        error = page_size_error(first)
        if error is not None:
            raise error
        ranked = selectors.most_read(days=days, limit=first)
        rows = selectors.article_rows_by_id([pk for pk, _ in ranked], _article_fields(info, ()))
        batch.remember(info, "article", [row["id"] for row in rows])
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
