"""Reads of the trash (deleted articles kept for ``TRASH_RETENTION_DAYS``), shared by REST,
GraphQL and the admin. Only editors see it; writes are ``articles.services.trash``."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from cms.access import Action, require, restrict
from cms.actors import Actor
from cms.errors import NotFound

from .models import Article


def trash_list(actor: Actor, *, queryset: QuerySet[Article] | None = None) -> QuerySet[Article]:
    """Trashed articles, most recently deleted first, for those who may restore them
    (editors; a token needs ``content:write``). Anyone else is refused (401 without
    credentials, 403 otherwise). ``queryset`` (default: every trashed article) is for the
    admin's proxy model. Each row carries ``comments_in_trash`` (every comment that
    went with it, in any status) and its ``deleted_by`` user, in one query however many."""
    require(actor, Action.RESTORE, Article)
    return (
        restrict(
            actor, Action.RESTORE, Article.with_trashed.trashed() if queryset is None else queryset
        )
        .select_related("deleted_by")
        .annotate(comments_in_trash=Count("comments", distinct=True))
        .order_by("-deleted_at", "-id")
    )


def trashed_article(actor: Actor, pk: int | str, action: Action) -> Article:
    """The trashed article ``pk``, for an actor who may take ``action`` (RESTORE or PURGE)
    on the trash: refused as :func:`trash_list` is, else :class:`NotFound`."""
    require(actor, action, Article)
    article = restrict(actor, action, Article.with_trashed.trashed()).filter(pk=pk).first()
    if article is None:
        raise NotFound("No article with this id is in the trash.", field="id")
    return article


def deleted_by_label(article: Article) -> str | None:
    """Who moved the article to the trash, as the newsroom knows them (None: unknown, or a
    job)."""
    user = article.deleted_by
    if user is None:
        return None
    return user.get_full_name() or user.get_username()
