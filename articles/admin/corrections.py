"""Correction and update notes on the article's change form: the notes with who wrote (and
removed) them, and, for editors on a live article, adding and removing one. Both go through
``articles.services.corrections`` at once, on their own (the buttons post the form to their
own address); a removed note stays listed, marked removed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from cms.access import Action, can
from cms.actors import Actor
from cms.errors import DomainError, ValidationFailed

from .. import notes, services
from ..models import Article, Correction, CorrectionKind
from ..services.corrections import MAX_TEXT_LENGTH


def panel_context(actor: Actor, article: Article) -> dict[str, Any]:
    """What the change form's "Corrections and updates" panel shows."""
    may_correct = can(actor, Action.CORRECT, article)
    return {
        "corrections": list(notes.corrections_for_admin(article)),
        "may_correct": may_correct,
        "may_add_correction": may_correct and article.is_live,
        "correction_kinds": CorrectionKind.choices,
        "correction_today": timezone.localdate().isoformat(),
        "correction_max_length": MAX_TEXT_LENGTH,
        "correction_add_url": reverse("admin:articles_article_correction_add", args=[article.pk]),
    }


def _back(article: Article) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("admin:articles_article_change", args=[article.pk]) + "#corrections"
    )


def _refused(request: HttpRequest, error: DomainError) -> None:
    if isinstance(error, ValidationFailed):
        text = " ".join(f"{m}" for messages_ in error.errors.values() for m in messages_)
    else:
        text = error.message
    messages.error(request, f"The note was not saved: {text}")


def add(request: HttpRequest, actor: Actor, article: Article) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    raw_date = request.POST.get("correction_date", "").strip()
    try:
        when = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        messages.error(request, "The note was not saved: the date is not a date (YYYY-MM-DD).")
        return _back(article)
    try:
        services.correction_add(
            article=article,
            actor=actor,
            kind=request.POST.get("correction_kind", ""),
            text=request.POST.get("correction_text", ""),
            date=when,
        )
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(request, "The note was added: readers see it with the article.")
    return _back(article)


def remove(request: HttpRequest, actor: Actor, article: Article, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    note = Correction.objects.filter(pk=pk, article=article).first()
    if note is None:
        messages.error(request, "This article has no such note.")
        return _back(article)
    try:
        services.correction_remove(correction=note, actor=actor)
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(request, "The note was removed: readers no longer see it.")
    return _back(article)


class NotesAdminMixin:
    """The article admin's former slugs (read-only) and its correction views."""

    # From the ModelAdmin this is mixed into (cms.admin.PolicyModelAdmin gives ``actor``).
    admin_site: Any
    actor: Any

    @admin.display(description="Former slugs")
    def former_slugs(self, obj: Article) -> str:
        """Addresses the article had while it was live: they lead here (REST answers 301),
        and no other article may take them. Going back to one makes it current again."""
        slugs = [former.slug for former in obj.former_slugs.all()] if obj.pk else []
        return ", ".join(slugs) if slugs else "—"

    def notes_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/corrections/add/",
                self.admin_site.admin_view(self.correction_add_view),
                name="articles_article_correction_add",
            ),
            path(
                "<path:object_id>/corrections/<int:pk>/remove/",
                self.admin_site.admin_view(self.correction_remove_view),
                name="articles_article_correction_remove",
            ),
        ]

    def correction_add_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return add(request, self.actor(request), self._correctable(request, object_id))

    def correction_remove_view(self, request: HttpRequest, object_id: str, pk: int) -> HttpResponse:
        return remove(request, self.actor(request), self._correctable(request, object_id), pk)

    def _correctable(self, request: HttpRequest, object_id: str) -> Article:
        """The article, if the actor may see it (else 404) and correct it (else 403: the
        form offers them no such button)."""
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if obj is None or not self.has_view_permission(request, obj):  # type: ignore[attr-defined]
            raise Http404
        if not can(self.actor(request), Action.CORRECT, obj):
            raise PermissionDenied
        return obj
