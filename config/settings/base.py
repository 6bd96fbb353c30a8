"""Settings shared by every environment.

Everything that differs between machines is read from the environment through the one
``env`` object below. ``local``, ``test`` and ``production`` import this module and
override only what they must; production gives no defaults for secrets.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

# Lets the code subscript Django's generic classes (ModelAdmin[Article]) at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file is a convenience for local development; real deployments set variables.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY: str = env("SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prose_editor",
    "axes",
    # The database task backend's table exists whichever backend runs the tasks.
    "django_tasks",
    "django_tasks_db",
    "reversion",
    "cms",
    "media",
    "articles",
    "comments",
    # After cms, whose templates replace graphene's GraphiQL page with local assets.
    "graphene_django",
]

MIDDLEWARE = [
    # First: every response carries X-Request-ID, and every log line of the request its id.
    "cms.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything that reads the database: a request's reads may go to a read replica
    # until it writes (cms.db_routing; a no-op with no DATABASE_REPLICA_URLS).
    "cms.db_routing.ReplicaReadsMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Anonymous API reads answered from the shared cache: after CORS (whose headers a hit
    # needs too), before sessions and authentication (which a hit never needs).
    "cms.responsecache.ResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After auth and messages (its refusal is an admin page): too many sign-in posts from an
    # address are refused here, before django-axes or anything else touches the database.
    "cms.signin.SignInThrottleMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default; DATABASE_URL=postgres://... switches to PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}


def _pool_options() -> dict[str, Any]:
    """psycopg's connection pool, per process and per database, from DATABASE_POOL_*."""
    options = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10),
    }
    if options["min_size"] < 0 or options["max_size"] < max(1, options["min_size"]):
        raise ImproperlyConfigured(
            "DATABASE_POOL_MAX_SIZE must be at least 1 and at least DATABASE_POOL_MIN_SIZE "
            f"(which must be 0 or more); got min {options['min_size']}, max {options['max_size']}."
        )
    if options["timeout"] <= 0:
        raise ImproperlyConfigured("DATABASE_POOL_TIMEOUT must be a number of seconds above 0.")
    return options


def tune_database(config: dict[str, Any]) -> dict[str, Any]:
    """Apply engine-specific options that every environment wants."""
    engine = config.get("ENGINE", "")
    options = config.setdefault("OPTIONS", {})
    if engine.endswith("sqlite3"):
        # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write lock
        # at BEGIN so two writers queue instead of failing with "database is locked".
        options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", 20)
    elif engine.endswith("postgresql"):
        # A connection is checked before a request reuses it (persistent or pooled), so a
        # restarted or failed-over server costs a reconnect, not an error page.
        config.setdefault("CONN_HEALTH_CHECKS", True)
        # Persistent connections by default: gunicorn's sync workers serve one request at a
        # time, so each process needs exactly one connection, which it keeps (CONN_MAX_AGE
        # seconds) instead of reconnecting per request; a pool inside the process has nothing
        # to share. DATABASE_POOL=true uses psycopg's pool instead (Django's "pool" option),
        # for threaded servers (gunicorn --threads) and the task worker's threads: up to
        # DATABASE_POOL_MAX_SIZE connections per process, shared by its threads. Pooling
        # across processes and servers is a job for PgBouncer in front of PostgreSQL.
        if env.bool("DATABASE_POOL", default=False):
            if env.int("CONN_MAX_AGE", default=0) != 0:
                # Django refuses persistent connections with a pool: say which setting to drop.
                raise ImproperlyConfigured(
                    "DATABASE_POOL=true replaces persistent connections: unset CONN_MAX_AGE."
                )
            options.setdefault("pool", _pool_options())
            config["CONN_MAX_AGE"] = 0
        else:
            config.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    return config


def replica_databases(urls: list[str]) -> dict[str, dict[str, Any]]:
    """DATABASES entries ``replica1``, ``replica2``, ... for DATABASE_REPLICA_URLS.

    Each gets the primary's tuning (pool or persistent connections). Under the test runner a
    replica mirrors the test database: tests never create, migrate or flush a real replica."""
    replicas = {}
    for number, url in enumerate(urls, start=1):
        config = tune_database(env.db_url_config(url))
        if not config.get("ENGINE", "").endswith("postgresql"):
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS must name PostgreSQL servers (entry {number} does not)."
            )
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = config
    return replicas


tune_database(DATABASES["default"])
# Read replicas of the primary (streaming replication), comma-separated: requests read from one
# of them until they write, and the rest goes to the primary (cms.db_routing).
DATABASE_REPLICA_URLS: list[str] = env.list("DATABASE_REPLICA_URLS", default=[])
DATABASES.update(replica_databases(DATABASE_REPLICA_URLS))
# The replicas' aliases (read by cms.db_routing), and the router only where there are some.
DATABASE_REPLICAS: list[str] = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS: list[str] = ["cms.db_routing.ReplicaRouter"] if DATABASE_REPLICAS else []
# A replica that does not answer is skipped this long (seconds) by each process, which reads
# from the other replicas or the primary meanwhile.
DATABASE_REPLICA_RETRY_SECONDS: float = env.float("DATABASE_REPLICA_RETRY_SECONDS", default=30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------
# Local memory by default; REDIS_URL makes the cache shared between processes and servers.
REDIS_URL: str = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="byline"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "byline",
        }
    }
# Sessions: with Redis, read from the cache and written through to the database
# ("cached_db"), so an app server reads a session without a query, and a Redis flush, restart
# or eviction under memory pressure signs nobody out (the "cache" engine would lose them all).
# Without Redis, the database alone: each process's local-memory cache would hold its own copy.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# --- Background work ---------------------------------------------------------------------------
# Tasks go through Django's tasks API (the django-tasks backport until Django 6). TASKS_BACKEND:
# "database" (default: tasks wait in this database, no broker, works on SQLite), "rq" (Redis
# through RQ; needs REDIS_URL) or "immediate" (run inside the process that enqueues them; no
# worker, for tests and experiments). `manage.py run_worker` runs the matching worker.
TASKS_BACKEND: str = env("TASKS_BACKEND", default="database")


def tasks_settings(
    backend: str, redis_url: str
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """TASKS, RQ_QUEUES and the extra INSTALLED_APPS for TASKS_BACKEND ``backend``."""
    if backend == "database":
        return {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}, {}, []
    if backend == "immediate":
        return {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}, {}, []
    if backend == "rq":
        if not redis_url:
            raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL (the queue lives there).")
        return (
            {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
            {"default": {"URL": redis_url}},
            ["django_rq", "django_tasks_rq"],
        )
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be database, rq or immediate (got {backend!r})."
    )


TASKS, RQ_QUEUES, _task_apps = tasks_settings(TASKS_BACKEND, REDIS_URL)
INSTALLED_APPS += _task_apps
# Each worker records that it is alive this often; /readyz/ and the admin call the workers
# degraded once none has been seen for WORKER_STALE_AFTER seconds, and a database-backend task
# claimed by a worker unseen that long is handed to another (at most TASKS_MAX_ATTEMPTS runs).
WORKER_HEARTBEAT_SECONDS: float = env.float("WORKER_HEARTBEAT_SECONDS", default=10)
WORKER_STALE_AFTER: float = env.float("WORKER_STALE_AFTER", default=60)
TASKS_MAX_ATTEMPTS: int = env.int("TASKS_MAX_ATTEMPTS", default=3)
# Periodic work: each job runs once per period (seconds, aligned to the epoch in UTC) however
# many workers run. Keys name the job in the admin's run records.
PERIODIC_JOBS: dict[str, dict[str, Any]] = {
    "publish-due-articles": {
        "task": "articles.tasks.publish_due",
        "every": env.int("PUBLISH_DUE_EVERY", default=60),
    },
    "prune-revisions": {
        "task": "articles.tasks.prune_revisions",
        "every": env.int("REVISIONS_PRUNE_EVERY", default=86400),
    },
    "purge-expired": {
        "task": "cms.tasks.purge_expired",
        "every": env.int("PURGE_EXPIRED_EVERY", default=3600),
    },
    # Views are counted in the cache and written this often (articles.viewbuffer). The worker's
    # pulse ticks every WORKER_HEARTBEAT_SECONDS, so a shorter period waits for the next tick.
    "flush-views": {
        "task": "articles.tasks.flush_views",
        "every": env.int("VIEWS_FLUSH_EVERY", default=10),
    },
    "purge-trash": {
        "task": "articles.tasks.purge_trash_job",
        "every": env.int("PURGE_TRASH_EVERY", default=3600),
    },
    # SQLite's planner statistics (cms.tasks.refresh_statistics; PostgreSQL keeps its own).
    "refresh-statistics": {
        "task": "cms.tasks.refresh_statistics",
        "every": env.int("REFRESH_STATISTICS_EVERY", default=86400),
    },
}
# How long a deleted article (with its comments) stays in the trash, restorable, before the
# purge removes it for good (days).
TRASH_RETENTION_DAYS: int = env.int("TRASH_RETENTION_DAYS", default=30)
# Article revisions: each article keeps at least its newest REVISIONS_KEEP_LATEST; older
# ones are pruned once they are more than REVISIONS_KEEP_DAYS old (0: never pruned).
REVISIONS_KEEP_LATEST: int = max(1, env.int("REVISIONS_KEEP_LATEST", default=50))
REVISIONS_KEEP_DAYS: int = env.int("REVISIONS_KEEP_DAYS", default=365)
# The compressed format article revisions are stored in (articles.revisions.storage).
SERIALIZATION_MODULES = {"revision_json": "articles.revisions.storage"}
# How long finished task results, and periodic run records, are kept (days).
TASKS_RESULT_RETENTION_DAYS: int = env.int("TASKS_RESULT_RETENTION_DAYS", default=7)
PERIODIC_RUN_RETENTION_DAYS: int = env.int("PERIODIC_RUN_RETENTION_DAYS", default=30)

# --- Auth ------------------------------------------------------------------------------------
# django-axes refuses a locked-out sign-in before any backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed admin sign-ins lock out a username at one address, and separately an address (IPv6 by
# /64) whatever the usernames, until the cool-off has passed since the last failure. Never a
# username alone: anyone could then lock an editor out by failing on their name.
ADMIN_LOGIN_FAILURE_LIMIT: int = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
ADMIN_LOGIN_ADDRESS_FAILURE_LIMIT: int = env.int("ADMIN_LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
ADMIN_LOGIN_COOL_OFF_SECONDS: int = env.int("ADMIN_LOGIN_COOL_OFF_SECONDS", default=15 * 60)
# Every sign-in post from an address (IPv6 by /64), counted in the cache in front of axes: a
# flood is refused without a database query. Above what a shared office sends; an address
# fails at most ADMIN_LOGIN_ADDRESS_FAILURE_LIMIT times per cool-off whatever this allows.
ADMIN_LOGIN_ATTEMPTS_PER_ADDRESS: list[str] = env.list(
    "ADMIN_LOGIN_ATTEMPTS_PER_ADDRESS", default=["30/m"]
)
AXES_HANDLER = "cms.signin.SignInHandler"  # the database handler, one limit per parameter
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = ADMIN_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=ADMIN_LOGIN_COOL_OFF_SECONDS)
AXES_CLIENT_IP_CALLABLE = "cms.signin.client_address"
AXES_LOCKOUT_CALLABLE = "cms.signin.locked_out"
# A success must not clear the address's failures: one valid account would wipe them.
AXES_RESET_ON_SUCCESS = False
# A refused attempt while locked out is not recorded: recording it wrote (a row per new
# username or browser, or a longer row) on every refused post, and restarted the wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# No record of successful sign-ins: it would keep every editor's address and browser for good.
# Failed attempts are kept only while they count (until the cool-off has passed).
AXES_DISABLE_ACCESS_LOG = True
# cms.admin shows the attempts and sign-ins to superusers only.
AXES_ENABLE_ADMIN = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", default="en-us")
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files and media -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")


def media_storage(kind: str) -> dict[str, Any]:
    """STORAGES["default"] for MEDIA_STORAGE ``kind``: "local" (the disk under MEDIA_ROOT,
    served at MEDIA_URL) or "s3" (an S3-compatible bucket through django-storages)."""
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3 (got {kind!r}).")
    bucket = env("AWS_STORAGE_BUCKET_NAME", default="")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Empty: AWS itself; else any S3-compatible service (MinIO, R2, Ceph, ...).
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            # Empty: boto3's own chain (instance roles, ~/.aws, AWS_* variables).
            "access_key": env("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default="") or None,
            # Public URLs on this host (a CDN or the bucket's public domain), unsigned.
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "url_protocol": env("AWS_S3_URL_PROTOCOL", default="https:"),
            "querystring_auth": False,
            # An upload never replaces another file of the same name.
            "file_overwrite": False,
            "default_acl": env("AWS_DEFAULT_ACL", default="") or None,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }


MEDIA_STORAGE: str = env("MEDIA_STORAGE", default="local")
STORAGES = {
    "default": media_storage(MEDIA_STORAGE),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads to the media library: bytes, and pixels (width x height; a bigger image is refused
# before it is decoded, whatever its file size: a decompression bomb is a small file).
MEDIA_MAX_UPLOAD_BYTES: int = env.int("MEDIA_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
MEDIA_MAX_PIXELS: int = env.int("MEDIA_MAX_PIXELS", default=40_000_000)
# Widths of the WebP renditions made of each image (never wider than the original).
MEDIA_RENDITION_WIDTHS: list[int] = [
    int(w) for w in env.list("MEDIA_RENDITION_WIDTHS", default=["480", "960", "1600"])
]
MEDIA_WEBP_QUALITY: int = env.int("MEDIA_WEBP_QUALITY", default=80)

# --- Security shared by all environments ---------------------------------------------------
# CORS: closed unless CORS_ALLOWED_ORIGINS names the front-ends' origins; API paths only.
CORS_ALLOWED_ORIGINS: list[str] = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api|graphql)/.*$"
CORS_ALLOW_HEADERS = ("accept", "authorization", "content-type", "if-none-match", "if-match")
# x-request-id: a front-end can quote it when it reports a failed request.
CORS_EXPOSE_HEADERS = ("etag", "retry-after", "x-request-id")
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
X_FRAME_OPTIONS = "DENY"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6's behaviour, adopted now
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Byline ---------------------------------------------------------------------------------


def public_origin(url: str) -> str:
    """``url`` as scheme://host[:port], or ImproperlyConfigured naming PUBLIC_API_URL."""
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ImproperlyConfigured(
            f"PUBLIC_API_URL must be scheme://host[:port] with no path, e.g. "
            f"https://cms.example.com (got {url!r})."
        )
    return f"{parts.scheme}://{parts.netloc}"


# Where readers' apps reach this Byline: absolute URLs in API responses (pagination links,
# media files under a relative MEDIA_URL) are built from it, never from a request's Host
# header, which any caller sets and a CDN would cache.
PUBLIC_API_URL: str = public_origin(env("PUBLIC_API_URL", default="http://127.0.0.1:8000"))
# Where the front-end shows an article. Placeholders: {slug}, {section}, {id}, {year},
# {month}, {day}. {section} is the section's slug, or FRONTEND_UNSECTIONED for none.
FRONTEND_ARTICLE_URL: str = env(
    "FRONTEND_ARTICLE_URL", default="http://localhost:3000/{section}/{slug}"
)
FRONTEND_UNSECTIONED: str = env("FRONTEND_UNSECTIONED", default="news")
# Where the admin's "Preview on the site" link sends editors: {slug}, {token}, {id}. Empty
# (the default): no such link; the admin's own preview page needs no front-end.
FRONTEND_PREVIEW_URL: str = env("FRONTEND_PREVIEW_URL", default="")
PREVIEW_TOKEN_MAX_AGE: int = env.int("PREVIEW_TOKEN_MAX_AGE", default=3600)
# Longest article body accepted, in characters of HTML (a long read is about 100,000).
ARTICLE_BODY_MAX_CHARS: int = env.int("ARTICLE_BODY_MAX_CHARS", default=1_000_000)
# ... and most tags (a long read has a few thousand); this bounds the sanitiser's worst case.
ARTICLE_BODY_MAX_TAGS: int = env.int("ARTICLE_BODY_MAX_TAGS", default=10_000)
# Most tags and byline names one article carries: enforced when it is written (every adapter
# goes through articles.services), and what the GraphQL cost counts an article's lists as.
ARTICLE_MAX_TAGS: int = env.int("ARTICLE_MAX_TAGS", default=30)
ARTICLE_MAX_AUTHORS: int = env.int("ARTICLE_MAX_AUTHORS", default=10)
# Most correction and update notes one article shows (adding one more is refused): what the
# GraphQL cost counts an article's ``corrections`` as.
ARTICLE_MAX_CORRECTIONS: int = env.int("ARTICLE_MAX_CORRECTIONS", default=50)
# Reading speed used for reading_time_minutes.
READING_WORDS_PER_MINUTE: int = env.int("READING_WORDS_PER_MINUTE", default=230)

# --- Request limits --------------------------------------------------------------------------
# The largest request body read at all (an article body and some JSON); larger is a 413.
MAX_REQUEST_BYTES: int = env.int("MAX_REQUEST_BYTES", default=4 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES

# --- REST API -------------------------------------------------------------------------------
# Off: reading content, posting comments and counting views over REST and GraphQL need a
# signed-in session or an API token with content:read (for sites rendered server-side).
API_PUBLIC_READS: bool = env.bool("API_PUBLIC_READS", default=True)
API_PAGE_SIZE: int = env.int("API_PAGE_SIZE", default=20)
API_MAX_PAGE_SIZE: int = env.int("API_MAX_PAGE_SIZE", default=100)
# The response cache (cms.responsecache): anonymous REST and GraphQL reads are kept in the
# shared cache this many seconds at most, and served without a query until something they
# name changes. It is the lag view and comment counts, and scheduled publications going
# live, may have. 0 turns the cache off.
RESPONSE_CACHE_SECONDS: int = env.int("RESPONSE_CACHE_SECONDS", default=5)
# What it answers: GETs under these paths, and GETs and POSTs to the GraphQL endpoint.
RESPONSE_CACHE_PATHS: tuple[str, ...] = ("/api/v1/", "/graphql/")
RESPONSE_CACHE_GRAPHQL_PATH = "/graphql/"
# Purging a CDN by surrogate key when cached answers are invalidated (cms.cdn), through the
# task worker: "" or "none" (default), "fastly", "cloudflare", or a purger class's dotted path.
CDN_PURGER: str = env("CDN_PURGER", default="")
CDN_FASTLY_API_URL: str = env("CDN_FASTLY_API_URL", default="https://api.fastly.com")
CDN_FASTLY_SERVICE_ID: str = env("CDN_FASTLY_SERVICE_ID", default="")
CDN_FASTLY_API_KEY: str = env("CDN_FASTLY_API_KEY", default="")
CDN_CLOUDFLARE_API_URL: str = env("CDN_CLOUDFLARE_API_URL", default="https://api.cloudflare.com")
CDN_CLOUDFLARE_ZONE_ID: str = env("CDN_CLOUDFLARE_ZONE_ID", default="")
CDN_CLOUDFLARE_API_TOKEN: str = env("CDN_CLOUDFLARE_API_TOKEN", default="")
# A purge request gives up after this long; a failed purge is tried this many times in all,
# this far apart.
CDN_PURGE_TIMEOUT_SECONDS: float = env.float("CDN_PURGE_TIMEOUT_SECONDS", default=10)
CDN_PURGE_ATTEMPTS: int = env.int("CDN_PURGE_ATTEMPTS", default=5)
CDN_PURGE_RETRY_SECONDS: float = env.float("CDN_PURGE_RETRY_SECONDS", default=30)
# The article list's deepest page by number (deeper is a 400 naming `page`): an offset page
# makes the database walk past every row before it. Its `next` links name page numbers up to
# API_PAGE_LINK_DEPTH, then carry a cursor, which reads any depth in the same time. GraphQL's
# `after` accepts offset cursors (and pages search results) no deeper than API_MAX_PAGE_NUMBER
# pages of GRAPHQL_MAX_PAGE_SIZE.
API_MAX_PAGE_NUMBER: int = env.int("API_MAX_PAGE_NUMBER", default=100)
API_PAGE_LINK_DEPTH: int = env.int("API_PAGE_LINK_DEPTH", default=10)
# A list's `count` (GraphQL's totalCount) is counted once and kept in the shared cache until a
# write changes what it counts, the next scheduled article goes live, or this many seconds
# pass (a bound for changes made outside Byline, such as SQL run by hand). 0: count every time.
API_COUNT_CACHE_SECONDS: int = env.int("API_COUNT_CACHE_SECONDS", default=300)
# Shared caches (a CDN) may keep anonymous API reads this long (never longer than
# RESPONSE_CACHE_SECONDS while that is on), then serve them stale while they revalidate with
# If-None-Match.
API_CACHE_MAX_AGE: int = env.int("API_CACHE_MAX_AGE", default=60)
API_CACHE_STALE_WHILE_REVALIDATE: int = env.int("API_CACHE_STALE_WHILE_REVALIDATE", default=300)
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["cms.api.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cms.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "cms.api.pagination.PageNumberPagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "EXCEPTION_HANDLER": "cms.api.errors.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "cms.api.schema.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Byline API",
    "DESCRIPTION": "Published articles, authors, sections, tags and comments for front-ends.",
    "VERSION": "1",
    # JSON Schema 2020-12: what Ajv and jsonschema validate responses with.
    "OAS_VERSION": "3.1.0",
    "LICENSE": {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"},  # SPDX form
    "SERVE_INCLUDE_SCHEMA": False,
    # Served by Byline itself: the docs work with no internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Operations are grouped (tagged) and named by the path segment after the version.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "TAGS": [
        {
            "name": "articles",
            "description": "Published articles, their comments and views; "
            "editors' writes with a token.",
        },
        {"name": "authors", "description": "Authors with published work."},
        {"name": "sections", "description": "Sections with published work."},
        {"name": "tags", "description": "Tags with published work."},
        {"name": "comments", "description": "The moderation queue (comments:moderate)."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatus": "articles.models.ArticleStatus",
        "CommentStatus": "comments.models.CommentStatus",
        "CorrectionKind": "articles.models.CorrectionKind",
        "RevisionActorKind": "articles.revisions.ACTOR_KINDS",
        "RenditionFormat": "media.renditions.FORMATS",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cms.api.schema.postprocess",
    ],
}

# --- Readers: comments and views ------------------------------------------------------------
# Clients are identified by REMOTE_ADDR, unless this many reverse proxies (load balancer, CDN)
# stand in front and append to X-Forwarded-For. Never trust more hops than you run.
TRUSTED_PROXY_COUNT: int = env.int("TRUSTED_PROXY_COUNT", default=0)
# Views count once per reader (address and browser) per article and day, and at most this
# many readers per address (a household or an office shares one).
VIEWS_MAX_READERS_PER_ADDRESS: int = env.int("VIEWS_MAX_READERS_PER_ADDRESS", default=20)
# Views gather in the cache and reach the database (view_count, "most read") every this many
# seconds: the worker's periodic flush-views job, or with the local-memory cache the process
# that counted them. A view's answer already includes the views not yet written.
VIEWS_FLUSH_EVERY: int = PERIODIC_JOBS["flush-views"]["every"]
COMMENTS_RATE_LIMITS_PER_IP: list[str] = env.list(
    "COMMENTS_RATE_LIMITS_PER_IP", default=["5/m", "30/h"]
)
COMMENTS_RATE_LIMITS_PER_EMAIL: list[str] = env.list(
    "COMMENTS_RATE_LIMITS_PER_EMAIL", default=["5/m", "30/h"]
)
# Approve at once a commenter who sends the commenter token of an approved comment, under the
# same name and email, with no link and no staff author's name (comments.returning).
COMMENTS_AUTO_APPROVE_RETURNING: bool = env.bool("COMMENTS_AUTO_APPROVE_RETURNING", default=False)
COMMENTS_RETURNING_TOKEN_DAYS: int = env.int("COMMENTS_RETURNING_TOKEN_DAYS", default=365)
COMMENTS_MIN_SECONDS: int = env.int("COMMENTS_MIN_SECONDS", default=3)
COMMENTS_MAX_LINKS: int = env.int("COMMENTS_MAX_LINKS", default=2)
COMMENTS_BLOCKED_WORDS: list[str] = env.list("COMMENTS_BLOCKED_WORDS", default=[])
COMMENTS_BLOCKED_DOMAINS: list[str] = env.list("COMMENTS_BLOCKED_DOMAINS", default=[])
COMMENTS_SPAM_CHECKERS: list[str] = env.list(
    "COMMENTS_SPAM_CHECKERS",
    default=[
        "comments.spam.HoneypotChecker",
        "comments.spam.MinimumTimeChecker",
        "comments.spam.LinkLimitChecker",
        "comments.spam.BlocklistChecker",
        "comments.spam.DuplicateChecker",
    ],
)

# --- GraphQL ---------------------------------------------------------------------------------
GRAPHENE = {"SCHEMA": "config.schema.schema"}
GRAPHQL_MAX_DEPTH: int = env.int("GRAPHQL_MAX_DEPTH", default=10)
GRAPHQL_MAX_ALIASES: int = env.int("GRAPHQL_MAX_ALIASES", default=15)
GRAPHQL_MAX_TOKENS: int = env.int("GRAPHQL_MAX_TOKENS", default=2000)
# Anonymous requests (reads, readers' comments) and credentialed ones (article writes).
GRAPHQL_MAX_BODY_BYTES: int = env.int("GRAPHQL_MAX_BODY_BYTES", default=32 * 1024)
GRAPHQL_MAX_SIGNED_IN_BODY_BYTES: int = env.int(
    "GRAPHQL_MAX_SIGNED_IN_BODY_BYTES", default=MAX_REQUEST_BYTES
)
GRAPHQL_DEFAULT_PAGE_SIZE: int = env.int("GRAPHQL_DEFAULT_PAGE_SIZE", default=20)
GRAPHQL_MAX_PAGE_SIZE: int = env.int("GRAPHQL_MAX_PAGE_SIZE", default=100)
# The most objects a query's response may hold, counted before it runs (cms.graphql.cost):
# 100 articles with their bylines, tags and section, or 20 with 100 comments each.
GRAPHQL_MAX_NODES: int = env.int("GRAPHQL_MAX_NODES", default=5000)
# The most tags, and sections, GraphQL's unpaged root `tags` and `sections` return (by name);
# REST's /api/v1/tags/ and /api/v1/sections/ page through all of them.
GRAPHQL_MAX_TAXONOMY: int = env.int("GRAPHQL_MAX_TAXONOMY", default=500)
# Most article searches one query runs (each is a full-text query; aliases multiply them).
GRAPHQL_MAX_SEARCHES: int = env.int("GRAPHQL_MAX_SEARCHES", default=3)
# A search ranks this many of its most recent matches (articles.search): what it costs is
# bounded by it, whatever the archive's size, and a search's count never exceeds it. At most
# 10,000: the candidates' ids are query parameters, and SQLite builds allow 32,766 at most.
SEARCH_CANDIDATES: int = env.int("SEARCH_CANDIDATES", default=1000)
if not 1 <= SEARCH_CANDIDATES <= 10_000:
    raise ImproperlyConfigured(
        f"SEARCH_CANDIDATES must be a whole number from 1 to 10000 (got {SEARCH_CANDIDATES})."
    )
# The largest response body sent: a page of 100 articles with bodies of ~40 KB of HTML
# (and their text) fits; 1,500 of them, which the node count allows, do not.
GRAPHQL_MAX_RESPONSE_BYTES: int = env.int("GRAPHQL_MAX_RESPONSE_BYTES", default=10 * 1024 * 1024)
# Introspection lets tools read the schema; off by default where DEBUG is off.
GRAPHQL_INTROSPECTION: bool = env.bool("GRAPHQL_INTROSPECTION", default=DEBUG)
# Apollo's persisted queries (cms.graphql.persisted): "auto" (clients register documents by
# hash, and documents sent whole run too), "allowlist" (only the documents in
# GRAPHQL_PERSISTED_QUERIES_FILE run) or "off".
GRAPHQL_PERSISTED_QUERIES: str = env("GRAPHQL_PERSISTED_QUERIES", default="auto")
if GRAPHQL_PERSISTED_QUERIES not in ("auto", "allowlist", "off"):
    raise ImproperlyConfigured(
        "GRAPHQL_PERSISTED_QUERIES must be auto, allowlist or off "
        f"(got {GRAPHQL_PERSISTED_QUERIES!r})."
    )
# An Apollo persisted-query manifest (generate-persisted-query-manifest's JSON): the allow-list,
# and in "auto" documents known by hash from the start.
GRAPHQL_PERSISTED_QUERIES_FILE: str = env("GRAPHQL_PERSISTED_QUERIES_FILE", default="")
# How long a registered document is kept in the cache: a week, so a front-end's documents stay
# known between deployments; one that expires is registered again on its next use.
GRAPHQL_PERSISTED_QUERIES_TTL: int = env.int("GRAPHQL_PERSISTED_QUERIES_TTL", default=7 * 86400)
if GRAPHQL_PERSISTED_QUERIES_TTL < 1:
    raise ImproperlyConfigured("GRAPHQL_PERSISTED_QUERIES_TTL must be a number of seconds above 0.")

LOG_LEVEL: str = env("LOG_LEVEL", default="INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line names the request it was written for (cms.request_id), or "-" outside one.
    "filters": {"request_id": {"()": "cms.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
