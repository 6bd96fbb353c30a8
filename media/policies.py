"""Who may use the media library: the only place these rules live.

Every editorial role uploads and describes images (contributors need covers for their drafts
too); only editors delete them. Readers never list the library: they see an image through
the articles that use it.
"""

from __future__ import annotations

from cms import scopes
from cms.access import Action, ModelPolicy, register
from cms.actors import Actor
from cms.roles import Role, role_of

from .models import Image


class ImagePolicy(ModelPolicy[Image]):
    def allows(self, actor: Actor, action: Action, obj: Image | None) -> bool:
        role = role_of(actor.user)
        if role is None:
            return False
        if action == Action.VIEW:
            return True
        if not actor.has_scope(scopes.CONTENT_WRITE):
            return False
        if action in (Action.ADD, Action.CHANGE):
            return True
        return action == Action.DELETE and role == Role.EDITOR


def register_all() -> None:
    register(Image, ImagePolicy())
