"""Input and output of the article write endpoints (token or signed-in staff only)."""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cms.api.fields import StrictCharField
from cms.api.views import ReadViewSet
from cms.errors import PreconditionRequired
from cms.policy import Action, can, may_read_content, require_signed_in

from .. import selectors, services
from ..models import Article
from .serializers import ArticleSerializer, represent_article

PRIVILEGED_FIELDS = selectors.PRIVILEGED_FIELDS


class ArticleInputSerializer(serializers.Serializer):
    """Content fields only: status, dates, counters and version change through their own
    actions, so sending them is refused (no mass assignment)."""

    title = StrictCharField(max_length=200)
    slug = serializers.SlugField(max_length=200, required=False, allow_blank=True)
    subtitle = StrictCharField(max_length=300, required=False, allow_blank=True)
    excerpt = StrictCharField(max_length=600, required=False, allow_blank=True)
    body_html = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
    section = StrictCharField(required=False, allow_null=True, help_text="A slug.")
    tags = serializers.ListField(child=StrictCharField(), required=False)
    authors = serializers.ListField(
        child=StrictCharField(), required=False, help_text="Author slugs, in order."
    )
    comments_enabled = serializers.BooleanField(required=False)
    seo_title = StrictCharField(max_length=200, required=False, allow_blank=True)
    seo_description = StrictCharField(max_length=300, required=False, allow_blank=True)
    canonical_url = serializers.URLField(required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise ValidationError(
                {name: ["This field cannot be set here."] for name in sorted(unknown)}
            )
        return attrs

    def service_arguments(self) -> dict[str, Any]:
        """The validated input with slugs resolved to objects (400 naming any unknown one)."""
        return services.resolve_references(self.validated_data)


class PublishInputSerializer(serializers.Serializer):
    published_at = serializers.DateTimeField(
        required=False, help_text="A future time schedules; none publishes now."
    )


def version_etag(version: int, digest: str = "") -> str:
    """The ETag of a privileged representation: ``"v<version>"``, then (on reads) a digest of
    the body, so that a 304 is exact while If-Match compares only the version: a view or a
    comment counted since is not an edit."""
    return f'"v{version}-{digest}"' if digest else f'"v{version}"'


_VERSION_ETAG = re.compile(r'(?:W/)?"v([0-9]{1,9})(?:-[0-9a-f]+)?"')


def expected_version(request: Request) -> int:
    """The version named by If-Match: required (428) and well-formed (400)."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired(
            "Send If-Match with the ETag of the version you edited.", field="If-Match"
        )
    match = _VERSION_ETAG.fullmatch(header.strip())
    if match is None:
        # "*" and lists would let an edit through whatever the version: not accepted.
        raise ValidationError(
            {"If-Match": ["Send the one ETag of the version you edited (not * or a list)."]}
        )
    return int(match.group(1))


# What a write answers to a caller who may not read the article (a token without
# content:preview writing a draft): enough to follow up, none of the unpublished content.
# The same fields as GraphQL's EditedArticle.
EDITED_FIELDS = ("id", "slug", "title", "published_at", "url", "status", "version")


def privileged(article: Article, fields: tuple[str, ...] = PRIVILEGED_FIELDS) -> dict[str, Any]:
    rows = selectors.article_rows(Article.objects.filter(pk=article.pk), fields)
    row = selectors.attach_related(list(rows), fields)[0]
    return represent_article(row, fields)


class ArticleWriteViewSet(ReadViewSet):
    """Create, update, delete, publish and unpublish: for API tokens (with the matching
    scope) and signed-in staff; every rule is the services' and the policy's."""

    scoped_actions = frozenset({"create", "partial_update", "destroy", "publish", "unpublish"})

    def _signed_in(self) -> None:
        require_signed_in(self.actor)

    def _target(self, slug: str, action: Action) -> Article:
        self._signed_in()
        article = selectors.article_for_editing(self.actor, slug, action)
        if article is None:
            raise Http404
        return article

    def _respond(self, article: Article, status: int = 200) -> Response:
        # What a read would show this caller: a closed API reads nothing without content:read.
        readable = may_read_content(self.actor) and can(self.actor, Action.VIEW, article)
        body = privileged(article, PRIVILEGED_FIELDS if readable else EDITED_FIELDS)
        return Response(
            body,
            status=status,
            headers={
                "ETag": version_etag(article.version),
                "Cache-Control": "private, no-store",
            },
        )

    @extend_schema(
        summary="Create a draft",
        request=ArticleInputSerializer,
        responses={201: ArticleSerializer},
    )
    def create(self, request: Request) -> Response:
        self._signed_in()
        data = ArticleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        article = services.article_create(actor=self.actor, **data.service_arguments())
        return self._respond(article, status=201)

    @extend_schema(
        summary="Change an article's content (If-Match required)",
        request=ArticleInputSerializer,
        responses=ArticleSerializer,
    )
    def partial_update(self, request: Request, slug: str) -> Response:
        article = self._target(slug, Action.CHANGE)
        data = ArticleInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        expected = expected_version(request)
        services.article_update(
            article=article,
            actor=self.actor,
            expected_version=expected,
            **data.service_arguments(),
        )
        return self._respond(article)

    @extend_schema(summary="Delete an article", request=None, responses={204: None})
    def destroy(self, request: Request, slug: str) -> Response:
        services.article_delete(article=self._target(slug, Action.DELETE), actor=self.actor)
        return Response(status=204)

    @extend_schema(
        summary="Publish now, or schedule with a future published_at",
        request=PublishInputSerializer,
        responses=ArticleSerializer,
    )
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def publish(self, request: Request, slug: str) -> Response:
        article = self._target(slug, Action.PUBLISH)
        data = PublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.article_publish(
            article=article, actor=self.actor, published_at=data.validated_data.get("published_at")
        )
        return self._respond(article)

    @extend_schema(
        summary="Take an article back to draft", request=None, responses=ArticleSerializer
    )
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def unpublish(self, request: Request, slug: str) -> Response:
        article = self._target(slug, Action.UNPUBLISH)
        services.article_unpublish(article=article, actor=self.actor)
        return self._respond(article)
