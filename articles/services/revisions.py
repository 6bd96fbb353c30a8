"""Recording, restoring, forgetting and pruning an article's revisions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import reversion
from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone
from reversion.models import Revision

from cms.actors import Actor
from cms.models import ApiToken

from ..lifecycle import TRANSITIONS
from ..models import Article, ArticleRevision, ArticleStatus
from ..revisions.snapshot import snapshot_articles

# Revisions say what was done in words, from the audit log's action.
_SUMMARIES = {
    "article.create": "Created",
    "article.update": "Edited",
    "article.feature": "Featured",
    "article.unfeature": "No longer featured",
    "article.publish_due": "Published at its scheduled time",
    "article.restore": "Restored from the trash",
    "article.correct": "Note added",
    "article.correction_remove": "Note removed",
    **{f"article.{a}": t.past_tense.capitalize() for a, t in TRANSITIONS.items()},
}


def summary_for(action: str, article: Article) -> str:
    if action == "article.publish" and article.status == ArticleStatus.SCHEDULED:
        return "Scheduled"
    return _SUMMARIES.get(action, action)


def record_revisions(
    *, actor: Actor, action: str, entries: Iterable[tuple[Article, str | None]]
) -> None:
    """Keep a revision of each article as it now stands (saved: bylines and tags too), with
    ``actor``, the action and a summary (None: the action's own words). Called by
    ``history.article_saved`` inside the write's transaction, after the article's row was
    locked, so numbers are taken one at a time."""
    summaries = {article.pk: summary for article, summary in entries}
    if not summaries:
        return
    ids = list(summaries)
    articles = snapshot_articles(ids).in_bulk()
    latest = dict(
        ArticleRevision.objects.filter(article_id__in=ids)
        .values("article_id")
        .annotate(latest=Max("number"))
        .values_list("article_id", "latest")
    )
    token_name = ""
    if actor.token_id is not None:
        token_name = (
            ApiToken.objects.filter(pk=actor.token_id).values_list("name", flat=True).first() or ""
        )
    for pk in ids:
        article = articles[pk]
        summary = summaries[pk] or summary_for(action, article)
        # Inside the caller's transaction: a refused write keeps no revision.
        with reversion.create_revision(manage_manually=True, atomic=False):
            reversion.set_user(actor.user)
            reversion.set_comment(summary)
            reversion.add_to_revision(article)
            reversion.add_meta(
                ArticleRevision,
                article=article,
                number=latest.get(pk, 0) + 1,
                action=action,
                summary=summary[:250],
                actor_name=str(actor)[:150],
                token_id=actor.token_id,
                token_name=token_name,
            )


def forget_revisions(*, article_ids: Iterable[int]) -> int:
    """Delete every revision of these articles (when the articles themselves go for good).
    Returns how many revisions went."""
    ids = list(
        ArticleRevision.objects.filter(article_id__in=list(article_ids)).values_list(
            "revision_id", flat=True
        )
    )
    # Deleting the Revision rows takes their versions and ArticleRevision rows with them.
    Revision.objects.filter(pk__in=ids).delete()
    count = len(ids)
    return count


def prune_revisions(*, now: datetime | None = None) -> int:
    """Delete revisions older than REVISIONS_KEEP_DAYS, except each article's newest
    REVISIONS_KEEP_LATEST. Numbers are stored, so those kept keep theirs. Returns how many
    went (none with REVISIONS_KEEP_DAYS 0)."""
    days = int(settings.REVISIONS_KEEP_DAYS)
    if days <= 0:
        return 0
    keep = max(1, int(settings.REVISIONS_KEEP_LATEST))
    cutoff = (now or timezone.now()) - timedelta(days=days)
    # The number of each article's Nth newest revision: older than that and old enough goes.
    nth_newest = (
        ArticleRevision.objects.filter(article=OuterRef("article"))
        .order_by("-number")
        .values("number")[keep - 1 : keep]
    )
    ids = list(
        ArticleRevision.objects.filter(revision__date_created__lt=cutoff)
        .annotate(floor=Subquery(nth_newest))
        .filter(number__lt=F("floor"))  # NULL (fewer than N revisions): kept
        .values_list("revision_id", flat=True)
    )
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            Revision.objects.filter(pk__in=ids[start : start + 500]).delete()
    return len(ids)
