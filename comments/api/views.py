"""REST endpoints for an article's comments."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from articles.api.moved import LOCATION, MOVED, moved
from articles.api.views import SLUG_PATTERN
from articles.models import Article
from articles.selectors import readable_articles
from cms import scopes
from cms.api.caching import NEVER_STORE, conditional, make_etag
from cms.api.pagination import PageNumberPagination
from cms.api.views import ApiViewSet
from cms.ratelimit import RateLimited, client_ip

from .. import form_tokens, selectors, services
from ..models import Comment, CommentStatus
from .serializers import (
    CommentSerializer,
    CommentSubmissionSerializer,
    ModeratedCommentSerializer,
    ModerationInputSerializer,
    SubmittedCommentSerializer,
)


class ThreadPagination(PageNumberPagination):
    """A whole thread fits on one page by default. Every page carries the comment form's
    token: documented and added here, so that the schema and the answer cannot part."""

    form_key = "form_token"  # the property name, not a secret
    article_id: int | None = None

    def default_page_size(self) -> int:
        return int(settings.API_MAX_PAGE_SIZE)

    def paginate_thread(self, article: Article, request: Request, view: Any) -> list[Comment]:
        """A page of ``article``'s thread; its response will carry the article's form token."""
        self.article_id = article.pk
        return self.paginate_queryset(selectors.thread_for(article), request, view) or []

    def get_paginated_response(self, data: Any) -> Response:
        if self.article_id is None:
            raise RuntimeError("A page of comments comes from paginate_thread (its form token).")
        response = super().get_paginated_response(data)
        response.data[self.form_key] = form_tokens.issue(self.article_id)
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        page = super().get_paginated_response_schema(schema)
        page["properties"][self.form_key] = {
            "type": "string",
            "description": "Send it back with a new comment (as `form_token`).",
        }
        page["required"].append(self.form_key)
        return page


ARTICLE_SLUG = OpenApiParameter(
    "slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=f"^{SLUG_PATTERN}$",
    description="The article's slug.",
)


@extend_schema_view(
    list=extend_schema(
        parameters=[ARTICLE_SLUG, LOCATION],
        responses={200: CommentSerializer(many=True), 301: MOVED},
        summary="Approved comments on a published article, oldest first",
        description=(
            "Threads are rebuilt from `parent_id`. `form_token` goes back with a new comment "
            "(comments sent within seconds of it are treated as spam)."
        ),
    ),
    create=extend_schema(
        summary="Submit a comment",
        description=(
            "Anyone may comment on a published article that accepts comments. The answer's "
            "`status` is `pending` (waiting for moderation; spam is answered so too) or "
            "`approved` (auto-approval is on and it brings the `commenter_token` of an "
            "approved comment). Rate-limited per address and email (429 with Retry-After). "
            "The email is never shown."
        ),
        parameters=[ARTICLE_SLUG],
        request=CommentSubmissionSerializer,
        responses={201: SubmittedCommentSerializer},
    ),
)
class ArticleCommentViewSet(ApiViewSet):
    serializer_class = CommentSerializer
    pagination_class = ThreadPagination
    queryset = Comment.objects.none()  # documents the model; list() reads through selectors
    action_refusals = {"create": (RateLimited,)}

    def get_article(self) -> Article:
        # Everything a comment's submission reads of it (liveness, the audit log's title):
        # a deferred column is one more query.
        visible = readable_articles(self.actor).only(
            "id",
            "title",
            "comment_count",
            "comments_enabled",
            "status",
            "published_at",
            "deleted_at",
        )
        return get_object_or_404(visible, slug=self.kwargs["slug"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            article = self.get_article()
        except Http404:
            # The article's former address: 301 to its comments at the current one.
            redirect = moved(
                request, slug=self.kwargs["slug"], readable=readable_articles(self.actor)
            )
            if redirect is None:
                raise
            return redirect
        page = cast(ThreadPagination, self.paginator).paginate_thread(article, request, self)
        etag = make_etag(
            (
                "comments",
                sorted(request.query_params.lists()),
                article.pk,
                article.comment_count,
                [c.pk for c in page],
            )
        )

        def build() -> Response:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)

        return conditional(request, etag, build)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        article = self.get_article()
        submission = CommentSubmissionSerializer(data=request.data)
        submission.is_valid(raise_exception=True)
        data = submission.validated_data
        submitted = services.comment_submit(
            article=article,
            author_name=data["author_name"],
            author_email=data["author_email"],
            body=data["body"],
            parent_id=data.get("parent_id"),
            ip_address=client_ip(request),
            actor=self.actor,
            honeypot=data.get("website", ""),
            form_token=data.get("form_token"),
            commenter_token=data.get("commenter_token"),
        )
        comment = submitted.comment
        return Response(
            {
                "id": comment.pk,
                "status": submitted.status,
                "commenter_token": submitted.commenter_token,
            },
            status=201,
            headers={"Cache-Control": NEVER_STORE},
        )


@extend_schema_view(
    list=extend_schema(
        summary="The moderation queue (comments:moderate)",
        description="Comments in any status, newest first.",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(CommentStatus.values)),
            OpenApiParameter("article", OpenApiTypes.STR, description="An article's slug."),
        ],
    ),
    partial_update=extend_schema(
        parameters=[
            OpenApiParameter(
                "id",
                {"type": "integer", "minimum": 1, "maximum": 10**12 - 1},
                OpenApiParameter.PATH,
                description="The comment's `id`, as the queue lists it.",
            )
        ],
        summary="Moderate a comment (comments:moderate)",
        request=ModerationInputSerializer,
        responses=ModeratedCommentSerializer,
    ),
)
class ModerationViewSet(ApiViewSet):
    """The moderation queue and decisions, for editors and tokens with comments:moderate."""

    serializer_class = ModeratedCommentSerializer
    extra_query_params = ("status", "article")
    scoped_actions = {"list": scopes.COMMENTS_MODERATE, "partial_update": scopes.COMMENTS_MODERATE}
    lookup_value_regex = "[0-9]{1,12}"

    def get_queryset(self) -> QuerySet[Comment]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return Comment.objects.none()
        return selectors.moderation_queue(self.actor)

    def allowed_query_params(self) -> set[str]:
        return super().allowed_query_params() if self.action == "list" else set()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = selectors.moderation_queue(
            self.actor,
            status=request.query_params.get("status"),
            article=request.query_params.get("article"),
        )
        page = self.paginate_queryset(queryset) or []
        data = self.get_serializer(page, many=True).data
        # Made from the serialised page itself: the queue is small and every field counts.
        count = self.paginator.page.paginator.count  # type: ignore[union-attr]
        etag = make_etag(("moderation", sorted(request.query_params.lists()), count, data))
        return conditional(request, etag, lambda: self.get_paginated_response(data), stored=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        queryset = self.get_queryset()
        comment = get_object_or_404(queryset, pk=pk)  # the URL takes digits only
        data = ModerationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.comment_moderate(
            comment=comment, actor=self.actor, status=CommentStatus(data.validated_data["status"])
        )
        return Response(self.get_serializer(comment).data, headers={"Cache-Control": NEVER_STORE})
