"""HTTP caching for API reads: ETag, If-None-Match and Cache-Control.

Views compute an ETag from the rows they loaded (every value the response is built from,
related names included) *before* serialising, so a matching ``If-None-Match`` is answered
with a 304 without building or rendering the body, and any change to the content, its
counters or the authors, sections and tags it names gives a new ETag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, Final

import orjson
from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from rest_framework.request import Request
from rest_framework.response import Response


def digest(parts: Iterable[Any]) -> str:
    """A hex digest of the rows a response is built from."""
    # orjson: this runs on every read.
    data = orjson.dumps(tuple(parts), option=orjson.OPT_NON_STR_KEYS, default=str)
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def make_etag(parts: Iterable[Any]) -> str:
    return f'W/"{digest(parts)}"'


def is_fresh(request: Request, etag: str) -> bool:
    """Does the client's If-None-Match already name this ETag (weak comparison)?"""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    wanted = {tag.removeprefix("W/") for tag in parse_etags(header)}
    return "*" in wanted or etag.removeprefix("W/") in wanted


def shared_max_age() -> int:
    """How long browsers and shared caches (a CDN) may keep an anonymous answer:
    API_CACHE_MAX_AGE, but never longer than the response cache keeps one
    (RESPONSE_CACHE_SECONDS, when on), which is the lag counters and scheduled publications
    are promised. A CDN purged by surrogate key learns of every other change at once."""
    seconds = int(settings.RESPONSE_CACHE_SECONDS)
    max_age = int(settings.API_CACHE_MAX_AGE)
    return min(max_age, seconds) if seconds > 0 else max_age


def public_cache_control() -> str:
    """Cache-Control for an answer any cache may keep."""
    return (
        f"public, max-age={shared_max_age()}, "
        f"stale-while-revalidate={settings.API_CACHE_STALE_WHILE_REVALIDATE}"
    )


def cache_control(request: Request) -> str:
    """Public and shared-cacheable for anonymous readers; private once credentials are in play."""
    if request.user is not None and request.user.is_authenticated:
        return "private, max-age=0, must-revalidate"
    return public_cache_control()


# For what no cache may keep: unpublished work, writes and answers to one reader.
NEVER_STORE: Final = "private, no-store"


def conditional(
    request: Request, etag: str, build: Callable[[], Response], *, stored: bool = True
) -> Response:
    """The one way a read answers: a 304 when ``If-None-Match`` names ``etag`` (``build`` is
    not called), else ``build()``'s response; either way with the ETag and ``Cache-Control``
    (public for anonymous readers, private once credentials are in play, and never stored
    when ``stored`` is false)."""
    response = Response(status=304) if is_fresh(request, etag) else build()
    response["ETag"] = etag
    response["Cache-Control"] = cache_control(request) if stored else NEVER_STORE
    patch_vary_headers(response, ("Authorization", "Cookie"))
    return response
