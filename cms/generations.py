"""Generation counters: a number that changes whenever a family of objects changes.

HTTP caches key their ETags on them (``cms.api.caching``). Kept in the shared cache, so every
app server sees the same number; losing it (eviction, a Redis restart) only invalidates ETags.
"""

from __future__ import annotations

from django.core.cache import cache

_KEY = "byline:generation:{}"


def generation(name: str) -> int:
    value = cache.get(_KEY.format(name))
    if value is None:
        value = 1
        cache.add(_KEY.format(name), value, timeout=None)
    return int(value)


def bump_generation(name: str) -> None:
    key = _KEY.format(name)
    try:
        cache.incr(key)
    except ValueError:  # not set (or evicted): start above anything handed out before
        cache.set(key, generation(name) + 1, timeout=None)
