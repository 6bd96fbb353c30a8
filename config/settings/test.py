"""Settings for the test suite. SQLite and local memory unless DATABASE_URL / REDIS_URL are set."""

from .base import *  # noqa: F403
from .base import CACHES, env

DEBUG = False
SECRET_KEY = "django-insecure-byline-test-suite-only"  # noqa: S105 - test suite only
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Hashing passwords is deliberately slow; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if "KEY_PREFIX" in CACHES["default"]:
    # Keep test runs from touching a developer's cached data in a shared Redis.
    CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="byline-test")
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/byline-test-media")  # noqa: S108
FRONTEND_ARTICLE_URL = "https://example.com/{section}/{slug}"
