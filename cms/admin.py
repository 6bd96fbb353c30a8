"""Admin base classes whose permission hooks ask the one policy (``cms.access``).

Django's model permissions are not consulted: roles and the policy are the single source of
truth, so the admin, REST and GraphQL cannot disagree about who may do what.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessLog
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cms import scopes, tokens
from cms.access import Action, can, restrict
from cms.actors import Actor, actor_from_request
from cms.errors import DomainError
from cms.models import ApiToken, AuditEntry, PeriodicRun, WorkerHeartbeat
from cms.roles import Role, has_role

# Lookups the admin's own filters produce. Django otherwise accepts any lookup on any local
# field from the URL: ?email__startswith= reads hidden columns a character at a time, and
# ?name__regex= hands the database a pattern that can take it minutes to compile.
FILTER_LOOKUPS = frozenset(
    {"exact", "in", "isnull", "gte", "gt", "lte", "lt", "range", "year", "month", "day",
     "id__exact", "pk__exact", "id__in"}
)  # fmt: skip
# The admin's search box splits on spaces and ORs every word over every search field; past a
# few words that is slow and no longer a search.
MAX_SEARCH_WORDS = 8


def _filtered_field(entry: Any) -> str:
    """The field a ``list_filter`` entry filters on: a name, a (name, filter) pair, or a
    SimpleListFilter class, by the field its parameter names."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, type) and issubclass(entry, admin.SimpleListFilter):
        return str(entry.parameter_name).partition("__")[0]
    return str(entry[0])


def badge(value: str, label: str) -> SafeString:
    """A status as a coloured badge that says its name (the colour is never the only cue):
    ``status-<value>`` picks the colour in cms/desk.css, for articles and comments alike."""
    return format_html(
        '<span class="status-badge status-{}" title="Status: {}">{}</span>', value, label, label
    )


def when(moment: datetime | None) -> SafeString:
    """A moment in the newsroom's time, short enough for a list column ("1 Dec 14:05"; the
    year only when it is not this one), the full date and time on hover."""
    if moment is None:
        return SafeString("—")
    local = timezone.localtime(moment)
    short = "j M H:i" if local.year == timezone.localtime().year else "j M Y H:i"
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(),
        date_format(local, "DATETIME_FORMAT"),
        date_format(local, short),
    )


class StrictLookupsAdmin(admin.ModelAdmin[Any]):
    """Admin list URLs take only the lookups their filters make, on the fields they filter,
    with values a database can store; anything else is a 400."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if "\x00" in str(value):
            return False
        field, _, rest = lookup.partition("__")
        filters = self.get_list_filter(request) if request is not None else self.list_filter
        filtered = {_filtered_field(entry) for entry in filters}
        hierarchy = getattr(self, "date_hierarchy", None)
        if field not in filtered and field != hierarchy:
            return False
        if rest and rest not in FILTER_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        words = search_term.replace("\x00", "").split()[:MAX_SEARCH_WORDS]
        return super().get_search_results(request, queryset, " ".join(words))


class PolicyModelAdmin(StrictLookupsAdmin):
    def actor(self, request: HttpRequest) -> Actor:
        return actor_from_request(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return restrict(self.actor(request), Action.VIEW, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(self.actor(request), Action.VIEW, self.model)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can(self.actor(request), Action.VIEW, obj if obj is not None else self.model)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can(self.actor(request), Action.ADD, self.model)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can(self.actor(request), Action.CHANGE, obj if obj is not None else self.model)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can(self.actor(request), Action.DELETE, obj if obj is not None else self.model)

    def run_bulk(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        action: Action,
        operation: Any,
        done: str,
    ) -> None:
        """Apply a service to each selected object the policy allows, and report the outcome.

        Objects the actor may not touch, or whose state refuses the action, are counted and
        named; the rest go ahead. Each object is its own transaction inside the service.
        """
        actor = self.actor(request)
        succeeded, refused = 0, []
        for obj in queryset:
            if not can(actor, action, obj):
                refused.append(f"{obj}: not permitted")
                continue
            try:
                operation(obj, actor)
            except DomainError as error:
                refused.append(f"{obj}: {error.message}")
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{succeeded} {done}.", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not changed: " + "; ".join(refused[:10]), messages.WARNING)


class AllOrNothingDelete(PolicyModelAdmin):
    """A bulk delete through ``delete_model`` (the app's delete service), all or nothing: the
    confirmation page has checked every object, so a refusal here means something changed in
    between, and then nothing is deleted."""

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        try:
            with transaction.atomic():
                for obj in queryset:
                    self.delete_model(request, obj)
        except DomainError as error:
            self.message_user(request, f"Nothing was deleted: {error.message}", messages.ERROR)


class PolicyInlineMixin:
    """Inline rows follow their parent object: editable when the parent is."""

    def _parent_allows(self, request: HttpRequest, obj: Model | None, action: Action) -> bool:
        actor = actor_from_request(request)
        parent_model: type[Model] = self.parent_model  # type: ignore[attr-defined]
        if obj is None:
            return can(actor, Action.ADD, parent_model)
        return can(actor, action, obj)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_allows(request, obj, Action.VIEW)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_allows(request, obj, Action.CHANGE)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_allows(request, obj, Action.CHANGE)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_allows(request, obj, Action.CHANGE)


class ApiTokenForm(forms.ModelForm[ApiToken]):
    scopes = forms.MultipleChoiceField(
        choices=[(s, s) for s in scopes.ALL_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        help_text="A token never does more than its owner's role allows.",
    )

    class Meta:
        model = ApiToken
        fields = ("name", "owner", "scopes", "expires_at")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            # A token acts only while its owner is active staff (cms.roles.is_active_staff).
            owner_field = self.fields["owner"]
            owner_field.queryset = owner_field.queryset.filter(  # type: ignore[attr-defined]
                is_active=True, is_staff=True
            )


@admin.register(ApiToken)
class ApiTokenAdmin(PolicyModelAdmin):
    """Integrations' tokens. The secret is shown once, in the message after creating one."""

    form = ApiTokenForm
    list_display = (
        "name",
        "owner",
        "prefix",
        "scope_list",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "owner__username")
    actions = ("revoke_selected",)

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            fields = ["name", "owner", "scopes", "expires_at"]
            return fields if request.user.is_superuser else [f for f in fields if f != "owner"]
        return ["name", "owner", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at",
                "created_at"]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ()
        return ("owner", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at",
                "created_at")  # fmt: skip

    @admin.display(description="Scopes")
    def scope_list(self, obj: ApiToken) -> str:
        return ", ".join(obj.scopes)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        owner = form.cleaned_data.get("owner") or request.user
        _, plaintext = tokens.token_create(
            owner=owner,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data.get("expires_at"),
            token=obj,
        )
        self.message_user(
            request,
            f"Copy this token now; it will not be shown again: {plaintext}",
            messages.WARNING,
        )

    @admin.action(description="Revoke selected tokens")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self.run_bulk(
            request,
            queryset,
            Action.CHANGE,
            lambda token, actor: tokens.token_revoke(token=token, actor=actor),
            "revoked",
        )


class ReadOnlyForEditorsAdmin(StrictLookupsAdmin):
    """Records the system writes (the audit log, the worker's runs and heartbeats): editors and
    superusers read them, nobody edits or deletes them."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.EDITOR)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.EDITOR)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyForEditorsAdmin):
    """Read-only: who changed what, and when. Editors and superusers read it."""

    list_display = ("created_at", "actor", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("actor", "object_repr", "object_id")
    date_hierarchy = "created_at"
    fields = (*list_display, "object_id", "user", "token")
    readonly_fields = fields


class SuperusersOnlyAdmin(StrictLookupsAdmin):
    """Sign-in records name people and their addresses: superusers only, whatever Django
    permissions a group has been given."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(AccessAttempt)
class SignInFailureAdmin(SuperusersOnlyAdmin, axes_admin.AccessAttemptAdmin):
    """django-axes' failed sign-ins still within the cool-off; deleting one lifts its lockout."""


@admin.register(AccessLog)
class SignInAdmin(SuperusersOnlyAdmin, axes_admin.AccessLogAdmin):
    """django-axes' record of successful sign-ins and sign-outs."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyForEditorsAdmin):
    """One row per period of each periodic job (settings.PERIODIC_JOBS)."""

    list_display = ("job", "period_start", "outcome", "attempts", "finished_at", "result")
    list_filter = ("job", "outcome")
    date_hierarchy = "period_start"
    fields = (*list_display, "enqueued_at", "started_at")
    readonly_fields = fields


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyForEditorsAdmin):
    """Task workers and when each was last seen (every WORKER_HEARTBEAT_SECONDS while alive)."""

    list_display = ("worker_id", "hostname", "pid", "backend", "started_at", "seen_at")
    fields = list_display
    readonly_fields = fields


# The index shows the task workers' state and the periodic jobs' last runs.
admin.site.index_template = "cms/admin_index.html"
