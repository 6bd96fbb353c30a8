"""Database settings for many app servers: persistent or pooled connections, read replicas."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.utils import ConnectionHandler

from config.settings.base import replica_databases, tune_database
from tests.subprocesses import collected_static_root, run_manage

POSTGRES = {"ENGINE": "django.db.backends.postgresql", "NAME": "byline"}
POOL_VARIABLES = (
    "DATABASE_POOL",
    "DATABASE_POOL_MIN_SIZE",
    "DATABASE_POOL_MAX_SIZE",
    "DATABASE_POOL_TIMEOUT",
    "CONN_MAX_AGE",
)


@pytest.fixture
def environ(monkeypatch):
    for name in POOL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_postgresql_keeps_persistent_checked_connections_by_default(environ):
    config = tune_database(dict(POSTGRES))
    assert config["CONN_MAX_AGE"] == 60
    assert config["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in config["OPTIONS"]


def test_database_pool_replaces_persistent_connections(environ):
    environ.setenv("DATABASE_POOL", "true")
    config = tune_database(dict(POSTGRES))
    # Django refuses a pool beside persistent connections (CONN_MAX_AGE must be 0).
    assert config["CONN_MAX_AGE"] == 0
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10.0}


def test_database_pool_sizes_come_from_the_environment(environ):
    environ.setenv("DATABASE_POOL", "true")
    environ.setenv("DATABASE_POOL_MIN_SIZE", "2")
    environ.setenv("DATABASE_POOL_MAX_SIZE", "8")
    environ.setenv("DATABASE_POOL_TIMEOUT", "2.5")
    pool = tune_database(dict(POSTGRES))["OPTIONS"]["pool"]
    assert pool == {"min_size": 2, "max_size": 8, "timeout": 2.5}


@pytest.mark.parametrize(
    ("variables", "complaint"),
    [
        ({"DATABASE_POOL_MIN_SIZE": "5", "DATABASE_POOL_MAX_SIZE": "2"}, "DATABASE_POOL_MAX_SIZE"),
        ({"DATABASE_POOL_MAX_SIZE": "0"}, "DATABASE_POOL_MAX_SIZE"),
        ({"DATABASE_POOL_MIN_SIZE": "-1"}, "DATABASE_POOL_MIN_SIZE"),
        ({"DATABASE_POOL_TIMEOUT": "0"}, "DATABASE_POOL_TIMEOUT"),
        ({"CONN_MAX_AGE": "60"}, "CONN_MAX_AGE"),
    ],
)
def test_a_pool_that_cannot_work_is_refused_naming_the_variable(environ, variables, complaint):
    environ.setenv("DATABASE_POOL", "true")
    for name, value in variables.items():
        environ.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=complaint):
        tune_database(dict(POSTGRES))


def test_sqlite_is_never_pooled(environ):
    environ.setenv("DATABASE_POOL", "true")
    config = tune_database({"ENGINE": "django.db.backends.sqlite3", "NAME": "x.sqlite3"})
    assert "pool" not in config["OPTIONS"]
    assert "CONN_MAX_AGE" not in config


def test_replicas_are_named_in_order_tuned_like_the_primary_and_mirrored_in_tests(environ):
    environ.setenv("DATABASE_POOL", "true")
    replicas = replica_databases(["postgres://r1.internal/byline", "postgres://r2.internal/byline"])
    assert list(replicas) == ["replica1", "replica2"]
    assert [replica["HOST"] for replica in replicas.values()] == ["r1.internal", "r2.internal"]
    for replica in replicas.values():
        assert replica["OPTIONS"]["pool"]["max_size"] == 4
        assert replica["CONN_MAX_AGE"] == 0
        # The test runner never creates, migrates or flushes a real replica.
        assert replica["TEST"] == {"MIRROR": "default"}


def test_a_replica_that_is_not_postgresql_is_refused(environ):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URLS"):
        replica_databases(["postgres://r1.internal/byline", "sqlite:////tmp/replica.sqlite3"])


def test_production_routes_reads_to_the_replicas_it_is_given():
    script = (
        "from django.conf import settings; import json; print(json.dumps({"
        "'aliases': list(settings.DATABASES), 'replicas': settings.DATABASE_REPLICAS,"
        "'routers': settings.DATABASE_ROUTERS, 'sessions': settings.SESSION_ENGINE,"
        "'pool': settings.DATABASES['replica2']['OPTIONS'].get('pool'),"
        "'middleware': settings.MIDDLEWARE}))"
    )
    env = {
        "SECRET_KEY": "k3y-" + "aZ9" * 20,
        "ALLOWED_HOSTS": "news.example",
        "PUBLIC_API_URL": "https://cms.news.example",
        "STATIC_ROOT": str(collected_static_root()),
        "DATABASE_URL": "postgres://primary.internal/byline",
        "DATABASE_REPLICA_URLS": "postgres://r1.internal/byline,postgres://r2.internal/byline",
        "DATABASE_POOL": "true",
        "REDIS_URL": "redis://cache.internal:6379/0",
    }
    result = run_manage(
        "config.settings.production", env, "shell", "-c", script, unset=POOL_VARIABLES
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["aliases"] == ["default", "replica1", "replica2"]
    assert found["replicas"] == ["replica1", "replica2"]
    assert found["routers"] == ["cms.db_routing.ReplicaRouter"]
    assert found["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert found["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10.0}
    assert "cms.db_routing.ReplicaReadsMiddleware" in found["middleware"]


def test_without_replicas_there_is_no_router(settings):
    if os.environ.get("DATABASE_REPLICA_URLS"):
        pytest.skip("this run names replicas")
    assert settings.DATABASE_REPLICAS == []
    assert settings.DATABASE_ROUTERS == []


@pytest.mark.django_db
def test_a_pooled_connection_serves_queries_and_goes_back_to_the_pool():
    """Django's psycopg pool, as DATABASE_POOL=true configures it, on the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("connection pooling is PostgreSQL's")
    pooled = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 2}},
    }
    handler = ConnectionHandler({"default": pooled, "pooled": pooled})  # it insists on a default
    wrapper: Any = handler["pooled"]  # the PostgreSQL wrapper, which has the pool
    try:
        for _ in range(3):  # three "requests": each takes a connection and gives it back
            with wrapper.cursor() as cursor:
                cursor.execute("SELECT 1")
                assert cursor.fetchone() == (1,)
            wrapper.close()
        stats = wrapper.pool.get_stats()
        assert stats["pool_max"] == 2
        assert stats["requests_num"] == 3  # three checkouts...
        assert stats["connections_num"] <= 2  # ...served by at most two connections
    finally:
        wrapper.close()
        wrapper.close_pool()
