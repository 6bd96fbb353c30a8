"""Checks on an uploaded image before anything stores it.

The type is read from the content (Pillow identifies the bytes; the name and the browser's
content type are ignored), the size and the pixel count are bounded, and the whole image is
decoded once so a truncated or corrupt file is refused here rather than by a rendition task
later. The pixel bound is checked from the header, before decoding: a small PNG may declare
a huge canvas (a decompression bomb) and decoding it would take gigabytes.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from typing import IO, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

# Pillow's format names of the images accepted. No SVG (it can carry script), no TIFF or BMP
# (browsers do not show them).
ALLOWED_FORMATS: Final = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}


@dataclass(frozen=True)
class CheckedImage:
    format: str
    width: int
    height: int
    byte_size: int
    content_hash: str


def configure_pillow() -> None:
    """Pillow's own bomb guard at our limit: it warns above MAX_IMAGE_PIXELS and raises at
    twice that, wherever an image is opened (Django's ImageField reads dimensions too)."""
    PILImage.MAX_IMAGE_PIXELS = settings.MEDIA_MAX_PIXELS


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def check_upload(file: IO[bytes], *, size: int | None = None) -> CheckedImage:
    """Validate an upload; ``ValidationError`` (code ``too_large``, ``not_an_image``,
    ``unsupported_type``, ``too_many_pixels`` or ``corrupt``) with a message for editors."""
    limit = settings.MEDIA_MAX_UPLOAD_BYTES
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > limit:
        raise ValidationError(
            f"The file is {_megabytes(size)}; images may be {_megabytes(limit)} at most.",
            code="too_large",
        )
    if size == 0:
        raise ValidationError("The file is empty.", code="not_an_image")
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1 << 16), b""):
        digest.update(chunk)
    accepted = ", ".join(ALLOWED_FORMATS.values())
    with warnings.catch_warnings():
        # Above MAX_IMAGE_PIXELS Pillow only warns: make that a refusal as well.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            file.seek(0)
            with PILImage.open(file) as image:
                fmt, (width, height) = image.format or "", image.size
                if fmt not in ALLOWED_FORMATS:
                    raise ValidationError(
                        f"This is a {fmt or 'kind of'} image; accepted types: {accepted}.",
                        code="unsupported_type",
                    )
                _check_pixels(width, height)
                image.load()  # decodes every byte: truncation and corruption surface here
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except UnidentifiedImageError:
            raise ValidationError(
                f"This file is not an image of an accepted type ({accepted}).",
                code="not_an_image",
            ) from None
        except (OSError, SyntaxError, ValueError) as error:
            raise ValidationError(
                f"The image could not be read (truncated or corrupt): {error}", code="corrupt"
            ) from None
    file.seek(0)
    return CheckedImage(fmt, width, height, size, digest.hexdigest())


def _check_pixels(width: int, height: int) -> None:
    if width * height > settings.MEDIA_MAX_PIXELS:
        raise _too_many_pixels(width, height)


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    limit = f"{settings.MEDIA_MAX_PIXELS / 1_000_000:g} megapixels"
    size = f" ({width} x {height})" if width and height else ""
    return ValidationError(
        f"The image is too large in pixels{size}; {limit} at most.", code="too_many_pixels"
    )
