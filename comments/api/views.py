"""REST endpoints for an article's comments."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from articles.models import Article
from cms.api.caching import is_fresh, make_etag, not_modified, with_cache_headers
from cms.api.pagination import PageNumberPagination
from cms.api.views import ReadViewSet

from .. import selectors
from ..models import Comment
from .serializers import CommentSerializer


class ThreadPagination(PageNumberPagination):
    """A whole thread fits on one page by default."""

    def default_page_size(self) -> int:
        return int(settings.API_MAX_PAGE_SIZE)


@extend_schema_view(
    list=extend_schema(
        summary="Approved comments on a published article, oldest first",
        description="Threads are rebuilt from `parent_id`.",
    )
)
class ArticleCommentViewSet(ReadViewSet):
    serializer_class = CommentSerializer
    pagination_class = ThreadPagination
    queryset = Comment.objects.none()  # documents the model; list() reads through selectors

    def get_article(self) -> Article:
        visible = Article.objects.visible_to(self.actor).only("id", "comment_count")
        return get_object_or_404(visible, slug=self.kwargs["article_slug"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        article = self.get_article()
        page = self.paginate_queryset(selectors.thread_for(article)) or []
        etag = make_etag(
            (
                "comments",
                sorted(request.query_params.lists()),
                article.pk,
                article.comment_count,
                [c.pk for c in page],
            )
        )
        if is_fresh(request, etag):
            return not_modified(request, etag)
        data = self.get_serializer(page, many=True).data
        return with_cache_headers(self.get_paginated_response(data), request, etag)
