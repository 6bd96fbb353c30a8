"""`make bench-procfile`: the Procfile's `web` line as written, under production settings.

Started as .ci/procfile_run.py starts it (`sh -c`, the production environment) with
WEB_CONCURRENCY=2 under config.settings.production, on the PostgreSQL database of DATABASE_URL
(filled with the 1,000-article dataset under config.settings.bench first) and the Redis of
REDIS_URL. Requests carry `X-Forwarded-Proto: https` and `X-Forwarded-For`, as from the
TLS-terminating proxy (one trusted proxy). Production settings have no floor view: the floor
is taken from a short separate run of the bench-settings server.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import datasets, load, report
from bench.endpoints import ENDPOINTS, FLOOR_PATH

ROOT = Path(__file__).resolve().parent.parent
# What the TLS-terminating proxy adds in front of the production server (SECURE_SSL_REDIRECT).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def main() -> None:
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

    started = time.perf_counter()
    bench_env = datasets.bench_env(database_url, redis_url)
    # Under config.settings.bench: bench_dataset exists only there.
    datasets.build(bench_env, datasets.Size.for_articles(1000))
    slug = datasets.manage(
        bench_env,
        "shell",
        "--no-imports",
        "-c",
        "from bench.inprocess import dataset_slug; print(dataset_slug())",
    ).splitlines()[-1]

    # The floor view is a bench-settings URL: a separate, short run of that server.
    floor_request = load.Request("GET", FLOOR_PATH)
    with load.server(bench_env):
        load.ready(floor_request, None)
        floor = load.wrk([floor_request])
    rows = [("floor (bench settings, separate run)", f"{floor.rps:,.0f}", "1.000", floor.p50)]

    web = procfile_run.read_procfile()["web"]
    workdir = Path(tempfile.mkdtemp(prefix="byline-bench-"))
    env = procfile_run.production_env(
        database_url=database_url,
        redis_url=redis_url,
        static_root=workdir / "static",
        PORT=str(load.PORT),
        WEB_CONCURRENCY="2",
        TRUSTED_PROXY_COUNT="1",
    )
    server = None
    try:
        try:
            # byline.E003 refuses to start without the static manifest.
            procfile_run.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput"], env, "collectstatic"
            )
            # Access lines (stdout) are written, as in production, but kept out of the report.
            with open(os.devnull, "wb") as out, (workdir / "web.stderr").open("wb") as err:
                server = procfile_run.start(web, env, out, err)
            procfile_run.wait_until_ready(load.PORT, server, time.monotonic() + 90)
            for endpoint in ENDPOINTS:
                if not endpoint.wrk or endpoint.path == FLOOR_PATH:
                    continue
                base = load.request_for(endpoint, slug, "page=1")
                request = load.Request(
                    base.method, base.path, base.body, {**PROXY_HEADERS, **base.headers}
                )
                why = load.ready(request, endpoint.persisted)
                if why:
                    rows.append((endpoint.name, f"n/a ({why[:60]})", "-", "-"))
                    continue
                result = load.wrk([request], extra_headers=PROXY_HEADERS)
                rows.append(
                    (
                        endpoint.name + (f" ({result.failed} failed)" if result.failed else ""),
                        f"{result.rps:,.0f}",
                        f"{result.rps / floor.rps:.3f}",
                        f"{result.p50}/{result.p99}",
                    )
                )
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

    print(
        f"\nProcfile web `{web}`, WEB_CONCURRENCY=2, config.settings.production, "
        f"wrk -t2 -c{load.CONNECTIONS} -d{load.DURATION}; postgres + redis; x floor: of the "
        "bench-settings server's floor, measured just before\n"
    )
    print(report.table(("endpoint", "req/s", "x floor", "p50/p99"), rows))
    print(f"\n({time.perf_counter() - started:.0f} s)")
