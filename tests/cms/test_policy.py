"""The role matrix, and the promise that ``restrict`` agrees with ``allows`` row by row."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ArticleStatus
from cms import scopes
from cms.access import Action, can, require, restrict
from cms.actors import Actor
from cms.errors import PermissionDenied
from comments.models import Comment, CommentStatus
from tests.conftest import actor, profile
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

ALL_STATUSES = list(ArticleStatus)
ARTICLE_ACTIONS = [
    Action.VIEW,
    Action.PREVIEW,
    Action.CHANGE,
    Action.DELETE,
    Action.SUBMIT,
    Action.PUBLISH,
    Action.UNPUBLISH,
    Action.ARCHIVE,
    Action.FEATURE,
]


def own_article(user, status):
    return ArticleFactory(status=status, authors=[profile(user)])


# (role fixture, action, own?, status) -> allowed. Unlisted combinations are refused.
def expected(role: str, action: Action, own: bool, status: ArticleStatus) -> bool:
    live = status in (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)
    if action == Action.VIEW and live:
        return True  # the factory dates live articles in the past
    if role == "editor":
        return True
    if role in ("anonymous", "staff_without_role") or not own:
        return False
    if role == "contributor":
        return action in (Action.VIEW, Action.PREVIEW) or (
            action in (Action.CHANGE, Action.DELETE, Action.SUBMIT)
            and status == ArticleStatus.DRAFT
        )
    # author, own article
    return {
        Action.VIEW: True,
        Action.PREVIEW: True,
        Action.CHANGE: True,
        # Archived as well, had the factory's archived article never been live.
        Action.DELETE: status in (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW),
        Action.SUBMIT: status == ArticleStatus.DRAFT,
        Action.PUBLISH: True,
        Action.UNPUBLISH: True,
        Action.ARCHIVE: True,
        Action.FEATURE: False,
    }[action]


@pytest.fixture
def people(editor, author, other_author, contributor, staff_without_role):
    return {
        "editor": actor(editor),
        "author": actor(author),
        "contributor": actor(contributor),
        "staff_without_role": actor(staff_without_role),
        "anonymous": Actor.anonymous(),
        "_owners": {"author": author, "contributor": contributor, "other": other_author},
    }


def test_article_role_matrix(people):
    owners = people["_owners"]
    articles = {}
    for status in ALL_STATUSES:
        articles[("author", status)] = own_article(owners["author"], status)
        articles[("contributor", status)] = own_article(owners["contributor"], status)
        articles[("other", status)] = own_article(owners["other"], status)
    failures = []
    for role in ("editor", "author", "contributor", "staff_without_role", "anonymous"):
        who = people[role]
        for (owner, status), article in articles.items():
            own = owner == role
            for action in ARTICLE_ACTIONS:
                want = expected(role, action, own, status)
                if can(who, action, article) != want:
                    failures.append((role, action.value, owner, status.value, want))
    assert failures == []


def test_restrict_agrees_with_allows_for_every_actor_and_action(people):
    owners = people["_owners"]
    for owner, status in itertools.product(owners.values(), ALL_STATUSES):
        own_article(owner, status)
    ArticleFactory(status=ArticleStatus.SCHEDULED, published_at="2999-01-01T00:00Z")
    # Whether each was ever live, whatever its status now (deleting depends on it).
    past, future = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=1)
    for owner in owners.values():
        for status in (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED):
            ArticleFactory(
                status=status, published_at=past, first_published_at=past, authors=[profile(owner)]
            )
            ArticleFactory(
                status=status,
                published_at=future,
                first_published_at=None,
                authors=[profile(owner)],
            )
        # Live by its date, before anything recorded it.
        ArticleFactory(status=ArticleStatus.SCHEDULED, published_at=past, first_published_at=None,
                       authors=[profile(owner)])  # fmt: skip
    everything = list(Article.objects.all())
    for role in ("editor", "author", "contributor", "staff_without_role", "anonymous"):
        who = people[role]
        for action in ARTICLE_ACTIONS:
            allowed = {a.pk for a in everything if can(who, action, a)}
            listed = set(restrict(who, action, Article.objects.all()).values_list("pk", flat=True))
            assert listed == allowed, (role, action)


def test_contributor_may_add_but_never_publish(contributor):
    who = actor(contributor)
    assert can(who, Action.ADD, Article)
    assert not can(who, Action.PUBLISH, Article)
    with pytest.raises(PermissionDenied) as refused:
        require(who, Action.PUBLISH, own_article(contributor, ArticleStatus.DRAFT))
    assert refused.value.code == "permission_denied"
    assert refused.value.status == 403


def test_credit_through_a_byline_counts_as_own(author, other_author):
    article = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(other_author)])
    assert not can(actor(author), Action.CHANGE, article)
    article.bylines.create(author=profile(author), position=1)
    assert can(actor(author), Action.CHANGE, article)


def test_creator_without_byline_still_owns_the_article(author):
    article = ArticleFactory(status=ArticleStatus.DRAFT, created_by=author)
    assert can(actor(author), Action.CHANGE, article)
    assert article in restrict(actor(author), Action.CHANGE, Article.objects.all())


def test_token_scopes_narrow_the_owners_role(editor):
    draft = ArticleFactory(status=ArticleStatus.DRAFT)
    reader = Actor(user=editor, scopes=frozenset({scopes.CONTENT_READ}))
    writer = Actor(user=editor, scopes=frozenset({scopes.CONTENT_WRITE}))
    publisher = Actor(user=editor, scopes=frozenset({scopes.CONTENT_PUBLISH}))
    assert not can(reader, Action.VIEW, draft)  # drafts need content:preview
    assert not can(reader, Action.CHANGE, draft)
    assert can(writer, Action.CHANGE, draft)
    assert not can(writer, Action.PUBLISH, draft)
    assert can(publisher, Action.PUBLISH, draft)
    assert list(restrict(reader, Action.VIEW, Article.objects.filter(pk=draft.pk))) == []


def test_token_scopes_never_widen_the_role(contributor):
    draft = own_article(contributor, ArticleStatus.DRAFT)
    token = Actor(user=contributor, scopes=frozenset(scopes.ALL_SCOPES))
    assert not can(token, Action.PUBLISH, draft)


def test_only_editors_moderate_comments(editor, author, contributor):
    comment = CommentFactory(status=CommentStatus.PENDING)
    assert can(actor(editor), Action.MODERATE, comment)
    for user in (author, contributor):
        assert not can(actor(user), Action.MODERATE, comment)
    assert not can(Actor.anonymous(), Action.MODERATE, comment)
    no_scope = Actor(user=editor, scopes=frozenset({scopes.CONTENT_WRITE}))
    assert not can(no_scope, Action.MODERATE, comment)


def test_readers_see_only_approved_comments_on_live_articles(editor):
    live = ArticleFactory()
    draft = ArticleFactory(status=ArticleStatus.DRAFT)
    shown = CommentFactory(article=live, status=CommentStatus.APPROVED)
    for status in (CommentStatus.PENDING, CommentStatus.SPAM, CommentStatus.REMOVED):
        CommentFactory(article=live, status=status)
    CommentFactory(article=draft, status=CommentStatus.APPROVED)
    assert list(Comment.objects.visible_to(Actor.anonymous())) == [shown]
    assert Comment.objects.visible_to(actor(editor)).count() == 5


def test_system_actor_may_do_anything():
    assert can(Actor.system(), Action.FEATURE, Article)
