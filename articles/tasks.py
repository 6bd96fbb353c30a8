"""Background work for articles (settings.PERIODIC_JOBS schedules it)."""

from __future__ import annotations

from articles import services
from articles.services import publish_due_articles
from cms.queue import task


@task()
def publish_due() -> str:
    """Mark scheduled articles whose time has come as published (one conditional UPDATE, so
    running it twice for a period publishes nothing twice)."""
    return f"{publish_due_articles()} scheduled article(s) published"


@task()
def prune_revisions() -> str:
    """Delete article revisions past REVISIONS_KEEP_DAYS beyond each article's newest
    REVISIONS_KEEP_LATEST (deleting what is already gone twice deletes nothing)."""
    return f"{services.prune_revisions()} old revision(s) pruned"
