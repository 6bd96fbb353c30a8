"""Reading an article's revisions: the same rules and queries for REST, GraphQL and the
admin."""

from __future__ import annotations

from django.db.models import QuerySet

from cms.access import Action, can, require, require_signed_in
from cms.actors import Actor
from cms.errors import NotFound

from .. import selectors
from ..models import Article, ArticleRevision
from .snapshot import RevisionEntry, entries_from, with_versions


def article_with_history(actor: Actor, slug: str) -> Article:
    """The article whose revisions ``actor`` asks for. Reading them is previewing the
    article (``Action.PREVIEW``: editors, and writers on their own work, a token with
    content:preview): they hold its unpublished states. Refused as the article writes are:
    401 without credentials, 404 for an article the actor cannot see at all, 403 for one
    they can read but not preview."""
    require_signed_in(actor)
    article = selectors.article_for_editing(actor, slug, Action.PREVIEW)
    if article is None:
        raise NotFound("No article you can see has that slug.", field="slug")
    require(actor, Action.PREVIEW, article)
    return article


def revisions_of(article: Article) -> QuerySet[ArticleRevision]:
    """The article's revisions, newest first, ready for :func:`entries` (two queries for any
    number of them)."""
    return with_versions(ArticleRevision.objects.filter(article=article).order_by("-number"))


def entries(rows: list[ArticleRevision]) -> list[RevisionEntry]:
    return entries_from(rows)


def revision_detail(article: Article, number: int) -> RevisionEntry:
    """Revision ``number`` of ``article`` (NotFound naming ``number`` if there is none, or it
    was pruned)."""
    rows = list(revisions_of(article).filter(number=number))
    if not rows:
        raise NotFound(f"The article has no revision {number}.", field="number")
    return entries_from(rows)[0]


def revision_by_id(actor: Actor, revision_id: int) -> RevisionEntry | None:
    """The revision with that id, if ``actor`` may read its article's revisions (else None,
    as for an id that names nothing). A trashed article's revisions are out of reach, as the
    article is (the default manager leaves it out)."""
    rows = list(with_versions(ArticleRevision.objects.filter(revision_id=revision_id)))
    article = Article.objects.filter(pk=rows[0].article_id).first() if rows else None
    if article is None or not can(actor, Action.PREVIEW, article):
        return None
    return entries_from(rows)[0]
