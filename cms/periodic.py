"""Periodic work that runs exactly once per period, however many workers run.

settings.PERIODIC_JOBS names each job's task and period. Every worker's scheduler
(``cms.worker``) calls ``schedule_due`` every few seconds; for each job it tries to insert the
PeriodicRun row of the current period. The row is unique on (job, period_start), so one insert
wins and only its worker enqueues the run; the others get an IntegrityError and move on. With
the database task backend the claim and the queued task commit together, so a worker that dies
between the two leaves neither. The jobs are idempotent as well (publishing is one conditional
UPDATE), so a run handed to a second worker after a crash does no harm.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db import DatabaseBackend

from cms.models import PeriodicRun, RunOutcome
from cms.queue import ImmediateBackend, Task, task, task_backends

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task[[], Any]
    every: int  # seconds

    def period_start(self, now: datetime) -> datetime:
        """The start of the period ``now`` falls in: periods are aligned to the Unix epoch, so
        every worker, on any machine, computes the same one."""
        epoch = int(now.timestamp())
        return datetime.fromtimestamp(epoch - epoch % self.every, tz=UTC)


def jobs() -> dict[str, PeriodicJob]:
    found = {}
    for name, spec in settings.PERIODIC_JOBS.items():
        every = int(spec["every"])
        if every <= 0:
            continue  # switched off
        found[name] = PeriodicJob(name=name, task=import_string(spec["task"]), every=every)
    return found


def schedule_due(*, now: datetime | None = None) -> list[PeriodicRun]:
    """Claim and enqueue each job whose current period has no run yet; return the runs claimed
    here (empty when other workers got there first)."""
    now = now or timezone.now()
    claimed = []
    for job in jobs().values():
        start = job.period_start(now)
        if PeriodicRun.objects.filter(job=job.name, period_start=start).exists():
            continue  # the common case: settled without a failed insert
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.name, period_start=start)
                if isinstance(task_backends["default"], DatabaseBackend | ImmediateBackend):
                    run_periodic.enqueue(run.pk)  # commits (or runs) with the claim
                else:  # a broker (RQ) could hand the task out before the claim is committed
                    transaction.on_commit(partial(run_periodic.enqueue, run.pk))
        except IntegrityError:
            continue  # another worker claimed this period between the check and the insert
        claimed.append(run)
    return claimed


@task()
def run_periodic(run_id: int) -> str:
    """Run one claimed period of a job and record how it went."""
    run = PeriodicRun.objects.filter(pk=run_id).first()
    if run is None:
        return "record purged"
    if run.outcome == RunOutcome.SUCCEEDED:
        return run.result  # delivered again after it had finished: nothing left to do
    job = jobs().get(run.job)
    record = PeriodicRun.objects.filter(pk=run_id)
    if job is None:
        record.update(outcome=RunOutcome.FAILED, result="No such job in PERIODIC_JOBS.")
        return "unknown job"
    record.update(outcome=RunOutcome.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1)
    try:
        result = str(job.task.call())
    except Exception as exc:
        record.update(
            outcome=RunOutcome.FAILED,
            finished_at=timezone.now(),
            result=f"{type(exc).__name__}: {exc}"[:500],
        )
        raise
    record.update(outcome=RunOutcome.SUCCEEDED, finished_at=timezone.now(), result=result[:500])
    return result
