"""Composite reads of comments, shared by REST and GraphQL."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from articles.cachetags import article_tag
from articles.models import Article
from cms import cachetags
from cms.access import Action, require, restrict
from cms.actors import Actor

from .models import Comment, CommentStatus


def moderation_queue(
    actor: Actor, *, status: str | None = None, article: str | None = None
) -> QuerySet[Comment]:
    """Comments newest first, in ``status`` (any by default) and on the article with slug
    ``article`` (any by default), for those who may moderate. Anyone else is refused by the
    policy (401 without credentials, 403 otherwise), for REST and GraphQL alike."""
    require(actor, Action.MODERATE, Comment)
    queue = (
        restrict(actor, Action.MODERATE, Comment.objects.all())
        .select_related("article")
        .order_by("-created_at", "-id")
    )
    if status is not None:
        queue = queue.filter(status=CommentStatus.named(status))
    if article:
        queue = queue.filter(article__slug=article)
    return queue


def thread_for(article: Article) -> QuerySet[Comment]:
    """The approved comments readers see under ``article`` (which the caller has already
    found visible, so not in the trash), oldest first.

    From ``Comment.with_trashed``: the default manager joins every comment to its article to
    leave a trashed article's out, which the caller has already done for this one."""
    # A comment approved, removed or added invalidates its article's tag (comments.services).
    cachetags.record([article_tag(article.pk)])
    return (
        Comment.with_trashed.approved()
        .filter(article=article)
        .only("id", "parent_id", "author_name", "body_html", "created_at")
        .order_by("created_at", "id")
    )


COMMENT_COLUMNS = ("id", "article_id", "parent_id", "author_name", "body_html", "created_at")


def threads_for(article_ids: list[int], *, offset: int, limit: int) -> dict[int, list[Any]]:
    """For each article (read by the caller through a visibility queryset), its approved
    comments oldest first, ``limit`` of them from ``offset``, as rows: one query for any
    number of articles."""
    cachetags.record(article_tag(pk) for pk in article_ids)
    position = Window(
        RowNumber(), partition_by=F("article_id"), order_by=(F("created_at").asc(), F("id").asc())
    )
    rows = (
        # The articles are ones the caller may read, out of the trash (see thread_for).
        Comment.with_trashed.approved()
        .filter(article_id__in=article_ids)
        .annotate(position=position)
        .filter(position__gt=offset, position__lte=offset + limit)
        .order_by("article_id", "position")
        .values(*COMMENT_COLUMNS)
    )
    threads: dict[int, list[Any]] = {pk: [] for pk in article_ids}
    for row in rows:
        threads[row["article_id"]].append(row)
    return threads


def public_comment(pk: int) -> dict[str, Any] | None:
    """One comment readers may see, as a row (``COMMENT_COLUMNS``), or None."""
    row: dict[str, Any] | None = (
        Comment.objects.public().filter(pk=pk).values(*COMMENT_COLUMNS).first()
    )
    if row is not None:
        cachetags.record([article_tag(row["article_id"])])  # moderation invalidates it
    return row


def pending_count(actor: Actor) -> int:
    """How many comments wait for moderation, for those who may moderate (else 0): the
    desk's figure, counted over the same queryset as the queue. One query."""
    return restrict(actor, Action.MODERATE, Comment.objects.pending()).count()
