"""The editors' workspace for articles.

Every write goes through ``articles.services``; every permission question goes to the
policy (through ``cms.admin.PolicyModelAdmin``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from cms.access import Action, can, refusal
from cms.errors import DomainError, VersionConflict
from cms.sanitize import sanitize_article_html
from media.admin import thumbnail

from .. import previews, selectors, services
from ..fields import admin_fields
from ..lifecycle import TRANSITIONS, Transition
from ..models import Article, Author
from . import conflicts, corrections, history, presence
from .article_list import ArticleListAdmin
from .bulk import BULK_ACTIONS, bulk_action
from .forms import (
    ArticleAdminForm,
    BylineFormSet,
    BylineInline,
    writer_row,
    zone_label,
)
from .preview import preview_view
from .trash import MovesToTrash

# Where changeform_view leaves a refusal of the services for the form's second pass.
_REFUSAL = "_article_save_refused"

# Sorts a byline row given no position after every numbered one.
_UNNUMBERED = 1 << 16

# Lifecycle buttons on the change form, from the lifecycle table: POST name -> transition.
LIFECYCLE_BUTTONS: dict[str, Transition] = {t.admin_button: t for t in TRANSITIONS.values()}

# Fields shown only where they can be used: the field -> the action it serves. "Publish at"
# is read by publishing alone (so it goes where the Publish button does: the policy allows it
# and the article's status offers it); "featured" is changed by featuring alone.
FIELDS_FOR_ACTION: dict[str, Action] = {"publish_at": Action.PUBLISH, "featured": Action.FEATURE}

# Where _lifecycle leaves the outcome of a lifecycle button for message_user (one request).
_OUTCOME = "_article_lifecycle_outcome"


def _after(name: str, extra: str, fields: tuple[str, ...]) -> tuple[str, ...]:
    at = fields.index(name) + 1
    return (*fields[:at], extra, *fields[at:])


@admin.register(Article)
class ArticleAdmin(MovesToTrash, corrections.NotesAdminMixin, ArticleListAdmin):
    form = ArticleAdminForm
    inlines = (BylineInline,)
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("section", "tags", "cover_image")
    readonly_fields = (
        "former_slugs",
        "cover_preview",
        "body_rendered",
        "current_status",
        "published_at",
        "featured",
        "version",
        "word_count",
        "reading_time_minutes",
        "view_count",
        "comment_count",
        "created_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        # Former slugs right under the slug they were.
        (None, {"fields": _after("slug", "former_slugs", admin_fields("main"))}),
        ("Placement", {"fields": admin_fields("placement")}),
        ("Cover image", {"fields": (*admin_fields("cover"), "cover_preview")}),
        ("Publishing", {"fields": ("current_status", "published_at", "publish_at", "featured")}),
        ("Search engines", {"fields": admin_fields("seo"), "classes": ("collapse",)}),
        (
            "Figures",
            {
                "fields": (
                    "version",
                    "word_count",
                    "reading_time_minutes",
                    "view_count",
                    "comment_count",
                    "created_by",
                    "created_at",
                    "updated_at",
                ),
                "classes": ("collapse",),
            },
        ),
    )

    class Media:
        css = {"all": ("articles/admin/writing.css",)}
        js = ("articles/admin/writing.js",)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """The declared fieldsets, less what the actor cannot use on this article (the
        policy's answer), with the body shown rendered to those who may only read it, and
        the newsroom's time zone named where times are."""
        actor = self.actor(request)
        # A new article is asked about as the draft it becomes when saved.
        target = obj if obj is not None else Article(created_by=actor.user)
        hidden = {
            name
            for name, action in FIELDS_FOR_ACTION.items()
            if not self._may_take(actor, action, target)
        }
        read_only = obj is not None and not can(actor, Action.CHANGE, obj)
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options["fields"] if f not in hidden]
            if read_only:
                fields = ["body_rendered" if f == "body_html" else f for f in fields]
            if not fields:
                continue
            options = {**options, "fields": tuple(fields)}
            if "published_at" in fields or "publish_at" in fields:
                options["description"] = f"Times are the newsroom's: {zone_label()}."
            fieldsets.append((name, options))
        return fieldsets

    @staticmethod
    def _may_take(actor: Any, action: Action, article: Article) -> bool:
        """May ``actor`` take ``action`` on ``article`` now: the policy allows it and, for a
        lifecycle action, the article's status offers it (as for the change form's buttons)."""
        transition = TRANSITIONS.get(action)
        if transition is not None and not transition.allowed_from(
            article.status, article.published_at
        ):
            return False
        return can(actor, action, article)

    @admin.display(description="Body")
    def body_rendered(self, obj: Article) -> SafeString:
        """The body as readers will see it, for those who may not edit it: the sanitiser's
        output only (never the stored text unsanitised), so nothing it refuses can run."""
        if not obj.body_html:
            return mark_safe("—")
        return format_html(
            '<div class="article-body-rendered">{}</div>',
            mark_safe(sanitize_article_html(obj.body_html)),  # noqa: S308 - sanitised just now
        )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form: Any = super().get_form(request, obj, change, **kwargs)
        form.sees_all_unpublished = selectors.sees_all_unpublished(self.actor(request))
        refusal = getattr(request, _REFUSAL, None)
        if not isinstance(refusal, VersionConflict):
            form.refusal = refusal
        return form

    @admin.display(description="Current cover")
    def cover_preview(self, obj: Article) -> str:
        """The saved cover with its alt text (which the library holds: edit it there)."""
        if obj.cover_image is None:
            return "—"
        return format_html(
            "{}<br>Alt text: {}", thumbnail(obj.cover_image), obj.cover_image.alt or "(none)"
        )

    def view_on_site(self, obj: Article) -> str | None:
        """ "View on site" opens the article on the front-end, once it is live."""
        return obj.url if obj.is_live else None

    # --- saving through the services -------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        """Nothing here: the article, its tags and byline are saved together by one service
        call in save_related, where the byline inline's rows are available."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        article: Article = form.instance
        actor = self.actor(request)
        authors = self._byline_from(formsets)
        tags = form.cleaned_data.get("tags", [])
        for formset in formsets:
            # The admin's change message reads what a formset saved; the service saved it.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if change:
            services.article_update(
                article=article,
                actor=actor,
                expected_version=form.saving_over(),
                authors=authors,
                tags=tags,
            )
        else:
            # An empty byline credits the writer (their author profile), as in the API.
            services.article_create(
                article=article, actor=actor, authors=authors or None, tags=tags
            )
        for name, transition in LIFECYCLE_BUTTONS.items():
            if name in request.POST:
                self._lifecycle(request, article, transition, form.cleaned_data.get("publish_at"))

    @staticmethod
    def _byline_from(formsets: Any) -> list[Author]:
        """The authors in the byline inline, in the order given by their positions."""
        rows = []
        for formset in formsets:
            if not isinstance(formset, BylineFormSet):
                continue
            for index, row in enumerate(formset.forms):
                data = row.cleaned_data
                if data and not data.get("DELETE") and data.get("author") is not None:
                    # A row left without a position goes after the numbered ones.
                    rows.append((data.get("position") or _UNNUMBERED, index, data["author"]))
        return [author for _, _, author in sorted(rows, key=lambda r: (r[0], r[1]))]

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            # The form was valid but the service refused the write (someone saved or changed
            # the article in the moment between): everything was rolled back. Show the form
            # again with what was typed, the refusal as its error (a version conflict is
            # found by the form's own check, with its full account), and save nothing: the
            # form is invalid this time, so the write is not attempted twice.
            setattr(request, _REFUSAL, error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """Deleting an article takes its bylines and comments with it; whether that is allowed
        is the article policy's call alone (not the comment queue's permissions). Any selected
        article the policy refuses is named as lacking permission, which makes the admin
        refuse the whole deletion and list nothing inside the articles; with the policy's
        reason where it has one (an author's own article that was ever published)."""
        actor = self.actor(request)
        refused = {
            f"article “{obj}”: {refusal(actor, Action.DELETE, obj)}"
            for obj in objs
            if not can(actor, Action.DELETE, obj)
        }
        if refused:
            return [], {}, refused, []
        deleted, model_count, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), protected

    def _lifecycle(
        self, request: HttpRequest, article: Article, transition: Transition, when: Any
    ) -> None:
        actor = self.actor(request)
        # The "Publish at" field is read by publishing only; other buttons ignore it.
        published_at = when if transition.action == Action.PUBLISH else None
        try:
            services.article_take_transition(
                article=article, actor=actor, action=transition.action, published_at=published_at
            )
        except DomainError as error:
            outcome = (
                f"“{article}” was saved, but not {transition.past_tense}: {error.message}",
                messages.WARNING,
            )
        else:
            status = article.get_status_display().lower()
            # Where the new status alone does not say what happened ("draft" after returning
            # or unpublishing), the transition says it first.
            done = "" if status == transition.past_tense else f"was {transition.past_tense}: it "
            outcome = (f"“{article}” {done}is now {status}.", messages.SUCCESS)
        setattr(request, _OUTCOME, outcome)

    def message_user(
        self,
        request: HttpRequest,
        message: Any,
        level: int | str = messages.INFO,
        extra_tags: str = "",
        fail_silently: bool = False,
    ) -> None:
        """One message per outcome: after a lifecycle button, its outcome (what happened to
        the status, and that the edits were saved) stands in for the admin's "was changed
        successfully", which would say less, or contradict it."""
        outcome = getattr(request, _OUTCOME, None)
        if outcome is not None and level == messages.SUCCESS:
            delattr(request, _OUTCOME)
            message, level = outcome
        super().message_user(request, message, level, extra_tags, fail_silently)

    def response_change(self, request: HttpRequest, obj: Article) -> Any:
        refused = getattr(request, _OUTCOME, (None, None))[1] == messages.WARNING
        response = super().response_change(request, obj)
        if refused and not {"_addanother", "_saveasnew"} & set(request.POST):
            # Back to the article, whose status did not change, rather than to the list.
            return HttpResponseRedirect(request.path)
        return response

    def response_add(
        self, request: HttpRequest, obj: Article, post_url_continue: Any = None
    ) -> Any:
        refused = getattr(request, _OUTCOME, (None, None))[1] == messages.WARNING
        response = super().response_add(request, obj, post_url_continue)
        if refused and "_addanother" not in request.POST:
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return response

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        services.article_delete(article=obj, actor=self.actor(request))

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj: Article | None = kwargs.get("obj")
        actor = self.actor(request)
        buttons = []
        # A new article is shown the buttons of a draft (it becomes one when saved).
        target = obj if obj is not None else Article(created_by=actor.user)
        for name, transition in LIFECYCLE_BUTTONS.items():
            if self._may_take(actor, transition.action, target):
                buttons.append((name, transition.label))
        context["lifecycle_buttons"] = buttons
        if obj is not None and can(actor, Action.PREVIEW, obj):
            context["admin_preview_url"] = reverse("admin:articles_article_preview", args=[obj.pk])
            if settings.FRONTEND_PREVIEW_URL:
                context["preview_url"] = previews.preview_url(obj, request.user)
        if obj is not None:
            context.update(corrections.panel_context(actor, obj))
            self._explain_conflict(request, obj, context)
            if self.has_change_permission(request, obj):
                context["editing_others"] = presence.here(obj.pk, request.user)
                context["presence_url"] = reverse("admin:articles_article_editing", args=[obj.pk])
                context["presence_heartbeat_ms"] = presence.HEARTBEAT_SECONDS * 1000
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self) -> list[URLPattern]:
        # cacheable: the preview sets its own Cache-Control (private, no-store).
        preview = self.admin_site.admin_view(self.preview_view, cacheable=True)
        own = [
            path("<path:object_id>/preview/", preview, name="articles_article_preview"),
            *self.notes_urls(),
            path(
                "<path:object_id>/history/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="articles_article_restore",
            ),
            path(
                "<path:object_id>/editing/",
                self.admin_site.admin_view(self.editing_view),
                name="articles_article_editing",
            ),
        ]
        return [*own, *super().get_urls()]

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The article's revisions, compared and restored (``articles.admin.history``)."""
        context = {**self.admin_site.each_context(request), **(extra_context or {})}
        return history.history_page(self, request, object_id, context)

    def restore_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return history.restore(self, request, object_id)

    def preview_view(self, request: HttpRequest, object_id: str) -> Any:
        """The article as a reader would see it (``articles.admin.preview``)."""
        return preview_view(request, object_id, self.admin_site.each_context(request))

    def editing_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The change page's heartbeat (POST): who else has the article open, as notices;
        ``left`` says the page was closed."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if "left" in request.POST:
            presence.left(obj.pk, request.user)
            return HttpResponse(status=204)
        others = presence.here(obj.pk, request.user)
        return JsonResponse({"notices": [editor.notice for editor in others]})

    def _explain_conflict(
        self, request: HttpRequest, obj: Article, context: dict[str, Any]
    ) -> None:
        """A save refused for naming an older version gets one account on the page
        (``conflicts.explain``) instead of the admin's "Please correct the error below."."""
        form = getattr(context.get("adminform"), "form", None)
        if not isinstance(form, ArticleAdminForm) or form.conflicting_version is None:
            return
        formsets = [f.formset for f in context.get("inline_admin_formsets", ())]
        conflicts.explain(
            form=form,
            formsets=formsets,
            byline=self._byline_from(formsets),
            article_pk=obj.pk,
            viewer=request.user,
            context=context,
        )

    def get_formset_kwargs(
        self, request: HttpRequest, obj: Any, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, BylineInline) and obj is not None and obj.pk is None:
            kwargs["initial"] = writer_row(request)
        return kwargs

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """Offer only the actions the actor's role allows on some article."""
        actions = super().get_actions(request)
        actor = self.actor(request)
        for name, (action, *_rest) in BULK_ACTIONS.items():
            if name in actions and not can(actor, action, Article):
                del actions[name]
        return actions


ArticleAdmin.actions = tuple(bulk_action(name) for name in BULK_ACTIONS)  # type: ignore[misc]
