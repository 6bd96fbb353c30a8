"""Benchmark datasets, built once and kept between runs.

A dataset is named after its parameters and a digest of what shapes it (every migration file
and the generator, devtools' bench_dataset): a change to either builds a new one, and the
old one of the same parameters is removed. Kept datasets are templates, never measured
directly: each run measures a fresh copy (the load adds comments and views), so every run
starts from the same rows.

- SQLite: var/bench/<name>.sqlite3, copied to var/bench/run.sqlite3;
- PostgreSQL: database <BENCH_PG_PREFIX>_<name>, copied with CREATE DATABASE ... TEMPLATE.

A build goes to a temporary file or database and is renamed into place when complete, so an
interrupted build is never taken for a dataset.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PG_PREFIX = os.environ.get("BENCH_PG_PREFIX", "byline_bench")


@dataclass(frozen=True)
class Size:
    articles: int
    authors: int
    tags: int
    comments: int

    @classmethod
    def for_articles(cls, articles: int) -> Size:
        """The issue's shapes: 1,000 articles with the generator's defaults, 100,000 with
        1,000 authors, 200 tags and 200,000 comments; other sizes scale between."""
        if articles <= 1000:
            return cls(articles, 50, 20, articles * 5)
        return cls(articles, max(50, articles // 100), max(20, articles // 500), articles * 2)

    def flags(self) -> list[str]:
        return [
            *("--articles", str(self.articles), "--authors", str(self.authors)),
            *("--tags", str(self.tags), "--comments", str(self.comments)),
        ]

    @property
    def label(self) -> str:
        return f"{self.articles:,}"

    @property
    def params(self) -> str:
        return f"{self.articles}a_{self.authors}au_{self.tags}t_{self.comments}c"


def state() -> str:
    """A digest of the migrations and the generator: what the rows' shape depends on."""
    digest = hashlib.sha256()
    sources = sorted(ROOT.glob("*/migrations/0*.py"))
    sources.append(ROOT / "devtools" / "management" / "commands" / "bench_dataset.py")
    for path in sources:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def bench_env(database_url: str, redis_url: str | None) -> dict[str, str]:
    """The environment of every process of a run: benchmark settings on that database, and
    Redis or (without) each process's local memory."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.bench", DATABASE_URL=database_url)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout.strip()


def build(env: dict[str, str], size: Size) -> None:
    manage(env, "migrate", "--noinput")
    started = time.perf_counter()
    out = manage(env, "bench_dataset", *size.flags())
    print(f"  built: {out} ({time.perf_counter() - started:.0f} s)", flush=True)


# --- SQLite ---------------------------------------------------------------------------------


def sqlite_copy(size: Size) -> str:
    """A fresh copy of the SQLite dataset of ``size`` (built first when missing): its URL."""
    VAR.mkdir(parents=True, exist_ok=True)
    name = f"{size.params}_{state()}"
    template = VAR / f"{name}.sqlite3"
    if template.exists():
        print(f"  dataset: {template.relative_to(ROOT)} (kept from an earlier run)", flush=True)
    else:
        for stale in VAR.glob(f"{size.params}_*.sqlite3"):
            stale.unlink()
        building = VAR / f"{name}.building.sqlite3"
        _remove_sqlite(building)
        print(f"  dataset: building {template.relative_to(ROOT)}", flush=True)
        build(bench_env(f"sqlite:///{building}", None), size)
        # One self-contained file: the write-ahead log folded in, then renamed into place.
        with sqlite3.connect(building) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _remove_sqlite(building, keep_main=True)
        building.rename(template)
    run = VAR / "run.sqlite3"
    _remove_sqlite(run)
    shutil.copyfile(template, run)
    return f"sqlite:///{run}"


def _remove_sqlite(path: Path, keep_main: bool = False) -> None:
    for suffix in ("-wal", "-shm") if keep_main else ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- PostgreSQL -----------------------------------------------------------------------------


def pg_server() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def pg_unreachable(redis_url: str) -> str | None:
    """Why the PostgreSQL + Redis part cannot run, or None when both answer."""
    import psycopg
    import redis

    try:
        psycopg.connect(f"{pg_server()}/postgres", connect_timeout=3).close()
    except psycopg.Error as error:
        return f"PostgreSQL at {pg_server()} does not answer ({str(error).strip()[:120]})"
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis at {redis_url} does not answer ({error})"
    return None


def _admin(sql: str, *params: Any) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(f"{pg_server()}/postgres", autocommit=True) as db:
        cursor = db.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


def _databases(like: str) -> list[str]:
    return [row[0] for row in _admin("SELECT datname FROM pg_database WHERE datname LIKE %s", like)]


def _drop(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_copy(size: Size) -> tuple[str, str]:
    """A fresh copy of the PostgreSQL dataset of ``size`` (built first when missing): its URL
    and its name (for :func:`pg_drop`)."""
    template = f"{PG_PREFIX}_{size.params}_{state()}"
    if _databases(template):
        print(f"  dataset: database {template} (kept from an earlier run)", flush=True)
    else:
        for stale in _databases(f"{PG_PREFIX}_{size.params}_%"):
            _drop(stale)
        building = f"{PG_PREFIX}_building"
        _drop(building)
        _admin(f'CREATE DATABASE "{building}"')
        print(f"  dataset: building database {template}", flush=True)
        build(bench_env(f"{pg_server()}/{building}", None), size)
        _admin(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    run = f"{PG_PREFIX}_run"
    _drop(run)
    _admin(f'CREATE DATABASE "{run}" TEMPLATE "{template}"')
    return f"{pg_server()}/{run}", run


def pg_drop(name: str) -> None:
    _drop(name)
