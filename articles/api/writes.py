"""Input and output of the article write endpoints (token or signed-in staff only)."""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.field_mapping import ClassLookupDict

from cms import scopes
from cms.access import Action, require, require_signed_in
from cms.actors import Actor
from cms.api.caching import NEVER_STORE
from cms.api.fields import ClosedSerializer, StrictCharField
from cms.api.views import ApiViewSet
from cms.errors import InvalidTransition, PreconditionRequired, VersionConflict

from .. import fields, selectors, services
from ..models import Article
from .serializers import ArticleWriteResult, represent_article

PRIVILEGED_FIELDS = selectors.PRIVILEGED_FIELDS


def _input_field(f: fields.ContentField) -> serializers.Field:
    """The input field of one content field: slugs for references, else a field typed and
    bounded by the model column (strings must be JSON strings, ``StrictCharField``)."""
    help_text = f.description or None
    if f.by_slug and f.many:
        return serializers.ListField(child=StrictCharField(), required=False, help_text=help_text)
    if f.by_slug:
        return StrictCharField(required=False, allow_null=True, help_text=help_text)
    column = fields.model_column(f.name)
    mapping: Any = ClassLookupDict(serializers.ModelSerializer.serializer_field_mapping)
    field_class = mapping[column]
    if field_class is serializers.CharField:
        field_class = StrictCharField
    kwargs: dict[str, Any] = {"help_text": help_text}
    if isinstance(column, models.CharField | models.TextField):
        kwargs |= {"allow_blank": column.blank or f.optional, "max_length": column.max_length}
        if not f.trim:
            kwargs["trim_whitespace"] = False
    # Only what a create needs is required; an update sends what it changes (partial).
    kwargs["required"] = not (column.blank or column.has_default() or f.optional)
    return field_class(**kwargs)


class ArticleInputSerializer(ClosedSerializer):
    """Content fields only: status, dates, counters and version change through their own
    actions, so sending them is refused (no mass assignment)."""

    # The fields are articles.fields.CONTENT_FIELDS (those the APIs write).
    def get_fields(self) -> dict[str, serializers.Field]:
        return {f.name: _input_field(f) for f in fields.API_CONTENT_FIELDS}

    def service_arguments(self) -> dict[str, Any]:
        """The validated input with slugs resolved to objects (400 naming any unknown one)."""
        return services.resolve_references(self.validated_data)


class PublishInputSerializer(ClosedSerializer):
    """Publish now (no body, or no ``published_at``), or at a future time."""

    published_at = serializers.DateTimeField(
        required=False,
        help_text="A future time schedules (up to ten years ahead), a past one back-dates "
        "(from 1700); none publishes now.",
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
        # "*" and lists would let an edit through whatever the version: not accepted. A
        # reader's (weak) ETag names a representation, not a version.
        raise ValidationError(
            {
                "If-Match": [
                    'Send the version ETag ("v<version>…") of what you edited, as an editor\'s '
                    "read or a write answered it; a reader's ETag, * or a list names no version."
                ]
            }
        )
    return int(match.group(1))


# The version ETag every write answers with (its quoted form is what If-Match takes).
VERSION_ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    response=True,
    description='The new version\'s ETag (`"v<version>"`): send it in If-Match to edit again.',
)


def write_target(actor: Actor, slug: str, action: Action) -> Article:
    """The article a write names: 401 without credentials, 404 if the actor can neither see
    it nor take ``action`` on it, 403 if they can see it but not take ``action``."""
    require_signed_in(actor)
    article = selectors.article_for_editing(actor, slug, action)
    if article is None:
        raise Http404
    # Refused before the body and If-Match are judged: a 400 or 428 would ask for a retry
    # that can only end in this 403. (The service asks again, under its lock.)
    require(actor, action, article)
    return article


def write_response(actor: Actor, article: Article, status: int = 200) -> Response:
    """What every article write answers: the article as its writer may read it (else its
    reference), with the new version's ETag."""
    row = selectors.written_article(actor, article, PRIVILEGED_FIELDS)
    if row is None:
        body = represent_article(selectors.article_reference(article), fields.REFERENCE_FIELDS)
    else:
        body = represent_article(row, PRIVILEGED_FIELDS)
    return Response(
        body,
        status=status,
        headers={"ETag": version_etag(article.version), "Cache-Control": NEVER_STORE},
    )


# If-Match on the writes that edit a version.
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    pattern=f"^{_VERSION_ETAG.pattern}$",
    description="The ETag of the version you edited (from a read or a write).",
)


class ArticleWriteViewSet(ApiViewSet):
    """Create, update, delete, publish and unpublish: for API tokens (with the matching
    scope) and signed-in staff; every rule is the services' and the policy's."""

    scoped_actions = {
        "create": scopes.CONTENT_WRITE,
        "partial_update": scopes.CONTENT_WRITE,
        "destroy": scopes.CONTENT_WRITE,
        "publish": scopes.CONTENT_PUBLISH,
        "unpublish": scopes.CONTENT_PUBLISH,
    }
    action_refusals = {
        "partial_update": (PreconditionRequired, VersionConflict),
        "publish": (InvalidTransition,),
        "unpublish": (InvalidTransition,),
    }

    def _signed_in(self) -> None:
        require_signed_in(self.actor)

    def _target(self, slug: str, action: Action) -> Article:
        return write_target(self.actor, slug, action)

    def _respond(self, article: Article, status: int = 200) -> Response:
        return write_response(self.actor, article, status)

    @extend_schema(
        summary="Create a draft",
        description=(
            "A new draft, bylined to the authors named (by default the token owner's author "
            "profile). The answer's ETag is the version to send in If-Match to edit it."
        ),
        request=ArticleInputSerializer,
        responses={201: ArticleWriteResult},
        parameters=[VERSION_ETAG],
    )
    def create(self, request: Request) -> Response:
        self._signed_in()
        data = ArticleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        article = services.article_create(actor=self.actor, **data.service_arguments())
        return self._respond(article, status=201)

    @extend_schema(
        summary="Change an article's content (If-Match required)",
        description=(
            "Changes only the fields sent. The If-Match ETag names the version edited: a newer "
            "one saved meanwhile is refused (412), so no one's copy is overwritten unseen."
        ),
        request=ArticleInputSerializer,
        responses=ArticleWriteResult,
        parameters=[
            VERSION_ETAG,
            IF_MATCH,
        ],
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

    @extend_schema(
        summary="Delete an article",
        description=(
            "The token owner's role decides what may be deleted: writers only their own work "
            "that was never published, editors anything (a 403 says why when an article was "
            "ever live). Nothing is returned."
        ),
        request=None,
        responses={204: None},
    )
    def destroy(self, request: Request, slug: str) -> Response:
        services.article_delete(article=self._target(slug, Action.DELETE), actor=self.actor)
        return Response(status=204)

    @extend_schema(
        summary="Publish now, or schedule with a future published_at",
        description=(
            "With no published_at, or one in the past, the article goes live now; with a "
            "future one it is scheduled and goes live then."
        ),
        request=PublishInputSerializer,
        responses=ArticleWriteResult,
        parameters=[VERSION_ETAG],
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
        summary="Take an article back to draft",
        description="A published or scheduled article leaves the public API at once.",
        request=None,
        responses=ArticleWriteResult,
        parameters=[VERSION_ETAG],
    )
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def unpublish(self, request: Request, slug: str) -> Response:
        article = self._target(slug, Action.UNPUBLISH)
        services.article_unpublish(article=article, actor=self.actor)
        return self._respond(article)
