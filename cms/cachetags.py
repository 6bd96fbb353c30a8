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
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

PREFIX = "tagv:"

# Called with the tags a committed change invalidated (the CDN purger registers here).
_listeners: list[Callable[[frozenset[str]], None]] = []


def _key(tag: str) -> str:
    return PREFIX + tag


def _fresh() -> str:
    return secrets.token_hex(6)


def versions(tags: Iterable[str]) -> dict[str, str]:
    """The current version of each tag (one cache round trip; a missing version is created)."""
    tags = sorted(set(tags))
    found = cache.get_many([_key(tag) for tag in tags])
    result: dict[str, str] = {}
    missing: dict[str, str] = {}
    for tag in tags:
        version = found.get(_key(tag))
        if version is None:
            version = missing[_key(tag)] = _fresh()
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
