"""REST endpoints for articles, authors, sections and tags. Adapters only: reads come from
``articles.selectors``, permissions from the policy (through the visibility querysets)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from cms.api.caching import is_fresh, make_etag, not_modified, with_cache_headers
from cms.api.views import ReadViewSet, parse_fields
from cms.generations import generation

from .. import selectors
from ..models import TAXONOMY_GENERATION, Article
from .filters import ArticleFilter
from .serializers import ArticleSerializer, AuthorSerializer, SectionSerializer, TagSerializer

TAXONOMY = TAXONOMY_GENERATION
LIST_FIELDS = tuple(f for f in selectors.ARTICLE_FIELDS if f not in ("body_html", "body_text"))
FIELDS_PARAM = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Comma-separated fields to return: " + ", ".join(selectors.ARTICLE_FIELDS),
)


def media_base(request: Request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@extend_schema_view(
    list=extend_schema(
        summary="Published articles, newest first",
        description="Lists leave out body_html and body_text unless named in `fields`.",
    ),
    retrieve=extend_schema(summary="One published article", parameters=[FIELDS_PARAM]),
)
class ArticleViewSet(ReadViewSet):
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    lookup_field = "slug"

    def get_fields(self) -> tuple[str, ...]:
        default = LIST_FIELDS if self.action == "list" else selectors.ARTICLE_FIELDS
        return parse_fields(self.request, allowed=selectors.ARTICLE_FIELDS, default=default)

    def get_queryset(self) -> QuerySet[Article]:
        return selectors.articles_for(self.actor, fields=self.get_fields())

    def allowed_query_params(self) -> set[str]:
        if self.action == "retrieve":
            return {"fields"}
        return super().allowed_query_params()

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["fields"] = self.get_fields()
        context["media_base"] = media_base(self.request)
        return context

    @staticmethod
    def _state(article: Article) -> tuple[Any, ...]:
        return (
            article.pk,
            article.version,
            article.updated_at,
            article.view_count,
            article.comment_count,
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset) or []
        assert self.paginator is not None  # noqa: S101 - a list always paginates
        etag = make_etag(
            (
                "articles",
                sorted(request.query_params.lists()),
                self.paginator.page.paginator.count,  # type: ignore[attr-defined]
                generation(TAXONOMY),
                [self._state(a) for a in page],
            )
        )
        if is_fresh(request, etag):
            return not_modified(request, etag)
        data = self.get_serializer(page, many=True).data
        return with_cache_headers(self.get_paginated_response(data), request, etag)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        article = get_object_or_404(self.get_queryset(), slug=kwargs["slug"])
        etag = make_etag(("article", self.get_fields(), generation(TAXONOMY), self._state(article)))
        if is_fresh(request, etag):
            return not_modified(request, etag)
        data = self.get_serializer(article).data
        return with_cache_headers(Response(data), request, etag)


class _TaxonomyViewSet(ReadViewSet):
    """Shared list/retrieve with generation-based ETags."""

    lookup_field = "slug"
    etag_name = ""

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["media_base"] = media_base(self.request)
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        etag = make_etag(
            (
                self.etag_name,
                sorted(request.query_params.lists()),
                generation(TAXONOMY),
                [self.row_state(obj) for obj in page],
            )
        )
        if is_fresh(request, etag):
            return not_modified(request, etag)
        data = self.get_serializer(page, many=True).data
        return with_cache_headers(self.get_paginated_response(data), request, etag)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = get_object_or_404(self.get_queryset(), slug=kwargs["slug"])
        etag = make_etag((self.etag_name, generation(TAXONOMY), self.row_state(obj)))
        if is_fresh(request, etag):
            return not_modified(request, etag)
        return with_cache_headers(Response(self.get_serializer(obj).data), request, etag)

    def row_state(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk,)


@extend_schema_view(
    list=extend_schema(summary="Authors with published work"),
    retrieve=extend_schema(summary="One author with published work"),
)
class AuthorViewSet(_TaxonomyViewSet):
    serializer_class = AuthorSerializer
    etag_name = "authors"

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.authors_with_published_work()

    def row_state(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.article_count)


@extend_schema_view(list=extend_schema(summary="Sections"))
class SectionViewSet(_TaxonomyViewSet):
    serializer_class = SectionSerializer
    etag_name = "sections"

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.sections()


@extend_schema_view(list=extend_schema(summary="Tags"))
class TagViewSet(_TaxonomyViewSet):
    serializer_class = TagSerializer
    etag_name = "tags"

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.tags()
