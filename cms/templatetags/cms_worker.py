"""The admin index's task-worker panel: are workers alive, and how did the periodic jobs go."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.conf import settings
from django.utils import timezone

from cms.models import PeriodicRun, WorkerHeartbeat
from cms.periodic import jobs
from cms.roles import Role, has_role

register = template.Library()


@register.inclusion_tag("cms/worker_panel.html", takes_context=True)
def worker_panel(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    if request is None or not has_role(request.user, Role.EDITOR):
        return {"shown": False}
    now = timezone.now()
    fresh_after = now - timedelta(seconds=settings.WORKER_STALE_AFTER)
    workers = list(WorkerHeartbeat.objects.order_by("-seen_at")[:20])
    alive = [worker for worker in workers if worker.seen_at >= fresh_after]
    names = list(jobs())
    # The latest run of each job: one query over the last few periods, newest first.
    latest: dict[str, PeriodicRun] = {}
    for run in PeriodicRun.objects.filter(job__in=names).order_by("-period_start")[:50]:
        latest.setdefault(run.job, run)
    return {
        "shown": True,
        "status": "ok" if alive else "degraded",
        "alive": len(alive),
        "last_seen": workers[0].seen_at if workers else None,
        "stale_after": int(settings.WORKER_STALE_AFTER),
        "runs": [(name, latest.get(name)) for name in names],
    }
