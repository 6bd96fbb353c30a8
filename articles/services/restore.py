"""Restoring an article's revision."""

from __future__ import annotations

from typing import Any

from cms.access import Action, require
from cms.actors import Actor
from cms.errors import ValidationFailed
from media.models import Image

from ..models import Article, Author, Section, Tag
from ..revisions import REFERENCE_FIELDS, SNAPSHOT_FIELDS, Reference, revision_detail
from .content import article_update

RESTORE_ACTION = "article.revision_restore"


def revision_restore(
    *, article: Article, actor: Actor, number: int, expected_version: int | None
) -> Article:
    """Make ``article``'s content what revision ``number`` kept: its content fields,
    section, tags and byline, through ``article_update`` (the policy, slug rules, sanitising
    and the version check apply), which keeps a new revision, "Restored revision N", and
    audits ``article.revision_restore``.

    The address (slug) is not restored: readers' links and caches follow the current one,
    and moving a live article is a rename of its own. Nor are correction and update notes:
    they are added and removed on the record only (``services.corrections``). A section,
    tag, author or cover image deleted since is refused by name (ValidationFailed on that
    field): restoring without it would not be the revision asked for.
    """
    require(actor, Action.CHANGE, article)
    entry = revision_detail(article, number)
    values = dict(entry.fields)
    arguments: dict[str, Any] = {
        name: values[name]
        for name in SNAPSHOT_FIELDS
        if name not in REFERENCE_FIELDS
        and name not in ("slug", "corrections", "status", "published_at", "cover_image")
    }
    missing: dict[str, list[str]] = {}
    section: Reference | None = values["section"]
    sections = _existing(Section, [section] if section else [], "section", missing)
    arguments["section"] = sections[0] if sections else None
    tags = _existing(Tag, values["tags"], "tags", missing)
    authors = _existing(Author, values["authors"], "authors", missing)
    cover = values["cover_image"]
    arguments["cover_image"] = None if cover is None else Image.objects.filter(pk=cover).first()
    if cover is not None and arguments["cover_image"] is None:
        missing["cover_image"] = ["The cover image it had was deleted since."]
    if missing:
        raise ValidationFailed(
            {
                name: [f"Revision {number} cannot be restored: {message}" for message in messages]
                for name, messages in missing.items()
            }
        )
    return article_update(
        article=article,
        actor=actor,
        expected_version=expected_version,
        authors=authors,
        tags=tags,
        action=RESTORE_ACTION,
        summary=f"Restored revision {number}",
        **arguments,
    )


def _existing(
    model: type[Section] | type[Tag] | type[Author],
    wanted: list[Reference],
    field: str,
    missing: dict[str, list[str]],
) -> list[Any]:
    """The rows ``wanted`` names, in order; those deleted since are noted in ``missing``."""
    found = model._default_manager.in_bulk([ref.id for ref in wanted])
    gone = [ref for ref in wanted if ref.id not in found]
    if gone:
        noun = model._meta.verbose_name_plural if len(gone) > 1 else model._meta.verbose_name
        names = ", ".join(f"“{ref.name}” ({ref.slug})" for ref in gone)
        missing[field] = [f"the {noun} {names} no longer exist{'' if len(gone) > 1 else 's'}."]
    return [found[ref.id] for ref in wanted if ref.id in found]
