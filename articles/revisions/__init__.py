"""An article's revisions: what each save kept, read back for the APIs and the admin.

django-reversion stores them: each save of an article (``services.history.article_saved``)
makes one ``Revision`` holding a ``Version`` of the article (its content columns, status and
publication date), of each byline row, and of the section, tags and authors it names (their
slug and name, so a revision still says who was credited after an author is deleted). An
``ArticleRevision`` row adds the article, the stable number, the action and the API token.
"""

from .reads import article_with_history, entries, revision_by_id, revision_detail, revisions_of
from .snapshot import (
    ACTOR_KINDS,
    REFERENCE_FIELDS,
    SNAPSHOT_FIELDS,
    Note,
    Reference,
    RevisionEntry,
    Snapshot,
    register_models,
    snapshot_articles,
)

__all__ = [
    "ACTOR_KINDS",
    "REFERENCE_FIELDS",
    "SNAPSHOT_FIELDS",
    "Note",
    "Reference",
    "RevisionEntry",
    "Snapshot",
    "article_with_history",
    "entries",
    "register_models",
    "revision_by_id",
    "revision_detail",
    "revisions_of",
    "snapshot_articles",
]
