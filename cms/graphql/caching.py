"""Which GraphQL answers caches may keep: an anonymous query's complete answer.

The view marks a request whose operation it executed as a query (:func:`mark_query`); once
answered, :func:`public_answer` makes the answer public (``Cache-Control``, an ETag, a 304
for a matching ``If-None-Match``) when nobody's credentials were in play, nothing marked it
unstorable (previews) and it holds no error. The response cache (``cms.responsecache``) and
CDNs keep only public answers, so a mutation, an error or a preview is never replayed.
"""

from __future__ import annotations

from typing import Final

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from cms.api.caching import is_fresh, make_etag, public_cache_control

_QUERY: Final = "_byline_executed_query"


def mark_query(request: HttpRequest) -> None:
    """The request's operation is a query, about to be executed."""
    setattr(request, _QUERY, True)


def _complete(response: HttpResponseBase) -> bool:
    if response.status_code != 200 or not isinstance(response, HttpResponse):
        return False
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:  # GraphiQL's page
        return False
    return isinstance(body, dict) and "errors" not in body and body.get("data") is not None


def public_answer(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """``response`` made public when it answers an anonymous query completely; else as it is.
    The caller has ruled out credentials and unpublished work."""
    if not getattr(request, _QUERY, False) or not _complete(response):
        return response
    assert isinstance(response, HttpResponse)  # noqa: S101 - _complete checked it
    etag = make_etag((response.content,))
    if is_fresh(request, etag):  # type: ignore[arg-type] # reads only the headers
        response = HttpResponse(status=304)
    response["ETag"] = etag
    response["Cache-Control"] = public_cache_control()
    # graphene's view hands every visitor a CSRF cookie (for GraphiQL's page): an answer any
    # cache may keep must set no cookie of anyone's, and CDNs do not keep one that does.
    response.cookies.pop(settings.CSRF_COOKIE_NAME, None)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False  # nor the CSRF middleware, on its way out
    return response
