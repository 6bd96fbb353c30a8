"""Settings for the test suite. SQLite and local memory unless DATABASE_URL / REDIS_URL are set."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, INSTALLED_APPS, RQ_QUEUES, env

DEBUG = False
SECRET_KEY = "django-insecure-byline-test-suite-only"  # noqa: S105 - test suite only
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Tests load the demo publication and check the developer commands.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
# Hashing passwords is deliberately slow; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _redis_for_this_worker(url: str) -> str:
    """Tests clear the cache (FLUSHDB), so each pytest-xdist worker gets a database of its own:
    gw0 the one in REDIS_URL, gw1 the one below it, and so on. Worker processes that a test
    starts inherit PYTEST_XDIST_WORKER, and so use the same one."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    db = base - worker if base >= worker else base + worker
    return urlunsplit(parts._replace(path=f"/{db}"))


if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["default"]["LOCATION"] = _redis_for_this_worker(CACHES["default"]["LOCATION"])
    CACHES["default"]["KEY_PREFIX"] = "byline-test"
for _queue in RQ_QUEUES.values():
    _queue["URL"] = _redis_for_this_worker(_queue["URL"])
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file rather than SQLite's in-memory test database: the task-worker tests start real
    # worker processes, which must open the same database. pytest-xdist suffixes the name.
    _test_db = Path(env("TEST_SQLITE_PATH", default=str(BASE_DIR / "var" / "test.sqlite3")))
    _test_db.parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}
    # A throwaway database: no fsync on commit keeps the file as quick as memory.
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
    )
# A second alias on the test database itself (a mirror: never created, migrated or flushed),
# for the replica-routing tests, which turn the router on. The rest of the suite has no router,
# so nothing else reads from it.
DATABASES.setdefault("replica1", {**DATABASES["default"], "TEST": {"MIRROR": "default"}})
for _alias, _mirror in DATABASES.items():
    if _alias != "default" and "pool" in _mirror["OPTIONS"]:
        # Django closes the test database's own pool before it drops the database, but not a
        # mirror's (under DATABASE_POOL=true): its idle connections would keep the drop from
        # happening. Mirrors connect plainly instead.
        _mirror["OPTIONS"] = {k: v for k, v in _mirror["OPTIONS"].items() if k != "pool"}
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/byline-test-media")  # noqa: S108
FRONTEND_ARTICLE_URL = "https://example.com/{section}/{slug}"
PUBLIC_API_URL = "https://cms.example.com"
# Off for the suite: most tests run inside a transaction that never commits, so the
# invalidations that run on commit never would, and a second read would be served from
# before the test's change. The response cache's own tests turn it on and run the commit
# hooks (tests/cms/test_responsecache*.py).
RESPONSE_CACHE_SECONDS = 0
