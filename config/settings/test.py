"""Settings for the test suite. SQLite and local memory unless DATABASE_URL / REDIS_URL are set."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import CACHES, INSTALLED_APPS, env

DEBUG = False
SECRET_KEY = "django-insecure-byline-test-suite-only"  # noqa: S105 - test suite only
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Tests load the demo publication and check the developer commands.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
# Hashing passwords is deliberately slow; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Tests clear the cache (FLUSHDB), so each pytest-xdist worker gets a database of its own:
    # gw0 the one in REDIS_URL, gw1 the one below it, and so on.
    _url = urlsplit(CACHES["default"]["LOCATION"])
    _base = int(_url.path.strip("/") or 0)
    _worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    _db = _base - _worker if _base >= _worker else _base + _worker
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db}"))
    CACHES["default"]["KEY_PREFIX"] = "byline-test"
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/byline-test-media")  # noqa: S108
FRONTEND_ARTICLE_URL = "https://example.com/{section}/{slug}"
PUBLIC_API_URL = "https://cms.example.com"
