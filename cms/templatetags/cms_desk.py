"""The admin index's desk: the panels the content apps registered (``cms.desk``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from cms import desk
from cms.actors import actor_from_request

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_panels(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return SafeString("")
    actor = actor_from_request(request)
    rendered = [
        render_to_string(panel.template, {**panel_context, "panel": panel.name}, request=request)
        for panel, panel_context in desk.panels_for(request, actor)
    ]
    # Each piece is a template rendered with autoescaping.
    return mark_safe("".join(rendered))  # noqa: S308
