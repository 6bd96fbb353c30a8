"""The trash in the admin: deleting an article says where it goes (``MovesToTrash``, on the
article admin), and the "Trash" page under Articles lists what is there, with Restore and
Delete forever for editors. Writes go through ``articles.services``; reads through
``articles.trash``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cms.access import Action, can
from cms.actors import Actor, actor_from_request
from cms.admin import when
from cms.errors import DomainError

from .. import services, trash
from ..models import Article, TrashedArticle
from ..templatetags.article_trash import trash_kept_for

# Where delete_queryset leaves its outcome for message_user (one request).
_TRASHED = "_articles_moved_to_trash"


def _kept_for() -> str:
    return trash_kept_for()


class MovesToTrash(admin.ModelAdmin[Article]):
    """For the article admin: "delete" moves articles to the trash, and the confirmation
    pages and messages say so (nothing is deleted for good there)."""

    delete_confirmation_template = "admin/articles/article/delete_confirmation.html"
    delete_selected_confirmation_template = (
        "admin/articles/article/delete_selected_confirmation.html"
    )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)
        entry = actions.get("delete_selected")
        if entry is not None:
            function, name, _ = entry
            label = "Move selected %(verbose_name_plural)s to the trash"
            actions["delete_selected"] = (function, name, label)
        return actions

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """What goes to the trash with the articles (their comments, bylines, ...) as Django
        lists it; nothing is deleted yet, so no permission on those rows is needed and
        nothing that protects them stands in the way."""
        deleted, model_count, _perms, _protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), []

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any) -> Any:
        self.message_user(
            request,
            f"“{obj_display}” was moved to the trash with its comments. Editors can restore it "
            f"from the Trash for {_kept_for()}; after that it is deleted for good.",
            messages.SUCCESS,
        )
        url = reverse("admin:articles_article_changelist")
        preserved: dict[str, Any] = {
            "preserved_filters": self.get_preserved_filters(request),
            "opts": Article._meta,
        }
        return HttpResponseRedirect(add_preserved_filters(preserved, url))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        before = Article.objects.filter(pk__in=[obj.pk for obj in queryset]).count()
        super().delete_queryset(request, queryset)
        moved = before - Article.objects.filter(pk__in=[obj.pk for obj in queryset]).count()
        if moved:
            setattr(request, _TRASHED, moved)

    def message_user(
        self, request: HttpRequest, message: Any, level: int | str = messages.INFO, *args: Any
    ) -> None:
        """The bulk delete's "Successfully deleted N articles." says where they went."""
        moved = getattr(request, _TRASHED, None)
        if moved is not None and level == messages.SUCCESS:
            delattr(request, _TRASHED)
            noun = "article was" if moved == 1 else "articles were"
            message = (
                f"{moved} {noun} moved to the trash with their comments. Editors can restore "
                f"them from the Trash for {_kept_for()}; after that they are deleted for good."
            )
        super().message_user(request, message, level, *args)


@admin.register(TrashedArticle)
class TrashAdmin(admin.ModelAdmin[TrashedArticle]):
    """Deleted articles, most recently deleted first: who deleted them and when, their
    comments, and when the purge takes them; Restore and Delete forever (editors only)."""

    list_display = (
        "title",
        "deleted",
        "deleted_by_name",
        "comments",
        "views",
        "purged",
        "actions_",
    )
    list_display_links = None
    search_fields = ("title", "slug")
    actions = None

    def actor(self, request: HttpRequest) -> Actor:
        return actor_from_request(request)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        title = f"Trash: deleted articles, kept for {_kept_for()}"
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return trash.trash_list(self.actor(request), queryset=TrashedArticle.trash_only.all())

    # Editors only (the policy's RESTORE), and only through the buttons below.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(self.actor(request), Action.RESTORE, Article)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can(self.actor(request), Action.RESTORE, Article)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="Deleted", ordering="deleted_at")
    def deleted(self, obj: Article) -> SafeString:
        return when(obj.deleted_at)

    @admin.display(description="Deleted by")
    def deleted_by_name(self, obj: Article) -> str:
        return trash.deleted_by_label(obj) or "—"

    @admin.display(description="Comments")
    def comments(self, obj: Article) -> int:
        return int(getattr(obj, "comments_in_trash", 0))

    @admin.display(description="Views", ordering="view_count")
    def views(self, obj: Article) -> int:
        return obj.view_count

    @admin.display(description="Deleted for good", ordering="deleted_at")
    def purged(self, obj: Article) -> SafeString:
        return when(obj.purge_after)

    @admin.display(description="")
    def actions_(self, obj: Article) -> SafeString:
        return format_html(
            '<a class="button" href="{}">Restore</a> '
            '<a class="button trash-delete-forever" href="{}">Delete forever</a>',
            reverse("admin:articles_trashedarticle_restore", args=[obj.pk]),
            reverse("admin:articles_trashedarticle_delete_forever", args=[obj.pk]),
        )

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/restore/", wrap(self.restore_view), name="articles_trashedarticle_restore"
            ),
            path(
                "<int:pk>/delete-forever/",
                wrap(self.delete_forever_view),
                name="articles_trashedarticle_delete_forever",
            ),
            *super().get_urls(),
        ]

    def restore_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """GET: what restoring brings back; POST: restore it."""
        return self._confirmed(request, pk, Action.RESTORE)

    def delete_forever_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """GET: what deleting forever takes; POST: delete it for good."""
        return self._confirmed(request, pk, Action.PURGE)

    def _confirmed(self, request: HttpRequest, pk: int, action: Action) -> HttpResponse:
        actor = self.actor(request)
        if not can(actor, action, Article):
            raise PermissionDenied
        try:
            article = trash.trashed_article(actor, pk, action)
        except DomainError:
            raise Http404 from None
        trash_url = reverse("admin:articles_trashedarticle_changelist")
        if request.method == "POST":
            try:
                if action == Action.RESTORE:
                    restored = services.article_restore_from_trash(article=article, actor=actor)
                    link = reverse("admin:articles_article_change", args=[restored.pk])
                    self.message_user(
                        request,
                        format_html(
                            '<a href="{}">“{}”</a> was restored with its comments, as it was.',
                            link,
                            restored.title,
                        ),
                        messages.SUCCESS,
                    )
                else:
                    gone = services.article_delete_forever(article=article, actor=actor)
                    self.message_user(
                        request,
                        f"“{article.title}” was deleted forever ({gone}).",
                        messages.SUCCESS,
                    )
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(trash_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Restore from the trash" if action == Action.RESTORE else "Delete forever",
            "article": article,
            "what": services.trash_summary(article),
            "restoring": action == Action.RESTORE,
            "trash_url": trash_url,
        }
        return TemplateResponse(request, "admin/articles/trashedarticle/confirm.html", context)
