"""gunicorn's settings, read when gunicorn starts in this directory without -c (the Procfile's
`web` line). Every value is tunable from the environment; the command line and
GUNICORN_CMD_ARGS still override any of them.

- PORT: listen on 0.0.0.0:$PORT (else 127.0.0.1:8000, for a try on one's own machine).
- WEB_CONCURRENCY: worker processes, read by gunicorn itself (default 1; more than one needs
  REDIS_URL). The worker-count check does not depend on this file being read
  (cms.checks.worker_count); it exports the count for servers loaded in other ways.
- GUNICORN_TIMEOUT (30 s): a worker silent this long on one request is killed and replaced.
- GUNICORN_GRACEFUL_TIMEOUT (30 s): after SIGTERM, how long workers may finish the requests
  they hold before they are killed. Keep it below the platform's own stop timeout.
- GUNICORN_KEEPALIVE (5 s): how long an idle keep-alive connection from the proxy stays open
  (threaded workers; the default sync workers close each connection).
- GUNICORN_CONTROL_SOCKET: a path for gunicorn's control socket (`gunicornc`); unset, there
  is none, since every gunicorn on a machine would share the default path.
- Logs: JSON lines (config.gunicorn_logging): errors on stderr, one access line per request on
  stdout carrying the request's X-Request-ID.
"""

import os
from typing import Any


def _seconds(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number of seconds, not {raw!r}.") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1 second, not {value}.")
    return value


_port = os.environ.get("PORT", "").strip()
bind = [f"0.0.0.0:{_port}"] if _port else ["127.0.0.1:8000"]
timeout = _seconds("GUNICORN_TIMEOUT", 30)
graceful_timeout = _seconds("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _seconds("GUNICORN_KEEPALIVE", 5)

_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
if _control_socket:
    control_socket = _control_socket
else:
    control_socket_disable = True

# By name: gunicorn imports it once it has put this directory on sys.path.
logger_class = "config.gunicorn_logging.JsonLogger"
accesslog = "-"
errorlog = "-"


def on_starting(server: Any) -> None:
    # Each worker checks at start-up (config/wsgi.py) that several workers share a cache; it
    # reads the count from WEB_CONCURRENCY, so export the number actually run, however given.
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
    if server.cfg.preload_app:
        # The app was loaded, and checked, before this hook with the environment's count only.
        from cms.checks import refuse_to_start_on_errors

        refuse_to_start_on_errors()
