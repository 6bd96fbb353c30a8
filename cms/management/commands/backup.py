from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from cms import backup


class Command(BaseCommand):
    help = (
        "Back up the database and the media files into one archive (.tar.gz), with a manifest "
        "of row counts and migrations. Safe while Byline runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="The archive to write (default: var/backups/byline-<UTC time>.tar.gz).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"] or (
            Path(settings.BASE_DIR)
            / "var"
            / "backups"
            / f"byline-{timezone.now():%Y%m%dT%H%M%SZ}.tar.gz"
        )
        started = time.monotonic()
        try:
            manifest = backup.create_backup(output, connections["default"].settings_dict)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        media = (
            f"{manifest.media_files} media files"
            if manifest.media_files is not None
            else "no media files (they live in object storage: version the bucket)"
        )
        self.stdout.write(
            f"Backed up {manifest.vendor} ({len(manifest.tables)} tables, "
            f"{sum(manifest.tables.values())} rows) and {media} to {output} "
            f"({_size(output.stat().st_size)}, {time.monotonic() - started:.1f} s)."
        )


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"
