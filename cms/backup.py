"""Backups that restore: one archive holding the database, the media files and a manifest.

The archive is a gzip'd tar:

    manifest.json       what was backed up (see ``Manifest``)
    database.dump       PostgreSQL: ``pg_dump --format=custom``
    database.sqlite3    SQLite: a copy made by SQLite's online backup API
    media/...           the files under MEDIA_ROOT (local storage only: a bucket is the object
                        store's to back up and version)

Both directions work on a database's settings dict (``DATABASES[...]`` as Django completes it),
so a restore can be aimed at a database other than the one the process serves (the round-trip
checks restore into a fresh one). ``manage.py backup`` and ``manage.py restore`` are the front.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with what to do about it."""


@dataclass
class Manifest:
    """What an archive holds. ``tables``: rows per table when it was made; ``migrations``:
    the applied migrations per app; ``media_files`` is None where media lives in a bucket."""

    created_at: str
    vendor: str
    server_version: str
    tables: dict[str, int]
    migrations: dict[str, list[str]]
    media_storage: str
    media_files: int | None
    media_bytes: int
    byline_version: str = ""
    byline_commit: str = ""
    format: int = FORMAT

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise BackupError(f"Archive format {data.get('format')!r}; this Byline reads {FORMAT}.")
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Restored:
    """What a restore put back, and any table whose row count differs from the manifest's."""

    manifest: Manifest
    tables: dict[str, int]
    media_files: int | None
    mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    unapplied_migrations: int = 0


# --- Connections and fingerprints -------------------------------------------------------------


@contextmanager
def connect(database: dict[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    """A Django connection of its own to ``database`` (a settings dict), closed afterwards."""
    config = {**database, "OPTIONS": dict(database.get("OPTIONS", {}))}
    config["OPTIONS"].pop("pool", None)  # one short-lived connection, not a pool
    alias = f"__backup_{id(config)}__"
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias=alias)
    # Registered (in this thread) under its alias: some introspection opens transactions by it.
    connections[alias] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        del connections[alias]


def row_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows in every table of the database, by table name."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def table_fingerprints(connection: BaseDatabaseWrapper) -> dict[str, tuple[int, str]]:
    """(rows, sha256) per table: every value as text, rows in primary-key order (all columns
    where a table has none), so two databases of one vendor match exactly when they hold the
    same rows. Reads every row: meant for checks, not for each backup of a large database."""
    result = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            key = connection.introspection.get_primary_key_column(cursor, table)
            order = [key] if key else columns
            cursor.execute(
                f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)} "  # noqa: S608
                f"ORDER BY {', '.join(map(quote, order))}"
            )
            digest, rows = hashlib.sha256(), 0
            for row in cursor.fetchall():
                digest.update(json.dumps([_text(v) for v in row]).encode())
                rows += 1
            result[table] = (rows, digest.hexdigest())
    return result


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    if "django_migrations" not in connection.introspection.table_names():
        return {}
    applied: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


def vendor_of(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    for vendor in DATABASE_FILES:
        if engine.endswith((vendor, f"{vendor}3")):
            return vendor
    raise BackupError(f"Backups cover PostgreSQL and SQLite; this database's engine is {engine}.")


# --- Backup -------------------------------------------------------------------------------------


def create_backup(destination: Path, database: dict[str, Any]) -> Manifest:
    """Write an archive of ``database`` and the media files to ``destination`` (written aside
    and renamed, so a failed backup never leaves a half archive under the final name)."""
    vendor = vendor_of(database)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as scratch:
        work = Path(scratch)
        dump = work / DATABASE_FILES[vendor]
        with connect(database) as connection:
            server_version = _server_version(connection)
            if vendor == "postgresql":
                _pg_dump(database, dump, server_version)
            else:
                _sqlite_copy(Path(database["NAME"]), dump)
            # Counted after the copy: rows written in between are in neither, or in both
            # (PostgreSQL's dump is one snapshot; the restore's check says which tables moved).
            tables = row_counts(connection)
            migrations = applied_migrations(connection)
        media_root = local_media_root()
        media_files, media_bytes = _media_size(media_root) if media_root else (None, 0)
        manifest = Manifest(
            created_at=timezone.now().isoformat(),
            vendor=vendor,
            server_version=server_version,
            tables=tables,
            migrations=migrations,
            media_storage="local" if media_root else "object storage",
            media_files=media_files,
            media_bytes=media_bytes,
            byline_version=_byline_version(),
            byline_commit=_git_commit(),
        )
        (work / MANIFEST).write_text(json.dumps(manifest.__dict__, indent=2))
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(dump, arcname=dump.name)
            if media_root and media_root.is_dir():
                archive.add(media_root, arcname=MEDIA_DIR, filter=_skip_restore_leftovers)
        _fsync(partial)
        os.replace(partial, destination)
    return manifest


def local_media_root() -> Path | None:
    """MEDIA_ROOT where media lives on the local disk; None where it lives in a bucket."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(settings.MEDIA_ROOT)
    return None


def _skip_restore_leftovers(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    return None if Path(info.name).name.startswith(".restore-") else info


def _media_size(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file()] if root.is_dir() else []
    return len(files), sum(p.stat().st_size for p in files)


def _server_version(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        number = connection.pg_version  # type: ignore[attr-defined]
        return f"{number // 10000}.{number % 10000}"
    return sqlite3.sqlite_version


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy while the server keeps writing. The copy
    is switched out of WAL mode so that it is one self-contained file."""
    if not source.exists():
        raise BackupError(f"No SQLite database at {source}.")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    src.close()
    dst.close()


def _byline_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("byline")
    except PackageNotFoundError:
        match = re.search(
            r'^version = "([^"]+)"', (Path(settings.BASE_DIR) / "pyproject.toml").read_text(), re.M
        )
        return match.group(1) if match else ""


def _git_commit() -> str:
    git = shutil.which("git")
    if git is None:
        return ""
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [git, "rev-parse", "--short", "HEAD"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=5,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else ""


# --- PostgreSQL client tools -------------------------------------------------------------------


def pg_tool(name: str, server_version: str) -> str:
    """The path of pg_dump or pg_restore, refused unless its major version is at least the
    server's (pg_dump will not dump a newer server; pg_restore reads older archives only)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client tools "
            f"(Debian: apt-get install postgresql-client-{server_version.split('.')[0]})."
        )
    output = subprocess.run(  # noqa: S603 - a fixed argument
        [path, "--version"], capture_output=True, text=True, timeout=10, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    client = int(match.group(1)) if match else 0
    server = int(server_version.split(".")[0])
    if client < server:
        raise BackupError(
            f"{name} is version {client} and the server {server}: install "
            f"postgresql-client-{server} (or newer) and put it first on PATH."
        )
    return path


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for ``database``: the password never goes on a command line."""
    env = dict(os.environ)
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
    }
    options = database.get("OPTIONS", {})
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("service", "PGSERVICE"),
        ("passfile", "PGPASSFILE"),
    ):
        values[variable] = options.get(option)
    env.update({k: str(v) for k, v in values.items() if v not in (None, "")})
    return env


def _pg_dump(database: dict[str, Any], target: Path, server_version: str) -> None:
    command = [
        pg_tool("pg_dump", server_version),
        "--format=custom",
        "--no-password",
        f"--file={target}",
    ]
    _run(command, _pg_env(database), "pg_dump")


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(  # noqa: S603 - an argument list, never a shell string
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()}")


# --- Restore ------------------------------------------------------------------------------------


def read_manifest(archive_path: Path) -> Manifest:
    with tarfile.open(archive_path, "r:gz") as archive:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise BackupError(f"{archive_path} has no {MANIFEST}: not a Byline backup.")
        return Manifest.from_json(member.read().decode())


def is_empty(database: dict[str, Any]) -> bool:
    """True for a database without tables (a new one); SQLite: also a file not there yet."""
    if vendor_of(database) == "sqlite" and not Path(database["NAME"]).exists():
        return True
    with connect(database) as connection:
        return not connection.introspection.table_names()


def restore_backup(
    archive_path: Path, database: dict[str, Any], media_root: Path | None
) -> Restored:
    """Replace ``database`` and the files under ``media_root`` (None: leave media alone) with
    the archive's, then count every table's rows against the manifest.

    The caller has checked that replacing is wanted; the application's processes (web and
    worker) should be stopped, as the tables or the file change under them."""
    manifest = read_manifest(archive_path)
    vendor = vendor_of(database)
    if manifest.vendor != vendor:
        raise BackupError(
            f"This archive holds a {manifest.vendor} database; the target is {vendor}. "
            "Restore it into the same kind of database."
        )
    with tempfile.TemporaryDirectory(prefix="byline-restore-") as scratch:
        work = Path(scratch)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, filter="data")
        dump = work / DATABASE_FILES[vendor]
        if vendor == "postgresql":
            _pg_restore(database, dump)
        else:
            _sqlite_replace(dump, Path(database["NAME"]))
        media_files = None
        if media_root is not None and manifest.media_files is not None:
            media_files = _replace_media(work / MEDIA_DIR, media_root)
    with connect(database) as connection:
        tables = row_counts(connection)
        unapplied = _unapplied(applied_migrations(connection))
    mismatches = {
        table: (rows, tables.get(table))
        for table, rows in manifest.tables.items()
        if tables.get(table) != rows
    }
    return Restored(manifest, tables, media_files, mismatches, unapplied)


def _pg_restore(database: dict[str, Any], dump: Path) -> None:
    with connect(database) as connection:
        server_version = _server_version(connection)
    command = [
        pg_tool("pg_restore", server_version),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={database['NAME']}",
        str(dump),
    ]
    _run(command, _pg_env(database), "pg_restore")


def _sqlite_replace(source: Path, target: Path) -> None:
    """Put ``source`` in place of the database file ``target``: copied beside it, flushed to
    disk, then renamed over it, so a crash leaves the old file or the new one, never half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".restore-", delete=False) as tmp:
        partial = Path(tmp.name)
    try:
        shutil.copyfile(source, partial)
        shutil.copymode(source, partial)  # the backed-up file's mode, not the temp file's 0600
        _fsync(partial)
        # The old database's write-ahead log would be replayed into the new file: it goes
        # first (a crash here loses only what the restore replaces anyway).
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _fsync_dir(target.parent)


def _replace_media(source: Path, media_root: Path) -> int:
    """Make ``media_root`` hold exactly the archive's files. The contents are swapped rather
    than the folder itself, which may be a mount point."""
    media_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=media_root, prefix=".restore-"))
    try:
        if source.is_dir():
            shutil.copytree(source, staging, dirs_exist_ok=True)
        for entry in media_root.iterdir():
            if entry != staging:
                shutil.rmtree(
                    entry
                ) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        for entry in staging.iterdir():
            os.replace(entry, media_root / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sum(1 for p in media_root.rglob("*") if p.is_file())


def _unapplied(applied: dict[str, list[str]]) -> int:
    """Migrations this code has that the restored database has not (``migrate`` applies them)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    done = {(app, name) for app, names in applied.items() for name in names}
    return len(set(loader.disk_migrations) - done)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
