"""In-process timings: each read through Django's test client (the whole middleware stack, no
network), cold and warm, as the issue's table was measured.

Run as ``python -m bench.inprocess`` in a process of its own per database and size (Django's
settings are set once per process), under config.settings.bench with that DATABASE_URL and
REDIS_URL; prints one line ``RESULT {json}``.

- cold: the cache is cleared before each request (outside the timing), so each one is built
  from the database, as the first reader after a change gets it;
- warm: the same request repeated with the cache kept, as the next readers get it.

Each figure takes up to BENCH_RUNS requests after one warm-up, fewer (at least
BENCH_MIN_RUNS) when they would take more than BENCH_BUDGET seconds: a slow read is reported
from fewer samples (its ``runs``) rather than stretching the run by minutes.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

RUNS = int(os.environ.get("BENCH_RUNS", "50"))
MIN_RUNS = int(os.environ.get("BENCH_MIN_RUNS", "5"))
BUDGET = float(os.environ.get("BENCH_BUDGET", "4"))
HOST = {"Host": "127.0.0.1"}


@dataclass
class Timing:
    p50: float  # milliseconds
    p95: float
    runs: int
    queries: int  # SQL queries of one request in this state
    status: int


@dataclass
class Measured:
    name: str
    path: str
    cold: Timing
    warm: Timing


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: with few samples, a real sample rather than an interpolation."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def clear_cache() -> None:
    """What "cold" means: nothing cached. The whole cache is cleared (the benchmark owns its
    cache: a database of its own on Redis, or this process's memory); a narrower call from
    the response-cache, once it offers one, would belong here and nowhere else."""
    from django.core.cache import cache

    cache.clear()


def measure(send: Callable[[], Any], before: Callable[[], None] | None) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if before:
        before()
    response = send()  # warm-up: imports, connections, content types, compiled templates
    if before:
        before()
    with CaptureQueriesContext(connection) as captured:
        response = send()
    # Read now: the next request's start clears the log this reads from.
    queries = len(captured.captured_queries)
    samples: list[float] = []
    spent = 0.0
    while len(samples) < RUNS and (spent < BUDGET or len(samples) < MIN_RUNS):
        if before:
            before()
        started = time.perf_counter()
        send()
        elapsed = time.perf_counter() - started
        samples.append(elapsed * 1000)
        spent += elapsed
    return Timing(
        p50=statistics.median(samples),
        p95=percentile(samples, 0.95),
        runs=len(samples),
        queries=queries,
        status=response.status_code,
    )


def dataset_slug() -> str:
    """The published article with the most approved comments: the longest thread."""
    from articles.models import Article

    return str(
        Article.objects.published()
        .order_by("-comment_count", "pk")
        .values_list("slug", flat=True)[0]
    )


def deep_page(client: Any) -> str:
    """The deepest page of the plain list the API answers: the last page, or, where the API
    caps page numbers, the deepest it allows (found by bisection)."""
    from bench.endpoints import ARTICLES

    first = client.get(f"{ARTICLES}?page_size=20")
    assert first.status_code == 200, first.content[:300]
    count = int(first.json().get("count") or 0)
    last = max(1, math.ceil(count / 20))

    def answers(page: int) -> bool:
        return bool(client.get(f"{ARTICLES}?page_size=20&page={page}").status_code == 200)

    if not answers(last):
        low, high = 1, last  # page `low` answers, page `high` does not
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if answers(middle) else (low, middle)
        last = low
    return f"page={last}"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    from django.test import Client

    from bench.endpoints import ENDPOINTS, resolve

    client = Client(headers=HOST)
    slug = dataset_slug()
    deep = deep_page(client)
    results: list[Measured] = []
    for endpoint in ENDPOINTS:
        if not endpoint.inprocess:
            continue
        path = resolve(endpoint.path, slug, deep)
        body = resolve(endpoint.body, slug, deep) if endpoint.body is not None else None

        def send(path: str = path, body: str | None = body) -> Any:
            if body is None:
                return client.get(path)
            return client.post(path, body, content_type="application/json")

        response = send()
        failed = response.status_code != 200 or b'"errors"' in response.content[:2000]
        if failed:
            raise SystemExit(
                f"{endpoint.name}: {path} answered {response.status_code}: "
                f"{response.content[:500]!r}"
            )
        results.append(
            Measured(
                name=endpoint.name,
                path=path,
                cold=measure(send, clear_cache),
                warm=measure(send, None),
            )
        )
    print("RESULT " + json.dumps({"slug": slug, "rows": [asdict(r) for r in results]}))


if __name__ == "__main__":
    main()
