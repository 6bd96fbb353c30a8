"""Versioned cache tags: what lets cached answers (responses, counts) be invalidated exactly.

Every cached answer is built from some named things, its *tags*: ``articles`` (every article
listing), ``article-12``, ``author-ana``, ``section-news``, ``tag-ferries`` (../API.md's
surrogate keys). Each tag has a version in the shared cache. An answer is stored with the
versions of its tags as they were when it was built, and is served only while they still
hold; a change *invalidates* the tags it touched by giving them new versions, so exactly the
answers naming them are rebuilt and nothing else is flushed.

A version is a random token, not a counter: were a tag's version evicted under memory
pressure and counted again from zero, an old answer could find its stored number current
again. A missing version is created afresh, so an eviction only ever costs a rebuild.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

PREFIX = "tagv:"

# Called with the tags a committed change invalidated (the CDN purger registers here).
_listeners: list[Callable[[frozenset[str]], None]] = []


def _key(tag: str) -> str:
    return PREFIX + tag


def _fresh(made: int | None = None) -> str:
    # When it was made (ns, hex) before the random part: :func:`settled_before` reads it.
    return f"{time.time_ns() if made is None else made:x}.{secrets.token_hex(6)}"


def versions(tags: Iterable[str]) -> dict[str, str]:
    """The current version of each tag (one cache round trip; a missing version is created)."""
    tags = sorted(set(tags))
    found = cache.get_many([_key(tag) for tag in tags])
    result: dict[str, str] = {}
    missing: dict[str, str] = {}
    for tag in tags:
        version = found.get(_key(tag))
        if version is None:
            # Made by a reader, not by a change: dated at the epoch, so an answer built
            # meanwhile may be stored (a change always dates the version it makes).
            version = missing[_key(tag)] = _fresh(made=0)
        result[tag] = version
    if missing:
        # Another process may create the same tag's version at the same moment: whichever
        # lands, answers stored under the other are merely rebuilt once.
        cache.set_many(missing, timeout=None)
    return result


def still_current(stored: dict[str, str]) -> bool:
    """Do the versions an answer was stored with all still hold?"""
    if not stored:
        return True
    found = cache.get_many([_key(tag) for tag in stored])
    return all(found.get(_key(tag)) == version for tag, version in stored.items())


def settled_before(stored: dict[str, str], moment_ns: int) -> bool:
    """Were all these versions made before ``moment_ns`` (``time.time_ns()``)? An answer
    built from rows read at that moment, stored under versions made after it, could hold
    rows a change committed meanwhile had replaced: a cache stores it only if this holds.
    (Across servers this trusts their clocks; the cache's lifetime bounds what a skew costs.)
    """
    for version in stored.values():
        made, _, _ = version.partition(".")
        try:
            if int(made, 16) >= moment_ns:
                return False
        except ValueError:  # an older version without its time
            return False
    return True


def invalidate(tags: Iterable[str]) -> None:
    """Give ``tags`` new versions once the current transaction commits (at once outside one):
    answers built before the change are never served after it, and a rolled-back change
    invalidates nothing."""
    tags = frozenset(tags)
    if tags:
        transaction.on_commit(lambda: _invalidate_now(tags))


def _invalidate_now(tags: frozenset[str]) -> None:
    cache.set_many({_key(tag): _fresh() for tag in tags}, timeout=None)
    for listener in _listeners:
        listener(tags)


def on_invalidate(listener: Callable[[frozenset[str]], None]) -> None:
    """Call ``listener`` with the tags of every committed invalidation in this process."""
    if listener not in _listeners:
        _listeners.append(listener)


# The tags of what the current request has read so far: selectors record them where rows are
# loaded, so the response cache learns what a response names without the REST and GraphQL
# adapters knowing (a contextvar: each thread, and each asyncio task, has its own).
_collected: ContextVar[set[str] | None] = ContextVar("cachetags_collected", default=None)


@contextmanager
def collecting() -> Iterator[set[str]]:
    """Gather the tags :func:`record` is given while the block runs (nested blocks gather for
    themselves only)."""
    found: set[str] = set()
    token = _collected.set(found)
    try:
        yield found
    finally:
        _collected.reset(token)


def record(tags: Iterable[str]) -> None:
    """Note that what is being built names ``tags`` (nothing happens outside
    :func:`collecting`)."""
    found = _collected.get()
    if found is not None:
        found.update(tags)
