from unittest import mock

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_200_when_dependencies_answer(client):
    response = client.get("/readyz/")
    assert response.status_code == 200
    # No task worker runs in this test: reported, but it does not make the process unready.
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "worker": "degraded"}


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_fails(client):
    with mock.patch("cms.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"
    assert response.json()["checks"]["worker"] == "unknown"  # its heartbeats are in the database


@pytest.mark.django_db
def test_readyz_is_503_when_a_shared_cache_fails(client, settings):
    unreachable = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": unreachable,
        }
    }
    with mock.patch("cms.views.cache", RedisCache(unreachable, {})):
        response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "unavailable"
