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

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing

from articles.models import Author
from cms.roles import Role

from .models import Comment, CommentStatus
from .spam import reading

_SALT = "byline.comments.returning"
MAX_TOKEN_LENGTH = 200  # ours are about 60; anything longer is not worth verifying


def issue(comment: Comment) -> str:
    return signing.dumps({"c": comment.pk}, salt=_SALT)


def credential(token: str | None) -> Comment | None:
    """The approved comment ``token`` names, or None: absent, forged, expired, a comment not
    (or no longer) approved, or one whose commenter has lost the moderators' trust since.
    A bad token is no error: the comment just waits."""
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
    approved = Comment.objects.filter(pk=comment_id, status=CommentStatus.APPROVED).first()
    if approved is None or _trust_lost_since(approved):
        return None
    return approved


def _trust_lost_since(approved: Comment) -> bool:
    """Whether a later comment under the approved one's email is spam or removed. The token
    stays with whoever holds it, so moderating the holder's later comments has to reach it;
    someone else typing that email can at worst send the holder back to the queue."""
    return (
        Comment.objects.filter(
            author_email__iexact=approved.author_email.strip(),
            pk__gt=approved.pk,
            status__in=(CommentStatus.SPAM, CommentStatus.REMOVED),
        )
        .order_by()
        .exists()
    )


# Words that claim a role on the site rather than name a person, the editorial roles too.
ROLE_WORDS = frozenset(
    {"editor", "admin", "administrator", "moderator", "mod", "staff", "byline", "webmaster",
     "newsroom", "official"}
    | {role.name.lower() for role in Role}
)  # fmt: skip


def _words(name: str) -> list[str]:
    """A name's words, folded: "ᴘʀɪʏᴀ Nandakumar (Editor)" -> ["priya", "nandakumar", "editor"];
    spaced-out letters ("P r i y a") are read as one word."""
    folded = reading.fold(name)
    words = re.findall(r"[^\W_]+", folded)
    squeezed = reading.squeezed(folded)
    return [*words, *(w for w in re.findall(r"[^\W_]+", squeezed) if w not in words)]


def _letters(name: str) -> str:
    """A name reduced to its letters and digits, folded: "P r i y a (Editor)" -> "priyaeditor"."""
    return "".join(char for char in reading.fold(name) if char.isalnum())


def _staff_names() -> list[str]:
    users = get_user_model().objects.filter(is_staff=True)
    names = [*Author.objects.values_list("name", flat=True)]
    for username, first, last in users.values_list("username", "first_name", "last_name"):
        names += [f"{first} {last}", username]
    return names


def looks_like_staff(name: str) -> bool:
    """``name`` could pass for a staff author or user, or claims a role: it shares a word of
    three or more letters with a staff name or username ("Priya N.", "Nandakumar, Priya"),
    gives an initial and a staff surname either way round ("P. Nandakumar"), contains a
    whole staff name however written ("PriyaNandakumar"), or has a role word ("Admin").
    Case, accents, spacing and look-alike letters do not matter. False positives cost only a
    wait in the queue."""
    words = _words(name)
    if not words:
        return False
    if any(word in ROLE_WORDS or word.removesuffix("s") in ROLE_WORDS for word in words):
        return True
    mine = set(words)
    initials = {word for word in words if len(word) == 1}
    letters = _letters(name)
    for staff in _staff_names():
        theirs = _words(staff)
        if any(len(word) >= 3 and word in mine for word in theirs):
            return True
        for index, word in enumerate(theirs):
            others = theirs[:index] + theirs[index + 1 :]
            if word in mine and any(other[0] in initials for other in others):
                return True
        whole = _letters(staff)
        if len(whole) >= 4 and whole in letters:
            return True
    return False


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
    this one is not approved itself (a held or pending comment must not cost the reader
    their credential); otherwise one naming this comment."""
    if comment.status != CommentStatus.APPROVED and credential(sent) is not None:
        return str(sent)
    return issue(comment)
