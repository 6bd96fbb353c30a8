"""What every write to an article leaves behind.

Each service that changes an article calls :func:`article_saved` once, inside its
transaction, after the article's bylines and tags are saved, so whatever is recorded of the
change sees the article as it now stands, whichever adapter made it.
"""

from __future__ import annotations

from collections.abc import Iterable

from cms import audit
from cms.actors import Actor

from ..cachetags import invalidate_articles
from ..models import Article
from .bylines import recount_authors_of
from .revisions import record_revisions

# Writes that leave no revision: moving to the trash changes no content (and the article is
# out of every read until restored, which is revisioned); deleting for good takes its
# revisions with it.
_UNREVISED = frozenset({"article.delete", "article.delete_forever", "article.purge"})
# Writes that change what an article says but never its status: one to an article that is not
# live (nor scheduled to be) changes no public answer, so it invalidates no cached one.
_CONTENT_ONLY = frozenset(
    {
        "article.create",
        "article.update",
        "article.correct",
        "article.correction_remove",
        "article.feature",
        "article.unfeature",
    }
)


def article_saved(
    *,
    actor: Actor,
    action: str,
    article: Article,
    description: str | None = None,
    summary: str | None = None,
) -> None:
    """Record that ``actor`` did ``action`` (e.g. "article.update") to ``article``: an audit
    entry, the invalidation of every cached answer naming it (on commit), its authors'
    article counts, and a revision of the article as it now stands, ``summary`` saying what
    was done (None: the action's own words, "Edited", "Published")."""
    audit.record(actor, action, article, description=description)
    invalidate_articles([article.pk], only_public=action in _CONTENT_ONLY)
    recount_authors_of([article.pk])
    if action not in _UNREVISED:
        record_revisions(actor=actor, action=action, entries=[(article, summary)])


def articles_saved(
    *,
    actor: Actor,
    action: str,
    entries: Iterable[tuple[Article, str]],
    summary: str | None = None,
) -> None:
    """Record ``action`` on several articles at once, each with its description (the audit
    log's), their authors' article counts, and a revision of each, ``summary`` saying what was
    done."""
    entries = list(entries)
    audit.record_many(actor, action, entries)
    ids = [article.pk for article, _ in entries]
    invalidate_articles(ids, only_public=action in _CONTENT_ONLY)
    recount_authors_of(ids)
    if action not in _UNREVISED:
        record_revisions(
            actor=actor, action=action, entries=[(article, summary) for article, _ in entries]
        )
