"""Authors' article counts (``Author.published_or_scheduled_count``), kept by the writes that
change them: every article write through ``history.article_saved`` / ``articles_saved`` (a
status, the trash, a byline), and ``content.set_byline`` for the authors it takes off."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from ..lifecycle import live_status_q
from ..models import ArticleAuthor, Author


def recount_authors(author_ids: Iterable[int]) -> None:
    """Count again, from the bylines, each author's articles that are out of the trash and
    published or scheduled.

    A recount rather than adding and subtracting: it needs no knowledge of what the article
    was before, and mends any count written outside the services. The authors' rows are
    locked first (in id order, so two writers cannot deadlock): on PostgreSQL the counting
    statement then starts after any other writer of these authors has committed, and sees
    its change.
    """
    ids = sorted(set(author_ids))
    if not ids:
        return
    credited = (
        ArticleAuthor.objects.filter(
            live_status_q(prefix="article__"),
            author_id=OuterRef("pk"),
            article__deleted_at__isnull=True,
        )
        .order_by()
        .values("author_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    with transaction.atomic():
        list(Author.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        Author.objects.filter(pk__in=ids).update(
            published_or_scheduled_count=Coalesce(Subquery(credited), Value(0))
        )


def recount_authors_of(article_ids: Iterable[int]) -> None:
    """:func:`recount_authors` for every author credited on these articles."""
    ids = list(article_ids)
    if ids:
        credited = ArticleAuthor.objects.filter(article_id__in=ids).values_list("author_id")
        recount_authors(author_id for (author_id,) in credited)
