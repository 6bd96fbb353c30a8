"""The trash over GraphQL (editors; a token needs content:write): the ``trash`` connection,
``restoreArticle`` and ``deleteArticleForever``. Reads from ``articles.trash``, writes
through ``articles.services``."""

from __future__ import annotations

from typing import Any

import graphene
from graphql_relay import from_global_id, to_global_id

from cms.access import Action
from cms.actors import Actor, actor_from_request
from cms.errors import DomainError, NotAuthenticated, NotFound, PermissionDenied
from cms.graphql.connections import CountableConnection, build_connection, window
from cms.graphql.errors import FieldError, field_errors
from cms.graphql.node import Node
from cms.graphql.scalars import DateTime
from cms.text import is_whole_number

from .. import services, trash
from ..models import Article
from .mutations import ArticlePayload, _actor, _run
from .types import ArticleStatusEnum


class TrashedArticle(graphene.ObjectType):
    """A deleted article in the trash, with its comments, until ``purgeAfter``. Its own
    identity, apart from Article's: node() finds one only for editors."""

    class Meta:
        interfaces = (Node,)

    slug = graphene.String(required=True, description="Kept reserved while in the trash.")
    title = graphene.String(required=True)
    status = graphene.Field(
        ArticleStatusEnum, required=True, description="What a restore brings back."
    )
    published_at = DateTime()
    deleted_at = DateTime(required=True)
    deleted_by = graphene.String(description="Who deleted it (null: unknown).")
    comment_count = graphene.Int(required=True, description="Approved comments.")
    comments_in_trash = graphene.Int(
        required=True, description="Every comment that went with it, in any status."
    )
    view_count = graphene.Int(required=True)
    purge_after = DateTime(required=True, description="When the purge deletes it for good.")

    @classmethod
    def get_node(cls, info: Any, id: str) -> Article | None:
        if not is_whole_number(str(id)):
            return None
        try:
            return trash.trash_list(actor_from_request(info.context)).filter(pk=id).first()
        except (NotAuthenticated, PermissionDenied):
            return None  # as for any ID the caller may not see

    @staticmethod
    def resolve_status(root: Article, info: Any) -> str:
        return root.status

    @staticmethod
    def resolve_deleted_by(root: Article, info: Any) -> str | None:
        return trash.deleted_by_label(root)


class TrashConnection(CountableConnection):
    class Meta:
        node = TrashedArticle


class TrashQueries(graphene.ObjectType):
    trash = graphene.Field(
        TrashConnection,
        required=True,
        first=graphene.Int(description="Page size, 0 to 100 (default 20)."),
        after=graphene.String(),
        description="Deleted articles, most recently deleted first, for editors (a token "
        "needs content:write). Each is purged for good at its `purgeAfter`.",
    )

    @staticmethod
    def resolve_trash(
        root: Any, info: Any, first: int | None = None, after: str | None = None
    ) -> TrashConnection:
        page = window(first, after)
        listed = trash.trash_list(actor_from_request(info.context))
        items = list(listed[page.offset : page.offset + page.size + 1]) if page.size else []
        return build_connection(TrashConnection, items, page, listed.count)


def _trashed(actor: Actor, global_id: str, action: Action) -> Article:
    """The trashed article a TrashedArticle (or Article) global ID names."""
    try:
        kind, raw = from_global_id(global_id)
    except Exception:  # malformed base64 or separator: not one of ours
        kind, raw = "", ""
    if kind not in ("TrashedArticle", "Article") or not is_whole_number(raw):
        # Refused as any other caller would be first: the ID is no business of theirs.
        trash.trash_list(actor)
        raise NotFound("No article in the trash has that ID.", field="id")
    try:
        return trash.trashed_article(actor, raw, action)
    except NotFound:
        raise NotFound("No article in the trash has that ID.", field="id") from None


_ID_HELP = "The TrashedArticle global ID (from `trash`; the Article's former ID works too)."


class RestoreArticle(graphene.Mutation):
    """Bring a deleted article back from the trash, exactly as it was (status, dates,
    bylines, tags, comments, counts), as a new version. Editors only."""

    class Arguments:
        id = graphene.ID(required=True, description=_ID_HELP)

    Output = ArticlePayload

    @staticmethod
    def mutate(root: Any, info: Any, id: str) -> ArticlePayload:
        def work(actor: Actor) -> Article:
            article = _trashed(actor, id, Action.RESTORE)
            return services.article_restore_from_trash(article=article, actor=actor)

        return _run(info, work)


class DeleteArticleForever(graphene.Mutation):
    """Delete a trashed article for good, with its comments and view counts; it cannot be
    undone. Editors only."""

    class Meta:
        name = "DeleteArticleForeverPayload"

    class Arguments:
        id = graphene.ID(required=True, description=_ID_HELP)

    deleted_id = graphene.ID(description="The TrashedArticle global ID (null with errors).")
    deleted = graphene.String(
        description='What went, as the audit log says it: "article 12 and 7 comments".'
    )
    errors = graphene.List(graphene.NonNull(FieldError), required=True)

    @staticmethod
    def mutate(root: Any, info: Any, id: str) -> DeleteArticleForever:
        try:
            actor = _actor(info)
            article = _trashed(actor, id, Action.PURGE)
            deleted_id = to_global_id("TrashedArticle", article.pk)
            gone = services.article_delete_forever(article=article, actor=actor)
        except DomainError as error:
            return DeleteArticleForever(errors=field_errors(error))
        return DeleteArticleForever(deleted_id=deleted_id, deleted=gone, errors=[])


class TrashMutations(graphene.ObjectType):
    restore_article = RestoreArticle.Field(required=True)
    delete_article_forever = DeleteArticleForever.Field(required=True)
