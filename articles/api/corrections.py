"""REST writes of correction and update notes: POST adds one to a published article, DELETE
removes one (recorded: the note leaves the public representation, its row and the audit log
keep it). Editors only (a token needs ``content:write``)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cms import scopes
from cms.access import Action
from cms.api.caching import NEVER_STORE
from cms.api.fields import ClosedSerializer, StrictCharField
from cms.errors import InvalidTransition, NotFound

from ..models import Correction, CorrectionKind
from ..services import corrections as correcting
from .writes import VERSION_ETAG, ArticleWriteViewSet, version_etag


class CorrectionInputSerializer(ClosedSerializer):
    kind = serializers.ChoiceField(choices=CorrectionKind.choices)
    text = StrictCharField(
        max_length=correcting.MAX_TEXT_LENGTH,
        help_text="Plain text (markup is removed).",
    )
    date = serializers.DateField(
        required=False, help_text="The date shown; default today in the newsroom's time zone."
    )


class CorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = ("id", "kind", "date", "text", "created_at")
        extra_kwargs = {name: {"required": True} for name in fields}


class CorrectionWriteViewSet(ArticleWriteViewSet):
    """``corrections`` and ``remove_correction`` on the article routes."""

    scoped_actions = {
        **ArticleWriteViewSet.scoped_actions,
        "corrections": scopes.CONTENT_WRITE,
        "remove_correction": scopes.CONTENT_WRITE,
    }
    # A note goes on a live article only; a removed one cannot be removed again.
    action_refusals = {
        **ArticleWriteViewSet.action_refusals,
        "corrections": (InvalidTransition,),
        "remove_correction": (InvalidTransition,),
    }

    @extend_schema(
        summary="Add a correction or update note (editors)",
        description=(
            "Attaches a dated note to a published article (409 for one that is not live). "
            "It shows in the article's `corrections`, oldest first; the article's `version` "
            "and `updated_at` move on (the answer's ETag is the new version)."
        ),
        request=CorrectionInputSerializer,
        responses={201: CorrectionSerializer},
        parameters=[VERSION_ETAG],
    )
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def corrections(self, request: Request, slug: str) -> Response:
        article = self._target(slug, Action.CORRECT)
        data = CorrectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = correcting.correction_add(article=article, actor=self.actor, **data.validated_data)
        return Response(
            CorrectionSerializer(note).data,
            status=201,
            headers={"ETag": version_etag(article.version), "Cache-Control": NEVER_STORE},
        )

    @extend_schema(
        summary="Remove a correction or update note (editors; recorded)",
        description=(
            "The note leaves the article's public `corrections`; who removed it and when are "
            "kept and audited. A new version of the article (the ETag names it)."
        ),
        request=None,
        responses={204: None},
        parameters=[
            VERSION_ETAG,
            OpenApiParameter(
                "id",
                {"type": "integer", "minimum": 1, "maximum": 10**18 - 1},
                OpenApiParameter.PATH,
                description="The note's `id`, as the article's `corrections` list it.",
            ),
        ],
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"corrections/(?P<id>[0-9]{1,18})",
        pagination_class=None,
        filterset_class=None,
    )
    def remove_correction(self, request: Request, slug: str, id: str) -> Response:
        article = self._target(slug, Action.CORRECT)
        note = Correction.objects.filter(pk=id, article=article).first()
        if note is None:
            raise NotFound("This article has no such note.", field="id")
        correcting.correction_remove(correction=note, actor=self.actor)
        article.refresh_from_db(fields=["version"])
        return Response(
            status=204,
            headers={"ETag": version_etag(article.version), "Cache-Control": NEVER_STORE},
        )
