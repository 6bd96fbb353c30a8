"""Spam checks for reader comments, without outside services.

Each checker looks at a submission and may say why it is spam. COMMENTS_SPAM_CHECKERS lists
the checkers in use by dotted path, so an Akismet-style backend is one more class with a
``check(submission) -> str | None`` method. Spam is stored with status ``spam``, never dropped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from articles.models import Article


@dataclass(frozen=True)
class Submission:
    article: Article
    author_name: str
    author_email: str
    body: str
    honeypot: str = ""
    form_started_at: datetime | None = None


class SpamChecker(Protocol):
    def check(self, submission: Submission) -> str | None:
        """A short reason when ``submission`` is spam, else None."""


class HoneypotChecker:
    """A field humans never see (hidden by the front-end) and bots fill in."""

    def check(self, submission: Submission) -> str | None:
        return "honeypot filled" if submission.honeypot.strip() else None


class MinimumTimeChecker:
    """Written faster than COMMENTS_MIN_SECONDS after the form was shown."""

    def check(self, submission: Submission) -> str | None:
        started = submission.form_started_at
        if started is None:
            return None
        elapsed = (timezone.now() - started).total_seconds()
        return "submitted too fast" if elapsed < settings.COMMENTS_MIN_SECONDS else None


class DuplicateChecker:
    """The same text from the same address, or on the same article, within a day."""

    def check(self, submission: Submission) -> str | None:
        from comments.models import Comment

        since = timezone.now() - timedelta(days=1)
        digest = body_digest(submission.body)
        recent = Comment.objects.filter(created_at__gte=since, body_digest=digest)
        same_place = recent.filter(article=submission.article).exists()
        same_person = recent.filter(author_email__iexact=submission.author_email).exists()
        return "duplicate comment" if same_place or same_person else None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(v or "" for k, v in attrs if k == "href")


def links_in(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def urls_in(html: str) -> set[str]:
    """Every URL a comment mentions: link targets and addresses written out in the text."""
    from cms.sanitize import html_to_text

    urls = set(links_in(html))
    for token in html_to_text(html).split():
        if token.lower().startswith(("http://", "https://", "www.")):
            urls.add(token.rstrip(".,;:!?)"))
    return urls


class LinkLimitChecker:
    """More links than COMMENTS_MAX_LINKS."""

    def check(self, submission: Submission) -> str | None:
        return (
            "too many links"
            if len(urls_in(submission.body)) > settings.COMMENTS_MAX_LINKS
            else None
        )


class BlocklistChecker:
    """Words (COMMENTS_BLOCKED_WORDS) or link domains (COMMENTS_BLOCKED_DOMAINS) on the list."""

    def check(self, submission: Submission) -> str | None:
        text = f"{submission.author_name} {submission.author_email} {submission.body}".lower()
        for word in settings.COMMENTS_BLOCKED_WORDS:
            if word.lower() in text:
                return "blocked word"
        domains = {d.lower().lstrip(".") for d in settings.COMMENTS_BLOCKED_DOMAINS}
        hosts = {urlsplit(href).hostname or "" for href in links_in(submission.body)}
        hosts.add(submission.author_email.rpartition("@")[2].lower())
        for host in hosts:
            if any(host == d or host.endswith("." + d) for d in domains):
                return "blocked domain"
        return None


def body_digest(body: str) -> str:
    """A fingerprint of a comment's text, insensitive to case and spacing."""
    return hashlib.sha256(" ".join(body.lower().split()).encode()).hexdigest()


def spam_reason(submission: Submission) -> str | None:
    for path in settings.COMMENTS_SPAM_CHECKERS:
        reason = import_string(path)().check(submission)
        if reason:
            return str(reason)
    return None
