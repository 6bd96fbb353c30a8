"""System checks Byline adds to Django's, and the start-up gate that runs them where no
management command does (gunicorn and other WSGI/ASGI servers)."""

from __future__ import annotations

import os
import sys
from types import FrameType
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.management.base import SystemCheckError

# Cache backends whose counters every process shares, with atomic add/incr: rate limits, view
# counts and response caching hold across workers only on one of these.
SHARED_CACHES = frozenset(
    {
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.memcached.PyMemcacheCache",
        "django.core.cache.backends.memcached.PyLibMCCache",
        "django_redis.cache.RedisCache",
    }
)


class WorkerCountError(ValueError):
    """WEB_CONCURRENCY is not a whole number."""


def _running_gunicorn_config() -> Any | None:
    """The configuration of the gunicorn that is loading this app, if one is: its application
    object is on the call stack (a worker's ``load_wsgi``, or the master's with --preload), and
    its ``cfg`` holds what gunicorn itself read from every source, config file included."""
    base = sys.modules.get("gunicorn.app.base")  # loaded by any gunicorn; never imported here
    if base is None:
        return None
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, base.BaseApplication) and getattr(candidate, "cfg", None):
            return candidate.cfg
        frame = frame.f_back
    return None


def _run_by_gunicorn() -> bool:
    """This process is a gunicorn master or worker (workers are forked and keep its argv)."""
    if "gunicorn" not in sys.modules or not sys.argv:
        return False
    program = sys.argv[0].replace("\\", "/")
    return program.rsplit("/", 1)[-1] == "gunicorn" or program.endswith("gunicorn/__main__.py")


def _gunicorn_cli_workers() -> list[tuple[int, str]]:
    """--workers as gunicorn parses it from its command line and from GUNICORN_CMD_ARGS, with
    gunicorn's own parser."""
    from gunicorn.config import Config  # type: ignore[import-untyped]

    config = Config()
    found = []
    for source, args in (
        ("gunicorn --workers", sys.argv[1:]),
        ("GUNICORN_CMD_ARGS", config.get_cmd_args_from_env()),
    ):
        try:
            parsed = config.parser().parse_args(args)
        except SystemExit:  # argparse's way of refusing; gunicorn itself refuses it too
            continue
        if parsed.workers is not None:
            found.append((int(parsed.workers), source))
    return found


def worker_count() -> tuple[int, str]:
    """The most worker processes this deployment may run, and where that number comes from.

    WEB_CONCURRENCY (read by gunicorn and uvicorn, and set by gunicorn.conf.py to the count
    gunicorn runs); under gunicorn also the configuration it loaded and its --workers, however
    it was started (another directory, ``-c`` with another file): the largest counts."""
    counts: list[tuple[int, str]] = [(1, "")]
    raw = os.environ.get("WEB_CONCURRENCY", "").strip()
    if raw:
        try:
            counts.append((int(raw), f"WEB_CONCURRENCY={raw}"))
        except ValueError:
            raise WorkerCountError(raw) from None
    config = _running_gunicorn_config()
    if config is not None:
        counts.append((int(config.workers), "gunicorn's configuration"))
    if _run_by_gunicorn():
        counts.extend(_gunicorn_cli_workers())
    return max(counts, key=lambda count: count[0])


@checks.register(checks.Tags.caches)
def workers_share_a_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Several worker processes each keep their own in-process cache, which multiplies every
    limit and count by the number of workers."""
    try:
        workers, source = worker_count()
    except WorkerCountError as error:
        raw = error.args[0]
        return [
            checks.Error(
                f"WEB_CONCURRENCY must be a whole number of worker processes, not {raw!r}.",
                id="byline.E002",
            )
        ]
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if workers <= 1 or backend in SHARED_CACHES:
        return []
    return [
        checks.Error(
            f"{source} runs {workers} worker processes, and without REDIS_URL each keeps its "
            f"own cache ({backend.rsplit('.', 1)[-1] or 'none'}): rate limits and view counts "
            f"would count {workers} times over.",
            hint="Set REDIS_URL to a Redis that every worker shares, or run one worker.",
            id="byline.E001",
        )
    ]


@checks.register()
def persisted_queries_configured(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """The persisted-query manifest is read and checked (each id the SHA-256 of its body) as
    the server starts, not at the first request that needs it."""
    from cms.graphql.persisted import configuration_problems

    return [
        checks.Error(
            problem,
            hint="Write the file with Apollo's generate-persisted-query-manifest, or check it "
            "with `python manage.py check_persisted_queries FILE`.",
            id="byline.E004",
        )
        for problem in configuration_problems()
    ]


def static_files_collected() -> list[checks.CheckMessage]:
    """Under a manifest storage (production), the files collectstatic writes must be there:
    without the manifest every page that names a static file (all of the admin) is a 500.

    Checked only as a server starts (below), not as a system check: collectstatic itself, the
    release's migrate and the task worker must run without collected files."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    if staticfiles_storage.manifest_storage.exists(staticfiles_storage.manifest_name):
        return []
    return [
        checks.Error(
            f"The static files have not been collected: {settings.STATIC_ROOT} has no "
            f"{staticfiles_storage.manifest_name}, so every admin page would be an error.",
            hint="Run `python manage.py collectstatic --noinput` (the build step) first.",
            id="byline.E003",
        )
    ]


def refuse_to_start_on_errors() -> None:
    """Run the system checks as ``manage.py runserver`` does, and see that the static files
    were collected, and raise on any error.

    WSGI and ASGI servers run no checks of their own; the entry points call this so that a
    configuration the checks refuse (several workers on an unshared cache) never serves."""
    errors = [
        message
        for message in [*checks.run_checks(), *static_files_collected()]
        if message.is_serious() and not message.is_silenced()
    ]
    if errors:
        lines = "\n".join(
            f"{error.id}: {error.msg} {error.hint or ''}".rstrip() for error in errors
        )
        raise SystemCheckError(f"System check identified errors; refusing to start:\n{lines}")
