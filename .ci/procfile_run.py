"""What the deploy proof (deploy_check.py) and the scale-out proof (scale_test.py) share: the
Procfile read and run as a Procfile runner does, production settings for a scratch PostgreSQL
database and a Redis database, plain HTTP through the loopback as a TLS-terminating proxy
sends it, and stopping a process group cleanly."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
HOST = "127.0.0.1"
# Settings a developer's shell or CI might have set that must not leak into the deploy.
INHERITED_OUT = (
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "PUBLIC_API_URL",
    "STATIC_ROOT",
    "GUNICORN_CMD_ARGS",
    "WEB_CONCURRENCY",
    "PORT",
    "SECURE_SSL_REDIRECT",
    "TASKS_BACKEND",
    "TRUSTED_PROXY_COUNT",
)


class CheckFailed(Exception):
    pass


def ok(what: str) -> None:
    print(f"  ok  {what}", flush=True)


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def read_procfile() -> dict[str, str]:
    processes: dict[str, str] = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, command = line.partition(":")
        processes[name.strip()] = command.strip()
    return processes


def production_env(
    *, database_url: str, redis_url: str, static_root: Path, **extra: str
) -> dict[str, str]:
    """This process's environment less what must not leak in, plus production settings: a
    generated SECRET_KEY, the loopback as the only host, and the virtualenv first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in INHERITED_OUT}
    env.update(
        {
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "PUBLIC_API_URL": "https://cms.example.com",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
            "STATIC_ROOT": str(static_root),
            **extra,
        }
    )
    return env


@contextmanager
def scratch_database(admin_url: str, name: str) -> Iterator[str]:
    """A new database called ``name`` on the server of ``admin_url``, dropped afterwards
    whatever happens (connections still open to it included); yields its URL."""
    admin_dsn = admin_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # a killed run's leftover
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(command: list[str], env: dict[str, str], what: str) -> str:
    """Run ``command`` to the end; its stdout, or CheckFailed with its output."""
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise CheckFailed(f"{what} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    ok(f"{what} ({elapsed:.1f} s)")
    return result.stdout


def start(
    command: str, env: dict[str, str], stdout: IO[bytes], stderr: IO[bytes]
) -> subprocess.Popen[bytes]:
    """A Procfile line as a Procfile runner starts it: through ``sh -c``, in the checkout,
    in its own process group (signalled as a whole)."""
    return subprocess.Popen(
        ["sh", "-c", command],
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
    )


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    proxy: bool = True,
) -> Response:
    sent = {"Host": HOST}
    if proxy:  # what the TLS-terminating proxy adds (see README, "Deploying")
        sent["X-Forwarded-Proto"] = "https"
    sent.update(headers or {})
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        content = answer.read()
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, content)
    finally:
        connection.close()


def get(
    port: int, path: str, headers: dict[str, str] | None = None, proxy: bool = True
) -> Response:
    return request(port, "GET", path, headers, proxy=proxy)


def wait_until_ready(port: int, server: subprocess.Popen[bytes], deadline: float) -> float:
    started = time.monotonic()
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CheckFailed(f"the web process exited {server.returncode} before answering")
        try:
            if get(port, "/readyz/").status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise CheckFailed("the web process did not answer /readyz/ with 200 in time")


def stop(process: subprocess.Popen[bytes], timeout: float, what: str = "the web process") -> float:
    """SIGTERM to the process group; it must exit 0 within ``timeout``. Returns the seconds."""
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGTERM)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"{what} did not exit within {timeout:.0f} s of SIGTERM") from None
    expect(code == 0, f"{what} exited {code} on SIGTERM")
    return time.monotonic() - started


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the process group of one still running (clean-up after a failure)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
