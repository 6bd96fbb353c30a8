"""Who else has an article open in the admin: a notice ("Maya Berg is editing this article
(since 10:02)"), never a lock. Saving stays guarded by the version check alone.

Each open change page reports itself through the shared cache (so every app server sees it)
when it is opened and then every ``HEARTBEAT_SECONDS``; a page not heard from for
``STALE_AFTER_SECONDS`` is forgotten, and one that is left says so at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import time_format

HEARTBEAT_SECONDS = 30
STALE_AFTER_SECONDS = 3 * HEARTBEAT_SECONDS


@dataclass(frozen=True)
class Editor:
    name: str
    since: datetime

    @property
    def notice(self) -> str:
        return (
            f"{self.name} is editing this article "
            f"(since {time_format(timezone.localtime(self.since), 'H:i')})."
        )


def _key(article_id: int) -> str:
    return f"articles:editing:{article_id}"


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def here(article_id: int, user: Any, *, now: datetime | None = None) -> list[Editor]:
    """Note that ``user`` has the article open; the others who have it open, earliest first.

    The entries live under one cache key, read and written back: two pages reporting at the
    same instant may drop each other's entry until their next report, which a notice can
    afford (a lock could not).
    """
    now = now or timezone.now()
    entries = _fresh(cache.get(_key(article_id)) or {}, now)
    mine = entries.get(str(user.pk))
    since = mine["since"] if mine else now.timestamp()
    entries[str(user.pk)] = {"name": _name(user), "since": since, "seen": now.timestamp()}
    cache.set(_key(article_id), entries, timeout=STALE_AFTER_SECONDS * 2)
    return _others(entries, user)


def left(article_id: int, user: Any) -> None:
    """The user closed the article (or saved it and moved on)."""
    entries = cache.get(_key(article_id)) or {}
    if entries.pop(str(user.pk), None) is not None:
        cache.set(_key(article_id), entries, timeout=STALE_AFTER_SECONDS * 2)


def _fresh(entries: dict[str, Any], now: datetime) -> dict[str, Any]:
    cutoff = now.timestamp() - STALE_AFTER_SECONDS
    return {uid: entry for uid, entry in entries.items() if entry.get("seen", 0) >= cutoff}


def _others(entries: dict[str, Any], user: Any) -> list[Editor]:
    others = [
        Editor(
            entry["name"],
            datetime.fromtimestamp(entry["since"], tz=timezone.get_current_timezone()),
        )
        for uid, entry in entries.items()
        if uid != str(user.pk)
    ]
    return sorted(others, key=lambda editor: editor.since)
