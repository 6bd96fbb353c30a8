"""The article lifecycle, declared once: the statuses, which of them are live, and the
transitions between them.

Everything else is derived from this module or held to it by a test
(tests/articles/test_lifecycle.py): the services' checks and refusal messages, the admin's
buttons and bulk actions, the visibility queryset and selectors, the model's ``is_live`` and
the partial index and check constraint on ``Article``. Who may take a transition is the
policy's question alone (``articles.policies``), asked with the transition's ``action``.

This module imports no models, so ``articles.models`` can build its Meta from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db import models
from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.db.models.expressions import Expression
from django.db.models.lookups import In
from django.utils import timezone

from cms.access import Action


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


# Statuses whose articles carry a publication date and are live once it has come. A scheduled
# article goes live at its time with no job running; ``publish_due_articles`` only tidies its
# stored status afterwards.
LIVE_STATUSES: Final = (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)


def live_status_q(prefix: str = "") -> Q:
    """Status is one that can be live: the condition of the live partial index and of the
    "live has a date" constraint, which cannot depend on the time.

    Plain strings in a list, so that Django sees the same condition the migrations recorded.
    """
    return Q(**{f"{prefix}status__in": [status.value for status in LIVE_STATUSES]})


class _InWritten(In):
    """``IN`` with its values written into the SQL instead of passed as parameters.

    SQLite uses a partial index (the listing indexes, whose condition is
    :func:`listable_q`) only when the query's own WHERE clause holds the index's condition
    term for term, and it cannot see through a parameter: with ``status IN (?, ?)`` every
    listing at 100,000 articles sorted the whole live archive. Only for the status names
    declared above, which are checked to be plain words before they are written.
    """

    lookup_name = "in_written"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values or not all(
            isinstance(v, str) and re.fullmatch(r"[a-z_]+", v) for v in values
        ):
            raise ValueError(f"in_written takes plain status names, not {values!r}")
        return f"{lhs} IN ({', '.join(repr(v) for v in values)})", params


CharField.register_lookup(_InWritten)


def _live_status_written(prefix: str = "") -> Q:
    """:func:`live_status_q` for queries (see :class:`_InWritten`)."""
    return Q(**{f"{prefix}status__in_written": [status.value for status in LIVE_STATUSES]})


def listable_q() -> Q:
    """Status can be live, and not in the trash: the condition of the listing indexes, which
    hold every row :func:`live_q` can pick (a partial index cannot depend on the time)."""
    return live_status_q() & Q(deleted_at__isnull=True)


def live_q(now: datetime | None = None, *, prefix: str = "") -> Q:
    """Live at ``now`` (default: now): a live status, and the publication date has come.

    ``prefix`` reaches articles through a relation (``"bylines__article__"``). An article
    in the trash is never live: the default manager leaves it out of queries on articles,
    but a join from another model (an author's bylines) reaches it, so this says so too.
    """
    return (
        _live_status_written(prefix)
        & Q(**{f"{prefix}published_at__lte": now or timezone.now()})
        & Q(**{f"{prefix}deleted_at__isnull": True})
    )


def is_live(status: str, published_at: datetime | None, now: datetime | None = None) -> bool:
    """:func:`live_q` for one article already in memory (an instance or a row)."""
    return (
        status in LIVE_STATUSES
        and published_at is not None
        and published_at <= (now or timezone.now())
    )


def effective_status(
    status: str, published_at: datetime | None, now: datetime | None = None
) -> ArticleStatus:
    """The status people should be shown: a scheduled article whose time has come is
    published, whether or not ``publish_due_articles`` has tidied its stored status yet."""
    if status == ArticleStatus.SCHEDULED and is_live(status, published_at, now):
        return ArticleStatus.PUBLISHED
    return ArticleStatus(status)


def effective_status_q(status: str, now: datetime | None = None) -> Q:
    """Articles whose :func:`effective_status` is ``status`` (the admin's status filter)."""
    now = now or timezone.now()
    if status == ArticleStatus.PUBLISHED:
        return Q(status=status) | Q(status=ArticleStatus.SCHEDULED, published_at__lte=now)
    if status == ArticleStatus.SCHEDULED:
        return Q(status=status, published_at__gt=now)
    return Q(status=status)


def effective_status_expression(now: datetime | None = None) -> Expression:
    """:func:`effective_status` in SQL, for annotations."""
    return Case(
        When(
            effective_status_q(ArticleStatus.PUBLISHED, now),
            then=Value(ArticleStatus.PUBLISHED.value),
        ),
        default=F("status"),
        output_field=CharField(),
    )


# What needs an editor's attention first: work waiting for review, then what is about to go
# out, then work in progress, then what is out, then what was withdrawn.
ATTENTION_ORDER: Final = (
    ArticleStatus.IN_REVIEW,
    ArticleStatus.SCHEDULED,
    ArticleStatus.DRAFT,
    ArticleStatus.PUBLISHED,
    ArticleStatus.ARCHIVED,
)


def attention_rank(now: datetime | None = None) -> Expression:
    """The position of an article's effective status in :data:`ATTENTION_ORDER` (0 first).

    A comparison of the status column with constants, computed per row: no extra query, and
    the rows it ranks are the page the admin already reads.
    """
    return Case(
        *(
            When(effective_status_q(status, now), then=Value(rank))
            for rank, status in enumerate(ATTENTION_ORDER)
        ),
        default=Value(len(ATTENTION_ORDER)),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class Transition:
    """One lifecycle action: from which statuses it may be taken, and what it is called."""

    action: Action  # what the policy is asked (``can(actor, action, article)``)
    from_statuses: frozenset[ArticleStatus]
    to_status: ArticleStatus
    past_tense: str  # "A draft article cannot be <past_tense>."; "3 <past_tense>."
    admin_button: str  # the POST name of the change form's button
    label: str  # the button's label
    bulk_action: str  # the article list's action
    bulk_label: str
    # Refused for an article that is live already, even from a status listed above: a
    # scheduled article whose time has come must not have its date moved by publishing again.
    refused_when_live: bool = False
    # Another status the transition may lead to instead (publishing with a future date).
    alternative_status: ArticleStatus | None = None

    def allowed_from(self, status: str, published_at: datetime | None) -> bool:
        """May an article in ``status`` (published at ``published_at``) take it, rules of
        state alone? (Whether the actor may is :func:`cms.access.can`'s answer.)"""
        if status not in self.from_statuses:
            return False
        return not (self.refused_when_live and is_live(status, published_at))

    @property
    def to_statuses(self) -> frozenset[ArticleStatus]:
        extra = {self.alternative_status} if self.alternative_status else set()
        return frozenset({self.to_status, *extra})


_S = ArticleStatus
TRANSITIONS: Final[Mapping[Action, Transition]] = {
    transition.action: transition
    for transition in (
        Transition(
            action=Action.SUBMIT,
            from_statuses=frozenset({_S.DRAFT}),
            to_status=_S.IN_REVIEW,
            past_tense="submitted for review",
            admin_button="_submit_review",
            label="Submit for review",
            bulk_action="submit_selected",
            bulk_label="Submit selected drafts for review",
        ),
        Transition(
            action=Action.RETURN,
            from_statuses=frozenset({_S.IN_REVIEW}),
            to_status=_S.DRAFT,
            past_tense="returned to the writer",
            admin_button="_return",
            label="Return to writer",
            bulk_action="return_selected",
            bulk_label="Return selected articles to their writers",
        ),
        Transition(
            action=Action.PUBLISH,
            from_statuses=frozenset({_S.DRAFT, _S.IN_REVIEW, _S.SCHEDULED, _S.ARCHIVED}),
            to_status=_S.PUBLISHED,
            alternative_status=_S.SCHEDULED,  # with a future publication date
            refused_when_live=True,
            past_tense="published",
            admin_button="_publish",
            label="Publish / schedule",
            bulk_action="publish_selected",
            bulk_label="Publish selected articles now",
        ),
        Transition(
            action=Action.UNPUBLISH,
            from_statuses=frozenset(LIVE_STATUSES),
            to_status=_S.DRAFT,
            past_tense="unpublished",
            admin_button="_unpublish",
            label="Unpublish",
            bulk_action="unpublish_selected",
            bulk_label="Unpublish selected articles",
        ),
        Transition(
            action=Action.ARCHIVE,
            from_statuses=frozenset(LIVE_STATUSES),
            to_status=_S.ARCHIVED,
            past_tense="archived",
            admin_button="_archive",
            label="Archive",
            bulk_action="archive_selected",
            bulk_label="Archive selected articles",
        ),
    )
}
