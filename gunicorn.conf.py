"""gunicorn's settings, read when gunicorn starts in this directory without -c. Workers:
WEB_CONCURRENCY (gunicorn's own default), or --workers on the command line or in
GUNICORN_CMD_ARGS. The worker-count check does not depend on this file being read
(cms.checks.worker_count); it exports the count for servers loaded in other ways."""

import os
from typing import Any


def on_starting(server: Any) -> None:
    # Each worker checks at start-up (config/wsgi.py) that several workers share a cache; it
    # reads the count from WEB_CONCURRENCY, so export the number actually run, however given.
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
    if server.cfg.preload_app:
        # The app was loaded, and checked, before this hook with the environment's count only.
        from cms.checks import refuse_to_start_on_errors

        refuse_to_start_on_errors()
