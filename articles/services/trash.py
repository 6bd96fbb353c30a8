"""The trash: deleting an article moves it (and its comments) there; an editor restores it
whole, or deletes it forever; the purge empties what has stayed past
``TRASH_RETENTION_DAYS``.

A trashed article keeps its row, slug, counters, bylines, tags, view days and comments; the
default managers (``Article.objects``, ``Comment.objects``) leave it out of every read, so it
is gone for readers and the newsroom alike until it is restored.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db import router, transaction
from django.db.models import Model
from django.db.models.deletion import Collector
from django.utils import timezone

from cms.access import Action, require
from cms.actors import Actor
from cms.errors import InvalidTransition, NotFound

from ..models import Article
from .history import article_saved, articles_saved
from .revisions import forget_revisions

# The audit log's actions for what happens in and out of the trash.
TRASH_ACTION = "article.delete"
RESTORE_ACTION = "article.restore"
DELETE_FOREVER_ACTION = "article.delete_forever"
PURGE_ACTION = "article.purge"


def article_delete(*, article: Article, actor: Actor) -> None:
    """Move ``article`` and its comments to the trash (every adapter's "delete").

    Who may delete what is the policy's ``Action.DELETE``. Nothing is removed: the article
    stays restorable for ``TRASH_RETENTION_DAYS``, and the audit entry counts what went with
    it ("article 12 and 7 comments").
    """
    with transaction.atomic():
        current = _locked(article, trashed=False)
        require(actor, Action.DELETE, current)
        description = f"{current} ({summary(current)}) moved to the trash"
        current.deleted_at = timezone.now()
        current.deleted_by = actor.user
        current.version += 1
        current.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
        article_saved(actor=actor, action=TRASH_ACTION, article=current, description=description)
    article.deleted_at, article.deleted_by_id = current.deleted_at, current.deleted_by_id
    article.version = current.version


def article_restore_from_trash(*, article: Article, actor: Actor) -> Article:
    """Bring a trashed article back exactly as it was (status, dates, bylines, tags, comments
    with their statuses and threads, view and comment counts), as a new version."""
    with transaction.atomic():
        current = _locked(article, trashed=True)
        require(actor, Action.RESTORE, current)
        current.deleted_at = None
        current.deleted_by = None
        current.version += 1
        current.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
        article_saved(
            actor=actor,
            action=RESTORE_ACTION,
            article=current,
            description=f"{current} ({summary(current)}) restored from the trash",
        )
    return current


def article_delete_forever(*, article: Article, actor: Actor) -> str:
    """Delete a trashed article for good, with everything that hangs off it (an editor's
    explicit act; only trashed articles). Returns what went ("article 12 and 7 comments")."""
    with transaction.atomic():
        current = _locked(article, trashed=True)
        require(actor, Action.PURGE, current)
        gone = summary(current)
        article_saved(
            actor=actor,
            action=DELETE_FOREVER_ACTION,
            article=current,
            description=f"{current} ({gone}) deleted forever",
        )
        _erase([current])
    return gone


def purge_trash(*, now: datetime | None = None) -> int:
    """Delete for good the articles trashed more than ``TRASH_RETENTION_DAYS`` ago, each
    audited with what went, by the system. Returns how many. Locked (SKIP LOCKED), so
    workers racing over one period purge each article once."""
    with transaction.atomic():
        due = list(
            Article.with_trashed.purge_due(now=now)
            .select_for_update(skip_locked=True)
            .order_by("deleted_at", "pk")
        )
        if not due:
            return 0
        articles_saved(
            actor=Actor.system(),
            action=PURGE_ACTION,
            entries=((a, f"{a} ({summary(a)}) purged from the trash") for a in due),
        )
        _erase(due)
    return len(due)


def _erase(articles: list[Article]) -> None:
    """The one place an article is removed for good (delete forever and the purge): the row
    and everything that cascades from it (comments, bylines, view days). Whatever else keeps
    records of an article outside those cascades (revisions, former slugs, corrections) is
    forgotten here too."""
    pks = [a.pk for a in articles]
    # django-reversion's versions point at their object generically: no cascade reaches them.
    forget_revisions(article_ids=pks)
    # The plain manager: the default one would not see the trashed rows it must delete.
    Article.with_trashed.filter(pk__in=pks).delete()


def summary(article: Article) -> str:
    """What deleting ``article`` for good would take with it: "article 12 and 7 comments"
    (and its bylines, view days ...), counted by Django's own cascade collector, so a model
    hanging off articles later is counted without being named here."""
    using = router.db_for_write(Article)
    collector = Collector(using=using)
    collector.collect([article])
    counts: Counter[type[Model]] = Counter()
    for model, instances in collector.data.items():
        if model is not Article:
            counts[model] += len(instances)
    for queryset in collector.fast_deletes:
        if not queryset.model._meta.auto_created:  # tag links: the tags stay
            counts[queryset.model] += queryset.count()
    by_name = {_named(model, n): n for model, n in counts.items()}
    comments = next((name for name in by_name if name.endswith(("comment", "comments"))), None)
    first = comments or "0 comments"
    rest = sorted(name for name, n in by_name.items() if n and name != comments)
    return f"article {article.pk} and " + ", ".join([first, *rest])


def _named(model: type[Model], n: int) -> str:
    meta = model._meta
    return f"{n} {meta.verbose_name if n == 1 else meta.verbose_name_plural}"


def _locked(article: Article, *, trashed: bool) -> Article:
    """The article's row, locked, if it is (or is not) in the trash."""
    current = Article.with_trashed.select_for_update().filter(pk=article.pk).first()
    if current is None or (current.deleted_at is not None) != trashed:
        if current is not None and not trashed:
            raise InvalidTransition("This article is already in the trash.", field="id")
        raise NotFound("No article with this id is in the trash.", field="id")
    return current
