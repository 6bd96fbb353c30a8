"""The in-admin preview: an article as a reader would see its page, draft or not.

It needs no front-end: the page is built from the same row and representation functions as
the REST answer (``selectors.article_rows_by_id``, ``articles.representation``), so the body
is the very sanitised HTML the APIs serve. Only those the policy lets preview the article
(``Action.PREVIEW``) see it; anyone else gets the 404 an unknown id gets, so a draft's
existence is not confirmed. The page is never stored (``Cache-Control: private, no-store``).

The comments under the article belong to the comments app, which depends on this one: it
registers the function that reads the approved thread (:func:`register_thread`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cms.access import Action, can
from cms.actors import actor_from_request
from cms.api.caching import NEVER_STORE
from cms.sanitize import sanitize_article_html, sanitize_comment_html

from .. import lifecycle, representation, selectors
from ..models import Article, ArticleStatus

# The approved comments readers see under an article, oldest first; each has ``pk``,
# ``parent_id``, ``author_name``, ``body_html`` (sanitised) and ``created_at``.
ThreadReader = Callable[[Article], Iterable[Any]]
_thread_readers: list[ThreadReader] = []


def register_thread(reader: ThreadReader) -> None:
    """Show the comments ``reader`` returns under every previewed article (the comments app
    calls this when it is ready)."""
    if reader not in _thread_readers:
        _thread_readers.append(reader)


@dataclass
class CommentNode:
    comment: Any
    replies: list[CommentNode] = field(default_factory=list)

    @property
    def body(self) -> SafeString:
        """The comment's body, sanitised again as it is rendered (see :func:`_rendered`)."""
        return _rendered(self.comment.body_html, sanitize_comment_html)


def _rendered(html: str, sanitize: Callable[[str], str]) -> SafeString:
    """Stored HTML is sanitised when written; it is sanitised once more here because this
    page is on the admin's own origin, beside the editors' session: a row written another way
    (an import, a bulk update, data older than the sanitiser) must not run script there. The
    sanitiser gives clean HTML back unchanged, so this is still the HTML the APIs serve."""
    return mark_safe(sanitize(html or ""))  # noqa: S308 - the sanitiser's output only


def _threaded(comments: Iterable[Any]) -> list[CommentNode]:
    """Comments (oldest first) as a tree: each under its parent, top-level ones in order. A
    reply whose parent is not among them (not approved) is shown at the top level."""
    nodes = {c.pk: CommentNode(c) for c in comments}
    roots: list[CommentNode] = []
    for node in nodes.values():
        parent = nodes.get(node.comment.parent_id)
        (parent.replies if parent is not None else roots).append(node)
    return roots


def _when(article_row: dict[str, Any]) -> tuple[str, Any]:
    """What the date line says: when it went (or goes) live, or that it has no date yet."""
    status, published_at = article_row["status"], article_row["published_at"]
    if published_at is None:
        return "undated", None
    if lifecycle.is_live(status, published_at):
        return "published", published_at
    if status == ArticleStatus.SCHEDULED:
        return "scheduled", published_at
    return "dated", published_at


def _stats(views: int, comments: int) -> str:
    """The counts line under the tags, as a reader's page words it: "1,234 views · 5 comments"."""
    return " · ".join(
        f"{n:,} {noun}{'' if n == 1 else 's'}"
        for n, noun in ((views, "view"), (comments, "comment"))
    )


def preview_view(request: HttpRequest, object_id: str, admin_context: dict[str, Any]) -> Any:
    """The preview page of article ``object_id`` (``admin_context``: the admin site's
    ``each_context``, for the header and breadcrumbs)."""
    actor = actor_from_request(request)
    found = Article.objects.visible_to(actor).filter(pk=object_id) if object_id.isdigit() else None
    article = found.first() if found is not None else None
    if article is None or not can(actor, Action.PREVIEW, article):
        raise Http404("No article matches that id.")
    (row,) = selectors.article_rows_by_id([article.pk], selectors.PRIVILEGED_FIELDS)
    comments = [c for reader in _thread_readers for c in reader(article)]
    when, moment = _when(row)
    cover = representation.cover_image(row)
    renditions = cover["renditions"] if cover else []
    context = {
        **admin_context,
        "title": f"Preview: {row['title']}",
        "opts": Article._meta,
        "article": article,
        "row": row,
        "body": _rendered(row["body_html"], sanitize_article_html),
        "is_live": lifecycle.is_live(row["status"], row["published_at"]),
        "status_label": ArticleStatus(row["status"]).label,
        "when": when,
        "moment": timezone.localtime(moment) if moment is not None else None,
        "section": representation.section(row),
        "authors": representation.byline(row),
        "cover": cover,
        "cover_srcset": ", ".join(f"{r['url']} {r['width']}w" for r in renditions),
        "thread": _threaded(comments),
        "stats": _stats(row["view_count"], row["comment_count"]),
    }
    response = TemplateResponse(request, "admin/articles/article/preview.html", context)
    # A draft must not outlive the request in any cache (as REST's ?preview= answers).
    response["Cache-Control"] = NEVER_STORE
    response.headers.setdefault("X-Robots-Tag", "noindex")
    return response
