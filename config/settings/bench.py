"""Settings for `make bench`: production-like (DEBUG off), on this machine.

SQLite in var/bench.sqlite3 unless DATABASE_URL says otherwise; Redis when REDIS_URL is set.
Installs devtools, for ``manage.py bench_dataset`` and /bench/floor/, a bare Django JSON view
that measures the framework's floor.
"""

from .base import *  # noqa: F403
from .base import (
    BASE_DIR,
    DATABASE_REPLICA_URLS,
    INSTALLED_APPS,
    env,
    replica_databases,
    tune_database,
)

DEBUG = False
SECRET_KEY = "django-insecure-byline-benchmark-only"  # noqa: S105 - loopback benchmark only
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
# manage.py bench_dataset replaces all content, and refuses to run where this is not set.
BENCH_DATABASE = True
DATABASES = {
    "default": tune_database(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'bench.sqlite3'}")
    ),
    **replica_databases(DATABASE_REPLICA_URLS),
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Two gunicorn workers on the local-memory cache unless REDIS_URL is set: the benchmark counts
# nothing that has to add up, so the check that refuses this in production stays quiet.
SILENCED_SYSTEM_CHECKS = ["byline.E001"]
