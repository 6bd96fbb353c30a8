"""The article list as an editor works through it: what needs attention first, each status
as a badge, when an article was last changed and when it entered review, and a search that
finds an article by its writer's name.

Statuses are shown as people should read them: a scheduled article whose time has come is
Published (``lifecycle.effective_status``), in the badge, the filter and the ordering alike,
without waiting for ``publish_due_articles`` to tidy the stored column.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString

from cms.admin import AllOrNothingDelete, badge, when

from ..lifecycle import (
    ArticleStatus,
    attention_rank,
    effective_status_expression,
    effective_status_q,
)
from ..models import Article


def status_badge(status: str) -> SafeString:
    """A status as a coloured badge that says its name (the colour is never the only cue)."""
    return badge(status, ArticleStatus(status).label)


class StatusFilter(admin.SimpleListFilter):
    """Filter by the status people see: a due scheduled article is under Published."""

    title = "status"
    # The stock field filter's parameter, so existing links (?status__exact=in_review) work.
    parameter_name = "status__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in ArticleStatus.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value not in ArticleStatus.values:
            return queryset
        return queryset.filter(effective_status_q(value))


class ReturnedFilter(admin.SimpleListFilter):
    """Drafts returned to their writer from review and not yet submitted again (the desk's
    "Returned to you" links here)."""

    title = "returned to the writer"
    parameter_name = "returned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Returned, not yet resubmitted")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() != "yes":
            return queryset
        return queryset.returned()  # type: ignore[attr-defined] # the admin's is an ArticleQuerySet


class ArticleListAdmin(AllOrNothingDelete):
    """The list parts of the article admin (the form parts are ``article.ArticleAdmin``)."""

    list_display = (
        "title",
        "status_badge",
        "byline",
        "section",
        "published",
        "submitted",
        "updated",
        "views",
        "comments",
        "featured",
    )
    list_filter = (
        StatusFilter,
        ReturnedFilter,
        "section",
        ("tags", admin.RelatedOnlyFieldListFilter),
        ("authors", admin.RelatedOnlyFieldListFilter),
        "featured",
    )
    list_select_related = ("section",)
    # A byline name matches through the join; the admin then de-duplicates (its search knows
    # the path spans a many-valued relation and filters the list with EXISTS).
    search_fields = ("title", "subtitle", "bylines__author__name", "body_text", "slug")
    date_hierarchy = "published_at"

    class Media:
        css = {"all": ("cms/desk.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        now = timezone.now()  # one moment for the whole page: the badge, rank and filter agree
        return (
            super()
            .get_queryset(request)
            .prefetch_related("bylines__author")
            .annotate(
                attention_rank=attention_rank(now),
                shown_status=effective_status_expression(now),
            )
        )

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        """In review first, then scheduled, drafts, published (newest first), archived."""
        # Expressions, resolved when the query is compiled: the stock get_queryset orders the
        # queryset before this admin's get_queryset annotates the rank. Only drafts and reviews
        # lack a date, and they share no rank with dated articles, so where a database sorts
        # NULL dates does not matter.
        return [F("attention_rank").asc(), F("published_at").desc(), "-updated_at"]

    @admin.display(description="Status", ordering="attention_rank")
    def status_badge(self, obj: Article) -> SafeString:
        shown = getattr(obj, "shown_status", None) or obj.effective_status
        return status_badge(shown)

    @admin.display(description="Published", ordering="published_at")
    def published(self, obj: Article) -> SafeString:
        return when(obj.published_at)

    @admin.display(description="Submitted", ordering="submitted_at")
    def submitted(self, obj: Article) -> SafeString:
        """When it last entered review."""
        return when(obj.submitted_at)

    @admin.display(description="Updated", ordering="updated_at")
    def updated(self, obj: Article) -> SafeString:
        return when(obj.updated_at)

    @admin.display(description="Views", ordering="view_count")
    def views(self, obj: Article) -> int:
        return obj.view_count

    @admin.display(description="Comments", ordering="comment_count")
    def comments(self, obj: Article) -> int:
        return obj.comment_count

    @admin.display(description="Status")
    def current_status(self, obj: Article) -> SafeString:
        """The change form's status: Published once a scheduled article's time has come."""
        return status_badge(obj.effective_status)

    @admin.display(description="Authors")
    def byline(self, obj: Article) -> str:
        return ", ".join(b.author.name for b in obj.bylines.all())
