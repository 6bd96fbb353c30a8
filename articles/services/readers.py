"""Counting reader views."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cms.crawlers import is_crawler
from cms.errors import (
    NotFound,
)
from cms.privacy import hash_ip, reader_id
from cms.ratelimit import network_of

from ..models import (
    Article,
    ArticleViewDay,
)


def register_view(*, article: Article, ip_address: str, user_agent: str) -> int:
    """Count one view of a live article by the reader at ``ip_address`` with ``user_agent``
    (identified by a keyed hash, ``cms.privacy.reader_id``): at most one per reader, article
    and day (UTC), none from crawlers, and at most VIEWS_MAX_READERS_PER_ADDRESS readers per
    address, article and day (a household or an office shares an address; a script rotating
    its User-Agent buys no more than that). Returns the article's views.

    Counting is atomic (UPDATE ... SET n = n + 1, never read-modify-write), so concurrent
    readers on any number of servers add up exactly. The de-duplication marks live in the
    shared cache until the day ends.
    """
    if not article.is_live:
        raise NotFound("No published article has that address.", field="slug")
    if not is_crawler(user_agent):
        now = timezone.now()
        day = now.date()
        until_midnight = int((datetime.combine(day, time.max, tzinfo=UTC) - now).total_seconds())
        prefix = f"{article.pk}:{day.isoformat()}"
        ttl = until_midnight + 60
        reader = f"viewed:{prefix}:{reader_id(ip_address, user_agent)}"
        address = f"readers:{prefix}:{hash_ip(network_of(ip_address))}"
        if cache.add(reader, 1, timeout=ttl) and _another_reader_at(address, ttl):
            with transaction.atomic():
                Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
                _count_day(article, day)
    return Article.objects.filter(pk=article.pk).values_list("view_count", flat=True)[0]


def _another_reader_at(address_key: str, ttl: int) -> bool:
    """Count a new reader at an address; False once the address has had its share today."""
    cache.add(address_key, 0, timeout=ttl)
    try:
        return int(cache.incr(address_key)) <= settings.VIEWS_MAX_READERS_PER_ADDRESS
    except ValueError:  # the key expired in between, at midnight: a new day, a new count
        return True


def _count_day(article: Article, day: date) -> None:
    bumped = ArticleViewDay.objects.filter(article=article, day=day).update(count=F("count") + 1)
    if bumped:
        return
    try:
        with transaction.atomic():  # a savepoint: losing the race below is not an error
            ArticleViewDay.objects.create(article=article, day=day, count=1)
    except IntegrityError:  # another request created today's row first
        ArticleViewDay.objects.filter(article=article, day=day).update(count=F("count") + 1)
