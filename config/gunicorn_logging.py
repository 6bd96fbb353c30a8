"""gunicorn's logger_class (gunicorn.conf.py): its lines in the JSON of config.log_format, the
format of the app's own lines in production, so that one query by ``request_id`` finds a
request's access line and everything the app logged for it."""

from __future__ import annotations

from typing import Any

from gunicorn import glogging  # type: ignore[import-untyped]

from config.log_format import JsonLineFormatter


class JsonLogger(glogging.Logger):
    """gunicorn's logger with JSON lines: its error log (start, stop, worker timeouts) on stderr
    and one access line per request on stdout.

    The access line's request_id is the X-Request-ID the app returned (cms.request_id), so it
    matches the app's own lines. The path is logged without its query string, which can carry
    tokens (a preview link's)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if cfg.logconfig_dict or cfg.logconfig or cfg.logconfig_json:
            return  # the operator configured logging; keep theirs
        formatter = JsonLineFormatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        request_id, length = "-", ""
        for name, value in resp.headers:
            if name.lower() == "x-request-id":
                request_id = value
            elif name.lower() == "content-length":
                length = value
        fields = {
            "request_id": request_id,
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status),
            # A file sent with sendfile (WhiteNoise's static files) is not counted in `sent`.
            "bytes": getattr(resp, "sent", None) or (int(length) if length.isdigit() else 0),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        try:
            self.access_log.info("%s %s %s", fields["method"], fields["path"], status, extra=fields)
        except Exception:
            self.exception("Could not write an access log line")
