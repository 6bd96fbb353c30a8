"""The article change form: the body editor, the version it was opened at, the byline inline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, QueryDict
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from cms.admin import PolicyInlineMixin
from cms.errors import DomainError, ValidationFailed
from cms.sanitize import sanitize_article_html

from .. import services
from ..fields import admin_form_fields
from ..models import Article, ArticleAuthor, Author
from . import conflicts

# The editor's toolbar, kept within what sanitize_article_html allows.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Code": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "ListItem": True,
    "OrderedList": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    # "Browse..." in the image dialog opens the media library's picker.
    "Figure": {"pickerUrl": reverse_lazy("admin:media_image_picker")},
    "Caption": True,
    "Image": True,
    "History": True,
    "SpecialCharacters": True,
    # django-prose-editor turns the browser's spellcheck off by default; writers want it
    # (articles/static/articles/admin/writing.js sets spellcheck="true" on the editor).
    "NoSpellCheck": False,
}


class BylineForm(forms.ModelForm[ArticleAuthor]):
    """One row of the byline inline. The rows are written by ``services.set_byline`` from the
    authors and positions given, never saved by the form itself."""

    class Meta:
        model = ArticleAuthor
        fields = ("author", "position")

    def validate_unique(self) -> None:
        """Not checked against the database row by row: a page opened before someone else
        changed the byline would be refused for a row that the save is about to rewrite
        anyway. Repeats within the byline are the formset's check."""

    def full_clean(self) -> None:
        super().full_clean()
        # The tabular inline shows no error of a hidden field (the row's id, the article):
        # such an error is shown on its row, or the page would say "Please correct the error
        # below." over nothing.
        errors = self.errors
        for name in list(errors):
            if name in self.fields and self.fields[name].widget.is_hidden:
                for message in errors.pop(name):
                    self.add_error(
                        None,
                        f"This row could not be read ({message}): remove it "
                        "and add the author again.",
                    )


class BylineFormSet(BaseInlineFormSet[ArticleAuthor, Article, Any]):
    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        if self.is_bound and i < self.initial_form_count():
            # A row that is gone from the database (someone else took that author off the
            # byline meanwhile) is read as a new row for the same author: the save rewrites
            # the byline from the authors given, and a stale page gets the version conflict,
            # not an error about a hidden id.
            key = f"{self.add_prefix(i)}-id"
            posted = self.data.get(key)
            # _existing_object reads the byline's rows once for all of them (Django's cache).
            existing = self._existing_object  # type: ignore[attr-defined] # not in django-stubs
            gone = not (posted and posted.isdigit() and existing(int(posted)))
            if posted and gone:
                data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
                data[key] = ""
                self.data = data
                # Django's formset builds its forms here (not in django-stubs).
                form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
                form.fields["id"].required = False
                return form
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        if not self.is_bound and i < self.initial_form_count():
            # Rows are shown in byline order and numbered 1, 2, 3... whatever was stored
            # (older bylines count from 0): the numbers a person reads are the order.
            form.initial["position"] = i + 1
        if self.is_bound and self.data.get(f"{form.prefix}-author"):
            # A row with an author chosen counts even when it equals its initial value (the
            # writer's own row, filled in on a new article).
            form.empty_permitted = False
        return form

    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            author = form.cleaned_data.get("author")
            if author in seen:
                raise forms.ValidationError(f"{author} is in the byline twice.")
            seen.add(author)
        _check_list_lengths(authors=list(seen))


def _check_list_lengths(**lists: list[Any]) -> None:
    """The services' limits on an article's tags and byline, as a form error (the service
    would refuse the save after the form had passed)."""
    try:
        services.check_list_lengths(**lists)
    except ValidationFailed as error:
        raise forms.ValidationError(error.message) from None


class BylineInline(PolicyInlineMixin, admin.TabularInline[ArticleAuthor, Article]):
    model = ArticleAuthor
    form = BylineForm
    formset = BylineFormSet
    fields = ("author", "position")
    autocomplete_fields = ("author",)
    extra = 0
    verbose_name = "author"
    verbose_name_plural = "byline (in order)"

    class Media:
        # Rows are reordered by dragging; the script rewrites the position inputs.
        js = ("articles/admin/byline.js",)
        css = {"all": ("articles/admin/byline.css",)}

    def get_extra(self, request: HttpRequest, obj: Article | None = None, **kwargs: Any) -> int:
        """A new article starts with one row: the writer's own (see ``writer_row``)."""
        return 1 if obj is None and writer_row(request) else 0


def writer_row(request: HttpRequest) -> list[dict[str, Any]]:
    """The initial byline of a new article: the writer's author profile, first. Adding a
    co-author adds a row after it; taking the writer off takes removing their row."""
    user = request.user
    if not user.is_authenticated:
        return []
    profile = Author.objects.filter(user=user).values_list("pk", flat=True).first()
    return [] if profile is None else [{"author": profile, "position": 1}]


def zone_label(when: Any = None) -> str:
    """The newsroom's time zone (settings.TIME_ZONE) and its UTC offset at ``when`` (default:
    now), as editors read it: "Europe/Berlin, UTC+01:00"."""
    local = timezone.localtime(when)
    offset = local.strftime("%z") or "+0000"
    return f"{timezone.get_current_timezone_name()}, UTC{offset[:3]}:{offset[3:]}"


class NewsroomSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, labelled with the newsroom's time zone. What is
    typed is read in that zone (Django's current time zone); writing.js adds the editor's own
    offset when their computer is elsewhere. The label also stands in for Django's "You are
    N hours ahead of server time", which DateTimeShortcuts adds only where none is present."""

    template_name = "admin/articles/widgets/newsroom_split_datetime.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        local = timezone.localtime()
        offset = local.utcoffset()
        context["zone_label"] = zone_label(local)
        context["zone_offset_minutes"] = int(offset.total_seconds() // 60) if offset else 0
        return context


LIVE_SLUG_NOTE = (
    "This article is live: readers and search engines use the current address. Change the "
    "slug only if you must; you will be asked to confirm."
)


class ArticleAdminForm(forms.ModelForm[Article]):
    body_html = ProseEditorFormField(
        label="Body",
        required=False,
        help_text=format_lazy(
            'Images come from the <a href="{}" target="_blank">media library</a>: '
            "the image button's “Browse...” picks one (or paste the address shown on the "
            "image's page). An image from anywhere else is removed when saving.",
            reverse_lazy("admin:media_image_changelist"),
        ),
        extensions=BODY_EDITOR_EXTENSIONS,
        sanitize=sanitize_article_html,
        widget=AdminProseEditorWidget,
    )
    # The version the editor started from (rendered by the change_form template): saving
    # over a newer one is refused, unless the editor chose to save over that newer version,
    # which the conflict's "Save mine over theirs" button sends as ``overwrite_version``.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    overwrite_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The article as the editor opened it (signed): what a conflict compares with.
    base_snapshot = forms.CharField(widget=forms.HiddenInput, required=False)
    publish_at = forms.SplitDateTimeField(
        required=False,
        widget=NewsroomSplitDateTime,
        label="Publish at",
        help_text="Used by “Publish”: leave empty to publish now; a future time schedules.",
    )

    # The form's own fields for saving safely beside others (not article content).
    CONCURRENCY_FIELDS = ("expected_version", "overwrite_version", "base_snapshot")

    class Meta:
        model = Article
        fields = admin_form_fields()

    def clean_tags(self) -> Any:
        tags = self.cleaned_data.get("tags")
        _check_list_lengths(tags=list(tags or ()))
        return tags

    # Set by ArticleAdmin.get_form: may the person read every unpublished article?
    sees_all_unpublished = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.fields["expected_version"].initial = self.instance.version
            self.fields["base_snapshot"].initial = conflicts.sign(
                self.instance, conflicts.snapshot_of(self.instance)
            )
        if not self.sees_all_unpublished and "slug" in self.fields:
            self.fields["slug"].help_text = (
                "The article's address. A short random ending is added to a new address "
                "until an editor sets it."
            )
        self._mark_live_address()

    def _mark_live_address(self) -> None:
        """A live article's slug is its public address: say so under the field, and give
        writing.js the saved slug so it can ask before a changed one is submitted."""
        field = self.fields.get("slug")
        if field is None or self.instance.pk is None or not self.instance.is_live:
            return
        field.help_text = LIVE_SLUG_NOTE
        field.widget.attrs["data-live-slug"] = self.instance.slug

    def validate_unique(self) -> None:
        """Slugs are claimed by the services (``services._claim_slug``): telling someone
        who may not read every draft that a slug is taken would reveal the draft."""
        super().validate_unique()
        if self.sees_all_unpublished or "slug" not in self.errors:
            return
        kept = [e for e in self.errors["slug"].as_data() if e.code != "unique"]
        if kept:
            self.errors["slug"] = self.error_class(kept)
        else:
            del self.errors["slug"]

    # The stored version when this save was refused for naming an older one (else None).
    conflicting_version: int | None = None

    def saving_over(self) -> int | None:
        """The version this save may replace: the one the editor chose to save over, else
        the one the form was opened at (None: not checked, e.g. a client that sent none)."""
        data = getattr(self, "cleaned_data", {})
        chosen = data.get("overwrite_version")
        return chosen if chosen is not None else data.get("expected_version")

    # Set by ArticleAdmin.changeform_view when the services refused a save this form had
    # passed (someone changed the article in the moment between): shown as the form's error,
    # so the page keeps what was typed and nothing is saved twice.
    refusal: DomainError | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        expected = self.saving_over()
        if self.instance.pk is not None and expected is None and not self.errors:
            # Without the version the page was opened at, the save could overwrite someone's
            # work unseen: the change page always sends it, so this is a stale or altered page.
            raise forms.ValidationError(
                "This page did not say which version of the article it was opened at, so "
                "saving it could overwrite someone's work. Copy your changes, reload the "
                "article and make them again.",
                code=conflicts.VERSION_MISSING,
            )
        if self.instance.pk is not None and expected is not None:
            current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if current and current[0] != expected:
                self.conflicting_version = current[0]
                # The admin replaces this with the full account (conflicts.describe).
                raise forms.ValidationError(
                    "Someone saved this article while you were editing it. Your changes are "
                    "still in the form below and were not saved.",
                    code=conflicts.VERSION_CONFLICT,
                )
        if self.refusal is not None:
            raise forms.ValidationError(f"Not saved: {self.refusal.message}", code="refused")
        return cleaned
