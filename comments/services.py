"""Writes to comments, keeping ``Article.comment_count`` equal to the approved comments.

The count is recomputed under the article's row lock in the same transaction as the change,
rather than nudged up and down: concurrent moderations of one article queue on that lock,
and a cascade (deleting a thread) cannot leave it wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.cachetags import article_tag
from articles.models import Article
from cms import audit, cachetags, ratelimit
from cms.access import Action, require
from cms.actors import Actor
from cms.errors import NotFound, ValidationFailed
from cms.privacy import hash_ip
from cms.sanitize import html_to_text, sanitize_comment_html
from cms.text import is_storable

from . import form_tokens, returning, spam
from .models import MAX_DEPTH, Comment, CommentStatus
from .spam import reading

MAX_BODY_LENGTH = 5000
MAX_NAME_LENGTH: int = Comment._meta.get_field("author_name").max_length  # type: ignore[assignment]
NOT_A_PARENT = "Reply to an approved comment on this article."
TOO_LONG = f"Keep it under {MAX_BODY_LENGTH} characters."


def comment_create(
    *,
    article: Article,
    author_name: str,
    author_email: str,
    body: str,
    parent: Comment | None = None,
    ip_address: str | None = None,
    actor: Actor | None = None,
    status: CommentStatus = CommentStatus.PENDING,
) -> Comment:
    """Store a comment (pending unless ``status`` says otherwise).

    Checks the rules every comment obeys: a live article that accepts comments, a parent on
    the same article within the depth limit, a name, a valid email and a body of sensible
    length. Reader-facing defences (rate limits, spam checks) sit in front of this.
    """
    actor = actor or Actor.anonymous()
    require(actor, Action.ADD, Comment)
    if status != CommentStatus.PENDING:
        require(actor, Action.MODERATE, Comment)  # skipping the queue is a moderation act
    return _store(
        article=article,
        author_name=author_name,
        author_email=author_email,
        body=body,
        parent=parent,
        ip_address=ip_address,
        actor=actor,
        status=status,
    )


@dataclass(frozen=True)
class Submitted:
    """A stored submission, and the commenter token to hand back (``comments.returning``)."""

    comment: Comment
    commenter_token: str

    @property
    def status(self) -> str:
        """The status told to the submitter: ``approved`` or ``pending``. Spam is reported as
        pending, so a spammer cannot test variants until one passes; moderators see it."""
        approved = self.comment.status == CommentStatus.APPROVED
        return CommentStatus.APPROVED if approved else CommentStatus.PENDING


def comment_submit(
    *,
    article: Article,
    author_name: str,
    author_email: str,
    body: str,
    parent_id: int | None = None,
    ip_address: str,
    actor: Actor,
    honeypot: str = "",
    form_token: str | None = None,
    commenter_token: str | None = None,
) -> Submitted:
    """A reader's comment, from REST or GraphQL: rate-limited per address and per email,
    checked for spam (stored as ``spam``, never dropped), held as ``pending`` for a
    moderator unless ``comments.returning`` lets it skip the queue.

    ``parent_id`` names the comment replied to (0 or a foreign id is refused);
    ``form_token`` is the one handed out with the thread (``comments.form_tokens``);
    ``commenter_token`` the one handed back with an earlier comment."""
    # Limits first: every attempt counts, so probing (for instance which comment ids exist
    # under a thread) is as slow as commenting.
    ratelimit.hit(
        "comments:ip", ratelimit.network_of(ip_address), settings.COMMENTS_RATE_LIMITS_PER_IP
    )
    _refuse_unreadable_text(
        author_name=author_name,
        author_email=author_email,
        body=body,
        website=honeypot,
        form_token=form_token,
        commenter_token=commenter_token,
    )
    email = (author_email or "").strip().lower()
    if email:
        ratelimit.hit("comments:email", email, settings.COMMENTS_RATE_LIMITS_PER_EMAIL)
    parent = None
    if parent_id is not None:
        # Pending, spam and removed comments answer exactly as missing ones do.
        parent = Comment.objects.approved().filter(pk=parent_id, article=article).first()
        if parent is None:
            raise ValidationFailed({"parent_id": [NOT_A_PARENT]})
    if len(body or "") > MAX_BODY_LENGTH:
        # Before any parsing: an HTML parser's time on hostile input ("<a" * 300000) grows
        # with the square of its length.
        raise ValidationFailed({"body": [TOO_LONG]})
    form_started_at = form_tokens.started_at(form_token, article.pk) if form_token else None
    require(actor, Action.ADD, Comment)
    body_html = sanitize_comment_html(body)
    submission = spam.Submission(
        article=article,
        author_name=author_name or "",
        author_email=email,
        body=body or "",
        honeypot=honeypot or "",
        form_started_at=form_started_at,
        body_html=body_html,
    )
    verdict = spam.judge(submission)
    status = CommentStatus.SPAM if verdict.spam else CommentStatus.PENDING
    if not verdict.reason and _skips_queue(submission, commenter_token):
        status = CommentStatus.APPROVED
    comment = _store(
        article=article,
        author_name=author_name,
        author_email=author_email,
        body=body,
        parent=parent,
        ip_address=ip_address,
        actor=actor,
        status=status,
        spam_reason=verdict.reason,
        body_html=body_html,
    )
    return Submitted(
        comment=comment, commenter_token=returning.token_after(comment, commenter_token)
    )


def _skips_queue(submission: spam.Submission, commenter_token: str | None) -> bool:
    try:
        links = submission.shown.link_count
    except Exception:  # unreadable to the spam checks: they have held it already
        return False
    return returning.may_skip_queue(
        token=commenter_token,
        author_name=submission.author_name,
        author_email=submission.author_email,
        link_count=links,
    )


def _refuse_unreadable_text(**fields: str | None) -> None:
    """NUL characters and lone surrogates (JSON can escape one, "\\ud800") are no text:
    the database, the sanitiser and the spam checks each refuse them in their own way."""
    errors = {
        name: ["Contains a NUL character or a lone surrogate, which is not text."]
        for name, value in fields.items()
        if not is_storable(value or "")
    }
    if errors:
        raise ValidationFailed(errors)


def _shows_nothing(text: str) -> bool:
    """Nothing a reader would see: empty, or only spaces and invisible characters."""
    return not reading.visible(text).strip()


def _store(
    *,
    article: Article,
    author_name: str,
    author_email: str,
    body: str,
    parent: Comment | None,
    ip_address: str | None,
    actor: Actor,
    status: CommentStatus,
    spam_reason: str = "",
    body_html: str | None = None,
) -> Comment:
    """Validate and save; the rules every comment obeys, whoever decided its status.
    ``body_html``: ``body`` already sanitised, when the caller has done it."""
    _refuse_unreadable_text(author_name=author_name, author_email=author_email, body=body)
    errors: dict[str, list[str]] = {}
    if not article.is_live:
        raise NotFound("No published article has that address.", field="article")
    if not article.comments_enabled:
        errors.setdefault("article", []).append("Comments are closed on this article.")
    name = " ".join((author_name or "").split())
    if _shows_nothing(name):
        errors.setdefault("author_name", []).append("Give a name.")
    elif len(name) > MAX_NAME_LENGTH:
        errors.setdefault("author_name", []).append(
            f"The name is too long ({MAX_NAME_LENGTH} characters)."
        )
    try:
        validate_email(author_email)
    except ValidationError:
        errors.setdefault("author_email", []).append("Give a valid email address.")
    # Length first: the sanitiser's cost grows with nesting, and a short body cannot nest far.
    html = ""
    if len(body or "") > MAX_BODY_LENGTH:
        errors.setdefault("body", []).append(TOO_LONG)
    else:
        html = sanitize_comment_html(body) if body_html is None else body_html
        if _shows_nothing(html_to_text(html)):
            errors.setdefault("body", []).append("The comment is empty.")
    depth = 0
    if parent is not None:
        # approved() also hides replies under a hidden comment, which the row alone cannot tell.
        in_thread = Comment.objects.approved().filter(pk=parent.pk, article=article).exists()
        if not in_thread:
            errors.setdefault("parent_id", []).append(NOT_A_PARENT)
        elif parent.depth >= MAX_DEPTH:
            errors.setdefault("parent_id", []).append("This thread cannot be nested any deeper.")
        depth = parent.depth + 1
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if status == CommentStatus.APPROVED:
            _lock_articles([article.pk])
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            depth=depth,
            author_name=name,
            author_email=author_email.strip(),
            user=actor.user,
            body_html=html,
            body_digest=spam.body_digest(html),
            status=status,
            spam_reason=spam_reason[:60],
            ip_hash=hash_ip(ip_address),
        )
        # Who posted it: "anonymous" for readers, the user or token otherwise (a closed API's
        # front-end posts through its token). No email or address goes into the log.
        audit.record(actor, "comment.create", comment, description=_described(comment))
        if status == CommentStatus.APPROVED:
            recount_comments([article.pk])
    return comment


def comment_moderate(*, comment: Comment, actor: Actor, status: CommentStatus) -> Comment:
    """Move a comment to ``status`` (approved, spam, removed, or back to pending)."""
    with transaction.atomic():
        _lock_articles([comment.article_id])
        current = Comment.objects.select_for_update().filter(pk=comment.pk).first()
        if current is None:  # deleted, or its article moved to the trash, since it was read
            raise NotFound("No comment you can see has this id.", field="id")
        require(actor, Action.MODERATE, current)
        if current.status != status:
            current.status = status
            current.moderated_by = actor.user
            current.moderated_at = timezone.now()
            current.save(update_fields=["status", "moderated_by", "moderated_at"])
            audit.record(actor, f"comment.{status}", current, description=_described(current))
            recount_comments([current.article_id])
    for name in ("status", "moderated_by", "moderated_at"):
        setattr(comment, name, getattr(current, name))
    return comment


def comment_delete(*, comment: Comment, actor: Actor) -> None:
    """Delete a comment and its replies."""
    with transaction.atomic():
        _lock_articles([comment.article_id])
        current = Comment.objects.filter(pk=comment.pk).first()
        if current is None:
            return
        require(actor, Action.DELETE, current)
        audit.record(actor, "comment.delete", current, description=_described(current))
        current.delete()
        recount_comments([comment.article_id])


def _described(comment: Comment) -> str:
    """A comment in the audit log: not by its author's name, which a reader may ask to erase."""
    return f"comment {comment.pk} on {comment.article}"


def recount_comments(article_ids: Iterable[int]) -> None:
    """Set each article's ``comment_count`` to its number of approved comments, and
    invalidate (on commit) the cached answers showing them: every change to which comments
    are approved comes through here."""
    article_ids = list(article_ids)
    cachetags.invalidate(article_tag(pk) for pk in article_ids)
    approved = (
        Comment.objects.approved()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Article.objects.filter(pk__in=article_ids).update(
        comment_count=Coalesce(Subquery(approved), Value(0))
    )


def _lock_articles(article_ids: Iterable[int]) -> None:
    # Ordered, so two transactions locking the same articles cannot deadlock.
    ids = sorted(set(article_ids))
    list(Article.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
