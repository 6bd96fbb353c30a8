"""Several workers need a shared cache: the system check, manage.py, and the WSGI/ASGI start-up."""

from __future__ import annotations

import http.client
import importlib
import os
import socket
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from cms.checks import workers_share_a_cache
from tests.cms.test_settings import BASE_ENV, GOOD_KEY, run_with_production
from tests.subprocesses import ROOT

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DUMMY = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
}
PRODUCTION_ENV = {**BASE_ENV, "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "news.example"}


def ids(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.mark.parametrize("caches", [LOCMEM, DUMMY])
@pytest.mark.parametrize("workers", ["2", "8", " 3 "])
def test_several_workers_without_a_shared_cache_is_an_error(monkeypatch, caches, workers):
    monkeypatch.setenv("WEB_CONCURRENCY", workers)
    with override_settings(CACHES=caches):
        [error] = workers_share_a_cache()
    assert error.id == "byline.E001"
    assert error.is_serious()
    assert "REDIS_URL" in error.msg
    assert f"count {workers.strip()} times over" in error.msg


@pytest.mark.parametrize(
    ("workers", "caches"),
    [(None, LOCMEM), ("", LOCMEM), ("1", LOCMEM), ("0", DUMMY), ("2", REDIS), ("16", REDIS)],
)
def test_one_worker_or_a_shared_cache_passes(monkeypatch, workers, caches):
    if workers is None:
        monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    else:
        monkeypatch.setenv("WEB_CONCURRENCY", workers)
    with override_settings(CACHES=caches):
        assert workers_share_a_cache() == []


def test_a_worker_count_that_is_not_a_number_is_an_error(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "four")
    assert ids(workers_share_a_cache()) == ["byline.E002"]


@pytest.mark.parametrize(
    ("argv", "cmd_args", "workers"),
    [
        (["/srv/.venv/bin/gunicorn", "config.wsgi", "-w", "3"], "", 3),
        (["/srv/.venv/bin/gunicorn", "--workers=4", "-c", "/dev/null", "config.wsgi"], "", 4),
        (["/usr/lib/python3/site-packages/gunicorn/__main__.py", "-w2", "config.wsgi"], "", 2),
        (["/srv/.venv/bin/gunicorn", "config.wsgi"], "--workers 5 --bind :80", 5),
        (["/srv/.venv/bin/gunicorn", "config.wsgi", "-w", "2"], "-w 6", 6),  # the larger
    ],
)
def test_gunicorns_own_worker_options_count(monkeypatch, argv, cmd_args, workers):
    # However gunicorn was started (from another directory, with another config file), a
    # worker inherits its argv and environment and reads them with gunicorn's own parser.
    importlib.import_module("gunicorn")  # a gunicorn process has it loaded
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setenv("GUNICORN_CMD_ARGS", cmd_args)
    monkeypatch.setattr(sys, "argv", argv)
    with override_settings(CACHES=LOCMEM):
        [error] = workers_share_a_cache()
    assert error.id == "byline.E001"
    assert f"count {workers} times over" in error.msg


def test_another_programs_arguments_are_not_read_as_gunicorns(monkeypatch):
    importlib.import_module("gunicorn")
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "-w 4")  # only gunicorn reads it
    monkeypatch.setattr(sys, "argv", ["/srv/.venv/bin/uwsgi", "-w", "config.wsgi"])
    with override_settings(CACHES=LOCMEM):
        assert workers_share_a_cache() == []


def test_manage_py_check_runs_it(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    with override_settings(CACHES=LOCMEM), pytest.raises(SystemCheckError, match="REDIS_URL"):
        call_command("check")
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    with override_settings(CACHES=LOCMEM):
        call_command("check")


def without_redis(env: dict[str, str]) -> dict[str, str]:
    return {**env, "REDIS_URL": ""}


def test_production_check_deploy_fails_with_two_workers_and_no_redis():
    env = without_redis({**PRODUCTION_ENV, "WEB_CONCURRENCY": "2"})
    result = run_with_production(env, "check", "--deploy")
    assert result.returncode != 0
    assert "byline.E001" in result.stderr
    assert "REDIS_URL" in result.stderr


@pytest.mark.parametrize(
    "env",
    [
        {"WEB_CONCURRENCY": "2", "REDIS_URL": "redis://127.0.0.1:6379/0"},
        {"WEB_CONCURRENCY": "1", "REDIS_URL": ""},
    ],
)
def test_production_check_deploy_passes_with_redis_or_one_worker(env):
    result = run_with_production({**PRODUCTION_ENV, **env}, "check", "--deploy")
    assert result.returncode == 0, result.stderr
    assert "byline.E001" not in result.stdout + result.stderr


def start_app(module: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import a WSGI/ASGI entry point as a server would, under production settings."""
    clean = {k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "REDIS_URL")}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env})
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_app_refuses_to_start_with_two_workers_and_no_redis(module):
    refused = start_app(module, {**PRODUCTION_ENV, "WEB_CONCURRENCY": "2"})
    assert refused.returncode != 0
    assert "byline.E001" in refused.stderr
    assert "REDIS_URL" in refused.stderr
    started = start_app(module, {**PRODUCTION_ENV, "WEB_CONCURRENCY": "1"})
    assert started.returncode == 0, started.stderr


GUNICORN_ENV = {
    **{k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "REDIS_URL")},
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    **PRODUCTION_ENV,
}
GUNICORN = [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "config.wsgi"]


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("config", [[], ["-c", "/dev/null"]])
def test_gunicorn_run_without_our_config_file_still_refuses_two_workers(tmp_path, config):
    # Started from another directory, or told to read another file, gunicorn never reads
    # gunicorn.conf.py; the workers find the count themselves.
    result = subprocess.run(
        [*GUNICORN, *config, "-w", "2", "--bind", f"127.0.0.1:{free_loopback_port()}"],
        cwd=tmp_path,
        env=GUNICORN_ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "byline.E001" in result.stderr
    assert "REDIS_URL" in result.stderr


def test_gunicorn_run_without_our_config_file_starts_one_worker(tmp_path):
    port = free_loopback_port()
    server = subprocess.Popen(
        [*GUNICORN, "-c", "/dev/null", "-w", "1", "--bind", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=GUNICORN_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answered = None
        deadline = time.monotonic() + 30
        while answered is None and server.poll() is None and time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz/", headers={"Host": "news.example"})
                answered = connection.getresponse().status  # the worker loaded the app
                connection.close()
            except OSError:
                time.sleep(0.2)
        assert answered is not None, "gunicorn did not answer"
    finally:
        server.terminate()
        try:
            _, stderr = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            _, stderr = server.communicate()
    assert "byline.E001" not in stderr


@pytest.mark.parametrize("preload", [[], ["--preload"]])
def test_gunicorn_with_two_workers_on_the_command_line_refuses_to_start(preload):
    # --workers, not WEB_CONCURRENCY: gunicorn.conf.py hands the count it runs to the check.
    clean = {k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "REDIS_URL")}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **PRODUCTION_ENV})
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2",
         "--bind", "127.0.0.1:0", *preload],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "byline.E001" in result.stderr
    assert "REDIS_URL" in result.stderr


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_app_refuses_to_start_before_collectstatic(module, tmp_path):
    # Without the manifest every admin page was a 500; now the server does not start.
    refused = start_app(module, {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)})
    assert refused.returncode != 0
    assert "byline.E003" in refused.stderr
    assert "collectstatic" in refused.stderr


def test_manage_py_runs_before_collectstatic(tmp_path):
    # collectstatic itself, the release's migrate and the worker run without collected files.
    result = run_with_production(
        {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)}, "check", "--deploy"
    )
    assert result.returncode == 0, result.stderr
    assert "byline.E003" not in result.stdout + result.stderr
