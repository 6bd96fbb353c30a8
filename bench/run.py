"""`make bench`: load the API from loopback with wrk and print a table.

Serves the app with gunicorn (2 sync workers, DEBUG off) under config.settings.bench, over a
generated dataset, and measures each endpoint for a bounded time. The "floor" is a bare Django
JSON view served by the same server in the same run: each endpoint's req/s is reported as a
ratio of it, which makes figures comparable across machines.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DURATION = os.environ.get("BENCH_DURATION", "8s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
BASE = f"http://127.0.0.1:{PORT}"


def sh(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(args, check=True, text=True, capture_output=True, **kwargs)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    import django

    django.setup()


def prepare_database(python: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    (ROOT / "var").mkdir(exist_ok=True)
    if "DATABASE_URL" not in os.environ:
        for suffix in ("", "-wal", "-shm"):
            (ROOT / "var" / f"bench.sqlite3{suffix}").unlink(missing_ok=True)
    sh(python, "manage.py", "migrate", "--noinput", cwd=ROOT, env=env)
    started = time.perf_counter()
    out = sh(python, "manage.py", "bench_dataset", cwd=ROOT, env=env).stdout.strip()
    print(f"dataset: {out} ({time.perf_counter() - started:.1f} s)")


GRAPHQL_LIST = """{ articles(first: 20) { totalCount edges { node { id slug title subtitle
  excerpt authors { slug name avatarUrl } section { slug name } tags { slug name }
  publishedAt readingTimeMinutes viewCount commentCount url } } } }"""
GRAPHQL_ARTICLE = """query($slug: String!) { article(slug: $slug) { id slug title bodyHtml
  authors { name } section { name } tags { name } publishedAt viewCount commentCount
  comments(first: 20) { totalCount edges { node { id parentId authorName bodyHtml createdAt } } }
  } }"""


def endpoints() -> list[tuple[str, str, str | None]]:
    """(name, path, JSON body to POST or None for GET)."""
    from articles.models import Article

    slug = Article.objects.published().order_by("-comment_count").values_list("slug", flat=True)[0]
    return [
        ("floor (bare Django JSON view)", "/bench/floor/", None),
        ("REST article list (20)", "/api/v1/articles/?page_size=20", None),
        ("REST article detail", f"/api/v1/articles/{slug}/", None),
        ("REST article comments", f"/api/v1/articles/{slug}/comments/", None),
        ("REST article search", "/api/v1/articles/?search=harbour+ferry", None),
        ("REST authors", "/api/v1/authors/", None),
        ("GraphQL article list (20)", "/graphql/", json.dumps({"query": GRAPHQL_LIST})),
        (
            "GraphQL article + comments",
            "/graphql/",
            json.dumps({"query": GRAPHQL_ARTICLE, "variables": {"slug": slug}}),
        ),
    ]


def queries_and_bytes(path: str, body: str | None) -> tuple[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")

    def fetch():  # type: ignore[no-untyped-def]
        if body is None:
            return client.get(path)
        return client.post(path, body, content_type="application/json")

    fetch()  # warm caches (generations, content types)
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, (path, response.status_code)
    assert b'"errors"' not in response.content, response.content[:500]
    return len(captured.captured_queries), len(response.content)


def wrk(path: str, body: str | None) -> tuple[float, str, str]:
    script: list[str] = []
    if body is not None:
        lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
        lua.write(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {json.dumps(body)}\n"
        )
        lua.close()
        script = ["-s", lua.name]
    out = sh(
        "wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", *script, BASE + path
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)  # type: ignore[union-attr]
    if "Non-2xx" in out:
        raise SystemExit(f"{path}: non-2xx responses under load:\n{out}")
    return rps, p50, p99


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk); `make bench` installs it.")
    python = sys.executable
    prepare_database(python)
    setup_django()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        # gunicorn.conf.py writes an access line per request, as in production (the cost is
        # measured), to stdout: kept out of the report.
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/healthz/", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.2)
        rows = []
        floor = None
        for name, path, body in endpoints():
            queries, size = queries_and_bytes(path, body)
            warm = urllib.request.Request(  # noqa: S310 - loopback
                BASE + path,
                data=body.encode() if body else None,
                headers={"Content-Type": "application/json"},
            )
            urllib.request.urlopen(warm, timeout=60).read()  # noqa: S310 - loopback
            rps, p50, p99 = wrk(path, body)
            floor = floor or rps
            rows.append((name, rps, p50, p99, queries, size, rps / floor))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)

    database = os.environ.get("DATABASE_URL", "sqlite").split(":")[0]
    cache = "redis" if os.environ.get("REDIS_URL") else "locmem"
    print(f"\ngunicorn 2 workers, wrk -t2 -c{CONNECTIONS} -d{DURATION}; {database} + {cache}\n")
    header = ("endpoint", "req/s", "p50", "p99", "SQL/req", "bytes", "x floor")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for name, rps, p50, p99, queries, size, ratio in rows:
        print(f"| {name} | {rps:,.0f} | {p50} | {p99} | {queries} | {size:,} | {ratio:.3f} |")


if __name__ == "__main__":
    main()
