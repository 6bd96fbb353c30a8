"""Queue the renditions of every library image that has none (covers carried over by the
migration, or images uploaded while no worker ran); the worker makes them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from media.models import Image
from media.tasks import make_renditions


class Command(BaseCommand):
    help = "Queue the renditions of every image that has none yet."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = 0
        for pk in Image.objects.filter(renditions=[]).values_list("pk", flat=True).iterator():
            make_renditions.enqueue(pk)
            queued += 1
        self.stdout.write(f"{queued} image(s) queued for renditions.")
