"""Read replicas: a request that only reads uses one; everything else uses the primary.

Active when DATABASE_REPLICA_URLS names replicas (settings.DATABASE_REPLICAS lists their aliases,
and DATABASE_ROUTERS names ``ReplicaRouter``). Replicas lag the primary (by milliseconds, as a
rule): what may read from one is only what a moment's lag cannot hurt. The rules:

- Outside a request (the task worker and its tasks, management commands, migrations, a shell)
  everything goes to the primary: only ``ReplicaReadsMiddleware`` lets reads go elsewhere, and
  only inside the request it wraps.
- Reads (GET, HEAD, OPTIONS) outside the admin read from one replica, picked at random per
  request (two replicas lagging by different amounts would show one page two pasts).
- Every other method reads from the primary from its first query: a write built on a lagging
  read would save what the reader never saw (an article changed from a stale copy loses the
  edit made meanwhile). So does the admin, where editors read what they just saved and every
  form reads to write. A view that tells writes from reads itself may opt in with
  ``replica_reads = True`` (GraphQL: queries arrive by POST too; it pins mutations).
- Once a request writes (``db_for_write``: saves, deletes, ``select_for_update``,
  ``get_or_create``) or opens a transaction on the primary (``transaction.atomic()``: what it
  reads must see the transaction's own rows and locks), every later read of that request goes
  to the primary: a request reads its own writes.
- Sign-in state is read from the primary always: sessions, users, API tokens and failed
  sign-ins. A lagging replica would sign an editor out just after they signed in, accept a
  token for a moment after it was revoked, or under-count failures across app servers; these
  are single-row lookups, so the primary barely notices them.
- Migrations run on the primary only; relations between any of the aliases are allowed (they
  hold the same data).
- A replica that cannot be reached when a request picks it is skipped by this process for
  DATABASE_REPLICA_RETRY_SECONDS: the request reads from another replica, or from the primary.
  (A replica that fails in the middle of a request fails that request.)
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponseBase

logger = logging.getLogger(__name__)

# Read from the primary always (see the module doc): app labels, and app_label.model_name.
PRIMARY_ONLY = frozenset({"sessions", "auth", "axes", "cms.apitoken"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class _RequestReads:
    """Where the current request reads: from the primary, or (``replica_ok``) from ``replica``
    (picked at its first read, so a request that reads nothing opens no connection) until it
    is ``pinned`` to the primary by a write."""

    replica_ok: bool = False
    replica: str | None = None
    pinned: bool = False


# Set by the middleware for the request it wraps; None (the primary) everywhere else.
_reads: ContextVar[_RequestReads | None] = ContextVar("byline_request_reads", default=None)


def read_alias() -> str:
    """The alias this context's reads go to now."""
    state = _reads.get()
    if state is None or state.pinned or not state.replica_ok:
        return DEFAULT_DB_ALIAS
    if state.replica is None:
        state.replica = _pick_replica()
    return state.replica


def pin_to_primary() -> None:
    """Send every later read of the current request to the primary."""
    state = _reads.get()
    if state is not None:
        state.pinned = True


# Replicas this process found unreachable: alias -> time.monotonic() until which it skips them.
_skipped_until: dict[str, float] = {}


def replica_answers(alias: str) -> bool:
    """Can this process use replica ``alias`` now? Opens (or health-checks) its connection.

    A replica that does not answer is skipped for DATABASE_REPLICA_RETRY_SECONDS, so that
    requests do not each wait for its connection to time out."""
    if _skipped_until.get(alias, 0.0) > time.monotonic():
        return False
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except Error:
        logger.warning(
            "Read replica %s does not answer: reading from the primary or another replica for %ss",
            alias,
            settings.DATABASE_REPLICA_RETRY_SECONDS,
            exc_info=True,
        )
        _skipped_until[alias] = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
        return False
    _skipped_until.pop(alias, None)
    return True


def _pick_replica() -> str:
    """A replica that answers, at random; the primary when none does."""
    replicas: list[str] = settings.DATABASE_REPLICAS
    for alias in random.sample(replicas, len(replicas)):
        if replica_answers(alias):
            return alias
    return DEFAULT_DB_ALIAS


def _primary_only(model: type[Model]) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY or meta.label_lower in PRIMARY_ONLY


class ReplicaRouter:
    """Django database router for the rules in the module doc."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if _primary_only(model):
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # A transaction is open on the primary: what it reads must come from it.
            pin_to_primary()
            return DEFAULT_DB_ALIAS
        return read_alias()

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        pin_to_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


def _may_read_a_replica(request: HttpRequest, view_func: Callable[..., Any]) -> bool:
    view_class = getattr(view_func, "view_class", None)
    if getattr(view_func, "replica_reads", False) or getattr(view_class, "replica_reads", False):
        return True
    match = request.resolver_match
    in_admin = match is not None and "admin" in match.namespaces
    return request.method in READ_METHODS and not in_admin


class ReplicaReadsMiddleware:
    """Lets the request it wraps read from a replica, as the module doc says.

    A no-op when no replica is configured. Until the view is known (``process_view``) the
    request reads from the primary; the state is dropped when the response is returned, so the
    next request on this thread starts afresh. A request that reads nothing (``/healthz/``)
    touches no replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        token = _reads.set(_RequestReads())
        try:
            return self.get_response(request)
        finally:
            _reads.reset(token)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        state = _reads.get()
        if state is not None and not state.pinned and _may_read_a_replica(request, view_func):
            state.replica_ok = True
