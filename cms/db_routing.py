"""Read replicas: a request reads from one until it writes; everything else uses the primary.

Active when DATABASE_REPLICA_URLS names replicas (settings.DATABASE_REPLICAS lists their aliases,
and DATABASE_ROUTERS names ``ReplicaRouter``). The rules, in the order the router applies them:

- Outside a request (the task worker and its tasks, management commands, migrations, a shell)
  everything goes to the primary: ``ReplicaReadsMiddleware`` is the only thing that lets reads
  go elsewhere, and only for the request it wraps.
- A request reads from one replica, picked at random when it starts (one per request: two
  replicas lagging by different amounts would show one page two pasts).
- Once the request writes (``db_for_write``: saves, deletes, ``select_for_update``,
  ``get_or_create``), or opens a transaction on the primary (``transaction.atomic()``, where a
  read from another connection would see neither the transaction's rows nor its locks), every
  later read of that request goes to the primary: a request reads its own writes.
- Sign-in state is read from the primary always: sessions, users, API tokens and failed
  sign-ins. A replica that lags would sign an editor out just after they signed in, accept a
  token for a moment after it was revoked, or under-count failures across app servers; these
  are single-row lookups, so the primary barely notices them.
- Migrations run on the primary only, and relations between any of the aliases are allowed
  (they hold the same data).

Reads that lag are the price: a reader's request may see the state of a second ago. Writes and
what a request does after its own writes never do.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponseBase

# The alias this context reads from. The default (the primary) holds wherever no request set it.
_read_alias: ContextVar[str] = ContextVar("byline_read_alias", default=DEFAULT_DB_ALIAS)

# Read from the primary always (see the module doc): app labels, and app_label.model_name.
PRIMARY_ONLY = frozenset({"sessions", "auth", "axes", "cms.apitoken"})


def read_alias() -> str:
    """The alias this context's reads go to now."""
    return _read_alias.get()


def pin_to_primary() -> None:
    """Send every later read of this context (the current request) to the primary."""
    if _read_alias.get() != DEFAULT_DB_ALIAS:
        _read_alias.set(DEFAULT_DB_ALIAS)


def _primary_only(model: type[Model]) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY or meta.label_lower in PRIMARY_ONLY


class ReplicaRouter:
    """Django database router for the rules in the module doc."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        alias = _read_alias.get()
        if alias == DEFAULT_DB_ALIAS or _primary_only(model):
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # A transaction is open on the primary: what it reads must come from it.
            pin_to_primary()
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        pin_to_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Lets the request it wraps read from a replica (one, at random) until it writes.

    A no-op when no replica is configured. Near the top of MIDDLEWARE, so that everything the
    request does, sessions and authentication included, runs under its rules; the alias is
    reset when the response is returned, so the next request on this thread starts afresh."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        replicas: list[str] = settings.DATABASE_REPLICAS
        if not replicas:
            return self.get_response(request)
        token = _read_alias.set(random.choice(replicas))  # noqa: S311 - spreading load, not secrets
        try:
            return self.get_response(request)
        finally:
            _read_alias.reset(token)
