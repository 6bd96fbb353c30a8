"""The article change form: the body editor, the version it was opened at, the byline inline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.forms import BaseInlineFormSet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from cms.admin import PolicyInlineMixin
from cms.errors import ValidationFailed
from cms.sanitize import sanitize_article_html

from .. import services
from ..fields import admin_form_fields
from ..models import Article, ArticleAuthor

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


class BylineFormSet(BaseInlineFormSet[ArticleAuthor, Article, Any]):
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
    formset = BylineFormSet
    fields = ("author", "position")
    autocomplete_fields = ("author",)
    extra = 0
    verbose_name = "author"
    verbose_name_plural = "byline (in order)"


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
    # The version the editor started from: saving over a newer one is refused.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    publish_at = forms.SplitDateTimeField(
        required=False,
        widget=NewsroomSplitDateTime,
        label="Publish at",
        help_text="Used by “Publish”: leave empty to publish now; a future time schedules.",
    )

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
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version
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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        expected = cleaned.get("expected_version")
        if self.instance.pk is not None and expected is not None:
            current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if current and current[0] != expected:
                raise forms.ValidationError(
                    "Someone saved this article while you were editing it. Your changes are "
                    "still in the form below and were not saved: open the article in a new "
                    "tab to see the newer version, merge, then save again.",
                    code="version_conflict",
                )
        return cleaned
