"""Who may do what to articles and the taxonomy. The only place these rules live.

Roles (``cms.roles``):

* Contributor: writes articles; edits and deletes their own drafts; submits them for review.
  Cannot publish, nor take back what they submitted (an editor returns it to them).
* Author: everything a contributor may, on their own articles in any status, and publishes,
  schedules, unpublishes and archives their own articles, and withdraws their own from
  review (returns it to draft).
* Editor: everything, on every article, including featuring, returning work in review to
  its writer, attaching correction and update notes to published articles (and removing
  them, which is recorded), and the trash: restoring deleted articles, and deleting them
  forever.

Deleting: contributors and authors delete only their own work that was never live
(``Article.was_ever_live``); anything that was ever public needs an editor, in whatever
status it is now (an author could otherwise unpublish it and delete the draft). Deleting
moves the article to the trash (``articles.services.trash``); only editors see the trash,
restore from it, and delete forever.

An article is "own" when the user created it or is credited in its byline through their
author profile. Anyone may read live articles. Unpublished work is previewed by every role on
its own articles, and by editors on all; a token needs ``content:preview`` for that. A token
actor needs the scope that matches the action as well.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cms import scopes
from cms.access import Action, ModelPolicy, register
from cms.actors import Actor
from cms.roles import Role, role_of

from .models import Article, ArticleQuerySet, ArticleStatus, Author, Section, Tag, TrashedArticle

_SCOPE_FOR = {
    Action.ADD: scopes.CONTENT_WRITE,
    Action.CHANGE: scopes.CONTENT_WRITE,
    Action.DELETE: scopes.CONTENT_WRITE,
    Action.SUBMIT: scopes.CONTENT_WRITE,
    # The reverse of submitting: nothing goes live or comes down.
    Action.RETURN: scopes.CONTENT_WRITE,
    Action.PUBLISH: scopes.CONTENT_PUBLISH,
    Action.UNPUBLISH: scopes.CONTENT_PUBLISH,
    Action.ARCHIVE: scopes.CONTENT_PUBLISH,
    Action.FEATURE: scopes.CONTENT_PUBLISH,
    # The trash: editors only (no role lists them in _OWN).
    Action.RESTORE: scopes.CONTENT_WRITE,
    Action.PURGE: scopes.CONTENT_WRITE,
    # Editors only (no role lists it below): a note on what readers were told.
    Action.CORRECT: scopes.CONTENT_WRITE,
}

EVER_LIVE_REFUSAL = "Only an editor can delete an article that was ever published."

# For each role: the actions it may take on its own articles, by the article's status.
# Editors are not listed: they may take every action on every article.
_OWN = {
    Role.CONTRIBUTOR: {
        Action.CHANGE: {ArticleStatus.DRAFT},
        Action.DELETE: {ArticleStatus.DRAFT},
        Action.SUBMIT: {ArticleStatus.DRAFT},
    },
    Role.AUTHOR: {
        Action.CHANGE: set(ArticleStatus),
        Action.DELETE: {ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED},
        Action.SUBMIT: {ArticleStatus.DRAFT},
        # Withdraw their own submission: they could publish it themselves anyway.
        Action.RETURN: {ArticleStatus.IN_REVIEW},
        Action.PUBLISH: set(ArticleStatus),
        Action.UNPUBLISH: set(ArticleStatus),
        Action.ARCHIVE: set(ArticleStatus),
    },
}


class ArticlePolicy(ModelPolicy[Article]):
    def allows(self, actor: Actor, action: Action, obj: Article | None) -> bool:
        if action == Action.VIEW and obj is not None and obj.is_live:
            return True
        if action == Action.VIEW and obj is None:
            return True  # anyone may read live articles
        role = role_of(actor.user)
        if role is None:
            return False
        if action in (Action.VIEW, Action.PREVIEW):
            # Unpublished work (a VIEW that is not of a live article is a preview).
            if not actor.has_scope(scopes.CONTENT_PREVIEW):
                return False
            return obj is None or role == Role.EDITOR or self._owns(actor, obj)
        scope = _SCOPE_FOR.get(action)
        if scope is None or not actor.has_scope(scope):
            return False  # not an action on articles
        if role == Role.EDITOR:
            return True
        if action == Action.ADD:
            return True
        allowed = _OWN.get(role, {}).get(action)
        if allowed is None:
            return False
        if obj is None:
            return True  # the role may do this to some of its own articles
        if action == Action.DELETE and obj.was_ever_live:
            return False
        return obj.status in allowed and self._owns(actor, obj)

    def restrict(
        self, actor: Actor, action: Action, queryset: QuerySet[Article]
    ) -> QuerySet[Article]:
        qs: ArticleQuerySet = queryset  # type: ignore[assignment]
        user = actor.user
        role = role_of(user)
        if action in (Action.VIEW, Action.PREVIEW):
            live = qs.published() if action == Action.VIEW else qs.none()
            if user is None or role is None or not actor.has_scope(scopes.CONTENT_PREVIEW):
                return live
            if role == Role.EDITOR:
                return qs
            return live | qs.owned_by(user)
        scope = _SCOPE_FOR.get(action)
        if user is None or role is None or scope is None or not actor.has_scope(scope):
            return qs.none()
        if role == Role.EDITOR:
            return qs
        allowed = _OWN.get(role, {}).get(action)
        if not allowed:
            return qs.none()
        if action == Action.DELETE:
            qs = qs.never_live()
        return qs.owned_by(user).filter(status__in=allowed)

    def reason(self, actor: Actor, action: Action, obj: Article) -> str | None:
        # Told to writers about their own work (whatever its status now: that it was public
        # is reason enough); the rest are refused for their role or scope, as for any action.
        if action != Action.DELETE or not obj.was_ever_live:
            return None
        if (
            role_of(actor.user) in _OWN
            and actor.has_scope(scopes.CONTENT_WRITE)
            and self._owns(actor, obj)
        ):
            return EVER_LIVE_REFUSAL
        return None

    @staticmethod
    def _owns(actor: Actor, article: Article) -> bool:
        user = actor.user
        if user is None:
            return False
        if article.created_by_id == user.pk:
            return True
        if article.pk is None:
            return False
        return article.bylines.filter(author__user=user).exists()


class TaxonomyPolicy(ModelPolicy[Section | Tag]):
    """Sections and tags: public to read; editors curate, authors may add new tags."""

    def __init__(self, *, authors_may_add: bool = False) -> None:
        self.authors_may_add = authors_may_add

    def allows(self, actor: Actor, action: Action, obj: object | None) -> bool:
        if action == Action.VIEW:
            return True
        if not actor.has_scope(scopes.CONTENT_WRITE):
            return False
        role = role_of(actor.user)
        if role == Role.EDITOR:
            return True
        return action == Action.ADD and self.authors_may_add and role == Role.AUTHOR


class AuthorProfilePolicy(ModelPolicy[Author]):
    """Author profiles: public to read; editors manage them, and people edit their own."""

    def allows(self, actor: Actor, action: Action, obj: Author | None) -> bool:
        if action == Action.VIEW:
            return True
        if not actor.has_scope(scopes.CONTENT_WRITE):
            return False
        role = role_of(actor.user)
        if role == Role.EDITOR:
            return True
        if action != Action.CHANGE or role is None:
            return False
        return obj is None or (actor.user is not None and obj.user_id == actor.user.pk)

    def restrict(
        self, actor: Actor, action: Action, queryset: QuerySet[Author]
    ) -> QuerySet[Author]:
        if action == Action.VIEW or role_of(actor.user) == Role.EDITOR:
            return super().restrict(actor, action, queryset)
        if action == Action.CHANGE and actor.user is not None and self.allows(actor, action, None):
            return queryset.filter(user=actor.user)
        return queryset.none()


def register_all() -> None:
    register(Article, ArticlePolicy())
    register(TrashedArticle, ArticlePolicy())  # the trash's admin page: the same rules
    register(Author, AuthorProfilePolicy())
    register(Section, TaxonomyPolicy())
    register(Tag, TaxonomyPolicy(authors_may_add=True))
