"""The moderation queue: pending comments first, each row with its own Approve / Spam / Remove
buttons and the spam check's reason, bulk actions for many at once, and the thread each
comment belongs to. Moderation goes through ``comments.services``; whether it is allowed is
the policy's call. The desk (admin index) shows how many comments are pending."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from articles.admin import preview
from cms import desk
from cms.access import Action, can
from cms.actors import Actor
from cms.admin import PolicyModelAdmin, badge, when
from cms.errors import DomainError

from . import selectors, services
from .models import Comment, CommentStatus

# The queue's row buttons: the status each sets, and its label.
ROW_BUTTONS = (
    (CommentStatus.APPROVED, "Approve"),
    (CommentStatus.SPAM, "Spam"),
    (CommentStatus.REMOVED, "Remove"),
)


@admin.register(Comment)
class CommentAdmin(PolicyModelAdmin):
    # The buttons beside the comment they act on, where a narrow window still shows them.
    list_display = (
        "excerpt",
        "moderate_buttons",
        "status_badge",
        "spam_reason",
        "author_name",
        "article",
        "in_reply_to",
        "created",
    )
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

    class Media:
        css = {"all": ("cms/desk.css",)}

    def get_urls(self) -> list[URLPattern]:
        moderate = path(
            "<path:object_id>/moderate/",
            self.admin_site.admin_view(self.moderate_view),
            name="comments_comment_moderate",
        )
        return [moderate, *super().get_urls()]

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj: Comment) -> SafeString:
        return badge(obj.status, obj.get_status_display())

    @admin.display(description="Received", ordering="created_at")
    def created(self, obj: Comment) -> SafeString:
        return when(obj.created_at)

    @admin.display(description="Moderate")
    def moderate_buttons(self, obj: Comment) -> SafeString:
        """One button per status the comment is not in. They submit the list's own form (and
        its CSRF token) to this comment's moderation URL: a form cannot sit inside another."""
        url = reverse("admin:comments_comment_moderate", args=[obj.pk])
        return format_html(
            '<div class="moderate-buttons">{}</div>',
            format_html_join(
                "",
                '<button type="submit" class="{}" formaction="{}" formmethod="post" '
                'name="moderate" value="{}" aria-label="{} comment by {}">{}</button>',
                (
                    (status.value, url, status.value, label, obj.author_name, label)
                    for status, label in ROW_BUTTONS
                    if obj.status != status
                ),
            ),
        )

    @method_decorator(require_POST)
    def moderate_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        """A row button: moderate one comment through the service, then back to the queue
        as it was (its filters and page)."""
        actor = self.actor(request)
        comment = self.get_object(request, object_id)
        if comment is None or not can(actor, Action.MODERATE, comment):
            raise PermissionDenied
        wanted = request.POST.get("moderate", "")
        if wanted not in {status.value for status, _label in ROW_BUTTONS}:
            self.message_user(request, "Choose Approve, Spam or Remove.", messages.ERROR)
        else:
            try:
                services.comment_moderate(
                    comment=comment, actor=actor, status=CommentStatus(wanted)
                )
            except DomainError as error:
                self.message_user(request, f"Not changed: {error.message}", messages.ERROR)
            else:
                label = CommentStatus(wanted).label.lower()
                self.message_user(request, f"Comment by {comment.author_name} marked {label}.")
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:comments_comment_changelist")
        return HttpResponseRedirect(back)

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


# The admin's article preview shows the approved thread as readers will see it (registered
# here, with the admin, so that processes without it never load the articles admin).
preview.register_thread(selectors.thread_for)


@desk.register("comments.pending", template="comments/desk/pending.html", order=20)
def pending_panel(request: HttpRequest, actor: Actor) -> dict[str, Any] | None:
    """How many comments wait, with a link to the queue filtered to them."""
    if not can(actor, Action.MODERATE, Comment):
        return None
    changelist = reverse("admin:comments_comment_changelist")
    return {
        "count": selectors.pending_count(actor),
        "list_url": f"{changelist}?status__exact={CommentStatus.PENDING.value}",
    }
