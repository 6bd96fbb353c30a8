"""Spam checks for reader comments, without outside services.

Each checker looks at a submission and may say why it is spam, or (a ``Hold``) why a
moderator should look at it first. COMMENTS_SPAM_CHECKERS lists the checkers in use by
dotted path, so an Akismet-style backend is one more class with a
``check(submission) -> str | None`` method. Spam is stored with status ``spam`` and held
comments as ``pending``, each with the reason; nothing is dropped. A checker that fails holds
the comment: a broken check never lets a comment through and never fails the request.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from articles.models import Article
from cms.sanitize import html_to_text

from . import reading

logger = logging.getLogger(__name__)


class Hold(str):
    """A reason to hold a comment for a moderator (``pending``) rather than call it spam."""

    __slots__ = ()


@dataclass(frozen=True)
class Submission:
    article: Article
    author_name: str
    author_email: str
    body: str
    honeypot: str = ""
    form_started_at: datetime | None = None
    body_html: str = ""  # the sanitised body: what is stored, shown and checked

    @cached_property
    def shown(self) -> reading.Reading:
        return reading.read(self.body_html)


class SpamChecker(Protocol):
    def check(self, submission: Submission) -> str | None:
        """A short reason when ``submission`` is spam (a ``Hold`` to hold it), else None."""


class HoneypotChecker:
    """A field humans never see (hidden by the front-end) and bots fill in."""

    def check(self, submission: Submission) -> str | None:
        return "honeypot filled" if submission.honeypot.strip() else None


class MinimumTimeChecker:
    """Written faster than COMMENTS_MIN_SECONDS after the form was shown. Without the form
    token there is no telling, so the comment is held for a moderator."""

    def check(self, submission: Submission) -> str | None:
        started = submission.form_started_at
        if started is None:
            return Hold("no form token")
        elapsed = (timezone.now() - started).total_seconds()
        return "submitted too fast" if elapsed < settings.COMMENTS_MIN_SECONDS else None


class DuplicateChecker:
    """The same text from the same address, or on the same article, within a day."""

    def check(self, submission: Submission) -> str | None:
        from comments.models import Comment

        since = timezone.now() - timedelta(days=1)
        digest = body_digest(submission.body_html)
        recent = Comment.objects.filter(created_at__gte=since, body_digest=digest)
        same_place = recent.filter(article=submission.article).exists()
        same_person = recent.filter(author_email__iexact=submission.author_email).exists()
        return "duplicate comment" if same_place or same_person else None


class LinkLimitChecker:
    """More links than COMMENTS_MAX_LINKS: every anchor and every address in the text
    counts, the same URL again included."""

    def check(self, submission: Submission) -> str | None:
        too_many = submission.shown.link_count > settings.COMMENTS_MAX_LINKS
        return "too many links" if too_many else None


class BlocklistChecker:
    """Words (COMMENTS_BLOCKED_WORDS) or domains and their subdomains
    (COMMENTS_BLOCKED_DOMAINS), matched as a reader and a browser read them. Text with
    direction controls (which show it in another order than it is stored) cannot be read
    reliably, so it is held for a moderator when nothing on the lists is found."""

    def check(self, submission: Submission) -> str | None:
        shown = submission.shown.text
        names = reading.plain_text_variants(submission.author_name)
        fields = (*names, *reading.plain_text_variants(submission.author_email), shown)
        forms = [form for field in fields for form in reading.match_forms(reading.fold(field))]
        for word in settings.COMMENTS_BLOCKED_WORDS:
            needle = reading.fold(word)
            if needle and any(needle in form for form in forms):
                return "blocked word"
        domains = [reading.host_of_domain(d) for d in settings.COMMENTS_BLOCKED_DOMAINS]
        hosts = set(submission.shown.hosts)
        hosts.add(reading.host_of_domain(submission.author_email.rpartition("@")[2]))
        for field in names:
            hosts.update(address.host for address in reading.addresses_in(field))
        if any(reading.host_matches(host, domains) for host in hosts):
            return "blocked domain"
        if any(reading.mentions_domain(text, domains) for text in (*names, shown)):
            return "blocked domain"
        raw = (submission.author_name, submission.author_email, submission.body_html)
        if any(reading.has_direction_controls(text) for text in raw):
            return Hold("direction controls")
        return None


def body_digest(body_html: str) -> str:
    """A fingerprint of a comment's text as shown, insensitive to case, spacing, markup,
    invisible characters and look-alike letters."""
    text = reading.fold(html_to_text(body_html))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """What the checks say: spam (a reason), held for a moderator (a reason), or neither."""

    spam: str = ""
    held: str = ""

    @property
    def reason(self) -> str:
        return self.spam or self.held


def judge(submission: Submission) -> Verdict:
    """Run COMMENTS_SPAM_CHECKERS in order until one says spam.

    A checker that raises (or cannot be loaded) holds the comment for moderation: it is
    logged with its traceback's frames but no message, as messages can quote the comment.
    """
    held = ""
    for path in settings.COMMENTS_SPAM_CHECKERS:
        try:
            reason = import_string(path)().check(submission)
        except Exception as error:
            logger.warning(
                "Spam checker %s failed (%s); the comment on article %s is held.\n%s",
                path,
                type(error).__name__,
                submission.article.pk,
                "".join(traceback.format_tb(error.__traceback__)).rstrip(),
            )
            held = held or f"check failed: {path.rpartition('.')[2]}"
            continue
        if isinstance(reason, Hold):
            held = held or str(reason)
        elif reason:
            return Verdict(spam=str(reason), held=held)
    return Verdict(held=held)
