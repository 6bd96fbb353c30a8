"""Production settings: no defaults for secrets, secure cookies, HSTS.

The process refuses to start without a real SECRET_KEY, explicit ALLOWED_HOSTS, the public
PUBLIC_API_URL and a DATABASE_URL, so a deployment can never inherit a development value by
accident.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DATABASE_REPLICA_URLS,
    LOG_LEVEL,
    MEDIA_STORAGE,
    env,
    media_storage,
    public_origin,
    replica_databases,
    tune_database,
)

DEBUG = False

SECRET_KEY = env("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY must be a random value of at least 50 characters "
        '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names; '*' is refused.")

# No default: a development address would end up in every cached response.
PUBLIC_API_URL = public_origin(env("PUBLIC_API_URL"))

if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must name the production database.")
DATABASES = {
    "default": tune_database(env.db("DATABASE_URL")),
    **replica_databases(DATABASE_REPLICA_URLS),
}

# WhiteNoise serves the collected static files (admin, editor assets) from the app servers,
# right after SecurityMiddleware as its documentation asks (and after the request id).
MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)

# Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO.
_proxy_header = env("SECURE_PROXY_SSL_HEADER", default="")
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Health checks come from the load balancer over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True

# Hashed names (served with a far-future, immutable Cache-Control), gzip and Brotli copies.
# `manage.py collectstatic` builds them and the manifest; config.wsgi refuses to start without
# the manifest, where every page naming a static file would be a 500.
STORAGES = {
    "default": media_storage(MEDIA_STORAGE),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object per line on stderr, each with the request_id of the request it was written
# for (cms.request_id); gunicorn writes its access lines in the same format (gunicorn.conf.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cms.request_id.RequestIdFilter"}},
    "formatters": {"json": {"()": "config.log_format.JsonLineFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
