"""The audit log: services call ``record`` inside the transaction of the write they make, so
an entry exists exactly when the write does, whichever adapter (admin, REST, GraphQL,
command) asked for it."""

from __future__ import annotations

from django.db.models import Model

from cms.actors import Actor
from cms.models import AuditEntry


def record(actor: Actor, action: str, obj: Model, *, description: str | None = None) -> None:
    """Note that ``actor`` did ``action`` (e.g. "article.publish") to ``obj``.

    ``description`` replaces ``str(obj)`` where that holds personal data the log should not
    keep. Readers' views are not logged: they are counters, deduplicated per reader and day,
    and a row per view would outgrow everything else. Readers' comments are (as "anonymous").
    """
    label = str(actor)
    if actor.token_id is not None:
        label = f"{label} (API token {actor.token_id})"
    AuditEntry.objects.create(
        user=actor.user,
        token_id=actor.token_id,
        actor=label[:150],
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=str(obj.pk),
        object_repr=(str(obj) if description is None else description)[:200],
    )
