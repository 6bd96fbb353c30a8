"""The article's History page: its revisions, a side-by-side comparison of any two, and
restoring one (``services.revision_restore``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from cms.access import Action, can
from cms.errors import DomainError, ValidationFailed, VersionConflict

from .. import revisions, services
from ..models import Article
from ..revisions.diff import compare


def history_page(
    model_admin: Any, request: HttpRequest, object_id: str, context: dict[str, Any]
) -> HttpResponse:
    """The revisions, newest first; with ``a`` and ``b`` (revision numbers) in the query,
    their comparison, ``a`` on the left."""
    article = _article(model_admin, request, object_id)
    actor = model_admin.actor(request)
    rows = revisions.entries(list(revisions.revisions_of(article)))
    by_number = {entry.number: entry for entry in rows}
    left, right = _picked(request, "a", by_number), _picked(request, "b", by_number)
    if left is None and right is None and len(rows) >= 2:
        left, right = rows[1], rows[0]  # the last change, until two are picked
    comparison = None
    if left is not None and right is not None:
        comparison = compare(left.fields, right.fields)
    context.update(
        {
            "title": f"History: {article}",
            "article": article,
            "opts": Article._meta,
            "revisions": rows,
            "left": left,
            "right": right,
            "changed": [field for field in comparison or [] if field.changed],
            "unchanged": [field.label for field in comparison or [] if not field.changed],
            "compared": comparison is not None,
            "may_restore": can(actor, Action.CHANGE, article),
            # Restoring names the version this page showed: a save since is a conflict.
            "version": article.version,
            "restore_url": reverse("admin:articles_article_restore", args=[article.pk]),
        }
    )
    return TemplateResponse(request, "admin/articles/article/history.html", context)


def restore(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    """POST ``number`` and ``version`` (the article's version the page was opened at)."""
    if request.method != "POST":
        raise Http404
    article = _article(model_admin, request, object_id)
    history = reverse("admin:articles_article_history", args=[article.pk])
    try:
        number, version = int(request.POST["number"]), int(request.POST["version"])
    except (KeyError, ValueError):
        messages.error(request, "Pick a revision to restore.")
        return HttpResponseRedirect(history)
    try:
        services.revision_restore(
            article=article,
            actor=model_admin.actor(request),
            number=number,
            expected_version=version,
        )
    except VersionConflict:
        messages.error(
            request,
            f"Revision {number} was not restored: someone saved this article after you "
            "opened its history. Look at the newest revision, then restore again if you "
            "still want to.",
        )
    except ValidationFailed as refused:
        problems = " ".join(m for messages_ in refused.errors.values() for m in messages_)
        messages.error(request, problems)
    except DomainError as refused:
        if refused.status in (401, 403):
            raise PermissionDenied(refused.message) from refused
        messages.error(request, refused.message)
    else:
        messages.success(
            request, f"Revision {number} was restored; it is saved as the newest revision."
        )
    return HttpResponseRedirect(history)


def _article(model_admin: Any, request: HttpRequest, object_id: str) -> Article:
    """The article, if the user may read its history (as in the APIs: who may preview it)."""
    article = model_admin.get_object(request, object_id)
    if article is None:
        raise Http404
    if not can(model_admin.actor(request), Action.PREVIEW, article):
        raise PermissionDenied
    return article


def _picked(request: HttpRequest, name: str, by_number: dict[int, Any]) -> Any:
    raw = request.GET.get(name, "")
    return by_number.get(int(raw)) if raw.isdigit() and len(raw) < 10 else None
