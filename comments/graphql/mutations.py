"""Reader mutations: submitComment."""

from __future__ import annotations

from typing import Any

import graphene
from graphql_relay import from_global_id

from articles.selectors import readable_articles
from cms.actors import actor_from_request
from cms.errors import DomainError, NotFound
from cms.graphql.errors import FieldError, field_errors
from cms.ratelimit import client_ip
from cms.text import is_whole_number

from .. import selectors, services
from ..models import CommentStatus
from .types import CommentNode, CommentStatusEnum, ModeratedComment


class SubmitCommentInput(graphene.InputObjectType):
    article_slug = graphene.String(required=True)
    author_name = graphene.String(required=True)
    author_email = graphene.String(required=True, description="Never shown.")
    body = graphene.String(required=True)
    parent_id = graphene.ID(description="The comment replied to (its Comment global ID).")
    website = graphene.String(description="Leave empty: a field for bots only.")
    form_token = graphene.String(description="Article.commentFormToken, fetched with the page.")
    commenter_token = graphene.String(
        description="The commenterToken answered to this reader's last comment, if kept."
    )


class SubmitComment(graphene.Mutation):
    """Comment on a published article (same rules, limits and codes as the REST API)."""

    class Meta:
        name = "SubmitCommentPayload"

    class Arguments:
        input = SubmitCommentInput(required=True)

    comment = graphene.Field(
        CommentNode,
        description="The comment as readers will see it once approved (null with errors). "
        "node() finds it only then.",
    )
    status = graphene.Field(
        CommentStatusEnum,
        description="PENDING or APPROVED (spam is answered as PENDING); null with errors.",
    )
    commenter_token = graphene.String(
        description="Keep it and send it with this reader's next comment (null with errors)."
    )
    errors = graphene.List(graphene.NonNull(FieldError), required=True)

    @staticmethod
    def mutate(root: Any, info: Any, input: SubmitCommentInput) -> SubmitComment:
        request = info.context
        actor = actor_from_request(request)
        try:
            article = readable_articles(actor).filter(slug=input.article_slug).first()
            if article is None:
                raise NotFound("No published article has that address.", field="article_slug")
            parent_id = None
            if input.parent_id:
                kind, raw_id = _decode(input.parent_id)
                parent_id = int(raw_id) if kind == "Comment" and raw_id else 0  # 0: no such
            submitted = services.comment_submit(
                article=article,
                author_name=input.author_name,
                author_email=input.author_email,
                body=input.body,
                parent_id=parent_id,
                ip_address=client_ip(request),
                actor=actor,
                honeypot=input.website or "",
                form_token=input.form_token,
                commenter_token=input.commenter_token,
            )
        except DomainError as error:
            return SubmitComment(comment=None, errors=field_errors(error))
        comment = submitted.comment
        return SubmitComment(
            comment={column: getattr(comment, column) for column in selectors.COMMENT_COLUMNS},
            status=submitted.status,
            commenter_token=submitted.commenter_token,
            errors=[],
        )


def _decode(global_id: str) -> tuple[str, str]:
    try:
        kind, raw = from_global_id(global_id)
    except Exception:  # malformed base64 or separator: not one of ours
        return "", ""
    return kind, raw if is_whole_number(raw) else ""


class ModerateComment(graphene.Mutation):
    """Approve, mark as spam, remove, or return a comment to pending (comments:moderate)."""

    class Meta:
        name = "ModerateCommentPayload"

    class Arguments:
        id = graphene.ID(
            required=True,
            description="The comment's ModeratedComment global ID (a Comment global ID is "
            "accepted too).",
        )
        status = graphene.Argument(CommentStatusEnum, required=True)

    comment = graphene.Field(
        ModeratedComment, description="The comment as it now is (null with errors)."
    )
    errors = graphene.List(graphene.NonNull(FieldError), required=True)

    @staticmethod
    def mutate(root: Any, info: Any, id: str, status: str) -> ModerateComment:
        actor = actor_from_request(info.context)
        try:
            queue = selectors.moderation_queue(actor)
            kind, raw_id = _decode(id)
            named = kind in ("ModeratedComment", "Comment") and raw_id
            comment = queue.filter(pk=raw_id).first() if named else None
            if comment is None:
                raise NotFound("No comment you may moderate has that ID.", field="id")
            comment = services.comment_moderate(
                comment=comment, actor=actor, status=CommentStatus.named(status)
            )
        except DomainError as error:
            return ModerateComment(errors=field_errors(error))
        return ModerateComment(comment=comment, errors=[])


class CommentMutations(graphene.ObjectType):
    submit_comment = SubmitComment.Field(required=True)
    moderate_comment = ModerateComment.Field(required=True)
