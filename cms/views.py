"""Health checks for load balancers and orchestrators."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cms.db_routing import replica_answers
from cms.worker import worker_status

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches nothing else, so it never flaps with a dependency."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Readiness: database check failed")
        return "unavailable"
    return "ok"


def _check_replica(alias: str) -> str:
    # Through the router's own check: a replica that did not answer is reported unavailable at
    # once until it is due to be tried again, so probes do not each wait for its timeout.
    return "ok" if replica_answers(alias) else "unavailable"


def _check_cache() -> str:
    if "locmem" in settings.CACHES["default"]["BACKEND"]:
        return "ok"  # in-process: nothing to reach
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        answered = cache.get(key) == "1"
        cache.delete(key)
    except Exception:  # the Redis client raises its own error types
        logger.exception("Readiness: cache check failed")
        return "unavailable"
    return "ok" if answered else "unavailable"


def _check_worker(database: str) -> str:
    if database != "ok":
        return "unknown"
    try:
        return worker_status()
    except DatabaseError:  # e.g. not migrated yet: the web process still serves
        logger.exception("Readiness: worker check failed")
        return "unknown"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database and the configured cache answer, else 503.

    "worker" says whether a task worker has been seen lately ("ok"), or not ("degraded":
    scheduled work waits). It never fails the probe: the web process serves readers either way,
    and taking it out of the load balancer would not bring a worker back.

    "replicas" (with DATABASE_REPLICA_URLS) says which read replicas answer. Neither does a
    replica fail the probe: requests read from the primary instead (cms.db_routing), and
    every app server shares the replicas, so failing them all would take the site down."""
    database = _check_database()
    required = {"database": database, "cache": _check_cache()}
    ready = all(value == "ok" for value in required.values())
    checks: dict[str, object] = {**required, "worker": _check_worker(database)}
    if settings.DATABASE_REPLICAS:
        checks["replicas"] = {alias: _check_replica(alias) for alias in settings.DATABASE_REPLICAS}
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
