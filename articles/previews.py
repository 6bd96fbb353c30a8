"""Draft previews for headless front-ends: a signed token bound to one article that expires.

The admin's Preview button sends the editor to the front-end with a token; the front-end
reads the current draft with it (REST ``?preview=``, GraphQL ``previewToken``). The token
reveals nothing else and works for no other article.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core import signing

from .models import Article

_SALT = "byline.articles.preview"


def issue(article: Article) -> str:
    return signing.dumps({"a": article.pk}, salt=_SALT, compress=True)


def previewed(token: str, slug: str) -> Article | None:
    """The article ``token`` was issued for, if it is the one called ``slug`` and the token
    is genuine and younger than PREVIEW_TOKEN_MAX_AGE seconds."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.PREVIEW_TOKEN_MAX_AGE)
    except signing.BadSignature:  # also raised for expired tokens
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    return Article.objects.filter(pk=data["a"], slug=slug).first()


def preview_url(article: Article) -> str:
    return settings.FRONTEND_PREVIEW_URL.format(
        slug=quote(article.slug), token=quote(issue(article)), id=article.pk
    )
