"""Real worker processes against the suite's database (SQLite file or PostgreSQL): a task
outlives a worker killed mid-task, periodic work runs once with two workers, and a due article
is published by a running worker.

Each test starts ``manage.py run_worker`` processes with a fast heartbeat and a short
WORKER_STALE_AFTER, waits for the outcome (a few seconds), then stops them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article, ArticleStatus
from cms.models import PeriodicRun, RunOutcome, WorkerHeartbeat
from cms.queue import TaskResultStatus
from tests.cms import worker_tasks
from tests.factories import ArticleFactory
from tests.subprocesses import ROOT, run_manage

pytestmark = pytest.mark.django_db(transaction=True)

STALE_AFTER = 1.5


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TASKS_BACKEND"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=database_url(),
        TASKS_BACKEND="database",
        WORKER_HEARTBEAT_SECONDS="0.2",
        WORKER_STALE_AFTER=str(STALE_AFTER),
        PUBLISH_DUE_EVERY="0",
        PURGE_EXPIRED_EVERY="0",
        PURGE_TRASH_EVERY="0",
        REVISIONS_PRUNE_EVERY="0",
        REFRESH_STATISTICS_EVERY="0",
        VIEWS_FLUSH_EVERY="0",
    )
    env.update(extra)
    return env


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(worker_id: str, **env: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{worker_id}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--worker-id", worker_id],
            cwd=ROOT,
            env=worker_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition: Callable[[], object], timeout: float = 20, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what or condition}")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def test_a_task_outlives_a_worker_killed_mid_task(workers, tmp_path):
    log = tmp_path / "task.log"
    result = worker_tasks.slow_once.enqueue(str(log))
    first = workers("crash-a")
    wait_for(lambda: log.exists(), what="worker A to start the task")
    first.send_signal(signal.SIGKILL)  # no chance to clean up: as if the machine died
    first.wait(timeout=10)
    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, row.worker_ids) == (TaskResultStatus.RUNNING, ["crash-a"])  # stranded

    second = workers("crash-b")
    wait_for(
        lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL,
        what="worker B to take the task over and finish it",
    )
    stop(second)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.worker_ids == ["crash-a", "crash-b"]
    assert row.return_value == "finished"
    lines = log.read_text().split()
    assert lines[::2] == ["start", "start", "done"]  # ran again from the start, finished once
    assert lines[1] == str(first.pid)
    assert lines[3] == lines[5] == str(second.pid)


def test_periodic_work_runs_once_with_two_workers(workers):
    due = ArticleFactory(
        status=ArticleStatus.SCHEDULED, published_at=timezone.now() - timedelta(minutes=5)
    )
    # One period a day, so both workers see the same period (unless this straddles midnight UTC).
    one_day = {"PUBLISH_DUE_EVERY": "86400"}
    pair = [workers("pair-a", **one_day), workers("pair-b", **one_day)]

    def settled() -> bool:
        beating = WorkerHeartbeat.objects.filter(worker_id__in=["pair-a", "pair-b"]).count() == 2
        done = PeriodicRun.objects.filter(outcome=RunOutcome.SUCCEEDED).exists()
        return beating and done

    wait_for(settled, what="both workers beating and the run done")
    time.sleep(1)  # both keep ticking: several more chances to claim the period again
    for process in pair:
        stop(process)

    runs = list(PeriodicRun.objects.values_list("job", "outcome", "attempts", "result"))
    assert runs == [
        ("publish-due-articles", RunOutcome.SUCCEEDED, 1, "1 scheduled article(s) published")
    ]
    assert DBTaskResult.objects.filter(task_path="cms.periodic.run_periodic").count() == 1
    published = Article.objects.get(pk=due.pk)
    assert published.status == ArticleStatus.PUBLISHED
    assert published.version == due.version + 1  # one UPDATE, not two


def test_a_due_article_goes_live_through_the_worker_and_the_admin_shows_it(workers, client, editor):
    due = ArticleFactory(
        title="Harbour reopens",
        status=ArticleStatus.SCHEDULED,
        published_at=timezone.now() - timedelta(seconds=30),
    )
    client.force_login(editor)

    def status_in_changelist() -> str:
        page = client.get("/admin/articles/article/").content.decode()
        row = re.search(r"<tr>.*?Harbour reopens.*?</tr>", page, re.S)
        assert row, "the article is in the changelist"
        cell = re.search(r'<td class="field-status_badge"><span [^>]*>([^<]*)</span>', row.group(0))
        assert cell
        return cell.group(1)

    # Shown live at once (its time has come); the worker only tidies the stored status.
    assert status_in_changelist() == "Published"
    assert Article.objects.get(pk=due.pk).status == ArticleStatus.SCHEDULED
    worker = workers("publisher", PUBLISH_DUE_EVERY="60")
    wait_for(
        lambda: Article.objects.get(pk=due.pk).status == ArticleStatus.PUBLISHED,
        what="the worker to publish the article",
    )
    stop(worker)
    assert status_in_changelist() == "Published"
    assert "Task workers: degraded" not in client.get("/admin/").content.decode()


def test_rq_is_selected_by_the_environment():
    result = run_manage(
        "config.settings.test",
        {"TASKS_BACKEND": "rq", "REDIS_URL": "redis://127.0.0.1:1/0"},  # not contacted
        "shell",
        "-c",
        "from cms.queue import task_backends; from cms.worker import backend_kind; "
        "print(backend_kind(), type(task_backends['default']).__name__)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "rq RQBackend"
    refused = run_manage(
        "config.settings.test", {"TASKS_BACKEND": "rq"}, "check", unset=["REDIS_URL"]
    )
    assert refused.returncode != 0
    assert "TASKS_BACKEND=rq needs REDIS_URL" in refused.stderr


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (the PostgreSQL + Redis run)"
)
def test_a_task_round_trips_through_rq():
    env = {"TASKS_BACKEND": "rq", "DATABASE_URL": database_url()}
    enqueued = run_manage(
        "config.settings.test",
        env,
        "shell",
        "-c",
        "from tests.cms.worker_tasks import add; print(add.enqueue(2, 3).id)",
    )
    assert enqueued.returncode == 0, enqueued.stderr
    task_id = enqueued.stdout.strip().splitlines()[-1]
    ran = run_manage(
        "config.settings.test", env, "run_worker", "--burst", "--worker-id", "rq-burst"
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    fetched = run_manage(
        "config.settings.test",
        env,
        "shell",
        "-c",
        "from cms.queue import task_backends; "
        f"r = task_backends['default'].get_result('{task_id}'); print(r.status, r.return_value)",
    )
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.strip().splitlines()[-1] == "SUCCESSFUL 5"
    assert WorkerHeartbeat.objects.filter(worker_id="rq-burst", backend="rq").exists()
