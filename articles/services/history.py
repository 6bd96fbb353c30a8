"""What every write to an article leaves behind.

Each service that changes an article calls :func:`article_saved` once, inside its
transaction, after the article's bylines and tags are saved, so whatever is recorded of the
change sees the article as it now stands, whichever adapter made it.
"""

from __future__ import annotations

from collections.abc import Iterable

from cms import audit
from cms.actors import Actor

from ..models import Article


def article_saved(
    *, actor: Actor, action: str, article: Article, description: str | None = None
) -> None:
    """Record that ``actor`` did ``action`` (e.g. "article.update") to ``article``."""
    audit.record(actor, action, article, description=description)


def articles_saved(*, actor: Actor, action: str, entries: Iterable[tuple[Article, str]]) -> None:
    """Record ``action`` on several articles at once, each with its description."""
    audit.record_many(actor, action, entries)
