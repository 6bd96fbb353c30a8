"""REST endpoints for articles, authors, sections and tags. Adapters only: reads come from
``articles.selectors``, permissions from the policy (through the visibility querysets)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cms.api.caching import NEVER_STORE, conditional, digest, make_etag
from cms.api.pagination import KeysetPagination
from cms.api.views import ApiViewSet, fields_pattern, parse_fields
from cms.errors import ValidationFailed
from cms.ratelimit import client_ip
from cms.text import is_whole_number

from .. import listing, previews, selectors, services
from ..fields import EDITORIAL_FIELDS, LIST_FIELDS
from ..models import Article
from . import writes
from .corrections import CorrectionWriteViewSet
from .filters import ArticleFilter
from .moved import LOCATION, MOVED, moved
from .serializers import (
    ArticleDetail,
    ArticleListItem,
    ArticleSerializer,
    AuthorSerializer,
    PopularSerializer,
    SectionSerializer,
    TagSerializer,
    ViewCountSerializer,
    represent_article,
)

# What SlugField accepts; anything else in the path cannot name an article (and a NUL byte
# would reach PostgreSQL, which refuses it).
SLUG_PATTERN = "[-a-zA-Z0-9_]+"
FIELDS_PARAM = OpenApiParameter(
    "fields",
    {"type": "string", "pattern": fields_pattern(selectors.ARTICLE_FIELDS)},
    description="Comma-separated fields to return: " + ", ".join(selectors.ARTICLE_FIELDS),
)


def bounded_parameter(name: str, bound: selectors.Bound) -> OpenApiParameter:
    """A whole-number query parameter read by :func:`_whole_number`, with the selector's
    bounds."""
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": bound.minimum, "maximum": bound.maximum},
        description=f"{bound.minimum} to {bound.maximum} (default {bound.default}).",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Published articles, newest first",
        description=(
            "Each item is an `ArticleSummary` (no body_html or body_text), or with `fields` an "
            "`ArticleFieldset` holding only the fields named."
        ),
        parameters=[FIELDS_PARAM],
        responses=ArticleListItem(many=True),
    ),
    retrieve=extend_schema(
        summary="One published article",
        description=(
            "An `Article`; with `fields`, an `ArticleFieldset` holding only the fields named; "
            "with `preview`, the `EditedArticle` behind the token. Callers who may edit or "
            "preview articles also get `status`, `submitted_at` and `version`, and an ETag "
            '`"v<version>-…"` that If-Match accepts on a later edit.'
        ),
        responses={200: ArticleDetail, 301: MOVED},
        parameters=[
            LOCATION,
            OpenApiParameter(
                "ETag",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[200],
                description=(
                    'Send back in If-None-Match. An editor\'s, `"v<version>-…"`, also goes '
                    "in If-Match to edit what was read. A preview has none."
                ),
            ),
            FIELDS_PARAM,
            OpenApiParameter(
                "preview",
                OpenApiTypes.STR,
                description="A preview token from the admin: the current draft, uncached.",
            ),
        ],
    ),
)
class ArticleViewSet(CorrectionWriteViewSet):
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    pagination_class = KeysetPagination
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN

    def get_fields(self) -> tuple[str, ...]:
        default = LIST_FIELDS if self.action == "list" else selectors.ARTICLE_FIELDS
        fields = parse_fields(self.request, allowed=selectors.ARTICLE_FIELDS, default=default)
        if selectors.sees_editorial_state(self.actor):
            fields = (*fields, *EDITORIAL_FIELDS)
        return fields

    def get_queryset(self) -> QuerySet[Article]:
        return selectors.readable_articles(self.actor)

    def allowed_query_params(self) -> set[str]:
        if self.action == "retrieve":
            return {"fields", "preview"}
        if self.action == "popular":
            return {"days", "limit", "fields"}
        if self.action in (
            "views",
            "create",
            "partial_update",
            "destroy",
            "publish",
            "unpublish",
            "corrections",
            "remove_correction",
        ):
            return set()
        return super().allowed_query_params()

    def requested_listing(self) -> listing.Listing:
        """The listing for the query's parameters (``listing.article_listing``: it starts
        from the same ``readable_articles`` as ``get_queryset``)."""
        # django-filter builds (and deep-copies) a whole form per request; the plain listing,
        # the busiest request of all, needs none of it.
        if not set(self.request.query_params) & set(ArticleFilter.base_filters) - {"fields"}:
            return listing.article_listing(self.actor)
        filterset = ArticleFilter(self.request.query_params, queryset=self.get_queryset())
        return filterset.article_listing(self.actor)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return self.requested_listing().queryset

    def represent(self, rows: list[selectors.Row], fields: tuple[str, ...]) -> list[Any]:
        return [represent_article(row, fields) for row in rows]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self.get_fields()
        window = listing.ArticleWindow(self.requested_listing(), fields)
        paginator = self.paginator
        assert isinstance(paginator, KeysetPagination)  # noqa: S101 - pagination_class
        rows: list[selectors.Row] = paginator.paginate_queryset(window, request, view=self)
        etag = make_etag(("articles", sorted(request.query_params.lists()), paginator.count, rows))
        return conditional(
            request, etag, lambda: self.get_paginated_response(self.represent(rows, fields))
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if "preview" in request.query_params:
            return self._preview(request.query_params["preview"], kwargs["slug"])
        fields = self.get_fields()
        matches = selectors.retrievable_articles(self.actor).filter(slug=kwargs["slug"])
        rows = selectors.attach_related(list(selectors.article_rows(matches, fields)[:1]), fields)
        if not rows:
            readable = selectors.retrievable_articles(self.actor)
            redirect = moved(request, slug=kwargs["slug"], readable=readable)
            if redirect is None:
                raise Http404
            return redirect
        row = rows[0]
        if "version" in fields:
            # Editors' integrations send this ETag back in If-Match to edit what they read.
            body_digest = digest(("article", fields, row))
            etag = writes.version_etag(row["version"], body_digest)
        else:
            etag = make_etag(("article", fields, row))
        return conditional(
            request,
            etag,
            lambda: Response(self.represent(rows, fields)[0]),
            stored=selectors.is_live_row(row),  # unpublished work is never stored
        )

    def _preview(self, token: str, slug: str) -> Response:
        """The current draft behind a preview token, never cached anywhere."""
        article = previews.previewed(token, slug)
        if article is None:
            raise Http404
        (row,) = selectors.article_rows_by_id([article.pk], selectors.PRIVILEGED_FIELDS)
        body = represent_article(row, selectors.PRIVILEGED_FIELDS)
        return Response(body, headers={"Cache-Control": NEVER_STORE})

    @extend_schema(
        summary="Most read published articles over the last N days",
        description=(
            "Ranked by views counted in the last `days` days, each with `views_in_period`; "
            "not paged (`limit` caps it)."
        ),
        parameters=[
            *(
                bounded_parameter(name, bound)
                for name, bound in selectors.most_read_bounds().items()
            ),
            FIELDS_PARAM,
        ],
        responses=PopularSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def popular(self, request: Request) -> Response:
        bounds = selectors.most_read_bounds()
        days = _whole_number(request, "days", bounds["days"])
        limit = _whole_number(request, "limit", bounds["limit"])
        fields = self.get_fields()
        ranked = selectors.most_read(days=days, limit=limit)
        rows = selectors.article_rows_by_id([pk for pk, _ in ranked], fields)
        etag = make_etag(("popular", days, limit, fields, ranked, rows))
        views = dict(ranked)

        def build() -> Response:
            results = [
                {**item, "views_in_period": views[row["id"]]}
                for row, item in zip(rows, self.represent(rows, fields), strict=True)
            ]
            return Response({"days": days, "results": results})

        return conditional(request, etag, build)

    @extend_schema(
        summary="Count a reader's view",
        description=(
            "One view per reader (address and browser), article and day; crawlers are not "
            "counted. Returns the article's view count."
        ),
        request=None,
        responses=ViewCountSerializer,
    )
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def views(self, request: Request, slug: str) -> Response:
        article = Article.objects.published().filter(slug=slug)
        # view_count: the answer is the stored count plus the buffered views, with no more SQL.
        article = article.only("id", "status", "published_at", "deleted_at", "view_count")
        found = article.first()
        if found is None:
            raise Http404
        user_agent = request.headers.get("User-Agent", "")
        count = services.register_view(
            article=found, ip_address=client_ip(request), user_agent=user_agent
        )
        return Response({"view_count": count}, headers={"Cache-Control": NEVER_STORE})


def _whole_number(request: Request, name: str, bound: selectors.Bound) -> int:
    """The query parameter ``name`` as a number (its bounds are the selector's to check),
    or the default; text that is no whole number is refused in the bound's words."""
    raw = request.query_params.get(name)
    if raw is None:
        return bound.default
    if not is_whole_number(raw):
        raise ValidationFailed({name: [bound.message]})
    return int(raw)


class _TaxonomyViewSet(ApiViewSet):
    """Shared list/retrieve; ETags are made from the rows themselves."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    etag_name = ""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        etag = make_etag(
            (
                self.etag_name,
                sorted(request.query_params.lists()),
                self.paginator.page.paginator.count,  # type: ignore[union-attr]
                [self.row_state(obj) for obj in page],
            )
        )
        return conditional(
            request,
            etag,
            lambda: self.get_paginated_response(self.get_serializer(page, many=True).data),
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = get_object_or_404(self.get_queryset(), slug=kwargs["slug"])
        etag = make_etag((self.etag_name, self.row_state(obj)))
        return conditional(request, etag, lambda: Response(self.get_serializer(obj).data))

    # The model fields each representation is made of (its ETag covers exactly these).
    state_fields: tuple[str, ...] = ()

    def row_state(self, obj: Any) -> tuple[Any, ...]:
        return tuple(str(getattr(obj, name)) for name in self.state_fields)


@extend_schema_view(
    list=extend_schema(
        summary="Authors with published work",
        description="By name, each with its number of published articles. Never an email.",
    ),
    retrieve=extend_schema(
        summary="One author with published work",
        description="An author without published work is not found (404).",
    ),
)
class AuthorViewSet(_TaxonomyViewSet):
    serializer_class = AuthorSerializer
    etag_name = "authors"

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.authors_with_published_work()

    state_fields = ("pk", "slug", "name", "bio", "avatar", "website", "article_count")


@extend_schema_view(
    list=extend_schema(
        summary="Sections",
        description="Sections with published work, by name (none used only by drafts).",
    ),
    retrieve=extend_schema(
        summary="One section",
        description="A section without published work is not found (404).",
    ),
)
class SectionViewSet(_TaxonomyViewSet):
    serializer_class = SectionSerializer
    etag_name = "sections"
    state_fields = ("pk", "slug", "name", "description")

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.sections()


@extend_schema_view(
    list=extend_schema(
        summary="Tags",
        description="Tags with published work, by name (none used only by drafts).",
    ),
    retrieve=extend_schema(
        summary="One tag", description="A tag without published work is not found (404)."
    ),
)
class TagViewSet(_TaxonomyViewSet):
    serializer_class = TagSerializer
    etag_name = "tags"
    state_fields = ("pk", "slug", "name")

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.tags()
