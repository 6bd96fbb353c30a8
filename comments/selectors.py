"""Composite reads of comments, shared by REST and GraphQL."""

from __future__ import annotations

from django.db.models import QuerySet

from articles.models import Article

from .models import Comment


def thread_for(article: Article) -> QuerySet[Comment]:
    """The approved comments readers see under ``article`` (which the caller has already
    found visible), oldest first."""
    return (
        Comment.objects.approved()
        .filter(article=article)
        .only("id", "parent_id", "author_name", "body_html", "created_at")
        .order_by("created_at", "id")
    )
