"""The media library in the admin: upload, describe, find and reuse images.

Uploads are checked (``media.validation``) in the form, so an editor sees why a file was
refused next to it; saving and deleting go through ``media.services``.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from cms.admin import AllOrNothingDelete
from cms.errors import DomainError
from cms.media import media_url

from . import services, validation
from .models import Image

THUMBNAIL_HEIGHT = 120
ARTICLES_LISTED = 20
PICKER_IMAGES = 60


def preview_url(image: Image) -> str | None:
    """The smallest copy there is: the narrowest rendition, else the original."""
    if image.renditions:
        return media_url(image.renditions[0]["name"])
    return media_url(image.file.name)


def thumbnail(image: Image | None, height: int = THUMBNAIL_HEIGHT) -> str:
    if image is None or not image.file:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" style="max-height:{}px;max-width:100%">',
        preview_url(image),
        image.alt,
        height,
    )


class ImageAdminForm(forms.ModelForm[Image]):
    # A plain file field: Django's ImageField would refuse hostile files with one generic
    # message, where media.validation says what is wrong (type, size, pixels, corruption).
    file = forms.FileField(
        help_text="JPEG, PNG, WebP or GIF. Smaller WebP copies are made after the upload."
    )

    class Meta:
        model = Image
        fields: tuple[str, ...] = ("file", "alt", "caption", "credit")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            checked = validation.check_upload(upload, size=upload.size)
        except ValidationError as error:
            raise forms.ValidationError(error.messages, code=error.code) from None
        duplicate = services.find_duplicate(checked.content_hash)
        if duplicate is not None:
            raise forms.ValidationError(services.duplicate_message(duplicate), code="duplicate")
        return upload


PICKER_UPLOAD_FIELDS = ("alt", "caption")


class PickerUploadForm(ImageAdminForm):
    """The picker's upload: the file, its alt text and caption (the credit is added on the
    image's page). The file is checked as on the library's add page."""

    class Meta(ImageAdminForm.Meta):
        fields: tuple[str, ...] = ("file", *PICKER_UPLOAD_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Going straight into an article: it needs its description for readers now (the
        # service's rule, ``for_article``; required here too so the browser says so first).
        self.fields["alt"].required = True


def _picker_entry(image: Image) -> dict[str, Any]:
    """What the picker hands the editor for one image (and shows of it)."""
    return {
        "id": image.pk,
        "url": media_url(image.file.name),
        "thumbnail": preview_url(image),
        "alt": image.alt,
        "caption": image.caption,
        "label": str(image),
        "width": image.width,
        "height": image.height,
    }


@admin.register(Image)
class ImageAdmin(AllOrNothingDelete):
    form = ImageAdminForm
    list_display = ("preview_small", "__str__", "dimensions", "credit", "created_at")
    list_display_links = ("preview_small", "__str__")
    search_fields = ("alt", "caption", "credit", "file")
    list_filter = ("created_at",)
    date_hierarchy = "created_at"
    list_per_page = 50

    readonly_fields = (
        "preview",
        "public_url",
        "dimensions",
        "renditions_made",
        "used_by",
        "uploaded_by",
        "created_at",
    )

    def get_fields(self, request: HttpRequest, obj: Image | None = None) -> Any:
        if obj is None:
            return ("file", *services.DESCRIPTIVE_FIELDS)
        # The picture first, then what editors write about it, then what the system recorded.
        preview, *recorded = self.readonly_fields
        return (preview, *services.DESCRIPTIVE_FIELDS, *recorded)

    @admin.display(description="")
    def preview_small(self, obj: Image) -> str:
        return thumbnail(obj, 60)

    @admin.display(description="Preview")
    def preview(self, obj: Image) -> str:
        return thumbnail(obj, 320)

    @admin.display(description="Address (for an image in an article's body)")
    def public_url(self, obj: Image) -> str:
        return media_url(obj.file.name) or "—"

    @admin.display(description="Size")
    def dimensions(self, obj: Image) -> str:
        return f"{obj.width} x {obj.height}" if obj.width and obj.height else "—"

    @admin.display(description="Renditions")
    def renditions_made(self, obj: Image) -> str:
        if not obj.renditions:
            return "Not made yet (the task worker makes them shortly after the upload)."
        return ", ".join(f"{r['width']} px {r['format']}" for r in obj.renditions)

    @admin.display(description="Used by")
    def used_by(self, obj: Image) -> str:
        # The same reading of "used" that keeps the image from being deleted.
        using = services.articles_using(obj)[:ARTICLES_LISTED]
        if not using:
            return "No article."
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    # A trashed article is found on the Trash page, not at its change page.
                    reverse("admin:articles_trashedarticle_changelist")
                    if article.deleted_at
                    else reverse("admin:articles_article_change", args=[article.pk]),
                    article.title,
                    ", ".join([*uses, "in the trash"] if article.deleted_at else uses),
                )
                for article, uses in using
            ),
        )

    # --- the body editor's picker ----------------------------------------------------------

    def get_urls(self) -> list[Any]:
        picker = path(
            "picker/",
            self.admin_site.admin_view(self.picker_view),
            name="media_image_picker",
        )
        return [picker, *super().get_urls()]

    def picker_view(self, request: HttpRequest) -> HttpResponse:
        """The library as the body editor's "Browse..." window: the latest images (or those a
        search finds), each handing its address, alt text and caption to the editor.

        Those who may add images upload one here too (POST, the same form and service as the
        library's add page): a new image is handed to the editor at once; a refused file is
        named in the window with the reason."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        may_upload = self.has_add_permission(request)
        if request.method == "POST" and not may_upload:
            raise PermissionDenied
        func_num = request.GET.get("CKEditorFuncNum", "")
        # django-prose-editor numbers its callbacks downwards from -1 (CKEditor's upwards from
        # 0): a whole number either way, and nothing else reaches the page's script.
        if not re.fullmatch(r"-?[0-9]{1,9}", func_num):
            return HttpResponseBadRequest("CKEditorFuncNum must be a whole number.")
        upload_form = PickerUploadForm(prefix="upload") if may_upload else None
        picked = None
        if request.method == "POST":
            upload_form = PickerUploadForm(request.POST, request.FILES, prefix="upload")
            if upload_form.is_valid():
                try:
                    new = services.image_create(
                        actor=self.actor(request),
                        file=upload_form.cleaned_data["file"],
                        for_article=True,
                        **{f: upload_form.cleaned_data.get(f, "") for f in PICKER_UPLOAD_FIELDS},
                    )
                except DomainError as error:
                    upload_form.add_error(None, error.message)
                else:
                    picked = _picker_entry(new)
                    upload_form = PickerUploadForm(prefix="upload")
        query = request.GET.get("q", "")[:200]
        found, _ = self.get_search_results(request, self.get_queryset(request), query)
        images = [
            _picker_entry(image) for image in found.order_by("-created_at", "-id")[:PICKER_IMAGES]
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Insert an image from the media library",
            "is_popup": True,
            "func_num": func_num,
            "query": query,
            "images": images,
            "upload_form": upload_form,
            "picked": picked,
        }
        status = 400 if upload_form is not None and upload_form.errors else 200
        return TemplateResponse(request, "admin/media/image/picker.html", context, status=status)

    def save_model(self, request: HttpRequest, obj: Image, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in services.DESCRIPTIVE_FIELDS}
        if change:
            services.image_update(image=obj, actor=self.actor(request), **fields)
        else:
            services.image_create(
                actor=self.actor(request), file=form.cleaned_data["file"], image=obj, **fields
            )

    def delete_model(self, request: HttpRequest, obj: Image) -> None:
        services.image_delete(image=obj, actor=self.actor(request))

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """An image an article uses (as its cover or in its body) cannot be deleted: the page
        lists those articles as what protects it."""
        in_use = [
            f"“{article.title}” ({', '.join(uses)}{', in the trash' if article.deleted_at else ''})"
            for obj in objs
            for article, uses in services.articles_using(obj)
        ]
        if in_use:
            return [], {}, set(), in_use
        return super().get_deleted_objects(objs, request)
