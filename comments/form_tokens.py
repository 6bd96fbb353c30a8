"""Comment form tokens: a signed note of when a reader was shown the comment form.

Front-ends fetch one with the comments and send it back with the comment; a comment sent
sooner than COMMENTS_MIN_SECONDS after the form was shown is treated as spam.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.core import signing

from cms.errors import ValidationFailed

_SALT = "byline.comments.form"
MAX_AGE = 24 * 3600


def issue(article_id: int) -> str:
    return signing.dumps({"a": article_id, "t": int(time.time())}, salt=_SALT)


def started_at(token: str, article_id: int) -> datetime:
    """When the form behind ``token`` was shown; ValidationFailed if it is not ours, is for
    another article, or is older than a day."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("a") != article_id:
        raise ValidationFailed({"form_token": ["Reload the page and try again."]})
    return datetime.fromtimestamp(int(data["t"]), tz=UTC)
