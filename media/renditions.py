"""Renditions: smaller WebP copies of a library image, for ``srcset``.

Made once, by ``media.tasks.make_renditions``, stored beside the original in the same storage
under names derived from it (``<name>.w<width>.webp``), and listed on the image. Never wider
than the original: an image narrower than a configured width gets one rendition at its own
width instead, so every image has at least one WebP.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageOps

from .models import Image

FORMAT = "webp"
FORMATS = [(FORMAT, FORMAT)]  # what the APIs may show (RenditionFormat in the OpenAPI document)
# The most renditions an image has, whatever MEDIA_RENDITION_WIDTHS says: what the GraphQL
# cost counts a ``renditions`` list as.
MAX_RENDITIONS = 8


def target_widths(original_width: int) -> list[int]:
    widths = {min(width, original_width) for width in settings.MEDIA_RENDITION_WIDTHS if width > 0}
    return sorted(widths)[:MAX_RENDITIONS]


def rendition_name(original: str, width: int) -> str:
    return f"{original.rsplit('.', 1)[0]}.w{width}.{FORMAT}"


def make(image: Image) -> list[dict[str, Any]]:
    """The image's renditions, making (and storing) only those not already stored.

    Running it again for the same image stores nothing new and returns the same list.
    """
    storage = image.file.storage
    made: list[dict[str, Any]] = []
    with storage.open(image.file.name, "rb") as stored, PILImage.open(stored) as original:
        original.seek(0)  # the first frame of an animation
        upright = ImageOps.exif_transpose(original)
        for width in target_widths(upright.width):
            height = max(1, round(upright.height * width / upright.width))
            name = rendition_name(image.file.name, width)
            if not storage.exists(name):
                saved = storage.save(name, ContentFile(_encode(upright, width, height)))
                if saved != name:  # the storage chose another name: keep what it stored
                    name = saved
            made.append({"name": name, "width": width, "height": height, "format": FORMAT})
    return made


def _encode(image: PILImage.Image, width: int, height: int) -> bytes:
    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    converted = image.convert("RGBA" if has_alpha else "RGB")
    resized = converted.resize((width, height), PILImage.Resampling.LANCZOS)
    out = io.BytesIO()
    resized.save(out, "WEBP", quality=settings.MEDIA_WEBP_QUALITY, method=4)
    return out.getvalue()
