"""Load through a real server: gunicorn with 2 sync workers, wrk from loopback, worker RSS."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from bench.endpoints import UNIQUE, Endpoint, resolve

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = os.environ.get("BENCH_DURATION", "6s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
WORKERS = 2


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def varies(self) -> bool:
        text = self.path + (self.body or "") + "".join(self.headers.values())
        return any(placeholder in text for placeholder in UNIQUE)

    def all_headers(self) -> dict[str, str]:
        json_body = {"Content-Type": "application/json"} if self.body is not None else {}
        return {**json_body, **self.headers}


def request_for(endpoint: Endpoint, slug: str, deep: str) -> Request:
    return Request(
        endpoint.method,
        resolve(endpoint.path, slug, deep),
        resolve(endpoint.body, slug, deep) if endpoint.body is not None else None,
        endpoint.headers,
    )


@dataclass
class WrkResult:
    rps: float
    p50: str
    p99: str
    requests: int
    failed: int  # non-2xx/3xx answers and socket errors


def _lua(text: str) -> str:
    """A Lua long string: no escaping needed for JSON or paths."""
    return f"[==[{text}]==]"


def wrk_script(requests: list[Request]) -> str:
    """A wrk script sending ``requests`` in turn, filling in each one's unique placeholders."""
    entries = []
    for r in requests:
        body = _lua(r.body) if r.body is not None else "nil"
        headers = ", ".join(f"[ {_lua(k)} ]={_lua(v)}" for k, v in r.all_headers().items())
        entries.append(
            f"{{method={_lua(r.method)}, path={_lua(r.path)}, body={body}, headers={{{headers}}}}}"
        )
    table = ",\n".join(entries)
    return f"""
local requests = {{
{table}
}}
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function request()
  counter = counter + 1
  local n = counter * 64 + id
  local ip = "10." .. (math.floor(n / 65536) % 256) .. "." .. (math.floor(n / 256) % 256)
    .. "." .. (n % 256)
  local function fill(s) return (s:gsub("{{n}}", tostring(n)):gsub("{{ip}}", ip)) end
  local r = requests[(counter - 1) % #requests + 1]
  local headers = {{}}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  for k, v in pairs(r.headers) do headers[k] = fill(v) end
  local body = nil
  if r.body then body = fill(r.body) end
  return wrk.format(r.method, fill(r.path), headers, body)
end
"""


def wrk(
    requests: list[Request],
    *,
    duration: str = DURATION,
    extra_headers: dict[str, str] | None = None,
) -> WrkResult:
    """wrk -t2 against ``requests`` (one: the same request; several: in turn)."""
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}", "--latency", "--timeout", "30s"]
    for name, value in (extra_headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    script = None
    if len(requests) > 1 or requests[0].varies or requests[0].method != "GET":
        # Static requests go without a script: wrk's fastest path, the floor's too.
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
        script.write(wrk_script(requests))
        script.close()
        args += ["-s", script.name]
    try:
        result = subprocess.run(
            [*args, BASE + requests[0].path.split("{")[0]],
            check=True,
            text=True,
            capture_output=True,
        )
    finally:
        if script:
            os.unlink(script.name)
    if result.stderr.strip():
        # A script wrk cannot load is reported on stderr, and wrk goes on without it.
        raise SystemExit(f"wrk: {result.stderr.strip()[:500]}")
    out = result.stdout

    def find(pattern: str) -> str:
        found = re.search(pattern, out)
        return found.group(1) if found else "0"

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return WrkResult(
        rps=float(find(r"Requests/sec:\s+([\d.]+)")),
        p50=find(r"50%\s+([\d.]+\w+)"),
        p99=find(r"99%\s+([\d.]+\w+)"),
        requests=int(find(r"(\d+) requests in")),
        failed=int(find(r"Non-2xx or 3xx responses:\s+(\d+)")) + errors,
    )


def send(request: Request, number: int = 0) -> tuple[int, bytes]:
    """One request through the server, placeholders filled with ``number``."""

    def fill(text: str) -> str:
        ip = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        return text.replace("{n}", str(number)).replace("{ip}", ip)

    outgoing = urllib.request.Request(  # noqa: S310 - loopback
        BASE + fill(request.path),
        data=fill(request.body).encode() if request.body is not None else None,
        headers={k: fill(v) for k, v in request.all_headers().items()},
        method=request.method,
    )
    try:
        with urllib.request.urlopen(outgoing, timeout=120) as answer:  # noqa: S310 - loopback
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def send_many(
    requests: list[Request], count: int, first_number: int, seconds: float
) -> tuple[int, int]:
    """Up to ``count`` requests, ``requests`` in turn, from 4 threads, stopping after
    ``seconds``; how many were sent and how many failed. Not wrk: wrk runs for a duration, and
    memory is read after a number of requests."""
    deadline = time.monotonic() + seconds
    numbers = range(first_number, first_number + count)

    def one(number: int) -> bool | None:
        if time.monotonic() > deadline:
            return None  # out of time: not sent
        try:
            status, _ = send(requests[number % len(requests)], number)
        except OSError:
            return False
        return status < 400

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = [outcome for outcome in pool.map(one, numbers) if outcome is not None]
    return len(outcomes), outcomes.count(False)


def ready(request: Request, persisted: str | None) -> str | None:
    """Send ``request`` a few times (both workers' caches and connections); None when it
    answers, else why not. A persisted query is registered first, as Apollo Client does."""
    if persisted is not None:
        status, body = send(request)
        if b"PersistedQueryNotFound" in body:
            extensions = dict(
                item.split("=", 1) for item in request.path.split("?", 1)[1].split("&")
            )
            variables = json.loads(unquote(extensions["variables"]))
            register = Request(
                "POST",
                "/graphql/",
                json.dumps(
                    {
                        "query": persisted,
                        "variables": variables,
                        "extensions": json.loads(unquote(extensions["extensions"])),
                    }
                ),
            )
            for _ in range(WORKERS * 4):
                send(register)
    for number in range(WORKERS * 4):
        status, body = send(request, 1_000_000 + number)
        if status >= 300 or b'"errors"' in body[:2000]:
            return f"answered {status}: {body[:160]!r}"
    return None


def worker_rss(master: int) -> list[int]:
    """VmRSS (kB) of each gunicorn worker: the children of the master process."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent != master:
                continue
            status = (entry / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        if found:
            sizes.append(int(found.group(1)))
    return sorted(sizes)


@contextmanager
def server(env: dict[str, str]) -> Iterator[int]:
    """gunicorn with 2 workers under ``env`` (config.settings.bench) until the block ends;
    yields the master's pid."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        # One trusted proxy: wrk's X-Forwarded-For is each request's reader address.
        env={**env, "TRUSTED_PROXY_COUNT": "1"},
        # gunicorn.conf.py writes an access line per request, as in production (the cost is
        # measured), to stdout: kept out of the report.
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(BASE + "/healthz/", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit("gunicorn exited at start-up") from None
                time.sleep(0.2)
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
