"""Shared fixtures: the people in every permission test.

editor, author, other_author and contributor are staff users in their role groups; author,
other_author and contributor each have an author profile linked to their login.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from articles.models import Author
from articles.viewbuffer import buffer as view_buffer
from cms.actors import Actor
from cms.roles import Role
from tests.factories import AuthorFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    view_buffer().discard()  # buffered views name rows of earlier tests (local memory)
    yield
    cache.clear()
    view_buffer().discard()


def _with_profile(user: User) -> User:
    AuthorFactory(user=user, name=user.username.replace("_", " ").title())
    return user


@pytest.fixture
def editor(db) -> User:
    return UserFactory(username="editor", role=Role.EDITOR)


@pytest.fixture
def author(db) -> User:
    return _with_profile(UserFactory(username="author", role=Role.AUTHOR))


@pytest.fixture
def other_author(db) -> User:
    return _with_profile(UserFactory(username="other_author", role=Role.AUTHOR))


@pytest.fixture
def contributor(db) -> User:
    return _with_profile(UserFactory(username="contributor", role=Role.CONTRIBUTOR))


@pytest.fixture
def staff_without_role(db) -> User:
    return UserFactory(username="intern")


@pytest.fixture
def anonymous() -> Actor:
    return Actor.anonymous()


def actor(user: User) -> Actor:
    return Actor.for_user(user)


def profile(user: User) -> Author:
    return Author.objects.get(user=user)
