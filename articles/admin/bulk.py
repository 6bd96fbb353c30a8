"""The article list's bulk actions, each calling the same service as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from cms.access import Action

from .. import services
from ..lifecycle import TRANSITIONS

# Bulk actions on the article list: name -> (policy action, service call, past tense, label).
# Each calls the same service as the API; run_bulk reports what was refused and why. The
# lifecycle's come from its table; featuring is not a change of status.
BULK_ACTIONS: dict[str, tuple[Action, Any, str, str]] = {
    **{
        t.bulk_action: (
            t.action,
            # Bind this transition's action now, not the loop variable's last value.
            lambda a, actor, action=t.action: services.article_take_transition(
                article=a, actor=actor, action=action
            ),
            t.past_tense,
            t.bulk_label,
        )
        for t in TRANSITIONS.values()
    },
    "feature_selected": (
        Action.FEATURE,
        lambda a, actor: services.article_set_featured(article=a, actor=actor, featured=True),
        "featured",
        "Feature selected articles",
    ),
    "unfeature_selected": (
        Action.FEATURE,
        lambda a, actor: services.article_set_featured(article=a, actor=actor, featured=False),
        "no longer featured",
        "Stop featuring selected articles",
    ),
}


def bulk_action(name: str) -> Any:
    """The admin action ``name`` of :data:`BULK_ACTIONS`, run through ``run_bulk``."""
    action, operation, done, label = BULK_ACTIONS[name]

    def run(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        modeladmin.run_bulk(request, queryset, action, operation, done)

    run.__name__ = name
    return admin.action(description=label)(run)
