"""Backups that restore: an archive of a populated database, restored into a fresh one, holds
every row of every table and every media file; a restore refuses what it should."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cms import backup
from cms.models import AuditEntry
from comments.models import Comment
from media.models import Image
from tests.factories import library_image

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """The uploads of this test, in a folder of its own (restores replace a folder's contents)."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def populated(media_root: Path) -> None:
    """The demo publication (articles, comments, audit entries, cover images and their
    renditions) plus one more image uploaded to the media library."""
    call_command("seed_demo", stdout=io.StringIO())
    library_image("harbour-wall.png", size=(40, 30), alt="The harbour wall at low tide")
    assert Comment.objects.exists()
    assert AuditEntry.objects.exists()
    assert Image.objects.count() >= 2


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The settings of a new, empty database of the suite's vendor: a new SQLite file, or a
    new PostgreSQL database beside the test database (dropped afterwards)."""
    config = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        yield {**config, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{config['NAME']}_restored"
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quoted}")
    try:
        yield {**config, "NAME": name}
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def file_hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def back_up(tmp_path: Path) -> Path:
    archive = tmp_path / "backups" / "byline.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    return archive


def rewrite_manifest(archive: Path, **changes: Any) -> None:
    """Replace manifest fields in ``archive`` (to make archives that must be refused)."""
    with tarfile.open(archive, "r:gz") as source:
        members = [(m, source.extractfile(m)) for m in source.getmembers()]
        contents = [(m, f.read() if f else None) for m, f in members]
    with tarfile.open(archive, "w:gz") as target:
        for member, data in contents:
            if member.name == backup.MANIFEST and data is not None:
                data = json.dumps({**json.loads(data), **changes}).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data) if data is not None else None)


def test_round_trip_into_a_fresh_database_keeps_every_row_and_file(
    populated: None, media_root: Path, fresh_database: dict[str, Any], tmp_path: Path
) -> None:
    before = backup.table_fingerprints(connection)
    media_before = file_hashes(media_root)
    archive = back_up(tmp_path)
    restored_media = tmp_path / "restored-media"

    assert backup.is_empty(fresh_database)
    result = backup.restore_backup(archive, fresh_database, restored_media)

    with backup.connect(fresh_database) as restored:
        after = backup.table_fingerprints(restored)
    assert set(after) == set(before)
    assert len(before) > 20
    for table, fingerprint in before.items():
        assert after[table] == fingerprint, table
    assert file_hashes(restored_media) == media_before
    assert len(media_before) >= 5  # two originals and their renditions
    assert result.mismatches == {}
    assert result.media_files == len(media_before)
    assert result.unapplied_migrations == 0


def test_manifest_records_the_database_and_media(populated: None, tmp_path: Path) -> None:
    manifest = backup.read_manifest(back_up(tmp_path))

    assert manifest.vendor == connection.vendor
    assert manifest.tables["comments_comment"] == Comment.objects.count()
    assert manifest.tables["cms_auditentry"] == AuditEntry.objects.count()
    assert "0001_initial" in manifest.migrations["articles"]
    assert manifest.media_storage == "local"
    assert manifest.media_files == len(file_hashes(Path(tmp_path / "media")))
    assert manifest.byline_version


def test_restore_command_replaces_a_changed_database_with_yes(
    populated: None, media_root: Path, tmp_path: Path
) -> None:
    before = backup.table_fingerprints(connection)
    media_before = file_hashes(media_root)
    archive = back_up(tmp_path)
    Comment.objects.all().delete()
    library_image("after-the-backup.png", color="red")
    (media_root / "stray.txt").write_text("not in the backup")

    out = io.StringIO()
    call_command("restore", archive, yes=True, stdout=out)

    assert backup.table_fingerprints(connection) == before
    assert file_hashes(media_root) == media_before
    assert "Every table's row count matches" in out.getvalue()


def test_restore_refuses_a_database_that_is_not_empty(populated: None, tmp_path: Path) -> None:
    archive = back_up(tmp_path)
    Comment.objects.all().delete()

    with pytest.raises(CommandError, match=r"not empty.*--yes"):
        call_command("restore", archive, stdout=io.StringIO())
    assert not Comment.objects.exists()


def test_restore_refuses_an_archive_of_the_other_vendor(
    populated: None, fresh_database: dict[str, Any], tmp_path: Path
) -> None:
    archive = back_up(tmp_path)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    rewrite_manifest(archive, vendor=other)

    with pytest.raises(backup.BackupError, match=f"holds a {other} database"):
        backup.restore_backup(archive, fresh_database, None)
    assert backup.is_empty(fresh_database)


def test_restore_reports_tables_whose_rows_differ_from_the_manifest(
    populated: None, tmp_path: Path
) -> None:
    archive = back_up(tmp_path)
    rewrite_manifest(archive, tables={"comments_comment": Comment.objects.count() + 1})

    with pytest.raises(CommandError, match=r"comments_comment .* in the backup"):
        call_command("restore", archive, yes=True, stdout=io.StringIO())


def test_media_in_object_storage_is_left_to_the_bucket(
    populated: None, settings: Any, tmp_path: Path
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    archive = back_up(tmp_path)

    assert backup.read_manifest(archive).media_files is None
    with tarfile.open(archive) as contents:
        assert not [n for n in contents.getnames() if n.startswith(backup.MEDIA_DIR)]


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="PostgreSQL's client tools")
def test_a_client_older_than_the_server_is_refused() -> None:
    with pytest.raises(backup.BackupError, match=r"pg_dump is version .* and the server 99"):
        backup.pg_tool("pg_dump", "99.1")


def test_missing_client_tools_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)

    with pytest.raises(backup.BackupError, match=r"pg_restore is not installed.*client-16"):
        backup.pg_tool("pg_restore", "16.2")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write-ahead log")
def test_a_stale_write_ahead_log_is_not_replayed_into_the_restored_file(
    populated: None, tmp_path: Path
) -> None:
    """A server killed mid-write leaves its -wal file beside the database; replayed into the
    restored file it would bring back old pages over the new ones."""
    before = backup.table_fingerprints(connection)
    archive = back_up(tmp_path)
    target = tmp_path / "crashed.sqlite3"
    old = sqlite3.connect(target)
    old.execute("PRAGMA journal_mode=WAL")
    old.execute("PRAGMA wal_autocheckpoint=0")
    old.execute("CREATE TABLE comments_comment (id INTEGER PRIMARY KEY, body TEXT)")
    old.executemany("INSERT INTO comments_comment VALUES (?, ?)", [(i, "old") for i in range(99)])
    old.commit()
    stale = Path(f"{target}-wal").read_bytes()
    old.close()  # checkpoints and removes the log; the crash leaves it behind:
    Path(f"{target}-wal").write_bytes(stale)

    backup.restore_backup(archive, {**connection.settings_dict, "NAME": str(target)}, None)

    with backup.connect({**connection.settings_dict, "NAME": str(target)}) as restored:
        assert backup.table_fingerprints(restored) == before
