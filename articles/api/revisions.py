"""An article's revisions over REST: list, one, and restore (for those who may edit it)."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.field_mapping import ClassLookupDict

from cms import scopes
from cms.access import Action
from cms.api.caching import conditional, make_etag
from cms.api.views import ApiViewSet
from cms.errors import PreconditionRequired, VersionConflict

from .. import fields, revisions, services
from ..models import ArticleRevision, ArticleStatus, CorrectionKind
from ..revisions import RevisionEntry
from .serializers import ArticleWriteResult
from .writes import IF_MATCH, VERSION_ETAG, expected_version, write_response, write_target

# A revision's number in a path: at most nine digits (PostgreSQL's integer holds them).
NUMBER_PATTERN = "[0-9]{1,9}"


class RevisionActorSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=revisions.ACTOR_KINDS,
        help_text="A person (admin or session), an integration's API token, or the system "
        "(the scheduler, a command).",
    )
    name = serializers.CharField(help_text="The user's username, or `system`.")
    token = serializers.DictField(
        allow_null=True,
        help_text="The API token acted through, `{id, name}`; null otherwise.",
    )


class RevisionNoteSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The date shown with the note.")
    kind = serializers.ChoiceField(choices=CorrectionKind.choices)
    text = serializers.CharField(help_text="Plain text.")


def _field(name: str) -> serializers.Field:
    """The output field of one of a revision's ``fields``: slugs for references, else a
    field typed by the model column."""
    content = next((f for f in fields.CONTENT_FIELDS if f.name == name), None)
    if content is not None and content.by_slug and content.many:
        return serializers.ListField(child=serializers.CharField(), help_text=content.description)
    if content is not None and content.by_slug:
        return serializers.CharField(allow_null=True, help_text=content.description)
    if name == "cover_image":
        return serializers.IntegerField(allow_null=True, help_text="The library image's id.")
    if name == "corrections":
        return RevisionNoteSerializer(
            many=True, help_text="The correction and update notes shown then, oldest first."
        )
    if name == "status":
        return serializers.ChoiceField(choices=ArticleStatus.values)
    column = fields.model_column(name)
    if isinstance(column, models.CharField | models.TextField):
        # As kept, blank included (a URLField's "" is no URI): plain text.
        return serializers.CharField(
            allow_null=column.null, help_text=content.description if content else None
        )
    mapping: Any = serializers.ModelSerializer.serializer_field_mapping
    field_class = ClassLookupDict(mapping)[column]
    return field_class(allow_null=column.null, help_text=content.description if content else None)


class RevisionFieldsSerializer(serializers.Serializer):
    """What the revision kept: the article's content fields (section, tags and authors by
    slug, the byline in order), and its status and publication date then."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: _field(name) for name in revisions.SNAPSHOT_FIELDS}


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="1 for the first save; never renumbered.")
    created_at = serializers.DateTimeField()
    actor = RevisionActorSerializer()
    summary = serializers.CharField(help_text='What was done: "Edited", "Published", ...')

    def get_fields(self) -> dict[str, serializers.Field]:
        # ``fields`` names the Serializer's own attribute: added here, not declared.
        return {**super().get_fields(), "fields": RevisionFieldsSerializer()}


def represent_revision(entry: RevisionEntry) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in revisions.SNAPSHOT_FIELDS:
        value = entry.fields[name]
        if name in revisions.REFERENCE_FIELDS:
            value = [ref.slug for ref in value] if isinstance(value, list) else value and value.slug
        elif name == "corrections":
            value = [{"date": n.date, "kind": n.kind, "text": n.text} for n in value]
        values[name] = value
    token = None if entry.token_id is None else {"id": entry.token_id, "name": entry.token_name}
    return {
        "number": entry.number,
        "created_at": entry.created_at,
        "actor": {"kind": entry.actor_kind, "name": entry.actor_name, "token": token},
        "summary": entry.summary,
        "fields": RevisionFieldsSerializer(values).data,
    }


_NUMBER = OpenApiParameter(
    "number",
    {"type": "integer", "minimum": 1, "maximum": 10**9 - 1},
    OpenApiParameter.PATH,
    description="The revision's `number`.",
)
_SLUG = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The article's slug."
)
_WHO = (
    "For those who may edit the article: editors, and its writers on their own work (a "
    "token needs content:preview)."
)


@extend_schema_view(
    list=extend_schema(
        summary="An article's revisions, newest first",
        description=f"Every save of the article keeps one. {_WHO}",
        parameters=[_SLUG],
        responses=RevisionSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="One revision of an article",
        description=f"A pruned revision is not found (404). {_WHO}",
        parameters=[_SLUG, _NUMBER],
        responses=RevisionSerializer,
    ),
)
class ArticleRevisionViewSet(ApiViewSet):
    serializer_class = RevisionSerializer
    queryset = ArticleRevision.objects.none()  # documents the model; reads go through revisions
    scoped_actions = {
        "list": scopes.CONTENT_PREVIEW,
        "retrieve": scopes.CONTENT_PREVIEW,
        "restore": scopes.CONTENT_WRITE,
    }
    action_refusals = {"restore": (PreconditionRequired, VersionConflict)}

    def allowed_query_params(self) -> set[str]:
        return super().allowed_query_params() if self.action == "list" else set()

    def list(self, request: Request, slug: str) -> Response:
        article = revisions.article_with_history(self.actor, slug)
        page = self.paginate_queryset(revisions.revisions_of(article)) or []
        # A revision never changes once kept: its id names its content.
        etag = make_etag(
            (
                "revisions",
                article.pk,
                sorted(request.query_params.lists()),
                self.paginator.page.paginator.count,  # type: ignore[union-attr]
                [row.revision_id for row in page],
            )
        )

        def build() -> Response:
            data = [represent_revision(entry) for entry in revisions.entries(page)]
            return self.get_paginated_response(data)

        # Unpublished states of the article: never stored by a cache.
        return conditional(request, etag, build, stored=False)

    def retrieve(self, request: Request, slug: str, number: str) -> Response:
        article = revisions.article_with_history(self.actor, slug)
        entry = revisions.revision_detail(article, int(number))
        etag = make_etag(("revision", article.pk, entry.id))
        return conditional(request, etag, lambda: Response(represent_revision(entry)), stored=False)

    @extend_schema(
        summary="Restore a revision (If-Match required)",
        description=(
            "The article's content, section, tags and byline become the revision's (its "
            "address stays), saved as a new revision, `Restored revision N`. A section, tag, "
            "author or cover image deleted since is refused (400 naming it)."
        ),
        parameters=[_SLUG, _NUMBER, VERSION_ETAG, IF_MATCH],
        request=None,
        responses=ArticleWriteResult,
    )
    def restore(self, request: Request, slug: str, number: str) -> Response:
        article = write_target(self.actor, slug, Action.CHANGE)
        services.revision_restore(
            article=article,
            actor=self.actor,
            number=int(number),
            expected_version=expected_version(request),
        )
        return write_response(self.actor, article)
