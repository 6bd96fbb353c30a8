"""Mutations of correction and update notes (editors): addCorrection, removeCorrection."""

from __future__ import annotations

from datetime import date as Date
from typing import Any

import graphene
from graphql_relay import from_global_id

from cms.access import Action
from cms.errors import DomainError, NotFound
from cms.graphql.errors import FieldError, field_errors
from cms.graphql.scalars import Date as DateScalar
from cms.text import is_whole_number

from .. import notes, selectors
from ..models import Correction
from ..services import corrections as correcting
from .mutations import _actor, _target
from .types import (
    SHOW_EDITORIAL_STATE,
    ArticleNode,
    CorrectionKindEnum,
    CorrectionNote,
    remember_articles,
)


def _article_row(info: Any, actor: Any, article: Any) -> dict[str, Any] | None:
    row = selectors.written_article(actor, article, selectors.PRIVILEGED_FIELDS)
    if row is not None:
        remember_articles(info, [row])
        row[SHOW_EDITORIAL_STATE] = True  # to the one who made the write
    return row


class AddCorrection(graphene.Mutation):
    """Attach a dated correction or update note to a published article (editors). The
    article's `version` and `updatedAt` move on."""

    class Meta:
        name = "AddCorrectionPayload"

    class Arguments:
        slug = graphene.String(required=True)
        kind = CorrectionKindEnum(required=True)
        text = graphene.String(
            required=True,
            description=f"Plain text (markup is removed), at most "
            f"{correcting.MAX_TEXT_LENGTH} characters.",
        )
        date = DateScalar(description="The date shown; default today in the newsroom's zone.")

    correction = graphene.Field(CorrectionNote, description="The new note (null with errors).")
    article = graphene.Field(ArticleNode, description="The article as it now is.")
    errors = graphene.List(graphene.NonNull(FieldError), required=True)

    @staticmethod
    def mutate(
        root: Any, info: Any, slug: str, kind: Any, text: str, date: Date | None = None
    ) -> AddCorrection:
        try:
            actor = _actor(info)
            article = _target(actor, slug, Action.CORRECT)
            note = correcting.correction_add(
                article=article,
                actor=actor,
                kind=getattr(kind, "value", kind),
                text=text,
                date=date,
            )
        except DomainError as error:
            return AddCorrection(errors=field_errors(error))
        row = {name: getattr(note, name) for name in notes.CORRECTION_COLUMNS}
        return AddCorrection(correction=row, article=_article_row(info, actor, article), errors=[])


class RemoveCorrection(graphene.Mutation):
    """Remove a note from the article's public `corrections` (editors). Recorded, not
    deleted: who removed it and when are kept and audited."""

    class Meta:
        name = "RemoveCorrectionPayload"

    class Arguments:
        id = graphene.ID(required=True, description="The note's global ID (`Correction.id`).")

    removed_id = graphene.ID(
        description="The removed note's global ID (null with errors); node() no longer finds it."
    )
    article = graphene.Field(ArticleNode, description="The article as it now is.")
    errors = graphene.List(graphene.NonNull(FieldError), required=True)

    @staticmethod
    def mutate(root: Any, info: Any, id: str) -> RemoveCorrection:
        try:
            actor = _actor(info)
            pk = _correction_pk(id)
            note = (
                Correction.objects.select_related("article").filter(pk=pk).first() if pk else None
            )
            # A note of an article the caller may not see is not found, as the article is.
            if (
                note is None
                or selectors.article_for_editing(actor, note.article.slug, Action.CORRECT) is None
            ):
                raise NotFound("No note you can see has that id.", field="id")
            correcting.correction_remove(correction=note, actor=actor)
        except DomainError as error:
            return RemoveCorrection(errors=field_errors(error))
        return RemoveCorrection(
            removed_id=id, article=_article_row(info, actor, note.article), errors=[]
        )


def _correction_pk(global_id: str) -> int | None:
    """The database id in a Correction's global ID, or None for any other ID."""
    try:
        type_name, raw = from_global_id(global_id)
    except Exception:  # malformed base64 or no separator
        return None
    return int(raw) if type_name == "Correction" and is_whole_number(raw) else None


class CorrectionMutations(graphene.ObjectType):
    add_correction = AddCorrection.Field(required=True)
    remove_correction = RemoveCorrection.Field(required=True)
