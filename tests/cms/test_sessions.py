"""Editors' sessions: in Redis and the database when Redis is configured, the database alone
otherwise. Run on SQLite without Redis and on PostgreSQL with REDIS_URL (make test-postgres)."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REDIS = settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def sign_in() -> Client:
    UserFactory(username="editor", is_superuser=True)
    client = Client(REMOTE_ADDR="203.0.113.5")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": "pw", "next": "/admin/"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == "/admin/"
    return client


def test_the_session_engine_follows_the_cache():
    if REDIS:
        # Read from Redis, written through to the database: a Redis flush signs nobody out.
        assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    else:
        # Each process's local-memory cache would hold its own copy: the database alone.
        assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_an_editor_signs_in_and_stays_signed_in_when_the_cache_is_flushed():
    client = sign_in()
    assert client.get("/admin/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()
    if REDIS:
        store = import_module(settings.SESSION_ENGINE).SessionStore(key)
        assert cache.get(store.cache_key) is not None  # what the next request reads
    cache.clear()  # a Redis restart, flush or eviction
    assert client.get("/admin/articles/article/").status_code == 200


def test_signing_out_ends_the_session_in_the_cache_too():
    client = sign_in()
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/admin/logout/").status_code == 200
    assert not Session.objects.filter(session_key=key).exists()
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    assert not store.exists(key)
    assert client.get("/admin/").status_code == 302  # to the login page
