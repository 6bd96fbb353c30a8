"""The deploy proof (make deploy-check, run by .ci/run): Byline deploys as the README says.

Under config.settings.production, with a generated SECRET_KEY, a PostgreSQL database made for
this run (and dropped after it) and a Redis database:

1. `manage.py collectstatic --noinput` and `manage.py check --deploy --fail-level WARNING`;
2. the Procfile's `release` line, then its `web` line exactly as written (`sh -c`, the
   virtualenv's bin first on PATH, as a Procfile runner does);
3. through that server, as a TLS-terminating proxy would send them (X-Forwarded-Proto: https,
   with SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO): /readyz/, the admin's sign-in page and
   a stylesheet it names (hashed name, text/css, far-future immutable caching, compressed),
   the API docs page and its assets, the redirect to HTTPS without the proxy's header, the
   X-Request-ID echo (and a junk one replaced), and the JSON log lines that carry the id;
4. SIGTERM to the server's process group, which must exit 0 within its graceful timeout.

Environment: DEPLOY_CHECK_POSTGRES_URL (a server where it may create a database; default
postgres://postgres@127.0.0.1:5432/postgres), DEPLOY_CHECK_REDIS_URL (a Redis database it may
fill; default redis://127.0.0.1:6379/14), DEPLOY_CHECK_PORT (default: a free port).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import redis
from procfile_run import (
    PYTHON,
    CheckFailed,
    expect,
    free_port,
    get,
    kill,
    ok,
    production_env,
    read_procfile,
    run,
    scratch_database,
    start,
    stop,
    wait_until_ready,
)

YEAR = 365 * 24 * 60 * 60
HASHED = re.compile(r"\.[0-9a-f]{12}\.")


def far_future_immutable(cache_control: str) -> bool:
    max_age = re.search(r"max-age=(\d+)", cache_control)
    return max_age is not None and int(max_age.group(1)) >= YEAR and "immutable" in cache_control


def check_static_file(port: int, url: str, content_type: str) -> None:
    expect(bool(HASHED.search(url)), f"{url} has no content hash in its name")
    asset = get(port, url)
    expect(asset.status == 200, f"{url}: {asset.status}")
    expect(
        asset.header("content-type").startswith(content_type),
        f"{url}: Content-Type {asset.header('content-type')!r}, not {content_type}",
    )
    expect(
        far_future_immutable(asset.header("cache-control")),
        f"{url}: Cache-Control {asset.header('cache-control')!r} is not far-future immutable",
    )
    compressed = get(port, url, {"Accept-Encoding": "br, gzip"})
    encoding = compressed.header("content-encoding")
    expect(encoding in ("br", "gzip"), f"{url}: not served compressed (got {encoding!r})")
    ok(
        f"{url}: 200 {asset.header('content-type')}, {asset.header('cache-control')}, "
        f"{len(asset.body)} bytes ({encoding} {len(compressed.body)})"
    )


def json_lines(path: Path) -> list[dict[str, Any]]:
    lines = []
    for raw in path.read_text().splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            raise CheckFailed(f"a log line is not JSON: {raw!r}") from None
    return lines


def check_through_web(port: int) -> tuple[str, str]:
    """Every check through the running server; returns the request ids to look for in logs."""
    ready = get(port, "/readyz/")
    expect(ready.status == 200, f"/readyz/: {ready.status}")
    # The database and the shared cache must answer; other parts (the task worker's heartbeat,
    # which this check does not start) may report themselves degraded without failing it.
    checks = json.loads(ready.body).get("checks", {})
    expect(
        checks.get("database") == "ok" and checks.get("cache") == "ok", f"/readyz/: {ready.body!r}"
    )
    ok(f"/readyz/: 200 {ready.body.decode()}")

    insecure = get(port, "/admin/login/", proxy=False)
    expect(
        insecure.status == 301 and insecure.header("location").startswith("https://"),
        f"/admin/login/ over plain HTTP: {insecure.status} {insecure.header('location')!r}",
    )
    ok(f"/admin/login/ without X-Forwarded-Proto: 301 to {insecure.header('location')}")

    login_id = f"deploy-check-{uuid.uuid4().hex}"
    login = get(port, "/admin/login/", {"X-Request-ID": login_id})
    expect(login.status == 200, f"/admin/login/: {login.status}")
    expect(
        login.header("content-type").startswith("text/html"),
        f"/admin/login/: Content-Type {login.header('content-type')!r}",
    )
    expect(
        login.header("x-request-id") == login_id,
        f"/admin/login/ returned X-Request-ID {login.header('x-request-id')!r}, not {login_id}",
    )
    ok(f"/admin/login/: 200 {login.header('content-type')}, X-Request-ID echoed")

    stylesheets = re.findall(r'href="(/static/admin/css/[^"]+\.css)"', login.body.decode())
    expect(bool(stylesheets), "/admin/login/ names no admin stylesheet")
    check_static_file(port, stylesheets[0], "text/css")

    junk = get(port, "/healthz/", {"X-Request-ID": "bad id"})
    replaced = junk.header("x-request-id")
    expect(
        bool(re.fullmatch(r"[0-9a-f]{32}", replaced)),
        f"a junk X-Request-ID came back as {replaced!r}, not a new id",
    )
    ok(f"a junk X-Request-ID is replaced ({replaced})")

    docs = get(port, "/api/docs/")
    expect(docs.status == 200, f"/api/docs/: {docs.status}")
    page = docs.body.decode()
    for suffix, content_type in ((".css", "text/css"), (".js", "text/javascript")):
        assets = re.findall(rf'"(/static/drf_spectacular_sidecar/[^"]+{re.escape(suffix)})"', page)
        expect(bool(assets), f"/api/docs/ names no {suffix} asset")
        check_static_file(port, assets[0], content_type)

    missing_id = f"deploy-check-{uuid.uuid4().hex}"
    missing = get(port, "/deploy-check-missing/", {"X-Request-ID": missing_id})
    expect(missing.status == 404, f"/deploy-check-missing/: {missing.status}")
    return login_id, missing_id


def check_logs(stdout: Path, stderr: Path, login_id: str, missing_id: str) -> None:
    access = [
        line
        for line in json_lines(stdout)
        if line.get("logger") == "gunicorn.access" and line.get("request_id") == login_id
    ]
    expect(len(access) == 1, f"{len(access)} JSON access lines carry {login_id}, not 1")
    line = access[0]
    expect(
        line.get("path") == "/admin/login/" and line.get("status") == 200,
        f"the access line for {login_id} is {line}",
    )
    ok(f"JSON access line with the request id: {json.dumps(line)}")

    app_lines = [
        line
        for line in json_lines(stderr)
        if line.get("logger") == "django.request" and line.get("request_id") == missing_id
    ]
    expect(bool(app_lines), f"no JSON django.request line carries {missing_id}")
    ok(f"JSON app line with the request id: {json.dumps(app_lines[0])}")


def main() -> int:
    started = time.monotonic()
    admin_url = os.environ.get(
        "DEPLOY_CHECK_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
    )
    redis_url = os.environ.get("DEPLOY_CHECK_REDIS_URL", "redis://127.0.0.1:6379/14")
    port = int(os.environ.get("DEPLOY_CHECK_PORT") or free_port())
    processes = read_procfile()
    for name in ("web", "release"):
        expect(name in processes, f"the Procfile has no {name!r} line")

    redis.Redis.from_url(redis_url, socket_connect_timeout=5).flushdb()
    workdir = Path(tempfile.mkdtemp(prefix="byline-deploy-check-"))
    server: subprocess.Popen[bytes] | None = None
    try:
        with scratch_database(admin_url, f"byline_deploy_check_{os.getpid()}") as database_url:
            env = production_env(
                database_url=database_url,
                redis_url=redis_url,
                static_root=workdir / "static",
                PORT=str(port),
                WEB_CONCURRENCY="2",
            )
            print(
                f"Deploy check: production settings on {database_url} and {redis_url}", flush=True
            )
            try:
                run(
                    [PYTHON, "manage.py", "collectstatic", "--noinput"],
                    env,
                    "collectstatic --noinput",
                )
                run(
                    [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                    env,
                    "check --deploy --fail-level WARNING",
                )
                run(["sh", "-c", processes["release"]], env, f"release: {processes['release']}")

                stdout, stderr = workdir / "web.stdout", workdir / "web.stderr"
                with stdout.open("wb") as out, stderr.open("wb") as err:
                    booted = time.monotonic()
                    server = start(processes["web"], env, out, err)
                try:
                    ready = wait_until_ready(port, server, booted + 90)
                    ok(f"web: {processes['web']} (answered on :{port} after {ready:.1f} s)")
                    login_id, missing_id = check_through_web(port)
                finally:
                    if server.poll() is None:
                        stopped = stop(server, timeout=45)
                        ok(f"SIGTERM: the web process exited 0 in {stopped:.1f} s")
                check_logs(stdout, stderr, login_id, missing_id)
            finally:
                if server is not None:
                    kill(server)
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        for log in ("web.stdout", "web.stderr"):
            if (workdir / log).exists():
                print(f"--- {log} (last lines)", file=sys.stderr)
                print("\n".join((workdir / log).read_text().splitlines()[-30:]), file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Deploy check passed in {time.monotonic() - started:.1f} s.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
