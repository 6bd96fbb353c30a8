"""Purging a CDN by surrogate key when cached answers are invalidated.

Every anonymous cacheable answer names its cache tags in ``Surrogate-Key`` / ``Cache-Tag``
(``cms.responsecache``). When a committed change invalidates tags (``cms.cachetags``), the
purger named by CDN_PURGER is handed them through the task worker, so a slow or failing CDN
never delays or fails the write; a failed purge is logged and retried
(CDN_PURGE_ATTEMPTS, CDN_PURGE_RETRY_SECONDS apart).

CDN_PURGER: ``""`` or ``"none"`` (the default: nothing to purge, no task enqueued),
``"fastly"``, ``"cloudflare"``, or the dotted path of a class taking no arguments whose
``purge(tags)`` raises on failure.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Final, Protocol

import orjson
import urllib3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from cms import cachetags
from cms.queue import task

logger = logging.getLogger(__name__)

# The most keys each API takes in one purge request.
FASTLY_BATCH: Final = 256
CLOUDFLARE_BATCH: Final = 30


class PurgeFailed(Exception):
    pass


class Purger(Protocol):
    def purge(self, tags: Sequence[str]) -> None:
        """Purge everything the CDN holds under any of ``tags``; raise on failure."""


def batches(tags: Sequence[str], size: int) -> list[list[str]]:
    ordered = sorted(tags)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


class _HttpPurger:
    # One pool per process: purges are rare, but a burst (a bulk action) reuses connections.
    _pool: urllib3.PoolManager | None = None

    def post(self, url: str, *, headers: dict[str, str], body: bytes = b"") -> None:
        if _HttpPurger._pool is None:
            _HttpPurger._pool = urllib3.PoolManager()
        seconds = float(settings.CDN_PURGE_TIMEOUT_SECONDS)
        try:
            response = _HttpPurger._pool.request(
                "POST",
                url,
                body=body,
                headers=headers,
                timeout=urllib3.Timeout(total=seconds),
                retries=False,  # the task retries, spaced out
            )
        except urllib3.exceptions.HTTPError as error:
            raise PurgeFailed(f"{url}: {error}") from error
        if not 200 <= response.status < 300:
            text = response.data[:200].decode("utf-8", "replace")
            raise PurgeFailed(f"{url} answered {response.status}: {text}")


class FastlyPurger(_HttpPurger):
    """Fastly's purge by surrogate key: POST ``{base}/service/{id}/purge`` with the keys in
    ``Surrogate-Key`` (space-separated, at most 256 a request) and the API token in
    ``Fastly-Key``."""

    def __init__(self) -> None:
        self.base = str(settings.CDN_FASTLY_API_URL).rstrip("/")
        self.service = str(settings.CDN_FASTLY_SERVICE_ID)
        self.key = str(settings.CDN_FASTLY_API_KEY)
        if not self.service or not self.key:
            raise ImproperlyConfigured(
                "CDN_PURGER=fastly needs CDN_FASTLY_SERVICE_ID and CDN_FASTLY_API_KEY."
            )

    def purge(self, tags: Sequence[str]) -> None:
        for batch in batches(tags, FASTLY_BATCH):
            self.post(
                f"{self.base}/service/{self.service}/purge",
                headers={"Fastly-Key": self.key, "Surrogate-Key": " ".join(batch)},
            )


class CloudflarePurger(_HttpPurger):
    """Cloudflare's purge by cache tag: POST ``{base}/client/v4/zones/{zone}/purge_cache``
    with ``{"tags": [...]}`` (at most 30 a request) and a Bearer API token."""

    def __init__(self) -> None:
        self.base = str(settings.CDN_CLOUDFLARE_API_URL).rstrip("/")
        self.zone = str(settings.CDN_CLOUDFLARE_ZONE_ID)
        self.token = str(settings.CDN_CLOUDFLARE_API_TOKEN)
        if not self.zone or not self.token:
            raise ImproperlyConfigured(
                "CDN_PURGER=cloudflare needs CDN_CLOUDFLARE_ZONE_ID and CDN_CLOUDFLARE_API_TOKEN."
            )

    def purge(self, tags: Sequence[str]) -> None:
        for batch in batches(tags, CLOUDFLARE_BATCH):
            self.post(
                f"{self.base}/client/v4/zones/{self.zone}/purge_cache",
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                },
                body=orjson.dumps({"tags": batch}),
            )


_NAMED: Final[dict[str, Any]] = {"fastly": FastlyPurger, "cloudflare": CloudflarePurger}


def configured() -> bool:
    return str(settings.CDN_PURGER).strip().lower() not in ("", "none")


def purger() -> Purger:
    name = str(settings.CDN_PURGER).strip()
    factory = _NAMED.get(name.lower()) or import_string(name)
    made: Purger = factory()
    return made


@task()
def purge(tags: list[str], attempt: int = 1) -> str:
    """Purge ``tags`` from the CDN; on failure, log it and enqueue a retry (the worker's
    backend runs it later) until CDN_PURGE_ATTEMPTS have failed."""
    try:
        purger().purge(tags)
    except Exception as error:
        attempts = int(settings.CDN_PURGE_ATTEMPTS)
        logger.warning(
            "CDN purge of %d tag(s) failed (attempt %d of %d): %s",
            len(tags),
            attempt,
            attempts,
            error,
        )
        if attempt >= attempts:
            raise
        retry = purge
        if purge.get_backend().supports_defer:
            delay = timedelta(seconds=float(settings.CDN_PURGE_RETRY_SECONDS))
            retry = purge.using(run_after=timezone.now() + delay)
        retry.enqueue(tags, attempt + 1)
        return f"failed, retry {attempt + 1} enqueued"
    return f"purged {len(tags)} tag(s)"


def _purge_after_commit(tags: frozenset[str]) -> None:
    """``cachetags``'s listener: runs after commit, and only enqueues."""
    if not configured():
        return
    try:
        purge.enqueue(sorted(tags))
    except Exception:
        # The change is committed: failing its request now would only hide that. The cache's
        # lifetime (API_CACHE_MAX_AGE) bounds what the CDN serves stale meanwhile.
        logger.exception("Could not enqueue the CDN purge of %d tag(s)", len(tags))


cachetags.on_invalidate(_purge_after_commit)
