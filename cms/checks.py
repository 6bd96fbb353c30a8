"""System checks Byline adds to Django's, and the start-up gate that runs them where no
management command does (gunicorn and other WSGI/ASGI servers)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.management.base import SystemCheckError

# Cache backends whose counters every process shares, with atomic add/incr: rate limits, view
# counts and response caching hold across workers only on one of these.
SHARED_CACHES = frozenset(
    {
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.memcached.PyMemcacheCache",
        "django.core.cache.backends.memcached.PyLibMCCache",
        "django_redis.cache.RedisCache",
    }
)


@checks.register(checks.Tags.caches)
def workers_share_a_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Several worker processes (gunicorn and uvicorn read WEB_CONCURRENCY) each keep their
    own in-process cache, which multiplies every limit and count by the number of workers."""
    raw = os.environ.get("WEB_CONCURRENCY", "").strip()
    if not raw:
        return []
    try:
        workers = int(raw)
    except ValueError:
        return [
            checks.Error(
                f"WEB_CONCURRENCY must be a whole number of worker processes, not {raw!r}.",
                id="byline.E002",
            )
        ]
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if workers <= 1 or backend in SHARED_CACHES:
        return []
    return [
        checks.Error(
            f"WEB_CONCURRENCY={workers} runs {workers} worker processes, and without REDIS_URL "
            f"each keeps its own cache ({backend.rsplit('.', 1)[-1] or 'none'}): rate limits "
            f"and view counts would count {workers} times over.",
            hint="Set REDIS_URL to a Redis that every worker shares, or run one worker.",
            id="byline.E001",
        )
    ]


def refuse_to_start_on_errors() -> None:
    """Run the system checks as ``manage.py runserver`` does and raise on any error.

    WSGI and ASGI servers run no checks of their own; the entry points call this so that a
    configuration the checks refuse (several workers on an unshared cache) never serves."""
    errors = [
        message
        for message in checks.run_checks()
        if message.is_serious() and not message.is_silenced()
    ]
    if errors:
        lines = "\n".join(
            f"{error.id}: {error.msg} {error.hint or ''}".rstrip() for error in errors
        )
        raise SystemCheckError(f"System check identified errors; refusing to start:\n{lines}")
