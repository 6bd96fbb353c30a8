"""Reader views, counted in the cache first and written to the database in batches.

Writing each view at once (an UPDATE of the article, an upsert of its day's row, in a
transaction) made a view cost several times a read. Instead a view adds one to a counter per
article and day in the shared cache, and ``articles.services.readers.flush_views`` writes
what has gathered every ``VIEWS_FLUSH_EVERY`` seconds.

Two buffers, chosen by the cache backend:

- Redis (``REDIS_URL``): one hash, ``views:pending``, field ``{article}:{day}``, shared by every
  process and server; HINCRBY is atomic, so concurrent views add up exactly. A flush renames
  the hash to ``views:flushing`` (atomic: views arriving meanwhile start a new pending hash)
  and stamps it with a batch id. The database records the batch id in the transaction that
  writes its counts (``ViewFlush``), and only then is the hash deleted: a flush interrupted
  at any point and run again writes each batch exactly once. Django's cache API has no
  hashes and no rename, hence redis-py directly, on the cache's own Redis database.
- Anything else (the local-memory default): a dictionary in this process, under a lock. No
  other process can see it, so the process that counted the views writes them: at its next
  view once ``VIEWS_FLUSH_EVERY`` seconds have passed, when the worker's periodic flush runs
  in it, and when it exits.
"""

from __future__ import annotations

import atexit
import contextlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache as once
from typing import Any, Protocol

import redis
from django.conf import settings

# (article id, day) -> views not yet in the database.
Counts = dict[tuple[int, date], int]


@dataclass
class Batch:
    """Views taken from the buffer to be written: ``done`` once they are in the database."""

    id: str
    counts: Counts
    done: Callable[[], None] = field(default=lambda: None)


class ViewBuffer(Protocol):
    def add(self, article_id: int, day: date) -> int:
        """Count one view; return the article's views on ``day`` not yet in the database."""

    def pending(self, article_id: int, day: date) -> int:
        """The article's views on ``day`` not yet in the database."""

    def take(self) -> list[Batch]:
        """The views to write: batches left by an interrupted flush first, then what has
        gathered since the last flush (views arriving from now on wait for the next)."""

    def due(self) -> bool:
        """Should the process counting views flush them itself now?"""

    def discard(self) -> None:
        """Forget every buffered view (tests)."""


def _field(article_id: int, day: date) -> str:
    return f"{article_id}:{day.isoformat()}"


def _parse(name: str) -> tuple[int, date]:
    article, day = name.split(":")
    return int(article), date.fromisoformat(day)


class RedisViewBuffer:
    BATCH_FIELD = "batch"

    def __init__(self, url: str, prefix: str) -> None:
        self.client: Any = redis.Redis.from_url(url)
        self.pending_key = f"{prefix}:views:pending"
        self.flushing_key = f"{prefix}:views:flushing"

    def add(self, article_id: int, day: date) -> int:
        name = _field(article_id, day)
        pipe = self.client.pipeline(transaction=True)
        pipe.hincrby(self.pending_key, name, 1)
        pipe.hget(self.flushing_key, name)
        added, flushing = pipe.execute()
        return int(added) + int(flushing or 0)

    def pending(self, article_id: int, day: date) -> int:
        name = _field(article_id, day)
        pipe = self.client.pipeline(transaction=False)
        pipe.hget(self.pending_key, name)
        pipe.hget(self.flushing_key, name)
        return sum(int(found or 0) for found in pipe.execute())

    def take(self) -> list[Batch]:
        # A batch left by a flush that stopped before deleting it: written already or not,
        # its id says (ViewFlush), so it is handed out again rather than lost.
        if not self.client.exists(self.flushing_key):
            try:
                # Fails if a flushing hash appeared meanwhile (another flush): left for it.
                self.client.renamenx(self.pending_key, self.flushing_key)
            except redis.ResponseError as error:
                if "no such key" not in str(error).lower():
                    raise
                return []  # no views since the last flush
        self.client.hsetnx(self.flushing_key, self.BATCH_FIELD, secrets.token_hex(16))
        stored = self.client.hgetall(self.flushing_key)
        batch_id = stored.pop(self.BATCH_FIELD.encode()).decode()
        counts = {_parse(name.decode()): int(value) for name, value in stored.items()}
        return [
            Batch(id=batch_id, counts=counts, done=lambda: self.client.delete(self.flushing_key))
        ]

    def due(self) -> bool:
        # The worker's periodic flush writes the shared buffer; 0 writes each view at once.
        return bool(settings.VIEWS_FLUSH_EVERY <= 0)

    def discard(self) -> None:
        self.client.delete(self.pending_key, self.flushing_key)


class LocalViewBuffer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counts = {}
        self.last_flush = time.monotonic()

    def add(self, article_id: int, day: date) -> int:
        key = (article_id, day)
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1
            return self.counts[key]

    def pending(self, article_id: int, day: date) -> int:
        with self.lock:
            return self.counts.get((article_id, day), 0)

    def take(self) -> list[Batch]:
        with self.lock:
            counts, self.counts = self.counts, {}
            self.last_flush = time.monotonic()
        # In this process's memory only: nothing survives the process to be written twice.
        return [Batch(id=secrets.token_hex(16), counts=counts)] if counts else []

    def due(self) -> bool:
        return bool(self.counts) and (
            time.monotonic() - self.last_flush >= settings.VIEWS_FLUSH_EVERY
        )

    def discard(self) -> None:
        with self.lock:
            self.counts = {}
            self.last_flush = time.monotonic()


@once
def buffer() -> ViewBuffer:
    """This process's view buffer: the shared one on Redis, else its own."""
    config = settings.CACHES["default"]
    if config["BACKEND"].endswith(".RedisCache"):
        location = config["LOCATION"]
        url = location[0] if isinstance(location, list | tuple) else location
        return RedisViewBuffer(url, config.get("KEY_PREFIX", ""))
    local = LocalViewBuffer()
    atexit.register(_flush_at_exit)
    return local


def _flush_at_exit() -> None:
    from .services.readers import flush_views

    # The database may be gone at exit: there is nothing left to do then.
    with contextlib.suppress(Exception):
        flush_views()
