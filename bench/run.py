"""`make bench`: load the API from loopback with wrk and print a table.

Serves the app with gunicorn (2 sync workers, DEBUG off) under config.settings.bench, over a
generated dataset, and measures each endpoint for a bounded time. The "floor" is a bare Django
JSON view served by the same server in the same run: each endpoint's req/s is reported as a
ratio of it, which makes figures comparable across machines.

BENCH_SERVER=procfile (`make bench-procfile`) serves instead the Procfile's `web` line as
written, started as .ci/procfile_run.py starts it (`sh -c`, the production environment) with
WEB_CONCURRENCY=2 under config.settings.production, on the PostgreSQL database of DATABASE_URL
(filled with the dataset under config.settings.bench first) and the Redis of REDIS_URL. Requests
carry `X-Forwarded-Proto: https`, as from the TLS-terminating proxy. Production settings have no
floor view: the floor is taken from a short separate run of the bench-settings server.
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DURATION = os.environ.get("BENCH_DURATION", "8s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
BASE = f"http://127.0.0.1:{PORT}"
SERVER = os.environ.get("BENCH_SERVER", "bench")
FLOOR_PATH = "/bench/floor/"
# What the TLS-terminating proxy adds in front of the production server (SECURE_SSL_REDIRECT).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def sh(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(args, check=True, text=True, capture_output=True, **kwargs)


def setup_django(settings: str = "config.settings.bench") -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
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
        ("floor (bare Django JSON view)", FLOOR_PATH, None),
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


def queries_and_bytes(
    path: str, body: str | None, headers: dict[str, str] | None = None
) -> tuple[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={"Host": "127.0.0.1", **(headers or {})})

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


def wrk(
    path: str, body: str | None, headers: dict[str, str] | None = None
) -> tuple[float, str, str]:
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
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    out = sh(
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{DURATION}",
        "--latency",
        *extra,
        *script,
        BASE + path,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)  # type: ignore[union-attr]
    if "Non-2xx" in out:
        raise SystemExit(f"{path}: non-2xx responses under load:\n{out}")
    return rps, p50, p99


def warm(path: str, body: str | None, headers: dict[str, str] | None = None) -> int:
    """One request through the server (its caches, its connection); the body's length."""
    request = urllib.request.Request(  # noqa: S310 - loopback
        BASE + path,
        data=body.encode() if body else None,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    return len(urllib.request.urlopen(request, timeout=60).read())  # noqa: S310 - loopback


@contextmanager
def bench_server(python: str) -> Iterator[None]:
    """gunicorn with 2 workers under config.settings.bench, until the block ends."""
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
        yield
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def load() -> str:
    return "/".join(f"{figure:.2f}" for figure in os.getloadavg())


Row = tuple[str, float, str, str, int | None, int, float]


def print_table(title: str, rows: list[Row], load_before: str) -> None:
    print(f"\n{title}")
    print(f"load average (1/5/15 min): {load_before} before, {load()} after\n")
    header = ("endpoint", "req/s", "p50", "p99", "SQL/req", "bytes", "x floor")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for name, rps, p50, p99, queries, size, ratio in rows:
        sql = "-" if queries is None else str(queries)
        print(f"| {name} | {rps:,.0f} | {p50} | {p99} | {sql} | {size:,} | {ratio:.3f} |")


def bench_main(python: str) -> None:
    load_before = load()
    prepare_database(python)
    setup_django()
    rows: list[Row] = []
    with bench_server(python):
        floor = None
        for name, path, body in endpoints():
            queries, size = queries_and_bytes(path, body)
            warm(path, body)
            rps, p50, p99 = wrk(path, body)
            floor = floor or rps
            rows.append((name, rps, p50, p99, queries, size, rps / floor))

    database = os.environ.get("DATABASE_URL", "sqlite").split(":")[0]
    cache = "redis" if os.environ.get("REDIS_URL") else "locmem"
    print_table(
        f"gunicorn 2 workers, wrk -t2 -c{CONNECTIONS} -d{DURATION}; {database} + {cache}",
        rows,
        load_before,
    )


def procfile_main(python: str) -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not redis_url:
        raise SystemExit(
            "BENCH_SERVER=procfile needs DATABASE_URL (a PostgreSQL database it may fill) and "
            "REDIS_URL, as production does."
        )
    # What the deploy and scale-out checks run the Procfile with (not a package: .ci/).
    sys.path.insert(0, str(ROOT / ".ci"))
    import procfile_run  # type: ignore[import-not-found]

    load_before = load()
    prepare_database(python)  # under config.settings.bench: bench_dataset exists only there

    # The floor view is a bench-settings URL: a separate, short run of that server.
    with bench_server(python):
        warm(FLOOR_PATH, None)
        floor_size = warm(FLOOR_PATH, None)
        floor_rps, floor_p50, floor_p99 = wrk(FLOOR_PATH, None)
    rows: list[Row] = [
        (
            "floor (bench settings, separate run)",
            floor_rps,
            floor_p50,
            floor_p99,
            None,
            floor_size,
            1.0,
        )
    ]

    web = procfile_run.read_procfile()["web"]
    workdir = Path(tempfile.mkdtemp(prefix="byline-bench-"))
    env = procfile_run.production_env(
        database_url=database_url,
        redis_url=redis_url,
        static_root=workdir / "static",
        PORT=str(PORT),
        WEB_CONCURRENCY="2",
    )
    server = None
    try:
        try:
            # byline.E003 refuses to start without the static manifest.
            procfile_run.run(
                [python, "manage.py", "collectstatic", "--noinput"], env, "collectstatic"
            )
            # SQL/req and bytes in this process, under the same production settings.
            os.environ.clear()
            os.environ.update(
                env, LOG_LEVEL="WARNING"
            )  # this process's start-up lines: not the report's
            setup_django("config.settings.production")
            # Access lines (stdout) are written, as in production, but kept out of the report.
            with open(os.devnull, "wb") as out, (workdir / "web.stderr").open("wb") as err:
                server = procfile_run.start(web, env, out, err)
            procfile_run.wait_until_ready(PORT, server, time.monotonic() + 90)
            for name, path, body in endpoints():
                if path == FLOOR_PATH:
                    continue
                queries, size = queries_and_bytes(path, body, PROXY_HEADERS)
                warm(path, body, PROXY_HEADERS)
                rps, p50, p99 = wrk(path, body, PROXY_HEADERS)
                rows.append((name, rps, p50, p99, queries, size, rps / floor_rps))
            procfile_run.stop(server, timeout=45)
        except procfile_run.CheckFailed as failure:
            log = workdir / "web.stderr"
            tail = "\n".join(log.read_text().splitlines()[-30:]) if log.exists() else ""
            raise SystemExit(f"{failure}\n{tail}") from None
        finally:
            if server is not None:
                procfile_run.kill(server)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print_table(
        f"Procfile web `{web}`, WEB_CONCURRENCY=2, config.settings.production, "
        f"wrk -t2 -c{CONNECTIONS} -d{DURATION}; postgres + redis; "
        "x floor: of the bench-settings server's floor, measured just before",
        rows,
        load_before,
    )


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk); `make bench` installs it.")
    if SERVER not in ("bench", "procfile"):
        raise SystemExit(f"BENCH_SERVER must be bench or procfile, not {SERVER!r}.")
    python = sys.executable
    if SERVER == "procfile":
        procfile_main(python)
    else:
        bench_main(python)


if __name__ == "__main__":
    main()
