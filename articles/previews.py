"""Draft previews for headless front-ends: a signed token bound to one article that expires.

Where ``FRONTEND_PREVIEW_URL`` is set, the admin's *Preview on the site* link sends the
editor to the front-end with a token (the admin's own preview page needs none); the front-end
reads the current draft with it (REST ``?preview=``, GraphQL ``previewToken``). The token
reveals nothing else and works for no other article. It carries the right of the person it
was issued to: it stops working as soon as they may no longer preview the article.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing

from cms.access import Action, can, require
from cms.actors import Actor
from cms.roles import is_active_staff

from .models import Article

_SALT = "byline.articles.preview"


def issue(article: Article, user: Any) -> str:
    """A preview token for ``article`` on behalf of ``user``, who must be allowed to preview
    it (the policy's ``Action.PREVIEW``)."""
    require(Actor.for_user(user), Action.PREVIEW, article)
    return signing.dumps({"a": article.pk, "u": user.pk}, salt=_SALT, compress=True)


def previewed(token: str, slug: str) -> Article | None:
    """The article ``token`` was issued for, if it is the one called ``slug``, the token is
    genuine and younger than PREVIEW_TOKEN_MAX_AGE seconds, and the person it was issued to
    may still preview the article (an unpublished draft stays theirs to show, not anyone's
    who once saw it live) and is still active staff."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.PREVIEW_TOKEN_MAX_AGE)
    except signing.BadSignature:  # also raised for expired tokens
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "au"):
        return None
    article = Article.objects.filter(pk=data["a"], slug=slug).first()
    issuer = get_user_model().objects.filter(pk=data["u"]).first()
    if (
        article is None
        or not is_active_staff(issuer)
        or not can(Actor.for_user(issuer), Action.PREVIEW, article)
    ):
        return None
    return article


def preview_url(article: Article, user: Any) -> str:
    """The front-end preview address for ``article`` (``FRONTEND_PREVIEW_URL``, which the
    caller has checked is set) with a token issued to ``user``."""
    return settings.FRONTEND_PREVIEW_URL.format(
        slug=quote(article.slug), token=quote(issue(article, user)), id=article.pk
    )
