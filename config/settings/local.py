"""Settings for a developer's machine: DEBUG on, SQLite and local memory unless told otherwise."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

DEBUG = env.bool("DEBUG", default=True)
# Local only: a fixed, obviously insecure key. Production refuses keys like this one.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-byline-local-development-only")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=DEBUG)
# The demo publication and local logins (make run); production settings leave devtools out.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
