from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from cms import backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup`: the database and the media files are "
        "replaced by the archive's, then every table's rows are counted against its manifest. "
        "Stop the web and worker processes first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The .tar.gz that `backup` wrote.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace a database that is not empty (without it, only a new one is filled).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        connection = connections["default"]
        database = connection.settings_dict
        started = time.monotonic()
        try:
            manifest = backup.read_manifest(archive)
            if not options["yes"] and not backup.is_empty(database):
                raise CommandError(
                    f"The database {database['NAME']} is not empty: restoring replaces all of "
                    "it, and the media files. Run again with --yes to do that."
                )
            # This process's own connection would hold the old file or tables open.
            connections.close_all()
            restored = backup.restore_backup(archive, database, backup.local_media_root())
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        media = (
            f"{restored.media_files} media files"
            if restored.media_files is not None
            else "no media files (the archive or this server keeps them in object storage)"
        )
        self.stdout.write(
            f"Restored {manifest.vendor} from the backup of {manifest.created_at} "
            f"(Byline {manifest.byline_version} {manifest.byline_commit}".rstrip()
            + f"): {len(restored.tables)} tables, {sum(restored.tables.values())} rows, and "
            f"{media}, in {time.monotonic() - started:.1f} s."
        )
        if restored.mismatches:
            listed = ", ".join(
                f"{table} {want} in the backup, {got} now"
                for table, (want, got) in restored.mismatches.items()
            )
            raise CommandError(f"Row counts differ from the backup's manifest: {listed}.")
        self.stdout.write("Every table's row count matches the backup's manifest.")
        if restored.unapplied_migrations:
            self.stdout.write(
                f"{restored.unapplied_migrations} migrations of this code are not applied to the "
                "restored database: run `manage.py migrate` before starting Byline."
            )
