"""The platform's own periodic work: dropping data whose time is up, and keeping the
database planner's statistics fresh."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.models import PeriodicRun, WorkerHeartbeat
from cms.queue import task

# A worker unseen this long has stopped for good (a restart registers under a new id).
_DEAD_WORKER_AFTER = timedelta(days=1)


@task()
def purge_expired() -> str:
    """Delete what no longer counts for anything:

    - expired sessions (what ``manage.py clearsessions`` does);
    - failed admin sign-ins older than the cool-off (ADMIN_LOGIN_COOL_OFF_SECONDS): they no
      longer count towards a lockout, and they hold an address and a username;
    - finished task results older than TASKS_RESULT_RETENTION_DAYS, periodic run records
      older than PERIODIC_RUN_RETENTION_DAYS, and workers unseen for a day.

    Kept on purpose: expired or revoked API tokens (the audit log points at them), the audit
    log, view counts per day. The view de-duplication marks live in the cache and expire with
    their day; comment form and commenter tokens are signed and never stored.
    """
    now = timezone.now()
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    sign_ins, _ = AccessAttempt.objects.filter(
        attempt_time__lt=now - timedelta(seconds=settings.ADMIN_LOGIN_COOL_OFF_SECONDS)
    ).delete()
    results, _ = (
        DBTaskResult.objects.finished()
        .filter(finished_at__lt=now - timedelta(days=settings.TASKS_RESULT_RETENTION_DAYS))
        .delete()
    )
    runs, _ = PeriodicRun.objects.filter(
        period_start__lt=now - timedelta(days=settings.PERIODIC_RUN_RETENTION_DAYS)
    ).delete()
    workers, _ = WorkerHeartbeat.objects.filter(seen_at__lt=now - _DEAD_WORKER_AFTER).delete()
    return (
        f"expired sessions cleared; deleted {sign_ins} old sign-in failure(s), {results} task "
        f"result(s), {runs} run record(s), {workers} stopped worker(s)"
    )


@task()
def refresh_statistics() -> str:
    """Refresh SQLite's planner statistics (``ANALYZE``).

    SQLite keeps none unless asked, and without them it reads the listings through the status
    index and sorts the whole live archive for every page (seconds at 100,000 articles) rather
    than walking the listing indexes in order. PostgreSQL's autovacuum keeps its own: nothing
    to do there.
    """
    if connection.vendor != "sqlite":
        return "nothing to do: the database keeps its own statistics"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return "statistics refreshed"
