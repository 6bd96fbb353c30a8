"""What the Procfile's web process runs with: production LOGGING (JSON lines with the request
id), the middleware order, gunicorn.conf.py's environment and its JSON access lines."""

from __future__ import annotations

import datetime
import json
import logging
import runpy
from types import SimpleNamespace

import pytest
from gunicorn.config import Config  # type: ignore[import-untyped]

from config.gunicorn_logging import JsonLogger
from tests.cms.test_settings import BASE_ENV, GOOD, run_with_production
from tests.subprocesses import ROOT

PRODUCTION = {**BASE_ENV, **GOOD}


def test_production_logs_one_json_object_per_line_with_the_request_id():
    script = (
        "import logging; from cms import request_id; "
        "request_id._current.set('proxy-given-id-42'); "
        "logging.getLogger('byline.deploy').warning('written %s', 'here'); "
        "request_id._current.set(request_id.NO_REQUEST); "
        "logging.getLogger('byline.deploy').error('outside')"
    )
    result = run_with_production(PRODUCTION, "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]  # each line is JSON
    inside, outside = (line for line in lines if line["logger"] == "byline.deploy")
    assert inside["message"] == "written here"
    assert inside["request_id"] == "proxy-given-id-42"
    assert inside["level"] == "WARNING"
    assert datetime.datetime.fromisoformat(inside["time"]).utcoffset() == datetime.timedelta(0)
    assert outside["request_id"] == "-"


def test_production_middleware_order():
    script = "from django.conf import settings; import json; print(json.dumps(settings.MIDDLEWARE))"
    result = run_with_production(PRODUCTION, "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    middleware = json.loads(result.stdout.splitlines()[-1])
    # The request id first (every response, static files included, carries it); WhiteNoise
    # right after SecurityMiddleware, as its documentation asks.
    assert middleware[:3] == [
        "cms.request_id.RequestIdMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]


def gunicorn_conf(monkeypatch, **env: str) -> dict[str, object]:
    for name in ("PORT", "GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT", "GUNICORN_KEEPALIVE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_conf_reads_port_and_timeouts(monkeypatch):
    conf = gunicorn_conf(
        monkeypatch,
        PORT="8312",
        GUNICORN_TIMEOUT="12",
        GUNICORN_GRACEFUL_TIMEOUT="7",
        GUNICORN_KEEPALIVE="3",
    )
    assert conf["bind"] == ["0.0.0.0:8312"]
    assert (conf["timeout"], conf["graceful_timeout"], conf["keepalive"]) == (12, 7, 3)
    assert conf["control_socket_disable"] is True
    assert conf["accesslog"] == "-"


def test_gunicorn_conf_defaults(monkeypatch):
    conf = gunicorn_conf(monkeypatch)
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert (conf["timeout"], conf["graceful_timeout"], conf["keepalive"]) == (30, 30, 5)


@pytest.mark.parametrize("value", ["soon", "0", "-5", "1.5"])
def test_gunicorn_conf_refuses_a_timeout_that_is_not_whole_seconds(monkeypatch, value):
    with pytest.raises(SystemExit, match="GUNICORN_TIMEOUT"):
        gunicorn_conf(monkeypatch, GUNICORN_TIMEOUT=value)


def test_gunicorn_access_line_is_json_with_the_apps_request_id(capsys):
    config = Config()
    config.set("accesslog", "-")
    logger = JsonLogger(config)
    response = SimpleNamespace(
        status="404 Not Found",
        headers=[("Content-Type", "text/html"), ("X-Request-ID", "abcdef0123456789")],
        sent=179,
    )
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/preview/",
        "QUERY_STRING": "token=secret-preview-token",
        "RAW_URI": "/preview/?token=secret-preview-token",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_USER_AGENT": "probe/1.0",
    }
    try:
        logger.access(
            response, SimpleNamespace(headers=[]), environ, datetime.timedelta(0, 0, 2500)
        )
    finally:
        for log in (logger.error_log, logger.access_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
    out = capsys.readouterr().out
    line = json.loads(out.strip())
    assert line["logger"] == "gunicorn.access"
    assert line["request_id"] == "abcdef0123456789"
    assert (line["method"], line["path"], line["status"], line["bytes"]) == (
        "GET",
        "/preview/",
        404,
        179,
    )
    assert line["duration_ms"] == 2.5
    assert "secret-preview-token" not in out  # the query string is never logged
    assert logging.getLogger("gunicorn.access").propagate is False
