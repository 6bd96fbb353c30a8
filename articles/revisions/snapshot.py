"""What a revision keeps of an article, and reading it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import reversion
from django.db.models import Prefetch, QuerySet
from reversion.models import Revision, Version

from ..fields import CONTENT_FIELDS
from ..models import Article, ArticleAuthor, ArticleRevision, Author, Correction, Section, Tag

# The article's own columns a revision keeps: every content field (``articles.fields``) but
# the byline, which is its rows (followed below), and the state shown beside each revision.
_ARTICLE_COLUMNS: Final = (
    *(f.name for f in CONTENT_FIELDS if f.name != "authors"),
    "status",
    "published_at",
)
# What a revision's ``fields`` hold, in this order: the content fields, the correction and
# update notes readers were shown, then the state.
SNAPSHOT_FIELDS: Final = (
    *(f.name for f in CONTENT_FIELDS),
    "corrections",
    "status",
    "published_at",
)
# What a note keeps (a removed one is kept too, so a revision shows only those then shown).
_NOTE_COLUMNS: Final = ("kind", "text", "date", "removed_at")
# Content fields that name other rows (by slug in the APIs).
REFERENCE_FIELDS: Final = tuple(f.name for f in CONTENT_FIELDS if f.by_slug)
# The serialization format of the article's own version (``articles.revisions.storage``).
ARTICLE_FORMAT = "revision_json"


def register_models() -> None:
    """Tell django-reversion what an article's revision holds (called once, at start-up).

    Revisions are made by hand only (``manage_manually``), so registering the taxonomy
    records nothing when it is saved: it is only followed from the article.
    """
    reversion.register(
        Article,
        fields=_ARTICLE_COLUMNS,
        follow=("section", "tags", "bylines", "corrections"),
        format=ARTICLE_FORMAT,
    )
    reversion.register(Correction, fields=_NOTE_COLUMNS)
    reversion.register(ArticleAuthor, fields=("author", "position"), follow=("author",))
    for model in (Author, Section, Tag):
        reversion.register(model, fields=("slug", "name"))


def snapshot_articles(ids: list[int]) -> QuerySet[Article]:
    """The articles as a revision reads them: section, tags and byline loaded in three
    queries whatever their number (django-reversion follows them from the instances)."""
    return (
        Article.objects.filter(pk__in=ids)
        .select_related("section")
        .prefetch_related(
            "tags",
            "corrections",
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")),
        )
    )


@dataclass(frozen=True)
class Reference:
    """A section, tag or author as the revision saw it (it may have been renamed or deleted
    since)."""

    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class Note:
    """A correction or update note as readers were shown it when the revision was saved."""

    date: date
    kind: str
    text: str


# A revision's fields by name (SNAPSHOT_FIELDS): plain values, and for the references a
# Reference (section, or None) or a list of them (tags; authors in byline order).
Snapshot = dict[str, Any]


# Who saved a revision: a person (admin or session), an integration's API token, or the system
# (the scheduler, a command).
ACTOR_KINDS: Final = ("user", "token", "system")


@dataclass  # not frozen: GraphQL's node(id:) marks the one it finds with its type
class RevisionEntry:
    # The revision's own id (django-reversion's), unique across articles.
    id: int
    number: int
    created_at: datetime
    summary: str
    action: str
    # Who saved it: "user" (a person, in the admin or with a session), "token" (an
    # integration) or "system" (the scheduler, a command).
    actor_kind: str
    actor_name: str
    token_id: int | None
    token_name: str
    fields: Snapshot


def entries_from(rows: list[ArticleRevision]) -> list[RevisionEntry]:
    """``rows`` (with ``revision__version_set`` prefetched) as entries."""
    return [_entry(row) for row in rows]


def with_versions(queryset: QuerySet[ArticleRevision]) -> QuerySet[ArticleRevision]:
    """One query for the revisions and one for all their versions, whatever their number."""
    return queryset.select_related("revision").prefetch_related(
        Prefetch("revision__version_set", queryset=Version.objects.order_by())
    )


def _entry(row: ArticleRevision) -> RevisionEntry:
    revision: Revision = row.revision
    if row.token_id is not None:
        kind = "token"
    elif revision.user_id is None and row.actor_name == "system":
        kind = "system"
    else:
        kind = "user"  # (one whose account was deleted since keeps their name)
    return RevisionEntry(
        id=row.revision_id,
        number=row.number,
        created_at=revision.date_created,
        summary=row.summary,
        action=row.action,
        actor_kind=kind,
        actor_name=row.actor_name,
        token_id=row.token_id,
        token_name=row.token_name,
        fields=_snapshot(row.article_id, list(revision.version_set.all())),
    )


def _snapshot(article_id: int, versions: list[Version]) -> Snapshot:
    by_model: dict[type[Any], dict[int, dict[str, Any]]] = {}
    for version in versions:
        by_model.setdefault(version._model, {})[int(version.object_id)] = version._local_field_dict
    article = by_model.get(Article, {}).get(article_id, {})
    refs = {
        model: {pk: Reference(pk, data["slug"], data["name"]) for pk, data in rows.items()}
        for model, rows in by_model.items()
        if model in (Author, Section, Tag)
    }
    sections, tags, authors = (refs.get(m, {}) for m in (Section, Tag, Author))
    byline = sorted(by_model.get(ArticleAuthor, {}).values(), key=lambda row: row["position"])
    fields: Snapshot = {}
    for name in SNAPSHOT_FIELDS:
        if name == "section":
            section_id = article.get("section_id")
            fields[name] = None if section_id is None else _ref(sections, section_id)
        elif name == "tags":
            fields[name] = sorted(
                (_ref(tags, pk) for pk in article.get("tags", [])), key=lambda r: r.name
            )
        elif name == "authors":
            fields[name] = [_ref(authors, row["author_id"]) for row in byline]
        elif name == "corrections":
            fields[name] = _notes(by_model.get(Correction, {}))
        elif name == "cover_image":
            fields[name] = article.get("cover_image_id")
        else:
            fields[name] = article.get(name)
    return fields


def _ref(known: dict[int, Reference], pk: int) -> Reference:
    # Every reference is versioned with the article; a revision made before a model was
    # followed would lack it: named by id rather than failing.
    return known.get(pk) or Reference(pk, "", f"#{pk}")


def _notes(rows: dict[int, dict[str, Any]]) -> list[Note]:
    """The notes shown then, oldest first (as the API lists them)."""
    shown = sorted(
        ((data["date"], pk, data) for pk, data in rows.items() if data["removed_at"] is None),
        key=lambda item: item[:2],
    )
    return [Note(date=day, kind=data["kind"], text=data["text"]) for day, _, data in shown]
