"""Per-request batching for nested GraphQL fields, without asyncio.

graphene-django 3's view executes synchronously and its DataLoaders need an event loop. This
does the part that matters here: a root resolver remembers the keys it returns (a page of
article ids); the first nested resolver that needs, say, comments for one of them loads them
for all remembered keys in one query, and the rest are answered from memory.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any


def _state(info: Any) -> dict[Any, Any]:
    state: dict[Any, Any] = info.context.__dict__.setdefault("_byline_batches", {})
    return state


def remember(info: Any, kind: str, keys: Iterable[Hashable]) -> None:
    """Note that the response is about to contain ``keys`` of ``kind``."""
    _state(info).setdefault(("keys", kind), []).extend(keys)


def load(
    info: Any,
    kind: str,
    name: Hashable,
    key: Hashable,
    load_many: Callable[[list[Any]], dict[Any, Any]],
    default: Any,
) -> Any:
    """The value for ``key``; the first call loads it for every remembered key of ``kind``
    at once. ``name`` separates loads with different arguments (page sizes, offsets)."""
    loaded: dict[Any, Any] = _state(info).setdefault(("loaded", name), {})
    if key not in loaded:
        remembered = _state(info).get(("keys", kind), [])
        keys = [k for k in dict.fromkeys([*remembered, key]) if k not in loaded]
        found = load_many(keys)
        for k in keys:
            loaded[k] = found.get(k, default)
    return loaded[key]
