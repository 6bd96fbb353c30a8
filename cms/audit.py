"""The audit log: services call ``record`` inside the transaction of the write they make, so
an entry exists exactly when the write does, whichever adapter (admin, REST, GraphQL,
command) asked for it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from cms.actors import Actor
from cms.models import AuditEntry


def record(actor: Actor, action: str, obj: Model, *, description: str | None = None) -> None:
    """Note that ``actor`` did ``action`` (e.g. "article.publish") to ``obj``.

    ``description`` replaces ``str(obj)`` where that holds personal data the log should not
    keep. Readers' views are not logged: they are counters, deduplicated per reader and day,
    and a row per view would outgrow everything else. Readers' comments are (as "anonymous").
    """
    AuditEntry.objects.create(**_entry(actor, action, obj, description))


def record_many(actor: Actor, action: str, entries: Iterable[tuple[Model, str]]) -> None:
    """Note ``action`` on each object with its description, in batched inserts (a change
    that touches every article of a section)."""
    AuditEntry.objects.bulk_create(
        (AuditEntry(**_entry(actor, action, obj, description)) for obj, description in entries),
        batch_size=500,
    )


def _entry(actor: Actor, action: str, obj: Model, description: str | None) -> dict[str, Any]:
    label = str(actor)
    if actor.token_id is not None:
        label = f"{label} (API token {actor.token_id})"
    return {
        "user": actor.user,
        "token_id": actor.token_id,
        "actor": label[:150],
        "action": action,
        "object_type": obj._meta.model_name or "",
        "object_id": str(obj.pk),
        "object_repr": (str(obj) if description is None else description)[:200],
    }


def last_entry(obj: Model) -> AuditEntry | None:
    """The latest entry about ``obj``: who last wrote it, and when (None if nothing is
    recorded, e.g. a change made by a periodic job)."""
    return (
        AuditEntry.objects.filter(object_type=obj._meta.model_name or "", object_id=str(obj.pk))
        .select_related("user")
        .order_by("-created_at", "-id")
        .first()
    )
