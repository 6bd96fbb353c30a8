"""Background work for the media library."""

from __future__ import annotations

from cms.queue import task

from . import renditions
from .models import Image


@task()
def make_renditions(image_id: int) -> str:
    """Make an image's renditions once: an image that has them all already is left alone,
    and one deleted meanwhile is nothing to do."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return f"image {image_id} is gone"
    if not image.file or not image.file.storage.exists(image.file.name):
        # A cover carried over whose file was already lost: nothing to make, nothing to retry.
        return f"image {image_id}: its file {image.file.name!r} is missing"
    made = renditions.make(image)
    if made == image.renditions:
        return f"image {image_id}: {len(made)} rendition(s) already made"
    # Only this column: an editor's concurrent change of alt text is not overwritten.
    Image.objects.filter(pk=image_id).update(renditions=made)
    return f"image {image_id}: {len(made)} rendition(s) made"
