"""Returning commenters: who may skip the moderation queue.

An email address is no proof of anything (anyone can type a known commenter's), so with
COMMENTS_AUTO_APPROVE_RETURNING on a comment goes live at once only when it comes with a
*commenter token*: signed by us, handed back with every submitted comment, and naming that
comment. Once a moderator approves the named comment, its token is the commenter's proof of
being that approved commenter. Even then the comment waits for a moderator when its name or
email differs from the approved comment's, it has any link, a check held it, or its name
looks like a staff author's ("Priya Nandakumar (Editor)").
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing

from articles.models import Author

from .models import Comment, CommentStatus
from .spam import reading

_SALT = "byline.comments.returning"
MAX_TOKEN_LENGTH = 200  # ours are about 60; anything longer is not worth verifying


def issue(comment: Comment) -> str:
    return signing.dumps({"c": comment.pk}, salt=_SALT)


def credential(token: str | None) -> Comment | None:
    """The approved comment ``token`` names, or None (absent, forged, expired, or a comment
    not, or no longer, approved). A bad token is no error: the comment just waits."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    max_age = settings.COMMENTS_RETURNING_TOKEN_DAYS * 24 * 3600
    try:
        data = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    comment_id = data.get("c") if isinstance(data, dict) else None
    if not isinstance(comment_id, int):
        return None
    return Comment.objects.filter(pk=comment_id, status=CommentStatus.APPROVED).first()


def _letters(name: str) -> str:
    """A name reduced to its letters and digits, folded: "P r i y a (Editor)" -> "priyaeditor"."""
    return "".join(char for char in reading.fold(name) if char.isalnum())


def looks_like_staff(name: str) -> bool:
    """``name`` contains an author's or a staff user's name, in any case, spacing, accents,
    look-alike letters or decoration. False positives cost only a wait in the queue."""
    mine = _letters(name)
    users = get_user_model().objects.filter(is_staff=True)
    staff = [*Author.objects.values_list("name", flat=True)]
    staff += [f"{first} {last}" for first, last in users.values_list("first_name", "last_name")]
    return any(len(key) >= 2 and key in mine for key in map(_letters, staff))


def may_skip_queue(
    *, token: str | None, author_name: str, author_email: str, link_count: int
) -> bool:
    """Whether a comment that no check held or called spam goes live at once."""
    if not settings.COMMENTS_AUTO_APPROVE_RETURNING or link_count:
        return False
    approved = credential(token)
    if approved is None:
        return False
    same_email = approved.author_email.strip().casefold() == author_email.strip().casefold()
    same_name = reading.fold(approved.author_name) == reading.fold(author_name)
    return same_email and same_name and not looks_like_staff(author_name)


def token_after(comment: Comment, sent: str | None) -> str:
    """The token to hand back: the one sent, while it still proves an approved comment and
    this one is not approved itself; otherwise one naming this comment."""
    if comment.status != CommentStatus.APPROVED and credential(sent) is not None:
        return str(sent)
    return issue(comment)
