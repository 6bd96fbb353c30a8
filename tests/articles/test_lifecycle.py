"""The lifecycle is declared once (articles/lifecycle.py); every place that acts on it is held
to the declaration here, and each failure names the transition or the place that disagrees."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from articles import admin as article_admin
from articles import policies, selectors, services
from articles.lifecycle import (
    LIVE_STATUSES,
    TRANSITIONS,
    ArticleStatus,
    Transition,
    is_live,
    listable_q,
    live_q,
    live_status_q,
)
from articles.models import Article
from cms.access import Action, can
from cms.errors import InvalidTransition
from cms.roles import Role
from tests.conftest import actor, profile
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PAST, FUTURE = timedelta(hours=-1), timedelta(days=1)


def _article(status: ArticleStatus, offset: timedelta | None, **extra) -> Article:
    when = timezone.now() + offset if offset is not None else None
    return ArticleFactory(status=status, published_at=when, **extra)


# Every status with each kind of date it can hold (a live status always has one: constraint).
STATES = [
    (status, offset)
    for status in ArticleStatus
    for offset in (PAST, FUTURE, None)
    if offset is not None or status not in LIVE_STATUSES
]


def _state(status: ArticleStatus, offset: timedelta | None) -> str:
    dated = {PAST: "dated in the past", FUTURE: "dated in the future", None: "undated"}
    return f"{status.value} {dated[offset]}"


# --- "live": one definition ------------------------------------------------------------------


def test_every_reading_of_live_agrees_with_the_declaration(author):
    articles = {
        state: _article(*state, authors=[profile(author)], section=None) for state in STATES
    }
    published = set(Article.objects.published().values_list("pk", flat=True))
    rows = {r["id"]: dict(r) for r in Article.objects.values("id", "status", "published_at")}
    for (status, offset), article in articles.items():
        expected = status in LIVE_STATUSES and offset == PAST
        where = _state(status, offset)
        assert is_live(article.status, article.published_at) is expected, where
        assert article.is_live is expected, f"Article.is_live: {where}"
        assert (article.pk in published) is expected, f"ArticleQuerySet.published(): {where}"
        assert selectors.is_live_row(rows[article.pk]) is expected, f"is_live_row: {where}"
    # The author is credited in every state; only the live ones count.
    credited: Any = selectors.authors_with_published_work().get()
    live = sum(article.is_live for article in articles.values())
    assert credited.article_count == live, "authors_with_published_work disagrees"


def test_the_listing_indexes_and_constraint_are_built_from_the_live_statuses():
    listing_indexes = [i for i in Article._meta.indexes if i.name.startswith("article_live_")]
    assert len(listing_indexes) == 5
    for index in listing_indexes:
        assert index.condition == listable_q(), f"index {index.name}"
    assert listable_q() == live_status_q() & Q(deleted_at__isnull=True)
    constraint: Any = next(
        c for c in Article._meta.constraints if c.name == "article_live_has_published_at"
    )
    assert constraint.condition == ~live_status_q() | Q(published_at__isnull=False), (
        "constraint article_live_has_published_at"
    )
    assert live_status_q() == Q(status__in=[s.value for s in LIVE_STATUSES])


def test_live_q_reaches_articles_through_relations():
    now = timezone.now()
    # Through a relation the default manager does not apply: the trash is left out here. The
    # statuses are written into the SQL (``in_written``), where SQLite can match them against
    # the listing indexes' condition.
    assert live_q(now, prefix="bylines__article__") == Q(
        bylines__article__status__in_written=[s.value for s in LIVE_STATUSES]
    ) & Q(bylines__article__published_at__lte=now) & Q(bylines__article__deleted_at__isnull=True)


def _status_lists(path: Path) -> list[str]:
    """Literal tuples, lists and sets naming both live statuses: "live" spelled again."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Tuple | ast.List | ast.Set):
            continue
        names = set()
        for element in node.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str):
                names.add(element.value.lower())
            elif isinstance(element, ast.Attribute):
                names.add(element.attr.lower())
        if {"published", "scheduled"} <= names:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_list_of_live_statuses_outside_the_declaration():
    declaration = ROOT / "articles" / "lifecycle.py"
    sources = [
        path
        for app in ("articles", "comments", "cms", "config", "bench")
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path != declaration
    ]
    spelled_again = [where for path in sources for where in _status_lists(path)]
    assert not spelled_again, f"use articles.lifecycle (LIVE_STATUSES, live_q): {spelled_again}"


# --- transitions: the services -------------------------------------------------------------


def test_every_transition_has_a_service():
    assert {*services._TRANSITION_SERVICES, Action.PUBLISH} == set(TRANSITIONS)


@pytest.mark.parametrize("transition", TRANSITIONS.values(), ids=lambda t: t.action.value)
def test_services_take_each_transition_exactly_from_its_statuses(transition, editor):
    for status, offset in STATES:
        article = _article(status, offset)
        where = f"{transition.action} from {_state(status, offset)}"
        if transition.allowed_from(article.status, article.published_at):
            services.article_take_transition(
                article=article, actor=actor(editor), action=transition.action
            )
            assert article.status in transition.to_statuses, where
            continue
        with pytest.raises(InvalidTransition) as refused:
            services.article_take_transition(
                article=article, actor=actor(editor), action=transition.action
            )
        assert refused.value.message.endswith(f"cannot be {transition.past_tense}."), where


def test_publishing_with_a_future_date_takes_the_alternative_status(editor):
    article = _article(ArticleStatus.DRAFT, None)
    when = timezone.now() + FUTURE
    services.article_publish(article=article, actor=actor(editor), published_at=when)
    assert article.status == TRANSITIONS[Action.PUBLISH].alternative_status


# --- transitions: the policy -----------------------------------------------------------------


@pytest.mark.parametrize("transition", TRANSITIONS.values(), ids=lambda t: t.action.value)
def test_the_policy_knows_every_transition(transition: Transition, editor):
    """A transition the policy gives no scope would be refused to everyone, editors too."""
    assert transition.action in policies._SCOPE_FOR, (
        f"transition {transition.action}: no scope in articles.policies._SCOPE_FOR"
    )
    for status in transition.from_statuses:
        article = _article(status, PAST)
        assert can(actor(editor), transition.action, article), (
            f"transition {transition.action}: the policy refuses an editor on a {status} article"
        )


def test_every_role_grant_of_a_transition_can_be_used():
    """A role allowed a transition only on statuses it cannot be taken from has a dead grant:
    the policy and the lifecycle table disagree."""
    dead = []
    for role, grants in policies._OWN.items():
        for action, statuses in grants.items():
            transition = TRANSITIONS.get(action)
            if transition is not None and not statuses & transition.from_statuses:
                named = sorted(map(str, statuses))
                dead.append(f"{Role(role).name}: transition {action} on {named}")
    assert not dead, dead


def test_every_lifecycle_action_of_the_policy_is_a_transition():
    lifecycle_actions = {
        Action.SUBMIT,
        Action.RETURN,
        Action.PUBLISH,
        Action.UNPUBLISH,
        Action.ARCHIVE,
    }
    granted = {action for grants in policies._OWN.values() for action in grants}
    missing = (granted | set(policies._SCOPE_FOR)) & lifecycle_actions - set(TRANSITIONS)
    assert not missing, f"policy actions without a lifecycle transition: {missing}"


# --- transitions: the admin ------------------------------------------------------------------


@pytest.mark.parametrize(("status", "offset"), STATES, ids=[_state(*s) for s in STATES])
def test_the_change_form_offers_the_buttons_of_the_table(client, editor, status, offset):
    article = _article(status, offset)
    client.force_login(editor)
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    expected = [
        (t.admin_button, t.label)
        for t in TRANSITIONS.values()
        if t.allowed_from(article.status, article.published_at)
    ]
    assert response.context["lifecycle_buttons"] == expected, f"buttons: {_state(status, offset)}"


def test_each_button_takes_its_transition(client, editor):
    for transition in TRANSITIONS.values():
        status = sorted(transition.from_statuses)[0]
        article = _article(status, FUTURE if status in LIVE_STATUSES else None)
        client.force_login(editor)
        data = {
            "title": article.title,
            "slug": article.slug,
            "expected_version": str(article.version),
            "comments_enabled": "on",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            transition.admin_button: transition.label,
        }
        response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
        assert response.status_code == 302, (transition.admin_button, response.content[:500])
        article.refresh_from_db()
        assert article.status in transition.to_statuses, transition.admin_button


def test_the_bulk_actions_are_the_transitions_plus_featuring():
    actions: Any = vars(article_admin.ArticleAdmin)["actions"]
    offered = {run.__name__: run.short_description for run in actions}
    for transition in TRANSITIONS.values():
        assert offered.get(transition.bulk_action) == transition.bulk_label, (
            f"bulk action for transition {transition.action}"
        )
        action, _operation, done, _label = article_admin.BULK_ACTIONS[transition.bulk_action]
        assert (action, done) == (transition.action, transition.past_tense)
    lifecycle = {t.bulk_action for t in TRANSITIONS.values()}
    assert set(offered) - lifecycle == {"feature_selected", "unfeature_selected"}


@pytest.mark.parametrize("transition", TRANSITIONS.values(), ids=lambda t: t.action.value)
def test_each_bulk_action_takes_its_transition(client, editor, transition):
    status = sorted(transition.from_statuses)[0]
    article = _article(status, FUTURE if status in LIVE_STATUSES else None)
    client.force_login(editor)
    client.post(
        "/admin/articles/article/",
        {"action": transition.bulk_action, "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status in transition.to_statuses, transition.bulk_action


@pytest.mark.django_db
def test_statuses_written_into_the_sql_must_be_plain_names():
    """``in_written`` writes its values into the SQL: anything but a plain status name is
    refused before it reaches the database."""
    from articles.models import Article

    assert str(Article.objects.filter(status__in_written=["published"]).query).count("'published'")
    with pytest.raises(ValueError, match="plain status names"):
        list(Article.objects.filter(status__in_written=["x') OR 1=1 --"]))
