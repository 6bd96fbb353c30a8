"""The admin index as a desk: panels that say what waits for the signed-in person.

cms knows no content app (apps depend downwards), so each app contributes its panels here
when its admin module is imported: a template and a function that builds the panel's context
for one actor, or returns None when the panel is not for them. The index renders every panel
that answers, in ``order``.

A panel's function should run a fixed number of queries, however many rows it summarises:
the index is every editor's first page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from cms.actors import Actor

PanelContext = Callable[[HttpRequest, Actor], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: PanelContext
    order: int = 100


_PANELS: dict[str, Panel] = {}


def register(
    name: str, *, template: str, order: int = 100
) -> Callable[[PanelContext], PanelContext]:
    """Decorate the function that builds panel ``name``'s context (re-registering replaces)."""

    def add(context: PanelContext) -> PanelContext:
        _PANELS[name] = Panel(name=name, template=template, context=context, order=order)
        return context

    return add


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.name))


def panels_for(request: HttpRequest, actor: Actor) -> list[tuple[Panel, dict[str, Any]]]:
    """The panels shown to ``actor``, each with its context."""
    shown = []
    for panel in panels():
        context = panel.context(request, actor)
        if context is not None:
            shown.append((panel, context))
    return shown
