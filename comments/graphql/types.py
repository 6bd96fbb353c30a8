"""GraphQL types for comments, and the ``comments`` connection on Article."""

from __future__ import annotations

from typing import Any

import graphene
from graphql_relay import to_global_id

from articles.graphql.types import ARTICLE_EXTENSIONS
from cms.graphql import batch
from cms.graphql.connections import CountableConnection, build_connection, window
from cms.graphql.node import NODE_TYPES, Node
from cms.text import is_whole_number

from .. import form_tokens, selectors
from ..models import Comment


class CommentNode(graphene.ObjectType):
    """An approved comment. Never the commenter's email or IP address."""

    class Meta:
        name = "Comment"
        interfaces = (Node,)

    parent_id = graphene.ID(description="The comment replied to (a global ID).")
    author_name = graphene.String(required=True)
    body_html = graphene.String(required=True, description="Sanitised HTML.")
    created_at = graphene.DateTime(required=True)

    @classmethod
    def owns(cls, root: Any) -> bool:
        return isinstance(root, dict) and "author_name" in root

    @classmethod
    def get_node(cls, info: Any, id: str) -> dict[str, Any] | None:
        if not is_whole_number(str(id)):
            return None
        return Comment.objects.public().filter(pk=id).values(*selectors.COMMENT_COLUMNS).first()

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


ARTICLE_EXTENSIONS["comments"] = comments_field
ARTICLE_EXTENSIONS["comment_form_token"] = form_token_field
NODE_TYPES.append(CommentNode)
