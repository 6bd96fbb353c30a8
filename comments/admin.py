"""The moderation queue: pending comments first, bulk approve / spam / remove, with the thread
each comment belongs to. Moderation goes through ``comments.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from cms.access import Action, can
from cms.admin import PolicyModelAdmin

from . import services
from .models import Comment, CommentStatus


@admin.register(Comment)
class CommentAdmin(PolicyModelAdmin):
    list_display = ("excerpt", "author_name", "article", "in_reply_to", "status", "created_at")
    list_display_links = ("excerpt",)
    list_filter = ("status", "created_at")
    list_select_related = ("article", "parent")
    search_fields = ("author_name", "author_email", "body_html", "article__title")
    date_hierarchy = "created_at"
    fields = (
        "article",
        "author_name",
        "author_email",
        "rendered_body",
        "status",
        "spam_reason",
        "thread",
        "created_at",
        "moderated_by",
        "moderated_at",
    )
    readonly_fields = (
        "article",
        "author_name",
        "author_email",
        "rendered_body",
        "spam_reason",
        "thread",
        "created_at",
        "moderated_by",
        "moderated_at",
    )
    actions = ("approve_selected", "spam_selected", "remove_selected", "pending_selected")

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        # Pending first, then newest: the queue an editor works through.
        pending_first = Case(
            When(status=CommentStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "-created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from readers, through the API

    # The admin shows commenters' emails, so even reading the queue is for moderators.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(self.actor(request), Action.MODERATE, Comment)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(self.actor(request), Action.MODERATE, obj if obj is not None else Comment)

    @admin.display(description="Comment")
    def excerpt(self, obj: Comment) -> str:
        return Truncator(strip_tags(obj.body_html)).chars(80)

    @admin.display(description="In reply to")
    def in_reply_to(self, obj: Comment) -> str:
        return obj.parent.author_name if obj.parent else "—"

    @admin.display(description="Comment")
    def rendered_body(self, obj: Comment) -> SafeString:
        # body_html was sanitised when stored.
        return format_html("<div>{}</div>", SafeString(obj.body_html))

    @admin.display(description="Thread")
    def thread(self, obj: Comment) -> SafeString:
        """The comments above this one, this one, and its replies, indented by depth."""
        chain: list[Comment] = []
        node: Comment | None = obj
        while node is not None:
            chain.append(node)
            node = node.parent
        chain.reverse()
        replies = list(obj.replies.order_by("created_at"))
        rows = [(c, c.pk == obj.pk) for c in chain] + [(r, False) for r in replies]
        return format_html(
            "<ol style='list-style:none;padding:0;margin:0'>{}</ol>",
            format_html_join(
                "",
                "<li style='margin-left:{}em;{}'><strong>{}</strong> ({}, {}): {}</li>",
                (
                    (
                        2 * c.depth,
                        "background:#ffc" if current else "",
                        c.author_name,
                        c.get_status_display(),
                        c.created_at.strftime("%Y-%m-%d %H:%M"),
                        Truncator(strip_tags(c.body_html)).chars(200),
                    )
                    for c, current in rows
                ),
            ),
        )

    def save_model(self, request: HttpRequest, obj: Comment, form: Any, change: bool) -> None:
        # Only the status is editable; it changes through moderation.
        services.comment_moderate(
            comment=obj, actor=self.actor(request), status=CommentStatus(obj.status)
        )

    def delete_model(self, request: HttpRequest, obj: Comment) -> None:
        services.comment_delete(comment=obj, actor=self.actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        actor = self.actor(request)
        for comment in queryset:
            services.comment_delete(comment=comment, actor=actor)

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Any], status: str) -> None:
        self.run_bulk(
            request,
            queryset,
            Action.MODERATE,
            lambda c, actor: services.comment_moderate(
                comment=c, actor=actor, status=CommentStatus(status)
            ),
            f"marked {CommentStatus(status).label.lower()}",
        )

    @admin.action(description="Approve selected comments")
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._moderate(request, queryset, CommentStatus.APPROVED)

    @admin.action(description="Mark selected comments as spam")
    def spam_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._moderate(request, queryset, CommentStatus.SPAM)

    @admin.action(description="Remove selected comments")
    def remove_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._moderate(request, queryset, CommentStatus.REMOVED)

    @admin.action(description="Return selected comments to pending")
    def pending_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._moderate(request, queryset, CommentStatus.PENDING)
