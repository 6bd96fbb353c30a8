"""Writes to articles. REST, GraphQL, the admin and management commands all call these.

Every function takes keyword arguments, checks the policy, validates, and saves inside a
transaction. Lifecycle changes lock the article's row so two editors cannot interleave.
Each successful write bumps ``version`` (optimistic locking for API clients).
"""

from .content import (
    CONTENT_FIELDS,
    article_create,
    article_default_byline,
    article_update,
    check_list_lengths,
    locked,
    private_slug,
    resolve_references,
    set_byline,
    unique_slug,
)
from .corrections import correction_add, correction_remove
from .readers import flush_views, register_view
from .restore import RESTORE_ACTION, revision_restore
from .revisions import forget_revisions, prune_revisions, record_revisions
from .taxonomy import refuse_if_in_use, taxonomy_delete, taxonomy_save
from .transitions import (
    _TRANSITION_SERVICES,
    EARLIEST_PUBLICATION,
    MAX_SCHEDULE_AHEAD,
    PUBLISH_DUE_ACTION,
    article_archive,
    article_publish,
    article_return_to_writer,
    article_set_featured,
    article_submit_for_review,
    article_take_transition,
    article_unpublish,
    publish_due_articles,
)
from .trash import (
    article_delete,
    article_delete_forever,
    article_restore_from_trash,
    purge_trash,
)
from .trash import summary as trash_summary

__all__ = [
    "CONTENT_FIELDS",
    "EARLIEST_PUBLICATION",
    "MAX_SCHEDULE_AHEAD",
    "PUBLISH_DUE_ACTION",
    "RESTORE_ACTION",
    "_TRANSITION_SERVICES",
    "article_archive",
    "article_create",
    "article_default_byline",
    "article_delete",
    "article_delete_forever",
    "article_publish",
    "article_restore_from_trash",
    "article_return_to_writer",
    "article_set_featured",
    "article_submit_for_review",
    "article_take_transition",
    "article_unpublish",
    "article_update",
    "check_list_lengths",
    "correction_add",
    "correction_remove",
    "flush_views",
    "forget_revisions",
    "locked",
    "private_slug",
    "prune_revisions",
    "publish_due_articles",
    "purge_trash",
    "record_revisions",
    "refuse_if_in_use",
    "register_view",
    "resolve_references",
    "revision_restore",
    "set_byline",
    "taxonomy_delete",
    "taxonomy_save",
    "trash_summary",
    "unique_slug",
]
