"""The scale-out proof (make scale-test): Byline on several processes of one machine, as it
would run on several servers, shares everything that must be shared.

Under config.settings.production, on a PostgreSQL database made for this run (dropped after
it, whatever happens) and a Redis database (flushed first), it runs the Procfile's `release`
line, then starts its `web` line twice (web A and web B, two gunicorn workers each, on two
ports) and its `worker` line once, all exactly as written (`sh -c`, the virtualenv first on
PATH), and shows with real HTTP traffic, sent as a load balancer would (X-Forwarded-Proto:
https, the client's address appended to X-Forwarded-For, TRUSTED_PROXY_COUNT=1):

1. views: 200 readers (200 addresses) at once, each counted on A or B and then sent again to
   the other: the article counts exactly 200 once the worker has written the views counted in
   Redis (VIEWS_FLUSH_EVERY), and still 200 after more flushes;
2. rate limit: 12 comments at once from one address, alternating between A and B: 5 are
   accepted (COMMENTS_RATE_LIMITS_PER_IP, 5 a minute), the rest refused with 429;
3. cache: the article list's ETag is the same on A and B (each answers 304 to it); an
   article published through A makes B (and A) answer the new list at once: the response
   cache both share (Redis) is invalidated when the publish commits, and ETags are computed
   from the rows, so readers' and CDN's copies revalidate;
4. scheduled: with a second `worker` started, an article scheduled a few seconds ahead is
   published once (its version bumped once; each publish-due period claimed and run once);
5. worker killed mid-task: a slow task (tests.cms.worker_tasks.slow_once) is SIGKILLed with
   its worker, which is then started again: the task is handed back and completes.

Then every process gets SIGTERM and must exit 0. It prints each check with its figures and
exits non-zero if any fails. Environment: SCALE_TEST_POSTGRES_URL (a server where it may
create a database; default postgres://postgres@127.0.0.1:5432/postgres),
SCALE_TEST_DATABASE (its name; default byline_scale_test_<pid>), SCALE_TEST_REDIS_URL (a
Redis database it may flush; default redis://127.0.0.1:6379/13), SCALE_TEST_PORTS ("A,B";
default: two free ports).
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
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import redis
from procfile_run import (
    PYTHON,
    CheckFailed,
    Response,
    expect,
    free_port,
    kill,
    ok,
    production_env,
    read_procfile,
    request,
    run,
    scratch_database,
    start,
    stop,
    wait_until_ready,
)

EDITOR = "scale-editor"
# A browser's User-Agent: crawlers' views are not counted.
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SLOW_TASK = "tests.cms.worker_tasks.slow_once"
PUBLISH_DUE_EVERY = 2  # seconds: the periodic job's period here (60 by default)
VIEWS_FLUSH_EVERY = 2  # seconds: how often the worker writes the views counted in Redis
HEARTBEAT = 0.5  # seconds: WORKER_HEARTBEAT_SECONDS, how often each worker beats and schedules
STALE_AFTER = 3  # seconds: WORKER_STALE_AFTER, after which a dead worker's task is handed back


def reader(number: int) -> str:
    """The address of reader ``number`` (1-254), from a documentation range (RFC 5737)."""
    return f"203.0.113.{number}"


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise CheckFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


class Fleet:
    """The processes started from the Procfile, by name, with their output in files."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.procfile = read_procfile()
        for name in ("release", "web", "worker"):
            expect(name in self.procfile, f"the Procfile has no {name!r} line")

    def start(self, name: str, line: str, **env: str) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("ab")
        with log:
            process = start(self.procfile[line], {**self.env, **env}, log, log)
        self.processes[name] = process
        return process

    def stop(self, name: str) -> float:
        process = self.processes.pop(name)
        return stop(process, timeout=45, what=name)

    def kill_all(self) -> None:
        for process in self.processes.values():
            kill(process)

    def tail(self) -> None:
        for log in sorted(self.workdir.glob("*.log")):
            print(f"--- {log.name} (last lines)", file=sys.stderr)
            print("\n".join(log.read_text().splitlines()[-20:]), file=sys.stderr)


class Site:
    """HTTP to web A and web B as the load balancer sends it, and SQL to see the outcome."""

    def __init__(self, ports: dict[str, int], database_url: str, token: str) -> None:
        self.ports = ports
        self.token = token
        self.dsn = database_url.replace("postgres://", "postgresql://", 1)

    def send(
        self,
        web: str,
        method: str,
        path: str,
        *,
        address: str = "198.51.100.1",
        payload: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        editor: bool = False,
    ) -> Response:
        sent = {"X-Forwarded-For": address, "User-Agent": BROWSER, **(headers or {})}
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            sent["Content-Type"] = "application/json"
        if editor:
            sent["Authorization"] = f"Bearer {self.token}"
        return request(self.ports[web], method, path, sent, body)

    def article(self, slug: str, title: str) -> str:
        """Create a draft article through web A; return its slug (a draft's slug is given a
        suffix until it is published)."""
        created = self.send(
            "A",
            "POST",
            "/api/v1/articles",
            payload={"title": title, "slug": slug, "body_html": f"<p>{title}.</p>"},
            editor=True,
        )
        expect(created.status == 201, f"creating {slug}: {created.status} {created.body!r}")
        return str(json.loads(created.body)["slug"])

    def publish(self, web: str, slug: str, published_at: datetime | None = None) -> Response:
        payload = {"published_at": published_at.isoformat()} if published_at else {}
        published = self.send(
            web, "POST", f"/api/v1/articles/{slug}/publish", payload=payload, editor=True
        )
        expect(published.status == 200, f"publishing {slug}: {published.status} {published.body!r}")
        return published

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.dsn, autocommit=True) as connection:
            return connection.execute(query, params).fetchall()


def version_of(response: Response) -> int:
    match = re.fullmatch(r'(?:W/)?"v(\d+)(?:-[0-9a-f]+)?"', response.header("etag"))
    if match is None:
        raise CheckFailed(f"no version ETag in {response.header('etag')!r}")
    return int(match.group(1))


class CommentForm:
    """An article open for comments and the form token its thread gave one reader."""

    address = "198.51.100.7"

    def __init__(self, site: Site) -> None:
        self.slug = site.article("scale-comments", "Comments from one address")
        site.publish("A", self.slug)
        thread = site.send(
            "B", "GET", f"/api/v1/articles/{self.slug}/comments", address=self.address
        )
        expect(thread.status == 200, f"the comment thread: {thread.status}")
        self.token = json.loads(thread.body)["form_token"]
        self.issued = time.monotonic()


def check_rate_limit(site: Site, form: CommentForm) -> str:
    slug, address, form_token = form.slug, form.address, form.token
    # No sooner than the form's minimum time (COMMENTS_MIN_SECONDS, 3 s), so that no comment
    # is taken for a bot's; and well inside one fixed one-minute window.
    time.sleep(max(0.0, form.issued + 3.2 - time.monotonic()))
    into_minute = time.time() % 60
    if into_minute > 50:
        time.sleep(60.5 - into_minute)

    def comment(number: int) -> tuple[str, int]:
        web = "AB"[number % 2]
        answer = site.send(
            web,
            "POST",
            f"/api/v1/articles/{slug}/comments",
            address=address,
            payload={
                "author_name": f"Reader {number}",
                "author_email": f"reader{number}@example.com",  # one each: the address limits
                "body": f"Comment number {number}, on the harbour's reopening.",
                "form_token": form_token,
            },
        )
        return web, answer.status

    minute = int(time.time() // 60)
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(comment, range(12)))
    expect(int(time.time() // 60) == minute, "the comments straddled a minute: run it again")
    accepted = Counter(web for web, status in answers if status == 201)
    refused = Counter(web for web, status in answers if status == 429)
    other = [status for _, status in answers if status not in (201, 429)]
    expect(not other, f"comments answered {other}, not 201 or 429")
    total = sum(accepted.values())
    stored = site.sql("SELECT count(*) FROM comments_comment")[0][0]
    line = (
        f"rate limit: {total} of 12 comments accepted from one address across 2 processes "
        f"(A {accepted['A']} / B {accepted['B']}), {sum(refused.values())} refused with 429, "
        f"{stored} stored (expected 5)"
    )
    expect(total == 5 and stored == 5, line)
    return line


def check_views(site: Site) -> str:
    slug = "scale-views"
    slug = site.article(slug, "Two hundred readers")
    site.publish("B", slug)
    readers = range(1, 201)

    def view(number: int, web: str) -> int:
        answer = site.send(web, "POST", f"/api/v1/articles/{slug}/views", address=reader(number))
        return answer.status

    with ThreadPoolExecutor(max_workers=200) as pool:
        first = list(pool.map(lambda n: view(n, "AB"[n % 2]), readers))
        again = list(pool.map(lambda n: view(n, "BA"[n % 2]), readers))
    statuses = Counter(first + again)
    expect(set(statuses) <= {200, 201, 204}, f"view answers: {dict(statuses)}")

    def written() -> tuple[int, int]:
        counted = site.sql("SELECT view_count FROM articles_article WHERE slug = %s", slug)[0][0]
        by_day = site.sql(
            "SELECT coalesce(sum(d.count), 0) FROM articles_articleviewday d "
            "JOIN articles_article a ON a.id = d.article_id WHERE a.slug = %s",
            slug,
        )[0][0]
        return counted, by_day

    # Counted in Redis, written by the worker's flush-views job: wait for it, then for two
    # more periods, in which nothing may be written twice.
    waited = time.monotonic()
    while written() != (200, 200) and time.monotonic() - waited < 10 * VIEWS_FLUSH_EVERY:
        time.sleep(0.2)
    flushed_in = time.monotonic() - waited
    time.sleep(2 * VIEWS_FLUSH_EVERY + 2 * HEARTBEAT)
    counted, by_day = written()
    answer = site.send("A", "POST", f"/api/v1/articles/{slug}/views", address=reader(1))
    answered = json.loads(answer.body or b"{}").get("view_count")
    line = (
        f"views: 200 readers at once (A 100 / B 100), each sent again to the other process: "
        f"400 requests, {counted} counted, {by_day} in the day's count (expected 200), written "
        f"by the worker within {flushed_in:.1f} s; a reader sent again is answered "
        f"{answered}"
    )
    expect(counted == 200 and by_day == 200 and answered == 200, line)
    return line


def check_cache(site: Site) -> str:
    slug = "scale-cache"
    slug = site.article(slug, "Published on A, read on B")
    path = "/api/v1/articles?page_size=100"
    before = {web: site.send(web, "GET", path) for web in "AB"}
    etags = {web: answer.header("etag") for web, answer in before.items()}
    expect(
        all(answer.status == 200 for answer in before.values()),
        "the list: " + ", ".join(f"{w} {a.status}" for w, a in before.items()),
    )
    expect(etags["A"] == etags["B"] != "", f"the list's ETags differ: {etags}")
    expect(slug.encode() not in before["B"].body, "a draft is in the list")
    for web in "AB":
        cached = site.send(web, "GET", path, headers={"If-None-Match": etags["A"]})
        expect(cached.status == 304, f"{web} answered {cached.status} to its own ETag, not 304")

    site.publish("A", slug)
    published = time.monotonic()
    seen: dict[str, float] = {}
    for web in "BA":

        def fresh(web: str = web) -> bool:
            answer = site.send(web, "GET", path, headers={"If-None-Match": etags["A"]})
            return answer.status == 200 and slug.encode() in answer.body

        wait_for(fresh, timeout=10, what=f"web {web} to answer the list with the new article")
        seen[web] = time.monotonic() - published
    return (
        f"cache: the list's ETag is the same on A and B (304 on both); after a publish on A, "
        f"B answered the new list after {seen['B']:.3f} s, A after {seen['A']:.3f} s "
        "(the shared response cache was invalidated on commit)"
    )


def heartbeats(site: Site) -> dict[int, str]:
    """Worker pid -> worker id, for workers seen within WORKER_STALE_AFTER."""
    rows = site.sql(
        "SELECT pid, worker_id FROM cms_workerheartbeat "
        "WHERE seen_at > now() - make_interval(secs => %s)",
        STALE_AFTER,
    )
    return dict(rows)


def check_scheduled(site: Site, fleet: Fleet) -> str:
    second = fleet.start("worker 2", "worker")
    pids = {fleet.processes["worker 1"].pid: "worker 1", second.pid: "worker 2"}
    wait_for(lambda: set(pids) <= set(heartbeats(site)), timeout=30, what="both workers beating")
    ids = {worker_id: pids[pid] for pid, worker_id in heartbeats(site).items() if pid in pids}

    both_since = datetime.now(UTC)
    slug = site.article("scale-scheduled", "Scheduled for a few seconds from now")
    due = datetime.now(UTC) + timedelta(seconds=PUBLISH_DUE_EVERY + 1)
    scheduled = site.publish("A", slug, due)
    version = version_of(scheduled)
    expect(json.loads(scheduled.body).get("status") == "scheduled", "the article is not scheduled")

    def status() -> str:
        return str(site.sql("SELECT status FROM articles_article WHERE slug = %s", slug)[0][0])

    wait_for(lambda: status() == "published", timeout=30, what="the article to be published")
    late = (datetime.now(UTC) - due).total_seconds()
    time.sleep(2 * PUBLISH_DUE_EVERY)  # both workers go on ticking: more chances to run twice

    # Every period of the publishing job claimed since both workers beat (the run rows, which
    # are the claims), once each has finished: the tasks enqueued for it, who ran them, and
    # what they published. Periods claimed after this point are left out.
    def runs_since() -> list[tuple[Any, ...]]:
        return site.sql(
            "SELECT id, attempts, outcome, result FROM cms_periodicrun "
            "WHERE job = 'publish-due-articles' AND period_start >= %s AND id <= %s ORDER BY id",
            both_since - timedelta(seconds=PUBLISH_DUE_EVERY),
            last_run,
        )

    def finished_runs() -> list[tuple[Any, ...]]:
        rows = runs_since()
        return rows if all(outcome in ("succeeded", "failed") for _, _, outcome, _ in rows) else []

    last_run = site.sql("SELECT max(id) FROM cms_periodicrun")[0][0]
    runs: list[tuple[Any, ...]] = wait_for(
        finished_runs, timeout=30, what="the periodic runs claimed to finish"
    )
    beating = len(set(pids) & set(heartbeats(site)))
    stopped = fleet.stop("worker 2")
    ok(f"worker 2: SIGTERM, exited 0 in {stopped:.1f} s")
    now_version = site.sql("SELECT version FROM articles_article WHERE slug = %s", slug)[0][0]
    run_ids = {run_id for run_id, *_ in runs}
    tasks = [
        (args_kwargs["args"][0], worker_ids)
        for args_kwargs, worker_ids in site.sql(
            "SELECT args_kwargs, worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'cms.periodic.run_periodic'"
        )
        if args_kwargs["args"][0] in run_ids
    ]
    per_run = Counter(run_id for run_id, _ in tasks)
    ran_by = Counter(ids.get(worker_ids[-1], "?") for _, worker_ids in tasks if worker_ids)
    published = sum(int(result.split()[0]) for *_, result in runs if result)
    line = (
        f"scheduled: published once with {beating} workers running (each claiming due "
        f"periods every {HEARTBEAT} s), {late:.1f} s after its time "
        f"(version {version} -> {now_version}; {len(runs)} publish-due periods, each claimed, "
        f"enqueued and run once: {ran_by['worker 1']} run by worker 1, "
        f"{ran_by['worker 2']} by worker 2; {published} article published in all)"
    )
    expect(beating == 2, f"{line}: a worker stopped beating")
    expect(now_version == version + 1, f"{line}: the version was not bumped exactly once")
    expect(published == 1, f"{line}: not exactly one article published")
    expect(
        all(per_run[run_id] == 1 for run_id in run_ids) and len(tasks) == len(runs),
        f"{line}: tasks per run {dict(per_run)}",
    )
    expect(
        all(attempts == 1 and outcome == "succeeded" for _, attempts, outcome, _ in runs),
        f"{line}: runs {runs}",
    )
    return line


def check_worker_killed(site: Site, fleet: Fleet, env: dict[str, str]) -> str:
    log = fleet.workdir / "slow-task.log"
    enqueued = run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            f"from {SLOW_TASK.rpartition('.')[0]} import slow_once; "
            f"print(slow_once.enqueue({str(log)!r}).id)",
        ],
        env,
        "a slow task enqueued (manage.py shell)",
    )
    task_id = enqueued.strip().splitlines()[-1]

    def task() -> tuple[str, list[str], Any]:
        row = site.sql(
            "SELECT status, worker_ids, return_value FROM django_tasks_database_dbtaskresult "
            "WHERE id = %s",
            task_id,
        )[0]
        return row[0], row[1], row[2]

    wait_for(log.exists, timeout=30, what="worker 1 to start the slow task")
    victim = fleet.processes.pop("worker 1")
    os.killpg(victim.pid, signal.SIGKILL)  # no chance to clean up: as if the machine died
    victim.wait()
    killed = time.monotonic()
    status, claimed_by, _ = task()
    expect(status == "RUNNING", f"the killed worker's task is {status}, not RUNNING")

    fleet.start("worker 1 (restarted)", "worker")
    wait_for(lambda: task()[0] == "SUCCESSFUL", timeout=60, what="the task to complete")
    took = time.monotonic() - killed
    status, claimed_by, returned = task()
    lines = log.read_text().split()
    line = (
        f"worker killed mid-task: SIGKILL while it ran the slow task, worker restarted; the "
        f"task was handed back and completed {took:.1f} s after the kill "
        f"(claimed {len(claimed_by)} times, started {lines[::2].count('start')} times, "
        f"finished {lines[::2].count('done')} time, returned {returned!r})"
    )
    expect(lines[::2] == ["start", "start", "done"] and returned == "finished", line)
    return line


def main() -> int:
    started = time.monotonic()
    admin_url = os.environ.get(
        "SCALE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
    )
    redis_url = os.environ.get("SCALE_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    database = os.environ.get("SCALE_TEST_DATABASE") or f"byline_scale_test_{os.getpid()}"
    ports_given = os.environ.get("SCALE_TEST_PORTS", "")
    port_a, port_b = [int(p) for p in ports_given.split(",")] if ports_given else [0, 0]
    while port_a == port_b:  # two free ports, not the same one twice
        port_a, port_b = free_port(), free_port()
    ports = {"A": port_a, "B": port_b}

    redis.Redis.from_url(redis_url, socket_connect_timeout=5).flushdb()
    workdir = Path(tempfile.mkdtemp(prefix="byline-scale-test-"))
    results: list[str] = []
    fleet: Fleet | None = None
    try:
        with ExitStack() as cleanup:
            database_url = cleanup.enter_context(scratch_database(admin_url, database))
            env = production_env(
                database_url=database_url,
                redis_url=redis_url,
                static_root=workdir / "static",
                WEB_CONCURRENCY="2",
                # Behind one load balancer, which appends the client's address.
                TRUSTED_PROXY_COUNT="1",
                # The defaults, whatever the shell says: the checks count against them.
                API_PUBLIC_READS="true",
                COMMENTS_RATE_LIMITS_PER_IP="5/m,30/h",
                PUBLISH_DUE_EVERY=str(PUBLISH_DUE_EVERY),
                VIEWS_FLUSH_EVERY=str(VIEWS_FLUSH_EVERY),
                WORKER_HEARTBEAT_SECONDS=str(HEARTBEAT),
                WORKER_STALE_AFTER=str(STALE_AFTER),
            )
            print(
                f"Scale test: production settings on {database_url} and {redis_url}, "
                f"web A on :{port_a}, web B on :{port_b}",
                flush=True,
            )
            fleet = Fleet(env, workdir)
            cleanup.callback(fleet.kill_all)
            run([PYTHON, "manage.py", "collectstatic", "--noinput"], env, "collectstatic --noinput")
            run(
                ["sh", "-c", fleet.procfile["release"]],
                env,
                f"release: {fleet.procfile['release']}",
            )
            run(
                [
                    PYTHON,
                    "manage.py",
                    "createsuperuser",
                    "--noinput",
                    "--username",
                    EDITOR,
                    "--email",
                    "editor@example.com",
                ],
                env,
                f"an editor ({EDITOR}, no password)",
            )
            token = (
                run(
                    [
                        PYTHON,
                        "manage.py",
                        "create_api_token",
                        "--user",
                        EDITOR,
                        "--name",
                        "scale test",
                        "--scope",
                        "content:write",
                        "--scope",
                        "content:publish",
                    ],
                    env,
                    "create_api_token",
                )
                .strip()
                .splitlines()[-1]
            )

            booted = time.monotonic()
            for web, port in ports.items():
                fleet.start(f"web {web}", "web", PORT=str(port))
            fleet.start("worker 1", "worker")
            for web, port in ports.items():
                wait_until_ready(port, fleet.processes[f"web {web}"], booted + 90)
            ok(
                f"web A and web B ({fleet.procfile['web']}, WEB_CONCURRENCY=2) and worker 1 "
                f"({fleet.procfile['worker']}) up in {time.monotonic() - booted:.1f} s"
            )
            site = Site(ports, database_url, token)
            # The comment form is fetched first: its minimum time passes during the views.
            form = CommentForm(site)
            for check in (
                lambda: check_views(site),
                lambda: check_rate_limit(site, form),
                lambda: check_cache(site),
                lambda: check_scheduled(site, fleet),
                lambda: check_worker_killed(site, fleet, env),
            ):
                results.append(check())
                ok(results[-1])
            for name in list(fleet.processes):
                stopped = fleet.stop(name)
                ok(f"{name}: SIGTERM, exited 0 in {stopped:.1f} s")
    except (CheckFailed, OSError, psycopg.Error) as failure:
        print(f"FAILED: {type(failure).__name__}: {failure}", file=sys.stderr)
        if fleet is not None:
            fleet.tail()
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Scale test passed in {time.monotonic() - started:.0f} s:", flush=True)
    for line in results:
        print(f"  {line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
