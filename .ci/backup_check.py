"""The backup proof (make backup-check): a backup restores, on SQLite and on PostgreSQL.

For each database, in a temporary folder (SQLite) or in databases made for this run and
dropped after it (PostgreSQL):

1. migrate and load the demo publication (articles, comments, audit entries, cover images and
   their renditions), then upload one more image to the media library;
2. `manage.py backup --output ...`, timed, and the archive's size;
3. `manage.py restore` into a fresh database and an empty media folder, timed;
4. every table (as the database lists them) holds the same rows in both databases: row count
   and a sha256 over its rows in primary-key order; every media file has the same sha256;
5. a second `restore` without --yes is refused: the database is no longer empty.

Environment: BACKUP_CHECK_POSTGRES_URL (a server where it may create databases; default
postgres://postgres@127.0.0.1:5432/postgres; "skip" leaves PostgreSQL out).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from procfile_run import INHERITED_OUT, PYTHON, ROOT, CheckFailed, expect, ok, scratch_database

# What runs inside `manage.py shell` (one process each: start-up is most of the time here).
FINGERPRINTS = (
    "import json; from django.db import connection; from cms.backup import table_fingerprints; "
    "print(json.dumps(table_fingerprints(connection)))"
)
POPULATE = (
    "import io; from PIL import Image; from django.core.files.base import ContentFile; "
    "from django.core.management import call_command; "
    "from cms.actors import Actor; from media import services; "
    "call_command('migrate', interactive=False, verbosity=0); "
    "call_command('seed_demo', stdout=io.StringIO()); "
    "buffer = io.BytesIO(); Image.new('RGB', (64, 48), 'teal').save(buffer, 'PNG'); "
    "services.image_create(actor=Actor.system(), file=ContentFile(buffer.getvalue(), "
    "name='backup-check.png'), alt='A teal square'); "
    # An article with its comments in the trash: the backup keeps it, restorable.
    "from articles.models import Article; from articles import services as content; "
    "content.article_delete(article=Article.objects.filter(comment_count__gt=0).first(), "
    "actor=Actor.system()); "
) + FINGERPRINTS


def manage(env: dict[str, str], *args: str, what: str, expect_ok: bool = True) -> tuple[str, float]:
    """``manage.py *args`` under ``env``: its stdout (stderr, when it is expected to fail) and
    how long the process took, start-up included."""
    started = time.monotonic()
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    elapsed = time.monotonic() - started
    if (result.returncode == 0) != expect_ok:
        raise CheckFailed(f"{what} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return (result.stdout if expect_ok else result.stderr), elapsed


def settings_env(database_url: str, media_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED_OUT}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media_root),
            "MEDIA_STORAGE": "local",
        }
    )
    return env


def file_hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def round_trip(label: str, source_url: str, restored_url: str, work: Path) -> None:
    source = settings_env(source_url, work / "media")
    restored = settings_env(restored_url, work / "restored-media")
    populated, _ = manage(
        source, "shell", "--no-imports", "-c", POPULATE, what=f"{label}: populate"
    )
    before = json.loads(populated)

    archive = work / "byline.tar.gz"
    said, seconds = manage(source, "backup", f"--output={archive}", what=f"{label}: backup")
    ok(f"{label}: {said.strip()} [process {seconds:.1f} s]")
    said, seconds = manage(restored, "restore", str(archive), what=f"{label}: restore")
    ok(f"{label}: {' '.join(said.split())} [process {seconds:.1f} s]")

    fingerprints, _ = manage(restored, "shell", "--no-imports", "-c", FINGERPRINTS, what="hashes")
    after = json.loads(fingerprints)
    expect(len(before) > 20, f"{label}: only {len(before)} tables in the source database")
    expect(set(before) == set(after), f"{label}: tables differ: {set(before) ^ set(after)}")
    differing = [table for table in before if before[table] != after[table]]
    expect(not differing, f"{label}: rows differ after the restore in {differing}")
    rows = sum(count for count, _ in before.values())
    ok(f"{label}: {len(before)} tables, {rows} rows: counts and sha256 of every table match")

    media = file_hashes(work / "media")
    expect(len(media) >= 5, f"{label}: only {len(media)} media files in the source")
    expect(media == file_hashes(work / "restored-media"), f"{label}: media files differ")
    ok(f"{label}: {len(media)} media files, every sha256 matches")

    output, _ = manage(
        restored, "restore", str(archive), what=f"{label}: a second restore", expect_ok=False
    )
    expect("not empty" in output, f"{label}: a second restore was not refused as such:\n{output}")
    ok(f"{label}: restoring over a database that is not empty needs --yes")


def main() -> int:
    admin_url = os.environ.get(
        "BACKUP_CHECK_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
    )
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="byline-backup-check-") as scratch:
            work = Path(scratch)
            (work / "sqlite").mkdir()
            round_trip(
                "SQLite",
                f"sqlite:///{work / 'sqlite' / 'source.sqlite3'}",
                f"sqlite:///{work / 'sqlite' / 'restored.sqlite3'}",
                work / "sqlite",
            )
            if admin_url != "skip":
                (work / "postgres").mkdir()
                with ExitStack() as databases:
                    name = f"byline_backup_check_{os.getpid()}"
                    source_url = databases.enter_context(scratch_database(admin_url, name))
                    restored_url = databases.enter_context(
                        scratch_database(admin_url, f"{name}_restored")
                    )
                    round_trip("PostgreSQL", source_url, restored_url, work / "postgres")
    except CheckFailed as failure:
        print(f"FAIL {failure}", file=sys.stderr)
        return 1
    print(f"backup check passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
