"""`make bench`: Byline's costs at 1,000 and 100,000 articles, on SQLite and PostgreSQL + Redis.

For each database (SQLite with the local-memory cache; PostgreSQL with Redis, when both answer)
and each size, on a fresh copy of a kept dataset (bench/datasets.py):

1. in-process: each read through Django's test client, cold (cache cleared before each
   request) and warm (repeated), p50 (p95 for search), and SQL queries per request
   (bench/inprocess.py);
2. under load: gunicorn with 2 sync workers and wrk from loopback, req/s as a share of a bare
   Django JSON view (the floor) served by the same server in the same run;
3. memory: at the largest size, RSS of each gunicorn worker at start, after 5,000 and after
   10,000 mixed requests (each endpoint in turn, by its weight in bench/endpoints.py).

Then the tables: growth from the smallest to the largest size, shares of the floor, and the
issue's targets as PASS/MISS (bench/report.py). The endpoints are one table, in
bench/endpoints.py.

Environment: BENCH_DATABASES (sqlite,postgres), BENCH_SIZES (1000,100000), BENCH_DURATION (wrk
per endpoint, 6s), BENCH_CONNECTIONS (8), BENCH_RUNS (50) and BENCH_BUDGET (4 s) for the
in-process figures, BENCH_RSS_REQUESTS (10000) and BENCH_RSS_SECONDS (300, per half),
BENCH_POSTGRES_URL
(postgres://postgres@127.0.0.1:5432, a server where it may create databases named
BENCH_PG_PREFIX_*), BENCH_REDIS_URL (redis://127.0.0.1:6379/12: flushed).

BENCH_SERVER=procfile (`make bench-procfile`) instead serves the Procfile's `web` line as
written, under production settings, on the database of DATABASE_URL (bench/procfile.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import datasets, load, report  # noqa: E402
from bench.endpoints import ENDPOINTS, FLOOR_PATH  # noqa: E402

DATABASES = [d.strip() for d in os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")]
SIZES = sorted(int(s) for s in os.environ.get("BENCH_SIZES", "1000,100000").split(","))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
RSS_REQUESTS = int(os.environ.get("BENCH_RSS_REQUESTS", "10000"))
# Each half stops there even short of its requests (a busy machine, slow reads): the table
# says how many were sent.
RSS_SECONDS = float(os.environ.get("BENCH_RSS_SECONDS", "300"))


def load_average() -> str:
    return "/".join(f"{figure:.2f}" for figure in os.getloadavg())


def inprocess(env: dict[str, str]) -> tuple[str, dict[str, dict]]:
    """bench/inprocess.py in a process of its own: the dataset's slug and each read's figures."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.inprocess"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if result.returncode or not lines:
        raise SystemExit(f"in-process run failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    answer = json.loads(lines[-1].removeprefix("RESULT "))
    return answer["slug"], {row["name"]: row for row in answer["rows"]}


def under_load(env: dict[str, str], slug: str, deep: str, measure_rss: bool) -> report.Run:
    run = report.Run()
    with load.server(env) as master:
        requests = {}
        for endpoint in (e for e in ENDPOINTS if e.wrk or e.mix):
            request = load.request_for(endpoint, slug, deep)
            why = load.ready(request, endpoint.persisted)
            if why and not endpoint.optional:
                raise SystemExit(f"{endpoint.name}: {request.path} {why}")
            if why:
                run.wrk[endpoint.name] = "not answered"
                continue
            requests[endpoint.name] = request
        if measure_rss:
            # Round-robin by weight: each endpoint `mix` times in every turn of the list.
            mix = [
                requests[e.name]
                for turn in range(max(e.mix for e in ENDPOINTS))
                for e in ENDPOINTS
                if e.name in requests and e.mix > turn
            ]
            start = load.worker_rss(master)
            half = RSS_REQUESTS // 2
            sent, failed = load.send_many(mix, half, 0, RSS_SECONDS)
            middle = load.worker_rss(master)
            more, failed_more = load.send_many(mix, half, half, RSS_SECONDS)
            end = load.worker_rss(master)
            run.rss = report.Rss(start, middle, end, (sent, more), failed + failed_more)
            print(f"  memory: {sent} + {more} mixed requests, RSS kB {start} {middle} {end}")
        for endpoint in (e for e in ENDPOINTS if e.wrk and e.name in requests):
            result = load.wrk([requests[endpoint.name]])
            run.wrk[endpoint.name] = result
            print(f"  wrk {endpoint.name}: {result.rps:,.0f} req/s", flush=True)
    return run


def measure(database: str, size: datasets.Size, measure_rss: bool) -> report.Run:
    started = time.perf_counter()
    print(f"\n{database}, {size.label} articles (load {load_average()})", flush=True)
    dropped: str | None = None
    if database == "sqlite":
        env = datasets.bench_env(datasets.sqlite_copy(size), None)
    else:
        url, dropped = datasets.pg_copy(size)
        env = datasets.bench_env(url, REDIS_URL)
    try:
        slug, figures = inprocess(env)
        deep = figures["REST list, deep page"]["path"].rsplit("&", 1)[1]
        print(f"  in-process: {len(figures)} reads measured", flush=True)
        run = under_load(env, slug, deep, measure_rss)
        run.inprocess = figures
    finally:
        if dropped:
            datasets.pg_drop(dropped)
    print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
    return run


def bench_main() -> None:
    started = time.perf_counter()
    print(f"make bench: {', '.join(DATABASES)} at {', '.join(f'{s:,}' for s in SIZES)} articles")
    print(f"load average (1/5/15 min) at start: {load_average()}")
    results: report.Results = {}
    for database in DATABASES:
        if database not in ("sqlite", "postgres"):
            raise SystemExit(f"BENCH_DATABASES: sqlite and/or postgres, not {database!r}.")
        if database == "postgres":
            why = datasets.pg_unreachable(REDIS_URL)
            if why:
                print(f"\nPostgreSQL + Redis skipped: {why}.")
                continue
        results[database] = {
            articles: measure(database, datasets.Size.for_articles(articles), articles == SIZES[-1])
            for articles in SIZES
        }
    names = {"sqlite": "SQLite + local memory", "postgres": "PostgreSQL + Redis"}
    for database, runs in results.items():
        print(f"\n## {names[database]}: in-process p50 ms (cold: cache cleared; warm: repeated)\n")
        print(report.inprocess_table(database, runs))
        print(
            f"\n## {names[database]}: gunicorn 2 workers, wrk -t2 -c{load.CONNECTIONS} "
            f"-d{load.DURATION}, req/s and share of the floor ({FLOOR_PATH})\n"
        )
        print(report.wrk_table(runs))
    print("\n## Memory: gunicorn workers' RSS, mixed requests\n")
    print(report.rss_table(results))
    passed, missed = report.summary(results)
    print(
        f"\nTargets: {passed} PASS, {missed} MISS. Run took {time.perf_counter() - started:.0f} s; "
        f"load average at the end {load_average()}."
    )


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk); `make bench` installs it.")
    server = os.environ.get("BENCH_SERVER", "bench")
    if server == "procfile":
        from bench import procfile

        procfile.main()
    elif server == "bench":
        bench_main()
    else:
        raise SystemExit(f"BENCH_SERVER must be bench or procfile, not {server!r}.")


if __name__ == "__main__":
    main()
