"""Reads of what an article keeps beside its content: its correction and update notes, and
the former slugs that still lead to it. Shared by REST and GraphQL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from .models import Article, ArticleSlug, Correction

Row = dict[str, Any]

# What readers are shown of a note (REST and GraphQL alike).
CORRECTION_COLUMNS = ("id", "date", "text", "kind")


def attach_corrections(rows: list[Row]) -> None:
    """Give each article row its ``corrections``: the notes not removed, oldest first. One
    query however many rows."""
    notes: dict[int, list[Row]] = {row["id"]: [] for row in rows}
    if not notes:
        return
    shown = Correction.objects.shown().filter(article_id__in=list(notes))
    for note in shown.values("article_id", *CORRECTION_COLUMNS):
        article_id = note.pop("article_id")
        notes[article_id].append(note)
    for row in rows:
        row["corrections"] = notes[row["id"]]


def former_slug_owner(queryset: QuerySet[Article], slug: str) -> Article | None:
    """The article of ``queryset`` (a visibility queryset: only what the caller may read)
    that once had ``slug``, if any."""
    article_id = ArticleSlug.objects.filter(slug=slug).values_list("article_id", flat=True)
    return queryset.filter(pk__in=article_id).only("id", "slug").first()


def corrections_for_admin(article: Article) -> Iterable[Correction]:
    """Every note of ``article``, removed ones included, with who wrote and removed them."""
    return article.corrections.select_related("created_by", "removed_by").order_by("date", "id")
