"""GraphQL types for comments, and the ``comments`` connection on Article."""

from __future__ import annotations

from typing import Any

import graphene
from graphql_relay import to_global_id

from articles.graphql.types import ARTICLE_EXTENSIONS
from cms.actors import actor_from_request
from cms.errors import NotAuthenticated, PermissionDenied
from cms.graphql import batch
from cms.graphql.connections import CountableConnection, build_connection, window
from cms.graphql.enums import enum_from_choices
from cms.graphql.node import Node
from cms.graphql.scalars import DateTime
from cms.text import is_whole_number

from .. import form_tokens, selectors
from ..models import Comment, CommentStatus

CommentStatusEnum = enum_from_choices(
    CommentStatus,
    name="CommentStatus",
    description="A comment's moderation status (REST shows the lower-case value).",
)


class CommentNode(graphene.ObjectType):
    """An approved comment. Never the commenter's email or IP address."""

    class Meta:
        name = "Comment"
        interfaces = (Node,)

    parent_id = graphene.ID(description="The comment replied to (a global ID).")
    author_name = graphene.String(required=True)
    body_html = graphene.String(required=True, description="Sanitised HTML.")
    created_at = DateTime(required=True)

    @classmethod
    def get_node(cls, info: Any, id: str) -> dict[str, Any] | None:
        if not is_whole_number(str(id)):
            return None
        return selectors.public_comment(int(id))

    @staticmethod
    def resolve_parent_id(root: dict[str, Any], info: Any) -> str | None:
        parent = root["parent_id"]
        return to_global_id("Comment", parent) if parent is not None else None


class CommentConnection(CountableConnection):
    class Meta:
        node = CommentNode


def resolve_comments(
    article: dict[str, Any], info: Any, first: int | None = None, after: str | None = None
) -> CommentConnection:
    """The article's approved comments, oldest first. Loaded for every article in the response
    at once (see cms.graphql.batch), so a list of 50 articles costs one comments query."""
    page = window(first, after)

    def load_many(article_ids: list[int]) -> dict[int, list[Any]]:
        return selectors.threads_for(article_ids, offset=page.offset, limit=page.size + 1)

    items = batch.load(
        info, "article", ("comments", page.offset, page.size), article["id"], load_many, []
    )
    return build_connection(CommentConnection, items, page, lambda: article["comment_count"])


def comments_field() -> graphene.Field:
    return graphene.Field(
        CommentConnection,
        required=True,
        first=graphene.Int(description="Page size, 0 to 100 (default 20)."),
        after=graphene.String(),
        resolver=resolve_comments,
    )


def form_token_field() -> graphene.Field:
    return graphene.String(
        required=True,
        description="Send back with submitComment (comments sent within seconds are spam).",
        resolver=lambda article, info: form_tokens.issue(article["id"]),
    )


class ModeratedComment(graphene.ObjectType):
    """A comment as moderators see it, in any status (still never the email or the IP). Its
    own identity, apart from Comment's: node() finds one only for those who may moderate
    it."""

    class Meta:
        interfaces = (Node,)

    article = graphene.String(required=True, description="The article's slug.")
    parent_id = graphene.ID(description="The comment replied to (a ModeratedComment global ID).")
    author_name = graphene.String(required=True)
    body_html = graphene.String(required=True, description="Sanitised HTML.")
    status = graphene.Field(CommentStatusEnum, required=True)
    spam_reason = graphene.String(required=True)
    created_at = DateTime(required=True)
    moderated_at = DateTime()

    @classmethod
    def get_node(cls, info: Any, id: str) -> Comment | None:
        if not is_whole_number(str(id)):
            return None
        try:
            queue = selectors.moderation_queue(actor_from_request(info.context))
        except (NotAuthenticated, PermissionDenied):
            return None  # as for any ID the caller may not see
        return queue.filter(pk=id).first()

    @staticmethod
    def resolve_article(root: Comment, info: Any) -> str:
        return root.article.slug

    @staticmethod
    def resolve_parent_id(root: Comment, info: Any) -> str | None:
        parent = root.parent_id
        return to_global_id("ModeratedComment", parent) if parent is not None else None


class ModeratedCommentConnection(CountableConnection):
    class Meta:
        node = ModeratedComment


class CommentQueries(graphene.ObjectType):
    moderation_queue = graphene.Field(
        ModeratedCommentConnection,
        required=True,
        status=graphene.Argument(CommentStatusEnum, description="Default: every status."),
        article=graphene.String(description="An article's slug."),
        first=graphene.Int(description="Page size, 0 to 100 (default 20)."),
        after=graphene.String(),
        description="Comments newest first, for editors (a token needs comments:moderate).",
    )

    @staticmethod
    def resolve_moderation_queue(
        root: Any,
        info: Any,
        status: str | None = None,
        article: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ModeratedCommentConnection:
        page = window(first, after)
        queue = selectors.moderation_queue(
            actor_from_request(info.context), status=status, article=article
        )
        items = list(queue[page.offset : page.offset + page.size + 1]) if page.size else []
        return build_connection(ModeratedCommentConnection, items, page, queue.count)


ARTICLE_EXTENSIONS["comments"] = comments_field
ARTICLE_EXTENSIONS["comment_form_token"] = form_token_field
