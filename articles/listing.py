"""Article listings at newsroom size: pages read from an index at any depth, and a ``count``
that costs no ``COUNT(*)`` per request.

REST's ``/api/v1/articles/`` and GraphQL's ``articles`` both page a :class:`Listing` through
an :class:`ArticleWindow`: by offset while shallow, by keyset cursor at any depth.

``count`` is counted once and kept in the shared cache, stored with the versions
(``cms.cachetags``) of the tags whose change can alter it: ``articles``, which every article
write invalidates on commit (publish, unpublish, edit, delete, restore, through
``article_saved``), and the slug's own tag where the listing filters by tag, section or author
(a taxonomy change invalidates it). One change needs no write: a scheduled article goes live
when its time comes (``lifecycle.live_q``). So a count also expires at the next scheduled
publication time, whatever happens, and at the latest after ``API_COUNT_CACHE_SECONDS``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from django.conf import settings
from django.core.cache import cache
from django.db.models import Field, Min, QuerySet, Subquery, Value
from django.utils import timezone

from cms import cachetags
from cms.actors import Actor
from cms.keyset import (
    InvalidCursor,
    Position,
    RowComparison,
    SeekPage,
    decode_cursor,
    encode_cursor,
)

from . import cachetags as article_tags
from . import lifecycle, selectors
from .models import Article

# A listing without an ordering or a search is newest first (``Article.Meta.ordering``).
DEFAULT_ORDERING: Final = "-published_at"
COUNT_KEY: Final = "articles:count:"
NEXT_LIVE_KEY: Final = "articles:next-live"


def _column(name: str) -> Field[Any, Any]:
    field = Article._meta.get_field(name)
    assert isinstance(field, Field)  # noqa: S101 - orderings name the article's own columns
    return field


def _check_orderings() -> None:
    """Every ordering clients may ask for must be keyset-pageable: its columns all run one way
    (a row comparison orders them together) and end with the id (so no two rows tie)."""
    for name, ordering in selectors.ORDERINGS.items():
        descending = {column.startswith("-") for column in ordering.columns}
        if len(descending) != 1 or ordering.columns[-1].lstrip("-") != "id":
            raise AssertionError(f"Ordering {name} cannot be paged by keyset.")
        for column in ordering.columns:
            kind = _column(column.lstrip("-")).get_internal_type()
            if kind not in _VALUE_PARSERS:
                raise AssertionError(f"Ordering {name}: no cursor parser for a {kind}.")


@dataclass(frozen=True)
class Listing:
    """The live articles a listing holds (``queryset``, ordered), what it is ordered by (a
    name in ``selectors.ORDERINGS``; None when a search ranks it by relevance), and what
    decides its membership: the filters given and the cache tags naming what they name."""

    queryset: QuerySet[Article]
    ordering: str | None
    filters: tuple[tuple[str, str], ...]
    tags: frozenset[str]

    @property
    def count_key(self) -> str:
        # A search's count is its candidates' (at most SEARCH_CANDIDATES): a new bound is a
        # new count.
        searched = (
            int(settings.SEARCH_CANDIDATES) if any(k == "search" for k, _ in self.filters) else 0
        )
        text = json.dumps([self.filters, searched], separators=(",", ":"))
        return COUNT_KEY + hashlib.sha256(text.encode()).hexdigest()[:32]


def _normalised(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value if timezone.is_aware(value) else timezone.make_aware(value)
        return moment.astimezone(UTC).isoformat()
    return json.dumps(value)


def article_listing(
    actor: Actor,
    *,
    tag: str | None = None,
    section: str | None = None,
    author: str | None = None,
    featured: bool | None = None,
    search: str | None = None,
    ordering: str | None = None,
    published_after: datetime | None = None,
    published_before: datetime | None = None,
) -> Listing:
    """:func:`selectors.article_list` (which checks every argument) as a :class:`Listing`.

    Its count is shared by every caller: the listings hold the live articles whoever asks
    (``selectors.readable_articles``), so the filters alone decide what is counted.
    """
    filters = {
        "tag": tag,
        "section": section,
        "author": author,
        "featured": featured,
        "search": search,
        "published_after": published_after,
        "published_before": published_before,
    }
    queryset = selectors.article_list(actor, ordering=ordering, **filters)  # type: ignore[arg-type]
    if ordering is None and search is None:
        ordering = DEFAULT_ORDERING
    tags = {article_tags.ARTICLES}
    if tag is not None:
        tags.add(article_tags.tag_tag(tag))
    if section is not None:
        tags.add(article_tags.section_tag(section))
    if author is not None:
        tags.add(article_tags.author_tag(author))
    given = sorted(
        (name, _normalised(value)) for name, value in filters.items() if value is not None
    )
    return Listing(queryset=queryset, ordering=ordering, filters=tuple(given), tags=frozenset(tags))


# --- count --------------------------------------------------------------------------------


def cached_count(listing: Listing) -> int:
    """How many articles ``listing`` holds: from the shared cache while the versions of its
    tags hold and no scheduled article has gone live since; else counted (and stored)."""
    lifetime = int(settings.API_COUNT_CACHE_SECONDS)
    if listing.queryset.query.is_empty():
        return 0
    if lifetime <= 0:
        return _count(listing)
    key = listing.count_key
    stored = cache.get(key)
    if (
        stored is not None
        and _before(stored["until"])
        and cachetags.still_current(stored["versions"])
    ):
        return int(stored["count"])
    # Versions first, then the next go-live, then the count: a write or a go-live that lands
    # in between leaves the stored count under old versions, or past its end, never served.
    current = cachetags.versions(listing.tags)
    going_live = next_live_at()
    count = _count(listing)
    timeout = _seconds_until(going_live, lifetime)
    if timeout > 0:
        cache.set(key, {"versions": current, "count": count, "until": going_live}, timeout)
    return count


def _before(moment: datetime | None) -> bool:
    """Is it still before ``moment`` (None: no end)? The cache's own expiry is whole seconds;
    this makes the end exact."""
    return moment is None or timezone.now() < moment


def _count(listing: Listing) -> int:
    return listing.queryset.order_by().count()


def _seconds_until(moment: datetime | None, lifetime: int) -> int:
    """Whole seconds from now until ``moment`` (rounded up: the entry itself says when it
    ends), at most ``lifetime``; 0 once it has come."""
    if moment is None:
        return lifetime
    return max(0, min(lifetime, math.ceil((moment - timezone.now()).total_seconds())))


def next_live_at() -> datetime | None:
    """When the next scheduled article goes live by the clock (no write marks it), or None.

    Kept in the shared cache under the version of ``articles`` (scheduling an article is a
    write) until that moment; one indexed query when it is not there.
    """
    lifetime = int(settings.API_COUNT_CACHE_SECONDS)
    stored = cache.get(NEXT_LIVE_KEY)
    if stored is not None and _before(stored["at"]) and cachetags.still_current(stored["versions"]):
        return stored["at"]
    current = cachetags.versions([article_tags.ARTICLES])
    upcoming = Article.objects.filter(
        lifecycle.listable_q(), published_at__gt=timezone.now()
    ).aggregate(at=Min("published_at"))["at"]
    timeout = _seconds_until(upcoming, lifetime)
    if timeout > 0:
        cache.set(NEXT_LIVE_KEY, {"versions": current, "at": upcoming}, timeout)
    return upcoming


# --- pages ---------------------------------------------------------------------------------


def _datetime_value(raw: Any, field: Field[Any, Any]) -> datetime:
    if not isinstance(raw, str) or len(raw) > 40:
        raise InvalidCursor("A date in it is not one.")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidCursor("A date in it is not one.") from None
    if timezone.is_naive(moment):
        raise InvalidCursor("A date in it has no time zone.")
    low, high = selectors.PUBLISHED_YEARS
    if not low <= moment.astimezone(UTC).year <= high:
        raise InvalidCursor("A date in it is out of range.")
    return moment


def _whole_value(raw: Any, field: Field[Any, Any]) -> int:
    if type(raw) is not int or not 0 <= raw < 2**63:
        raise InvalidCursor("A number in it is not a whole number in range.")
    return raw


def _text_value(raw: Any, field: Field[Any, Any]) -> str:
    if not isinstance(raw, str) or "\x00" in raw or len(raw) > (field.max_length or 0):
        raise InvalidCursor("A text in it is not one this listing holds.")
    return raw


# How a cursor's value for each kind of column an ordering may use is checked.
_VALUE_PARSERS: Final[dict[str, Callable[[Any, Field[Any, Any]], Any]]] = {
    "DateTimeField": _datetime_value,
    "BigAutoField": _whole_value,
    "AutoField": _whole_value,
    "PositiveBigIntegerField": _whole_value,
    "PositiveIntegerField": _whole_value,
    "CharField": _text_value,
}


_check_orderings()


class ArticleWindow:
    """A :class:`Listing` as rows holding ``fields``, paged by offset (``window[a:b]``, as
    Django's Paginator does) or by keyset (:meth:`seek` from a cursor).

    A page is read in one statement that first picks the page's ids from the index, then
    loads only those rows: sorting and joining the whole filtered set to return twenty rows
    is what makes naive listings slow. Each row also holds the ordering's columns, for its
    cursor.
    """

    ordered = True  # the queryset carries the ordering; tells Paginator not to warn

    def __init__(self, listing: Listing, fields: Iterable[str]) -> None:
        self.listing = listing
        self.fields = tuple(fields)
        ordering = selectors.ORDERINGS[listing.ordering] if listing.ordering else None
        self.order: tuple[str, ...] = ordering.columns if ordering else ()
        self.key = tuple(column.lstrip("-") for column in self.order)

    @property
    def keyset(self) -> bool:
        """Can it be paged by cursor? (Not by relevance: a rank is no column to seek.)"""
        return bool(self.key)

    def count(self) -> int:
        return cached_count(self.listing)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[selectors.Row]:
        queryset = self.listing.queryset
        page_ids = queryset.values("pk")[window]
        return self._rows(queryset.filter(pk__in=Subquery(page_ids)))

    def seek(self, position: Position, size: int) -> SeekPage:
        """Up to ``size`` rows after ``position`` (before it, going back), in the listing's
        order, and whether more lie beyond them in that direction."""
        descending = self.order[0].startswith("-")
        operator = "<" if descending != position.backwards else ">"
        order = self.order
        if position.backwards:
            order = tuple(c[1:] if c.startswith("-") else "-" + c for c in self.order)
        values = [
            Value(value, output_field=_column(column))
            for column, value in zip(self.key, position.values, strict=True)
        ]
        queryset = self.listing.queryset.order_by(*order)
        page_ids = queryset.filter(RowComparison(self.key, operator, values)).values("pk")
        rows = self._rows(queryset.filter(pk__in=Subquery(page_ids[: size + 1])))
        more = len(rows) > size
        rows = rows[:size]
        if position.backwards:
            rows.reverse()
        return SeekPage(rows=rows, more=more)

    def _rows(self, queryset: QuerySet[Article]) -> list[selectors.Row]:
        rows = list(selectors.article_rows(queryset, self.fields, also=self.key))
        return selectors.attach_related(rows, self.fields)

    def cursor_after(self, row: selectors.Row) -> str:
        """The cursor of the page after ``row``."""
        return self._cursor(row, backwards=False)

    def cursor_before(self, row: selectors.Row) -> str:
        """The cursor of the page before ``row``."""
        return self._cursor(row, backwards=True)

    def _cursor(self, row: selectors.Row, *, backwards: bool) -> str:
        values = [
            row[column].isoformat() if isinstance(row[column], datetime) else row[column]
            for column in self.key
        ]
        payload: dict[str, Any] = {"o": self.listing.ordering, "k": values}
        if backwards:
            payload["r"] = 1
        return encode_cursor(payload)

    def parse_cursor(self, token: str) -> Position:
        """The position a cursor names, checked value by value: a cursor comes from the
        client. :class:`InvalidCursor` says what is wrong with it."""
        if not self.keyset:
            raise InvalidCursor(
                "Results ranked by relevance are paged by number, not by cursor; give an "
                "ordering to page by cursor."
            )
        payload = decode_cursor(token)
        if (
            not isinstance(payload, dict)
            or not set(payload) <= {"o", "k", "r"}
            or not isinstance(payload.get("k"), list)
            or payload.get("r", 0) not in (0, 1)
        ):
            raise InvalidCursor("Not a cursor this API gave: follow the `next` links.")
        if payload.get("o") != self.listing.ordering:
            raise InvalidCursor(
                "This cursor pages another ordering: ask for its ordering, or start again "
                "without the cursor."
            )
        if len(payload["k"]) != len(self.key):
            raise InvalidCursor("Not a cursor this API gave: follow the `next` links.")
        values = []
        for column, raw in zip(self.key, payload["k"], strict=True):
            field = _column(column)
            values.append(_VALUE_PARSERS[field.get_internal_type()](raw, field))
        return Position(values=tuple(values), backwards=bool(payload.get("r")))
