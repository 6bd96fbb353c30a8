"""The task worker: the configured backend's own worker, with a pulse beside it.

``manage.py run_worker`` starts the worker that matches TASKS (django-tasks-db's ``db_worker``
loop for the database backend, ``rqworker`` for RQ), so the Procfile's line never changes with
the backend. A daemon thread, the pulse, ticks every WORKER_HEARTBEAT_SECONDS:

1. it records that this worker is alive (a WorkerHeartbeat row, read by /readyz/ and the admin);
2. it hands back tasks that a dead worker had claimed (database backend: a worker killed
   mid-task leaves its task "running" for ever otherwise). A task is handed back once its
   worker has been unseen for WORKER_STALE_AFTER seconds, and fails after TASKS_MAX_ATTEMPTS
   claims, so a task that kills its worker cannot take every worker down in turn;
3. it enqueues the periodic jobs whose period has begun (``cms.periodic``).

Tasks therefore run at least once: one whose worker died may run again, so tasks are written
to be idempotent.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db import DatabaseBackend
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from cms.models import WorkerHeartbeat
from cms.periodic import schedule_due
from cms.queue import ImmediateBackend, TaskResultStatus, task_backends

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """Recorded as the error of a task whose worker died under it too many times."""


def backend_kind() -> str:
    """Which worker the default backend needs: "database", "rq" or "none" (immediate)."""
    backend = task_backends["default"]
    if isinstance(backend, DatabaseBackend):
        return "database"
    if isinstance(backend, ImmediateBackend):
        return "none"
    if type(backend).__module__.startswith("django_tasks_rq"):
        return "rq"
    raise ValueError(f"No worker is known for the task backend {type(backend).__name__}.")


class DatabaseWorker(db_worker.Worker):
    """django-tasks-db's worker loop, stopping between steps on SIGTERM or SIGINT.

    db_worker exits at once on a signal whenever no task is running, which can land in the
    middle of its claim query and end the process with a database error (exit status 1) on an
    ordinary restart. Here the first signal ends the loop after the current step (a claim, a
    task, or at most the poll interval); a second one still stops it at once."""

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:
            super().shutdown(signum, frame)
            return
        logger.warning("Received %s: stopping after the current step", signal.strsignal(signum))
        self.running = False


def rq_worker_command(*, worker_id: str, burst: bool) -> tuple[list[str], dict[str, Any]]:
    """``manage.py rqworker``'s arguments and options for the RQ backend."""
    options = {
        "job_class": "django_tasks_rq.Job",
        "with_scheduler": True,  # tasks enqueued with run_after
        "burst": burst,
        "name": worker_id,
    }
    return ["default"], options


def run_tasks(*, worker_id: str, burst: bool, verbosity: int = 1) -> None:
    """Run the default backend's tasks until stopped (or, with ``burst``, until none is left)."""
    kind = backend_kind()
    if kind == "database":
        loop = DatabaseWorker(
            queue_names=["default"],
            excluded_queue_names=[],
            interval=1.0,
            batch=burst,
            backend_name="default",
            startup_delay=not burst,
            max_tasks=None,
            worker_id=worker_id,
        )
        loop.configure_signals()
        loop.run()
    elif kind == "rq":
        arguments, options = rq_worker_command(worker_id=worker_id, burst=burst)
        call_command("rqworker", *arguments, verbosity=verbosity, **options)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


def worker_status(*, now: datetime | None = None) -> str:
    """ "ok" while some worker has been seen within WORKER_STALE_AFTER seconds, else
    "degraded": queued tasks and periodic work wait until a worker runs."""
    now = now or timezone.now()
    fresh = now - timedelta(seconds=settings.WORKER_STALE_AFTER)
    return "ok" if WorkerHeartbeat.objects.filter(seen_at__gte=fresh).exists() else "degraded"


def requeue_abandoned(*, now: datetime | None = None) -> int:
    """Hand back the database-backend tasks whose worker has stopped beating; return how many.

    Only workers that beat (run through run_worker) are judged: a task claimed by a worker
    with no heartbeat row at all is left alone, since nothing says that worker is dead."""
    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return 0  # RQ keeps its own registry of started jobs and their workers
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.WORKER_STALE_AFTER)
    dead = set(
        WorkerHeartbeat.objects.filter(seen_at__lt=stale_before).values_list("worker_id", flat=True)
    )
    if not dead:
        return 0
    handed = 0
    claimed = DBTaskResult.objects.running().filter(
        backend_name=backend.alias, started_at__lt=stale_before
    )
    for row in claimed.only("id", "worker_ids", "started_at"):
        if not row.worker_ids or row.worker_ids[-1] not in dead:
            continue
        # Conditional on the claim being unchanged, so two pulses never both act on it.
        same_claim = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if len(row.worker_ids) >= settings.TASKS_MAX_ATTEMPTS:
            same_claim.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"Its worker stopped while running it, {len(row.worker_ids)} times.",
            )
            logger.error(
                "Task %s failed: its worker died under it %d times", row.pk, len(row.worker_ids)
            )
        elif same_claim.update(status=TaskResultStatus.READY, started_at=None):
            handed += 1
            logger.warning("Task %s handed back: worker %s stopped", row.pk, row.worker_ids[-1])
    return handed


class Pulse(threading.Thread):
    """The worker's heartbeat, crash recovery and periodic scheduler (see the module doc)."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="byline-worker-pulse", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def beat(self) -> None:
        now = timezone.now()
        if not WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(seen_at=now):
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                backend=backend_kind(),
                started_at=self.started_at,
                seen_at=now,
            )

    def tick(self) -> None:
        try:
            self.beat()
            requeue_abandoned()
            schedule_due()
        except Exception:  # a database hiccup must not stop the beating; the next tick retries
            logger.exception(
                "Worker pulse failed; retrying in %ss", settings.WORKER_HEARTBEAT_SECONDS
            )

    def run(self) -> None:
        while not self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS):
            close_old_connections()  # this thread's own connection, as a request would
            self.tick()
            close_old_connections()
