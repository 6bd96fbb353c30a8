"""Lifecycle changes (submit, return, publish, schedule, unpublish, archive), featuring,
deleting, and the scheduler's publishing of due articles. Each locks the article's row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from cms.access import Action, require
from cms.actors import Actor
from cms.errors import (
    InvalidTransition,
    ValidationFailed,
)

from ..lifecycle import TRANSITIONS
from ..models import (
    Article,
    ArticleStatus,
)
from .content import locked
from .history import article_saved, articles_saved
from .revisions import forget_revisions


def article_submit_for_review(*, article: Article, actor: Actor) -> Article:
    """Hand a draft to the editors."""
    return _transition(article, actor, Action.SUBMIT)


def article_return_to_writer(*, article: Article, actor: Actor) -> Article:
    """Send an article in review back to its writer as a draft (an editor's "not yet"; an
    author withdrawing their own). Records when, in ``returned_at``, until its next
    transition."""
    return _transition(article, actor, Action.RETURN)


def article_publish(
    *, article: Article, actor: Actor, published_at: datetime | None = None
) -> Article:
    """Publish now, or schedule when ``published_at`` is in the future.

    A scheduled article becomes visible at its time without any job running (see
    ``ArticleQuerySet.published``). Publishing a live article again is refused; to move a
    publication date, unpublish first or edit the schedule of a scheduled article.
    """
    now = timezone.now()
    when = published_at or now
    if timezone.is_naive(when):
        raise ValidationFailed({"published_at": ["Give a date and time with a time zone."]})
    _check_publication_date(when, now)
    when = when.astimezone(UTC)  # PostgreSQL refuses offsets past ±15:59; Python allows ±23:59
    publish = TRANSITIONS[Action.PUBLISH]
    status = publish.alternative_status if when > now else publish.to_status
    return _transition(article, actor, Action.PUBLISH, status=status, published_at=when)


# Back-dating is allowed (archives are imported with their original dates); scheduling is
# bounded, because a date near year 9999 overflows when stored in UTC (PostgreSQL refuses it,
# and every later read of the row fails).
EARLIEST_PUBLICATION = datetime(1700, 1, 1, tzinfo=UTC)
MAX_SCHEDULE_AHEAD = timedelta(days=366 * 10)


def _check_publication_date(when: datetime, now: datetime) -> None:
    try:
        in_range = EARLIEST_PUBLICATION <= when.astimezone(UTC) <= now + MAX_SCHEDULE_AHEAD
    except OverflowError:
        in_range = False
    if not in_range:
        raise ValidationFailed({"published_at": ["Give a date from 1700 to ten years from now."]})


def article_unpublish(*, article: Article, actor: Actor) -> Article:
    """Take a live or scheduled article back to draft. Its last publication date is kept."""
    return _transition(article, actor, Action.UNPUBLISH)


def article_archive(*, article: Article, actor: Actor) -> Article:
    """Withdraw a published article from the public site while keeping it."""
    return _transition(article, actor, Action.ARCHIVE)


def article_take_transition(
    *, article: Article, actor: Actor, action: Action, published_at: datetime | None = None
) -> Article:
    """Take the lifecycle transition ``action`` (one of ``lifecycle.TRANSITIONS``) through
    its service. For callers that read the table: the admin's buttons and bulk actions.
    ``published_at`` is for publishing only (None: now)."""
    if action == Action.PUBLISH:
        return article_publish(article=article, actor=actor, published_at=published_at)
    if published_at is not None:
        raise ValueError(f"Only publishing takes a date, not {action}.")
    return _TRANSITION_SERVICES[action](article=article, actor=actor)


# The service of each transition that takes nothing but the article (publishing also takes a
# date, above). tests/articles/test_lifecycle.py holds these keys to lifecycle.TRANSITIONS.
_TRANSITION_SERVICES = {
    Action.SUBMIT: article_submit_for_review,
    Action.RETURN: article_return_to_writer,
    Action.UNPUBLISH: article_unpublish,
    Action.ARCHIVE: article_archive,
}


def article_set_featured(*, article: Article, actor: Actor, featured: bool) -> Article:
    with transaction.atomic():
        current = locked(article)
        require(actor, Action.FEATURE, current)
        if current.featured == featured:
            return current
        current.featured = featured
        current.version += 1
        current.save(update_fields=["featured", "version", "updated_at"])
        article_saved(
            actor=actor,
            action="article.feature" if featured else "article.unfeature",
            article=current,
        )
    _copy_state(current, article)
    return article


def article_delete(*, article: Article, actor: Actor) -> None:
    with transaction.atomic():
        current = locked(article)
        require(actor, Action.DELETE, current)
        article_saved(actor=actor, action="article.delete", article=current)
        forget_revisions(article_ids=[current.pk])
        current.delete()


# The audit log's action for a scheduled article put live by the job (no person acted).
PUBLISH_DUE_ACTION = "article.publish_due"


def publish_due_articles(*, now: datetime | None = None) -> int:
    """Mark scheduled articles whose time has come as published. Returns how many.

    Visibility never waits for this (the queryset already treats them as live); it keeps the
    stored status truthful for the admin and for integrations that filter on it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Locked, so two workers racing over the same period record each article once.
        due = list(
            Article.objects.select_for_update()
            .filter(status=ArticleStatus.SCHEDULED, published_at__lte=now)
            .only("id", "title")
        )
        if not due:
            return 0
        Article.objects.filter(pk__in=[a.pk for a in due]).update(
            status=ArticleStatus.PUBLISHED,
            # Those a service has not already recorded went live at their time.
            first_published_at=Coalesce("first_published_at", "published_at"),
            version=F("version") + 1,
            updated_at=now,
        )
        # Every write is recorded: "who saved this last?" must not name the person who
        # scheduled it when the scheduler was the last to change the article.
        articles_saved(
            actor=Actor.system(),
            action=PUBLISH_DUE_ACTION,
            entries=((article, str(article)) for article in due),
        )
    return len(due)


def _transition(
    article: Article,
    actor: Actor,
    action: Action,
    *,
    status: ArticleStatus | None = None,
    published_at: datetime | None = None,
) -> Article:
    """Take ``lifecycle.TRANSITIONS[action]``, to its ``to_status`` unless ``status`` names
    another it allows."""
    transition = TRANSITIONS[action]
    status = status or transition.to_status
    if status not in transition.to_statuses:
        raise ValueError(f"{action} does not lead to {status}.")
    with transaction.atomic():
        current = locked(article)
        require(actor, action, current)
        if not transition.allowed_from(current.status, current.published_at):
            raise InvalidTransition(
                f"A {current.get_status_display().lower()} article cannot be "
                f"{transition.past_tense}.",
                field="status",
            )
        fields = ["status", "version", "updated_at"]
        # Live already (a scheduled article whose time came, which the job has not tidied
        # yet): record that before the transition can take it down.
        if _record_if_live(current):
            fields.append("first_published_at")
        current.status = status
        if published_at is not None:
            current.published_at = published_at
            fields.append("published_at")
        # Published now (not scheduled for later): it goes live with this transition.
        if _record_if_live(current):
            fields.append("first_published_at")
        if status == ArticleStatus.IN_REVIEW:
            current.submitted_at = timezone.now()
            fields.append("submitted_at")
        # "Returned to you" lasts until the writer acts on it: submitting it again (or any
        # other transition) clears it.
        returned_at = timezone.now() if action == Action.RETURN else None
        if current.returned_at != returned_at:
            current.returned_at = returned_at
            fields.append("returned_at")
        current.version += 1
        current.save(update_fields=fields)
        article_saved(actor=actor, action=f"article.{action}", article=current)
    _copy_state(current, article)
    return article


def _record_if_live(article: Article) -> bool:
    """Set ``first_published_at`` (once: never moved, never cleared) if the article is live;
    True if it was set now."""
    if article.first_published_at is not None or not article.is_live:
        return False
    article.first_published_at = article.published_at
    return True


def _copy_state(source: Article, target: Article) -> None:
    """Keep the caller's instance in step with what was saved."""
    for name in (
        "status",
        "published_at",
        "first_published_at",
        "submitted_at",
        "returned_at",
        "featured",
        "version",
        "updated_at",
    ):
        setattr(target, name, getattr(source, name))
