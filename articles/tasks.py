"""Background work for articles (settings.PERIODIC_JOBS schedules it)."""

from __future__ import annotations

from articles import services
from articles.services import publish_due_articles, purge_trash
from cms.queue import task


@task()
def publish_due() -> str:
    """Mark scheduled articles whose time has come as published (one conditional UPDATE, so
    running it twice for a period publishes nothing twice)."""
    return f"{publish_due_articles()} scheduled article(s) published"


@task()
def flush_views() -> str:
    """Write the views buffered in the cache to the database (each batch once, however often
    it is run: see ``services.flush_views``)."""
    return f"{services.flush_views()} view(s) written"


@task()
def purge_trash_job() -> str:
    """Delete for good the articles trashed more than TRASH_RETENTION_DAYS ago (rows locked
    and skipped when another worker holds them, so each is purged and audited once)."""
    return f"{purge_trash()} trashed article(s) purged"


@task()
def prune_revisions() -> str:
    """Delete article revisions past REVISIONS_KEEP_DAYS beyond each article's newest
    REVISIONS_KEEP_LATEST (deleting what is already gone twice deletes nothing)."""
    return f"{services.prune_revisions()} old revision(s) pruned"
