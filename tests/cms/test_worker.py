"""The task queue in one process: periodic claims, abandoned-task hand-back, purge, health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article, ArticleStatus
from cms import periodic, worker
from cms.models import ApiToken, PeriodicRun, RunOutcome, WorkerHeartbeat
from cms.queue import TaskResultStatus, task_backends
from cms.tasks import purge_expired
from config.settings.base import tasks_settings
from tests.cms import worker_tasks
from tests.factories import ArticleFactory, UserFactory

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PUBLISH_ONLY = {"publish-due-articles": {"task": "articles.tasks.publish_due", "every": 60}}


@pytest.fixture
def database_backend(settings):
    settings.TASKS = DATABASE
    settings.PERIODIC_JOBS = PUBLISH_ONLY


@pytest.fixture
def immediate_backend(settings):
    settings.TASKS = IMMEDIATE
    settings.PERIODIC_JOBS = PUBLISH_ONLY


def beat(worker_id: str, seconds_ago: float) -> WorkerHeartbeat:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="h", pid=1, backend="database", started_at=seen, seen_at=seen
    )


# --- Periodic jobs ------------------------------------------------------------------------------


def test_periods_are_aligned_to_the_epoch_so_every_worker_computes_the_same():
    job = periodic.PeriodicJob(name="j", task=worker_tasks.broken, every=60)
    start = job.period_start(datetime(2026, 3, 1, 12, 34, 56, tzinfo=UTC))
    assert start == datetime(2026, 3, 1, 12, 34, tzinfo=UTC)
    assert job.period_start(datetime(2026, 3, 1, 12, 34, 0, tzinfo=UTC)) == start


@pytest.mark.django_db
def test_a_period_is_claimed_and_enqueued_once(database_backend):
    now = timezone.now()
    assert [run.job for run in periodic.schedule_due(now=now)] == ["publish-due-articles"]
    assert periodic.schedule_due(now=now) == []
    assert PeriodicRun.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path="cms.periodic.run_periodic").count() == 1
    next_period = now + timedelta(seconds=60)
    assert [run.job for run in periodic.schedule_due(now=next_period)] == ["publish-due-articles"]


@pytest.mark.django_db
def test_losing_the_insert_race_enqueues_nothing(database_backend):
    """Two workers both see no run for the period; the second insert fails on the unique
    constraint and its task is rolled back with it."""
    now = timezone.now()
    job = periodic.jobs()["publish-due-articles"]
    PeriodicRun.objects.create(job=job.name, period_start=job.period_start(now))
    with mock.patch.object(periodic.PeriodicRun.objects, "filter") as looked:
        looked.return_value.exists.return_value = False  # the check ran before the winner's insert
        assert periodic.schedule_due(now=now) == []
    assert PeriodicRun.objects.count() == 1
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_broker_gets_the_run_only_once_the_claim_is_committed(
    settings, django_capture_on_commit_callbacks
):
    """RQ could hand a task to a worker before the run record it names is committed."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.PERIODIC_JOBS = PUBLISH_ONLY
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        [run] = periodic.schedule_due()
    queued = task_backends["default"].results  # type: ignore[attr-defined]
    assert queued == []
    on_commit[0]()
    assert [(result.task.name, result.args) for result in queued] == [("run_periodic", [run.pk])]


@pytest.mark.django_db
def test_a_run_publishes_due_articles_and_records_it(immediate_backend):
    due = ArticleFactory(
        status=ArticleStatus.SCHEDULED, published_at=timezone.now() - timedelta(minutes=1)
    )
    later = ArticleFactory(
        status=ArticleStatus.SCHEDULED, published_at=timezone.now() + timedelta(hours=1)
    )
    [run] = periodic.schedule_due()
    run.refresh_from_db()
    assert (run.outcome, run.attempts) == (RunOutcome.SUCCEEDED, 1)
    assert run.result == "1 scheduled article(s) published"
    assert Article.objects.get(pk=due.pk).status == ArticleStatus.PUBLISHED
    assert Article.objects.get(pk=later.pk).status == ArticleStatus.SCHEDULED
    # Delivered again (a worker died after finishing): nothing runs twice.
    assert periodic.run_periodic.call(run.pk) == run.result
    assert PeriodicRun.objects.get(pk=run.pk).attempts == 1


@pytest.mark.django_db
def test_a_failing_job_is_recorded_as_failed(settings):
    settings.TASKS = IMMEDIATE
    settings.PERIODIC_JOBS = {"broken": {"task": "tests.cms.worker_tasks.broken", "every": 60}}
    periodic.schedule_due()  # the immediate backend records the task's failure, as a worker does
    run = PeriodicRun.objects.get(job="broken")
    assert run.outcome == RunOutcome.FAILED
    assert run.result == "RuntimeError: the job fell over"


@pytest.mark.django_db
def test_a_period_of_zero_switches_a_job_off(settings):
    settings.TASKS = IMMEDIATE
    settings.PERIODIC_JOBS = {"off": {"task": "articles.tasks.publish_due", "every": 0}}
    assert periodic.schedule_due() == []


# --- Tasks whose worker died --------------------------------------------------------------------


def _claimed(worker_ids: list[str], seconds_ago: float) -> DBTaskResult:
    result = worker_tasks.add.enqueue(1, 2)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=worker_ids,
        started_at=timezone.now() - timedelta(seconds=seconds_ago),
    )
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.django_db
def test_a_task_claimed_by_a_dead_worker_is_handed_back(database_backend, settings):
    settings.WORKER_STALE_AFTER = 60
    beat("dead", seconds_ago=120)
    beat("alive", seconds_ago=1)
    orphan = _claimed(["dead"], seconds_ago=90)
    busy = _claimed(["alive"], seconds_ago=90)  # a long task on a live worker
    unknown = _claimed(["plain-db-worker"], seconds_ago=90)  # no heartbeat: nothing says it died
    assert worker.requeue_abandoned() == 1
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[orphan.pk] == TaskResultStatus.READY
    assert statuses[busy.pk] == statuses[unknown.pk] == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.ready().filter(pk=orphan.pk).exists()  # a worker will claim it


@pytest.mark.django_db
def test_a_task_that_keeps_killing_its_worker_fails(database_backend, settings):
    settings.WORKER_STALE_AFTER = 60
    settings.TASKS_MAX_ATTEMPTS = 3
    for name in ("w1", "w2", "w3"):
        beat(name, seconds_ago=120)
    poison = _claimed(["w1", "w2", "w3"], seconds_ago=90)
    assert worker.requeue_abandoned() == 0
    poison.refresh_from_db()
    assert poison.status == TaskResultStatus.FAILED
    assert poison.exception_class_path == "cms.worker.WorkerLost"


# --- Heartbeat, readiness and the admin ---------------------------------------------------------


@pytest.mark.django_db
def test_readyz_reports_the_worker_degraded_but_stays_ready(client, settings):
    settings.WORKER_STALE_AFTER = 60
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "worker": "degraded"},
    }
    beat("old", seconds_ago=61)
    assert client.get("/readyz/").json()["checks"]["worker"] == "degraded"
    beat("new", seconds_ago=5)
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == "ok"


@pytest.mark.django_db
def test_a_pulse_records_the_worker_and_keeps_one_row(immediate_backend):
    pulse = worker.Pulse("w-test")
    pulse.tick()
    first = WorkerHeartbeat.objects.get(worker_id="w-test").seen_at
    pulse.tick()
    assert WorkerHeartbeat.objects.count() == 1
    assert WorkerHeartbeat.objects.get().seen_at >= first
    assert worker.worker_status() == "ok"


@pytest.mark.django_db
def test_the_admin_index_shows_workers_and_last_runs_to_editors(client, editor, author, settings):
    settings.TASKS = IMMEDIATE
    client.force_login(editor)
    page = client.get("/admin/").content.decode()
    assert "Task workers: degraded" in page
    assert "python manage.py run_worker" in page
    worker.Pulse("w-admin").tick()  # a heartbeat, and this period's runs
    page = client.get("/admin/").content.decode()
    assert "Task workers: running" in page
    assert "0 scheduled article(s) published" in page
    assert client.get("/admin/cms/periodicrun/?job=publish-due-articles").status_code == 200
    assert client.get("/admin/cms/workerheartbeat/").status_code == 200
    client.force_login(author)
    assert "Task workers" not in client.get("/admin/").content.decode()
    assert client.get("/admin/cms/periodicrun/").status_code == 403


# --- Purging --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_purge_deletes_only_what_has_expired(settings):
    settings.TASKS = DATABASE
    now = timezone.now()
    expired = SessionStore()
    expired.set_expiry(-10)
    expired.save()
    current = SessionStore()
    current.save()
    cool_off = timedelta(seconds=settings.ADMIN_LOGIN_COOL_OFF_SECONDS)
    for age, who in ((cool_off + timedelta(minutes=1), "old"), (timedelta(minutes=1), "recent")):
        AccessAttempt.objects.create(
            username=who, ip_address="192.0.2.1", user_agent="", failures_since_start=1
        )
        AccessAttempt.objects.filter(username=who).update(attempt_time=now - age)
    old_result = worker_tasks.add.enqueue(1, 1)
    DBTaskResult.objects.filter(pk=old_result.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=now - timedelta(days=8)
    )
    queued = worker_tasks.add.enqueue(2, 2)
    PeriodicRun.objects.create(job="x", period_start=now - timedelta(days=31))
    PeriodicRun.objects.create(job="x", period_start=now - timedelta(days=1))
    beat("gone", seconds_ago=2 * 86400)
    beat("here", seconds_ago=1)
    expired_token = ApiToken.objects.create(
        name="t", owner=UserFactory(), prefix="p1", digest="d", expires_at=now - timedelta(days=1)
    )

    summary = purge_expired.call()

    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent"]
    assert [str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)] == [queued.id]
    assert PeriodicRun.objects.count() == 1
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["here"]
    assert ApiToken.objects.filter(pk=expired_token.pk).exists()
    assert (
        "1 old sign-in failure(s), 1 task result(s), 1 run record(s), 1 stopped worker(s)"
        in summary
    )


# --- Choosing the backend -------------------------------------------------------------------


def test_the_database_backend_is_the_default_and_needs_no_broker():
    tasks, queues, apps = tasks_settings("database", "")
    assert tasks["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert (queues, apps) == ({}, [])


def test_rq_needs_redis_and_brings_its_apps():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        tasks_settings("rq", "")
    tasks, queues, apps = tasks_settings("rq", "redis://127.0.0.1:6379/3")
    assert tasks["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert queues == {"default": {"URL": "redis://127.0.0.1:6379/3"}}
    assert apps == ["django_rq", "django_tasks_rq"]
    with pytest.raises(ImproperlyConfigured, match="TASKS_BACKEND"):
        tasks_settings("celery", "")


def test_run_worker_picks_the_backends_worker(settings):
    settings.TASKS = DATABASE
    assert worker.backend_kind() == "database"
    settings.TASKS = IMMEDIATE
    assert worker.backend_kind() == "none"
    arguments, options = worker.rq_worker_command(worker_id="w", burst=True)
    assert arguments == ["default"]
    assert options["job_class"] == "django_tasks_rq.Job"  # runs Django tasks, not bare RQ jobs
    assert (options["name"], options["burst"], options["with_scheduler"]) == ("w", True, True)
