"""REST endpoints of the trash (editors: a session, or a token with ``content:write``):
list deleted articles, restore one whole, or delete one forever."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cms import scopes
from cms.access import Action
from cms.api.caching import conditional, make_etag
from cms.api.views import ApiViewSet

from .. import services, trash
from ..models import Article, ArticleStatus
from .serializers import ArticleWriteResult
from .writes import VERSION_ETAG, write_response


class TrashedArticleSerializer(serializers.Serializer[Article]):
    """A deleted article as the trash lists it."""

    id = serializers.IntegerField(read_only=True)
    slug = serializers.CharField(read_only=True, help_text="Kept reserved while in the trash.")
    title = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(
        choices=ArticleStatus.choices, read_only=True, help_text="What a restore brings back."
    )
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    deleted_at = serializers.DateTimeField(read_only=True)
    deleted_by = serializers.SerializerMethodField(
        help_text="Who deleted it (null: unknown, e.g. a removed account)."
    )
    comment_count = serializers.IntegerField(
        read_only=True, help_text="Approved comments, as readers counted them."
    )
    comments_in_trash = serializers.IntegerField(
        read_only=True, help_text="Every comment that went with it, in any status."
    )
    view_count = serializers.IntegerField(read_only=True)
    purge_after = serializers.DateTimeField(
        read_only=True, help_text="When the purge deletes it for good (TRASH_RETENTION_DAYS)."
    )

    def get_deleted_by(self, article: Article) -> str | None:
        return trash.deleted_by_label(article)


TRASH_ID = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": 10**12 - 1},
    OpenApiParameter.PATH,
    description="The trashed article's `id`, as the trash lists it.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Deleted articles (editors; content:write)",
        description=(
            "Articles in the trash with their comments, most recently deleted first; each is "
            "purged for good at `purge_after`."
        ),
    ),
    restore=extend_schema(
        summary="Restore a deleted article whole (editors; content:write)",
        description=(
            "Back exactly as it was (status, dates, bylines, tags, comments, counts), as a new "
            "version."
        ),
        request=None,
        responses=ArticleWriteResult,
        parameters=[TRASH_ID, VERSION_ETAG],
    ),
    destroy=extend_schema(
        summary="Delete a trashed article forever (editors; content:write)",
        description="With its comments and view counts; it cannot be undone. Nothing is returned.",
        request=None,
        responses={204: None},
        parameters=[TRASH_ID],
    ),
)
class TrashViewSet(ApiViewSet):
    serializer_class = TrashedArticleSerializer
    scoped_actions = {
        "list": scopes.CONTENT_WRITE,
        "restore": scopes.CONTENT_WRITE,
        "destroy": scopes.CONTENT_WRITE,
    }
    lookup_value_regex = "[0-9]{1,12}"

    def get_queryset(self) -> QuerySet[Article]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return Article.objects.none()
        return trash.trash_list(self.actor)

    def allowed_query_params(self) -> set[str]:
        return super().allowed_query_params() if self.action == "list" else set()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        data = self.get_serializer(page, many=True).data
        count = self.paginator.page.paginator.count  # type: ignore[union-attr]
        etag = make_etag(("trash", sorted(request.query_params.lists()), count, data))
        return conditional(request, etag, lambda: self.get_paginated_response(data), stored=False)

    @action(detail=True, methods=["post"], pagination_class=None)
    def restore(self, request: Request, pk: str) -> Response:
        article = trash.trashed_article(self.actor, pk, Action.RESTORE)
        restored = services.article_restore_from_trash(article=article, actor=self.actor)
        # As every write answers: a token that may not preview drafts (content:write alone)
        # gets the restored draft's reference.
        return write_response(self.actor, restored)

    def destroy(self, request: Request, pk: str) -> Response:
        article = trash.trashed_article(self.actor, pk, Action.PURGE)
        services.article_delete_forever(article=article, actor=self.actor)
        return Response(status=204)
