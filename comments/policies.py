"""Who may see and moderate comments.

Readers see approved comments on live articles. Editors see every comment and moderate them;
a token needs the ``comments:moderate`` scope to do either. Anyone may submit a comment (the
service decides whether the article accepts them).
"""

from __future__ import annotations

from django.db.models import QuerySet

from cms import scopes
from cms.access import Action, ModelPolicy, register
from cms.actors import Actor
from cms.roles import Role, role_of

from .models import Comment, CommentQuerySet


class CommentPolicy(ModelPolicy[Comment]):
    def _moderator(self, actor: Actor) -> bool:
        return role_of(actor.user) == Role.EDITOR and actor.has_scope(scopes.COMMENTS_MODERATE)

    def allows(self, actor: Actor, action: Action, obj: Comment | None) -> bool:
        if action == Action.ADD:
            return True
        if action == Action.VIEW and (obj is None or obj.is_public):
            return True
        if action in (Action.VIEW, Action.MODERATE, Action.CHANGE, Action.DELETE):
            return self._moderator(actor)
        return False

    def restrict(
        self, actor: Actor, action: Action, queryset: QuerySet[Comment]
    ) -> QuerySet[Comment]:
        qs: CommentQuerySet = queryset  # type: ignore[assignment]
        if self._moderator(actor):
            return qs
        if action == Action.VIEW:
            return qs.public()
        return qs.none()


def register_all() -> None:
    register(Comment, CommentPolicy())
