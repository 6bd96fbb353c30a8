"""Counting reader views: buffered in the cache as they come (``articles.viewbuffer``), and
written to the database in batches by :func:`flush_views`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Case, F, PositiveBigIntegerField, Value, When
from django.utils import timezone

from cms import cachetags
from cms.crawlers import is_crawler
from cms.errors import (
    NotFound,
)
from cms.privacy import hash_ip, reader_id
from cms.ratelimit import network_of

from ..models import (
    Article,
    ArticleViewDay,
    ViewFlush,
)
from ..selectors import VIEWS_TAG
from ..viewbuffer import Batch, buffer

# Rows written per statement by a flush.
_CHUNK = 500
# Batch ids are kept this long: a flush interrupted and run again is retried within minutes.
_LEDGER_DAYS = 2


def register_view(*, article: Article, ip_address: str, user_agent: str) -> int:
    """Count one view of a live article by the reader at ``ip_address`` with ``user_agent``
    (identified by a keyed hash, ``cms.privacy.reader_id``): at most one per reader, article
    and day (UTC), none from crawlers, and at most VIEWS_MAX_READERS_PER_ADDRESS readers per
    address, article and day (a household or an office shares an address; a script rotating
    its User-Agent buys no more than that). Returns the article's views: those in the
    database (``article.view_count``, as the caller loaded it) and today's not yet written.

    The view is added to the buffer (``articles.viewbuffer``), atomically, so concurrent
    readers on any number of servers add up exactly once :func:`flush_views` has run. No
    SQL is run here: the de-duplication marks and the buffer live in the cache.
    """
    if not article.is_live:
        raise NotFound("No published article has that address.", field="slug")
    views = buffer()
    now = timezone.now()
    day = now.date()
    if is_crawler(user_agent):
        return article.view_count + views.pending(article.pk, day)
    until_midnight = int((datetime.combine(day, time.max, tzinfo=UTC) - now).total_seconds())
    prefix = f"{article.pk}:{day.isoformat()}"
    ttl = until_midnight + 60
    reader = f"viewed:{prefix}:{reader_id(ip_address, user_agent)}"
    address = f"readers:{prefix}:{hash_ip(network_of(ip_address))}"
    if cache.add(reader, 1, timeout=ttl) and _another_reader_at(address, ttl):
        pending = views.add(article.pk, day)
        if views.due():
            flush_views()  # this process's own buffer (local memory): see articles.viewbuffer
        return article.view_count + pending
    return article.view_count + views.pending(article.pk, day)


def _another_reader_at(address_key: str, ttl: int) -> bool:
    """Count a new reader at an address; False once the address has had its share today."""
    cache.add(address_key, 0, timeout=ttl)
    try:
        return int(cache.incr(address_key)) <= settings.VIEWS_MAX_READERS_PER_ADDRESS
    except ValueError:  # the key expired in between, at midnight: a new day, a new count
        return True


def flush_views() -> int:
    """Write the buffered views to the database: each article's ``view_count`` and its
    day's ``ArticleViewDay``. Returns how many views were written.

    Each batch is written in one transaction that records its id (``ViewFlush``): run again
    after an interruption, a flush hands out the same batch and finds it written. Views of
    an article unpublished or trashed since they were counted are kept (they were real
    views of a live article); those of an article deleted for good are dropped with it.
    """
    written = 0
    for batch in buffer().take():
        written += _write(batch)
        batch.done()
    return written


def _write(batch: Batch) -> int:
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a batch written already is no error
                ViewFlush.objects.create(batch=batch.id)
        except IntegrityError:
            return 0
        ids = {article_id for article_id, _ in batch.counts}
        alive = set(Article.with_trashed.filter(pk__in=ids).values_list("pk", flat=True))
        totals: dict[int, int] = {}
        days: dict[date, dict[int, int]] = {}
        for (article_id, day), count in batch.counts.items():
            if article_id in alive and count > 0:
                totals[article_id] = totals.get(article_id, 0) + count
                days.setdefault(day, {})[article_id] = count
        for chunk in _chunks(totals.items()):
            Article.with_trashed.filter(pk__in=[pk for pk, _ in chunk]).update(
                view_count=F("view_count") + _by(chunk, "pk")
            )
        for day, counts in days.items():
            for chunk in _chunks(counts.items()):
                ids_in_chunk = [pk for pk, _ in chunk]
                # Create the missing rows at zero, then add: no flush running at the same
                # time (each local-memory process flushes its own) can lose the other's.
                ArticleViewDay.objects.bulk_create(
                    [ArticleViewDay(article_id=pk, day=day, count=0) for pk in ids_in_chunk],
                    ignore_conflicts=True,
                )
                ArticleViewDay.objects.filter(day=day, article_id__in=ids_in_chunk).update(
                    count=F("count") + _by(chunk, "article_id")
                )
        if totals:
            # "Most read" rankings are kept between flushes (``selectors.most_read``).
            cachetags.invalidate([VIEWS_TAG])
        ViewFlush.objects.filter(
            flushed_at__lt=timezone.now() - timedelta(days=_LEDGER_DAYS)
        ).delete()
    return sum(totals.values())


def _by(chunk: list[tuple[int, int]], column: str) -> Case:
    """The count of each row of ``chunk`` (id, count), chosen by ``column``."""
    return Case(
        *(When(**{column: pk}, then=Value(count)) for pk, count in chunk),
        default=Value(0),
        output_field=PositiveBigIntegerField(),
    )


T = TypeVar("T")


def _chunks(items: Iterable[T]) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk
