"""The articles' panels on the editors' desk (the admin index, ``cms.desk``): what waits for
review, what goes live today, and a writer's own drafts, what came back to them from review
and what they submitted. Every figure comes from ``articles.selectors``, which start from the
visibility queryset."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cms import desk
from cms.access import Action, can
from cms.actors import Actor
from cms.roles import role_of

from .. import selectors
from ..lifecycle import ArticleStatus
from ..models import Article
from .article_list import status_badge


def _changelist(status: ArticleStatus) -> str:
    return f"{reverse('admin:articles_article_changelist')}?status__exact={status.value}"


def _editor(actor: Actor) -> bool:
    """Editors' panels are for those who see every article in progress."""
    return selectors.sees_all_unpublished(actor)


@desk.register("articles.review", template="articles/desk/review.html", order=10)
def review_panel(request: HttpRequest, actor: Actor) -> dict[str, Any] | None:
    if not _editor(actor):
        return None
    queue = selectors.review_queue(actor)
    return {"queue": queue, "list_url": _changelist(ArticleStatus.IN_REVIEW)}


def today_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The newsroom's today (the current time zone: ``TIME_ZONE`` unless the request
    activated another), as [start, end) instants."""
    local = timezone.localtime(now)
    zone = local.tzinfo
    start = datetime.combine(local.date(), time.min, tzinfo=zone)
    end = datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


@desk.register("articles.today", template="articles/desk/today.html", order=30)
def today_panel(request: HttpRequest, actor: Actor) -> dict[str, Any] | None:
    if not _editor(actor):
        return None
    now = timezone.now()
    start, end = today_bounds(now)
    schedule = selectors.going_live_between(actor, start, end)
    day = timezone.localtime(now).date()
    # The list's date drill-down for the same day (it works in the current time zone too).
    changelist = reverse("admin:articles_article_changelist")
    day_url = (
        f"{changelist}?published_at__year={day.year}"
        f"&published_at__month={day.month}&published_at__day={day.day}"
    )
    return {
        "rows": [(article, status_badge(article.effective_status)) for article in schedule.rows],
        "count": schedule.count,
        "day": day,
        "zone": timezone.get_current_timezone_name(),
        "list_url": day_url,
    }


@desk.register("articles.own", template="articles/desk/own.html", order=10)
def own_work_panel(request: HttpRequest, actor: Actor) -> dict[str, Any] | None:
    """A writer's (contributor's or author's) drafts, those returned to them from review, and
    what they sent for review."""
    if role_of(actor.user) is None or _editor(actor) or not can(actor, Action.ADD, Article):
        return None
    return {
        "drafts": selectors.own_work(actor, ArticleStatus.DRAFT),
        "returned": selectors.returned_to(actor),
        "in_review": selectors.own_work(actor, ArticleStatus.IN_REVIEW),
        "drafts_url": _changelist(ArticleStatus.DRAFT),
        "returned_url": f"{reverse('admin:articles_article_changelist')}?returned=yes",
        "in_review_url": _changelist(ArticleStatus.IN_REVIEW),
        "add_url": reverse("admin:articles_article_add"),
    }
