"""Correction and update notes on published articles.

Editors attach them ("Corrected on 3 March: an earlier version misnamed the minister");
readers see them, oldest first, with the article. A note is never deleted: removing one
records who removed it and when, is audited, and only then leaves the public representation,
so that no note disappears silently.
"""

from __future__ import annotations

import re
from datetime import date as Date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from cms.access import Action, require
from cms.actors import Actor
from cms.errors import InvalidTransition, NotFound, ValidationFailed

from ..models import CORRECTION_MAX_LENGTH, Article, Correction, CorrectionKind
from .content import locked
from .history import article_saved
from .transitions import EARLIEST_PUBLICATION

# The longest note, in characters (the model's bound, checked here for every adapter).
MAX_TEXT_LENGTH = CORRECTION_MAX_LENGTH
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def plain_text(text: str) -> str:
    """A note as readers get it: plain text, without markup or control characters, runs of
    spaces made one and surrounding whitespace trimmed (front-ends escape it as text)."""
    text = _CONTROL.sub("", strip_tags(text or ""))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def correction_add(
    *, article: Article, actor: Actor, kind: str, text: str, date: Date | None = None
) -> Correction:
    """Attach a note of ``kind`` (correction or update) to a live article, dated ``date``
    (default: today in the newsroom's time zone). A new version of the article."""
    require(actor, Action.CORRECT, article)
    errors: dict[str, list[str]] = {}
    if kind not in CorrectionKind.values:
        errors["kind"] = [f"Choose one of: {', '.join(CorrectionKind.values)}."]
    cleaned = plain_text(text)
    if not cleaned:
        errors["text"] = ["Write the note: it may not be empty."]
    elif len(cleaned) > MAX_TEXT_LENGTH:
        errors["text"] = [f"A note may have at most {MAX_TEXT_LENGTH} characters."]
    today = timezone.localdate()
    if date is not None and not EARLIEST_PUBLICATION.date() <= date <= today:
        # A note is dated when it was made: not in the future (in the newsroom's zone), nor
        # before the earliest date an article may carry.
        errors["date"] = [f"Give a date from {EARLIEST_PUBLICATION.year} to today ({today})."]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        current = locked(article)
        require(actor, Action.CORRECT, current)  # the locked row decides, not a stale copy
        _refuse_unless_live(current)
        if current.corrections.filter(removed_at__isnull=True).count() >= (
            settings.ARTICLE_MAX_CORRECTIONS
        ):
            raise ValidationFailed(
                {
                    "text": [
                        f"An article may show at most {settings.ARTICLE_MAX_CORRECTIONS} "
                        "correction and update notes."
                    ]
                }
            )
        correction = Correction.objects.create(
            article=current,
            kind=kind,
            text=cleaned,
            date=date or today,
            created_by=actor.user,
        )
        _bump(article, current)
        article_saved(actor=actor, action="article.correct", article=article)
    return correction


def correction_remove(*, correction: Correction, actor: Actor) -> Correction:
    """Take a note off the article for readers. The row stays, recording who removed it and
    when (the admin shows it as removed); the removal is audited and is a new version."""
    article = correction.article
    require(actor, Action.CORRECT, article)
    with transaction.atomic():
        current = locked(article)
        require(actor, Action.CORRECT, current)
        row = Correction.objects.select_for_update().filter(pk=correction.pk).first()
        if row is None or row.article_id != current.pk:
            raise NotFound("This article has no such note.", field="id")
        if row.removed_at is not None:
            raise InvalidTransition("This note was removed already.", field="id")
        row.removed_at = timezone.now()
        row.removed_by = actor.user
        row.save(update_fields=["removed_at", "removed_by"])
        _bump(article, current)
        article_saved(
            actor=actor,
            action="article.correction_remove",
            article=article,
            description=f"{article} (note {row.pk}, {row.kind} of {row.date}: {row.text})"[:200],
        )
    correction.removed_at, correction.removed_by = row.removed_at, row.removed_by
    return correction


def _refuse_unless_live(article: Article) -> None:
    if not article.is_live:
        raise InvalidTransition(
            "Corrections and updates go on published articles only: this one is not live.",
            field="slug",
        )


def _bump(article: Article, current: Article) -> None:
    """A new version of the article: its ``version`` and ``updated_at`` move on (readers'
    caches and editors' If-Match see the change)."""
    current.version += 1
    current.save(update_fields=["version", "updated_at"])
    article.version, article.updated_at = current.version, current.updated_at
