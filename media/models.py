"""The media library: images editors upload once and reuse (covers, body images).

Writes go through ``media.services``; uploads are checked by ``media.validation`` first.
Renditions (smaller WebP copies) are made once by ``media.tasks.make_renditions`` and listed
in ``renditions``, so a read of an article loads them with its row (no query per image).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Image(models.Model):
    file = models.ImageField(upload_to="images/%Y/%m/")
    # Measured by media.validation at upload. Not the ImageField's width_field: that re-reads
    # the file from storage (a GET from object storage) whenever the field is assigned.
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text="Describe the image for readers who cannot see it.",
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=200, blank=True, help_text="Photographer or source.")
    # SHA-256 of the uploaded bytes: the same file uploaded twice is found, not stored twice.
    # Blank only for images carried over from before the library, whose bytes were not read.
    content_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    byte_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    # [{"name": storage name, "width": int, "height": int, "format": "webp"}], widest last.
    renditions: models.JSONField[list[dict[str, Any]]] = models.JSONField(
        default=list, blank=True, editable=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.alt or self.caption or self.file.name.rsplit("/", 1)[-1]
