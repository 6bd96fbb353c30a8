"""GraphQL types for articles and the taxonomy. Articles resolve from the same rows the REST
API uses (``articles.selectors``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphene

from cms.actors import actor_from_request
from cms.graphql.connections import CountableConnection
from cms.graphql.cost import LIST_BOUNDS
from cms.graphql.enums import enum_from_choices
from cms.graphql.node import NODE_TYPES, Node
from cms.media import media_url
from cms.text import is_whole_number

from .. import representation, selectors
from ..models import ArticleStatus, Author

ArticleStatusEnum = enum_from_choices(
    ArticleStatus,
    name="ArticleStatus",
    description="Where an article is in its lifecycle (REST shows the lower-case value).",
)

# Fields that apps above this one hang on Article (``comments``, from the comments app):
# name -> factory of the graphene field. Filled in by those apps; articles imports none.
ARTICLE_EXTENSIONS: dict[str, Callable[[], graphene.Field]] = {}


def _extension(name: str) -> graphene.Dynamic:
    return graphene.Dynamic(
        lambda: ARTICLE_EXTENSIONS[name]() if name in ARTICLE_EXTENSIONS else None
    )


class Byline(graphene.ObjectType):
    """A name in an article's byline."""

    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    avatar_url = graphene.String()


class Section(graphene.ObjectType):
    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    description = graphene.String(required=True)


class Tag(graphene.ObjectType):
    slug = graphene.String(required=True)
    name = graphene.String(required=True)


class CoverImage(graphene.ObjectType):
    url = graphene.String(required=True)
    alt = graphene.String(required=True)
    caption = graphene.String(required=True)
    width = graphene.Int()
    height = graphene.Int()


class Seo(graphene.ObjectType):
    title = graphene.String(required=True)
    description = graphene.String(required=True)
    canonical_url = graphene.String(required=True)


class ArticleNode(graphene.ObjectType):
    """A published article (what the REST API calls the public representation)."""

    class Meta:
        name = "Article"
        interfaces = (Node,)

    slug = graphene.String(required=True)
    title = graphene.String(required=True)
    subtitle = graphene.String(required=True)
    excerpt = graphene.String(required=True)
    body_html = graphene.String(required=True, description="Sanitised HTML.")
    body_text = graphene.String(required=True)
    authors = graphene.List(graphene.NonNull(Byline), required=True)
    section = graphene.Field(Section)
    tags = graphene.List(graphene.NonNull(Tag), required=True)
    cover_image = graphene.Field(CoverImage)
    published_at = graphene.DateTime(description="Null only for a previewed draft.")
    updated_at = graphene.DateTime(required=True)
    reading_time_minutes = graphene.Int(required=True)
    word_count = graphene.Int(required=True)
    view_count = graphene.Int(required=True)
    comment_count = graphene.Int(required=True, description="Approved comments only.")
    comments_enabled = graphene.Boolean(required=True)
    featured = graphene.Boolean(required=True)
    seo = graphene.Field(Seo, required=True)
    url = graphene.String(required=True, description="The article's address on the front-end.")
    status = graphene.Field(
        ArticleStatusEnum, description="For those who may edit or preview; else null."
    )
    version = graphene.Int(description="For those who may edit or preview; else null.")
    comments = _extension("comments")
    comment_form_token = _extension("comment_form_token")

    @classmethod
    def owns(cls, root: Any) -> bool:
        return isinstance(root, dict) and "title" in root

    @classmethod
    def get_node(cls, info: Any, id: str) -> dict[str, Any] | None:
        if not is_whole_number(str(id)):
            return None
        visible = selectors.retrievable_articles(actor_from_request(info.context)).filter(pk=id)
        rows = list(selectors.article_rows(visible, selectors.PRIVILEGED_FIELDS)[:1])
        return selectors.attach_related(rows, selectors.PRIVILEGED_FIELDS)[0] if rows else None

    @staticmethod
    def resolve_authors(root: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        return representation.byline(root)

    @staticmethod
    def resolve_section(root: dict[str, Any], info: Any) -> dict[str, Any] | None:
        return representation.section(root)

    @staticmethod
    def resolve_cover_image(root: dict[str, Any], info: Any) -> dict[str, Any] | None:
        return representation.cover_image(root)

    @staticmethod
    def resolve_seo(root: dict[str, Any], info: Any) -> dict[str, Any]:
        return representation.seo(root)

    @staticmethod
    def resolve_url(root: dict[str, Any], info: Any) -> str:
        return representation.url(root)

    @staticmethod
    def resolve_status(root: dict[str, Any], info: Any) -> str | None:
        return _editorial(root, info, "status")

    @staticmethod
    def resolve_version(root: dict[str, Any], info: Any) -> int | None:
        return _editorial(root, info, "version")


# What the query cost (cms.graphql.cost) counts an article's byline and tags as. Nothing caps
# them when an article is written, so these are estimates: a byline of ten and twenty tags
# are far past what newsrooms print, and GRAPHQL_MAX_RESPONSE_BYTES bounds the rest.
LIST_BOUNDS[("Article", "authors")] = 10
LIST_BOUNDS[("Article", "tags")] = 20

PREVIEWED = "_previewed"  # marks a row read through a preview token


def _editorial(root: dict[str, Any], info: Any, name: str) -> Any:
    if root.get(PREVIEWED) or selectors.sees_editorial_state(actor_from_request(info.context)):
        return root.get(name)
    return None


class ArticleConnection(CountableConnection):
    class Meta:
        node = ArticleNode


class AuthorNode(graphene.ObjectType):
    """An author with published work. Never an email."""

    class Meta:
        name = "Author"
        interfaces = (Node,)

    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    bio = graphene.String(required=True)
    avatar_url = graphene.String()
    website = graphene.String(required=True)
    article_count = graphene.Int(required=True, description="Published articles.")

    @classmethod
    def owns(cls, root: Any) -> bool:
        return isinstance(root, Author)

    @classmethod
    def get_node(cls, info: Any, id: str) -> Any:
        if not is_whole_number(str(id)):
            return None
        return selectors.authors_with_published_work().filter(pk=id).first()

    @staticmethod
    def resolve_avatar_url(root: Any, info: Any) -> str | None:
        return media_url(root.avatar.name if root.avatar else None)


class AuthorConnection(CountableConnection):
    class Meta:
        node = AuthorNode


NODE_TYPES.extend([ArticleNode, AuthorNode])
