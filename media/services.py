"""Writes to the media library. The admin (and any later API) call these."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from cms import audit
from cms.access import Action, require
from cms.actors import Actor
from cms.errors import InUse, ValidationFailed

from . import validation
from .models import Image

DESCRIPTIVE_FIELDS = ("alt", "caption", "credit")


def image_create(
    *,
    actor: Actor,
    file: File[Any],
    image: Image | None = None,
    for_article: bool = False,
    **fields: str,
) -> Image:
    """Check and store an upload, then have its renditions made (after the commit).
    ``image`` may be an unsaved instance to fill in (the admin's). ``for_article``: it goes
    into an article straight away (the body editor's picker), so readers need its alt text
    now, not after someone fills it in on the library's page.

    The same bytes uploaded again are refused, naming the image already in the library, so
    editors reuse it instead of filling the library with copies.
    """
    require(actor, Action.ADD, Image)
    if for_article and not fields.get("alt", "").strip():
        raise ValidationFailed(
            {"alt": ["Describe the image for readers who cannot see it: it goes into an article."]}
        )
    checked = _checked(file)
    duplicate = find_duplicate(checked.content_hash)
    if duplicate is not None:
        raise ValidationFailed({"file": [duplicate_message(duplicate)]})
    image = image or Image()
    for name, value in _descriptive(fields).items():
        setattr(image, name, value)
    image.content_hash, image.byte_size = checked.content_hash, checked.byte_size
    image.uploaded_by = actor.user
    _validate(image)
    image.file.save(_name_for(file, checked.format), file, save=False)
    image.width, image.height = checked.width, checked.height
    with transaction.atomic():
        image.save(force_insert=True)
        audit.record(actor, "image.create", image)
        transaction.on_commit(lambda: enqueue_renditions(image))
    return image


def image_update(*, image: Image, actor: Actor, **fields: str) -> Image:
    """Change an image's alt text, caption or credit (the file itself never changes)."""
    require(actor, Action.CHANGE, image)
    for name, value in _descriptive(fields).items():
        setattr(image, name, value)
    _validate(image)
    with transaction.atomic():
        image.save(update_fields=[*DESCRIPTIVE_FIELDS, "updated_at"])
        audit.record(actor, "image.update", image)
    return image


def articles_using(image: Image) -> list[tuple[Any, list[str]]]:
    """Every article (whatever its status) that uses ``image``, and how: as its cover, in
    its body. A body refers to the image by its address, which holds the stored name (unique
    in the storage); a scan of the bodies is fine for a delete, which is rare."""
    # The articles app builds on this one (a cover is a library image), so it is looked up
    # by name rather than imported.
    # Articles in the trash count too: restoring one must find its images.
    articles = apps.get_model("articles", "Article").with_trashed
    uses: dict[Any, list[str]] = {}
    for article in articles.filter(cover_image=image).order_by("pk"):
        uses.setdefault(article, []).append("cover")
    in_bodies = articles.filter(body_html__contains=image.file.name)
    for article in in_bodies.order_by("pk"):
        uses.setdefault(article, []).append("body")
    return list(uses.items())


def image_delete(*, image: Image, actor: Actor) -> None:
    """Delete an image no article uses (as its cover or in its body), with its file and
    renditions: a published page must never point at a missing image."""
    require(actor, Action.DELETE, image)
    using = articles_using(image)
    if using:
        titles = "; ".join(
            f"“{article.title}” ({', '.join(how)}{', in the trash' if article.deleted_at else ''})"
            for article, how in using
        )
        raise InUse(f"This image is used by {titles}: take it out of them first.")
    names = [image.file.name, *(r["name"] for r in image.renditions)]
    storage = image.file.storage
    with transaction.atomic():
        audit.record(actor, "image.delete", image)
        image.delete()
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def find_duplicate(content_hash: str) -> Image | None:
    return Image.objects.filter(content_hash=content_hash).order_by("pk").first()


def duplicate_message(existing: Image) -> str:
    return f"The library already has this image (#{existing.pk}, “{existing}”): pick that one."


def enqueue_renditions(image: Image) -> None:
    from .tasks import make_renditions

    make_renditions.enqueue(image.pk)


def _checked(file: File[Any]) -> validation.CheckedImage:
    try:
        return validation.check_upload(file, size=getattr(file, "size", None))
    except ValidationError as error:
        raise ValidationFailed({"file": error.messages}) from error


def _descriptive(fields: dict[str, str]) -> dict[str, str]:
    unknown = set(fields) - set(DESCRIPTIVE_FIELDS)
    if unknown:
        raise ValidationFailed({name: ["This field cannot be set directly."] for name in unknown})
    return {name: value.strip() for name, value in fields.items()}


def _name_for(file: File[Any], fmt: str) -> str:
    """The stored name: the upload's stem with the extension of what it really is."""
    stem = (file.name or "image").rsplit("/", 1)[-1].rsplit(".", 1)[0] or "image"
    return f"{stem}.{'jpg' if fmt == 'JPEG' else fmt.lower()}"


def _validate(image: Image) -> None:
    try:
        image.full_clean(exclude=["file", "uploaded_by"])
    except ValidationError as error:
        raise ValidationFailed(
            {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
        ) from error
