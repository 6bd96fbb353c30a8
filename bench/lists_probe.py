"""In-process p50 of the article listings, cold (no response cache), as issue 16 measured them.

    DJANGO_SETTINGS_MODULE=config.settings.bench DATABASE_URL=... python bench/lists_probe.py

Runs each read through Django's test client: a few warm-up requests, then ``--runs`` timed
ones, and prints the median in milliseconds with the SQL each ran. The article count comes
from the database, so the same command over a 1,000- and a 100,000-article copy gives the
growth ratio. ``--fresh-counts`` clears the shared cache before every timed request, so each
one also pays for its ``count`` (what the first reader after a write pays).

Kept beside ``bench/run.py`` rather than in it: ``make bench`` measures throughput through
gunicorn and wrk; this measures one request's cost, listing by listing, to find the slow
plans.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

GRAPHQL = """query($after: String, $order: ArticleOrder, $tag: String) {
  articles(first: 20, after: $after, orderBy: $order, tag: $tag) {
    totalCount edges { cursor node { id slug title authors { slug name } section { slug }
    tags { slug } publishedAt viewCount commentCount } } pageInfo { hasNextPage endCursor } } }"""


def reads() -> list[tuple[str, str, dict[str, Any] | None]]:
    """(name, REST path or "/graphql/", GraphQL variables or None)."""
    from articles.models import Article, ArticleAuthor, Section, Tag

    live = Article.objects.published()
    total = live.count()
    tag = Tag.objects.order_by("id").values_list("slug", flat=True).first()
    section = Section.objects.order_by("id").values_list("slug", flat=True).first()
    author = (
        ArticleAuthor.objects.order_by("author_id").values_list("author__slug", flat=True).first()
    )
    last = max(1, -(-total // 20))
    found: list[tuple[str, str, dict[str, Any] | None]] = [
        ("list, page 1", "/api/v1/articles/", None),
        ("list, page 50", "/api/v1/articles/?page=50", None),
        ("list, last page (number)", f"/api/v1/articles/?page={last}", None),
    ]
    for ordering in ("published_at", "-view_count", "-comment_count", "title"):
        found.append((f"ordering={ordering}", f"/api/v1/articles/?ordering={ordering}", None))
    found += [
        ("tag filter", f"/api/v1/articles/?tag={tag}", None),
        ("section filter", f"/api/v1/articles/?section={section}", None),
        ("author filter", f"/api/v1/articles/?author={author}", None),
        ("featured", "/api/v1/articles/?featured=true", None),
        ("GraphQL articles(first: 20)", "/graphql/", {}),
        ("GraphQL articles, -view_count", "/graphql/", {"order": "VIEW_COUNT_DESC"}),
        ("GraphQL articles, tag", "/graphql/", {"tag": tag}),
    ]
    found += deep_cursor_reads(total)
    return found


def deep_cursor_reads(total: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    """A page 90% of the way down, by cursor, for REST (two orderings) and GraphQL."""
    try:
        from articles import listing
    except ImportError:  # before keyset pagination
        return []
    from cms.actors import Actor

    deep: list[tuple[str, str, dict[str, Any] | None]] = []
    for ordering in ("-published_at", "-view_count", "title"):
        found = listing.article_listing(Actor.anonymous(), ordering=ordering)
        window = listing.ArticleWindow(found, ("id",))
        (row,) = window[int(total * 0.9) : int(total * 0.9) + 1]
        cursor = window.cursor_after(row)
        deep.append(
            (
                f"deep cursor page ({ordering})",
                f"/api/v1/articles/?ordering={ordering}&cursor={cursor}",
                None,
            )
        )
        if ordering == "-published_at":
            deep.append(("GraphQL deep after", "/graphql/", {"after": cursor}))
    return deep


def measure(runs: int, fresh_counts: bool) -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article

    client = Client(headers={"Host": "127.0.0.1"})
    results: dict[str, Any] = {"articles": Article.objects.count()}

    for name, path, variables in reads():

        def fetch(path: str = path, variables: dict[str, Any] | None = variables) -> Any:
            if variables is None:
                return client.get(path)
            body = json.dumps({"query": GRAPHQL, "variables": variables})
            return client.post(path, body, content_type="application/json")

        first = fetch()
        status = first.status_code
        for _ in range(5):
            fetch()
        times = []
        for _ in range(runs):
            if fresh_counts:
                cache.clear()
            started = time.perf_counter()
            fetch()
            times.append((time.perf_counter() - started) * 1000)
        if fresh_counts:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            fetch()
        results[name] = {
            "p50_ms": round(statistics.median(times), 2),
            "status": status,
            "queries": len(captured.captured_queries),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--fresh-counts", action="store_true")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    print(json.dumps(measure(options.runs, options.fresh_counts), indent=1))


if __name__ == "__main__":
    main()
