"""The response cache: anonymous API reads answered from the shared cache, without SQL.

A middleware, so that REST and GraphQL share one cache and one set of rules, and a hit skips
everything behind it (sessions, authentication, DRF, graphene): a warm hit is two cache
round trips (the entry, then its tags' versions) and no query.

* Only requests without credentials are served from it or stored in it: no
  ``Authorization`` header and no session cookie (the only cookie an answer depends on).
  Only GETs (and GraphQL POSTs, whose body is part of the key) to RESPONSE_CACHE_PATHS.
* Only answers that say so are stored: a 200 whose ``Cache-Control`` is ``public`` (REST
  reads mark anonymous answers so, ``cms.graphql.caching`` a GraphQL query's) and names
  neither ``private`` nor ``no-store`` (previews, unpublished work, writes), setting no
  cookie, and naming at least one cache tag (an answer that records none could not be
  invalidated, so is never kept).
* The key is the method, path, normalised query string, the ``Accept*`` headers and, for a
  GraphQL POST, a digest of its document, variables, operation name and extensions. Other
  headers an answer varies on are stored with it and compared on a hit.
* An entry is served while its tags' versions still hold (``cms.cachetags``) and for at most
  RESPONSE_CACHE_SECONDS, the lag counters (views, comments) and scheduled publications may
  have. A hit answers ``If-None-Match`` with a 304.
* Every cacheable answer carries ``Surrogate-Key`` (space-separated) and ``Cache-Tag``
  (comma-separated) headers naming its tags, for a CDN to purge by (``cms.cdn``).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode

import orjson
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import cc_delim_re
from django.utils.http import parse_etags

from cms import cachetags

KEY_PREFIX: Final = "resp:"
# Always part of the key: the request headers answers commonly vary on (cheaper than learning
# each answer's Vary first, as Django's cache middleware does, at a round trip per hit).
KEYED_HEADERS: Final = ("Accept", "Accept-Encoding", "Accept-Language")
# Varied on by every API answer, and absent from every request served here (see above).
_CREDENTIAL_HEADERS: Final = frozenset({"authorization", "cookie"})
# Response headers never replayed: the outer middleware add their own per request.
_NOT_STORED: Final = frozenset({"x-request-id", "set-cookie"})


@dataclass(frozen=True)
class Entry:
    """One stored answer (pickled into the cache)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    versions: dict[str, str]
    # Request headers the answer varies on beyond the key, with the values it was built for.
    varied: tuple[tuple[str, str], ...]
    expires: float  # time.time() past which it is not served, whatever the cache backend does


def enabled() -> bool:
    return int(settings.RESPONSE_CACHE_SECONDS) > 0


def _anonymous(request: HttpRequest) -> bool:
    return (
        "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _is_graphql(request: HttpRequest) -> bool:
    return request.path == settings.RESPONSE_CACHE_GRAPHQL_PATH


def eligible(request: HttpRequest) -> bool:
    """May this request be answered from (and its answer kept in) the cache?"""
    if not _anonymous(request):
        return False
    if request.method == "POST":
        return _is_graphql(request)
    if request.method != "GET":
        return False
    return request.path.startswith(tuple(settings.RESPONSE_CACHE_PATHS))


def _graphql_body(request: HttpRequest) -> list[Any] | None:
    """What identifies a GraphQL POST's operation: its document (by digest), variables,
    operation name and extensions; None when the body is not one we can key on (too large,
    not a JSON object): that request simply goes uncached."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > settings.GRAPHQL_MAX_BODY_BYTES:
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return None
    content_type = request.content_type or ""
    if content_type == "application/graphql":
        return [hashlib.sha256(body).hexdigest(), None, None, None]
    if content_type != "application/json":
        return None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    query = data.get("query")
    document = hashlib.sha256(query.encode()).hexdigest() if isinstance(query, str) else None
    return [document, data.get("variables"), data.get("operationName"), data.get("extensions")]


def request_key(request: HttpRequest) -> str | None:
    """The cache key of an eligible request, or None when it cannot have one."""
    query = urlencode(sorted(parse_qsl(request.META.get("QUERY_STRING", ""), True)))
    parts: list[Any] = [
        request.method,
        request.path,
        query,
        [request.META.get("HTTP_" + h.upper().replace("-", "_"), "") for h in KEYED_HEADERS],
    ]
    if request.method == "POST":
        body = _graphql_body(request)
        if body is None:
            return None
        parts.append(body)
    try:
        encoded = orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # a value orjson does not write (an integer past 64 bits)
        return None
    return KEY_PREFIX + hashlib.blake2b(encoded, digest_size=20).hexdigest()


def _cache_control(response: HttpResponseBase) -> set[str]:
    return {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
        if part.strip()
    }


def cacheable(response: HttpResponseBase) -> bool:
    """Does the answer say any shared cache may keep it?"""
    directives = _cache_control(response)
    return (
        response.status_code == 200
        and "public" in directives
        and not directives & {"private", "no-store", "no-cache"}
        and not response.cookies
        and not response.streaming
        and "Set-Cookie" not in response
    )


def _varied_headers(response: HttpResponseBase) -> list[str]:
    names = [v.strip() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()]
    keyed = {h.lower() for h in KEYED_HEADERS}
    return [n for n in names if n.lower() not in keyed and n.lower() not in _CREDENTIAL_HEADERS]


def _header_value(request: HttpRequest, name: str) -> str:
    return request.headers.get(name, "")


def surrogate_headers(response: HttpResponseBase, tags: set[str]) -> None:
    ordered = sorted(tags)
    response["Surrogate-Key"] = " ".join(ordered)
    response["Cache-Tag"] = ",".join(ordered)


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header or not etag:
        return False
    wanted = {tag.removeprefix("W/") for tag in parse_etags(header)}
    return "*" in wanted or etag.removeprefix("W/") in wanted


def _replay(request: HttpRequest, entry: Entry) -> HttpResponse:
    headers = dict(entry.headers)
    etag = headers.get("ETag", "")
    if _matches(request, etag):
        response = HttpResponse(status=304)
        for name in ("ETag", "Cache-Control", "Vary", "Surrogate-Key", "Cache-Tag"):
            if name in headers:
                response[name] = headers[name]
        return response
    response = HttpResponse(entry.content, status=entry.status)
    for name, value in entry.headers:
        response[name] = value
    return response


class _Recent:
    """This process's copy of the entries it served last, so that a hit costs one round trip
    to the shared cache (its tags' versions) rather than two, and no unpickling of the body.
    Safe because a copy is served only while the shared versions still hold, and never past
    its own expiry; a worker never keeps more than LOCAL_ENTRIES of them."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        if len(entry.content) > LOCAL_MAX_BYTES:
            return
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def drop(self, key: str) -> None:
        with self.lock:
            self.entries.pop(key, None)


LOCAL_ENTRIES: Final = 256
LOCAL_MAX_BYTES: Final = 256 * 1024  # at most 64 MiB a worker
_recent = _Recent(LOCAL_ENTRIES)


def _servable(request: HttpRequest, entry: Entry) -> bool:
    if entry.expires <= time.time():
        return False
    if any(_header_value(request, name) != value for name, value in entry.varied):
        return False  # built for another variant: rebuilt and stored in its place
    return cachetags.still_current(entry.versions)


def _lookup(request: HttpRequest, key: str) -> Entry | None:
    entry = _recent.get(key)
    if entry is not None:
        if _servable(request, entry):
            return entry
        _recent.drop(key)  # the shared cache may hold a newer one
    entry = cache.get(key)
    if entry is None or not _servable(request, entry):
        return None
    _recent.put(key, entry)
    return entry


def _store(
    request: HttpRequest, key: str, response: HttpResponseBase, tags: set[str], started: int
) -> None:
    """Keep the answer if the tags' versions were all made before it was built."""
    versions = cachetags.versions(tags)
    if not cachetags.settled_before(versions, started):
        return  # something it names changed while it was built (or was never seen before)
    seconds = int(settings.RESPONSE_CACHE_SECONDS)
    assert isinstance(response, HttpResponse)  # noqa: S101 - cacheable() refused streaming
    entry = Entry(
        status=response.status_code,
        headers=tuple(
            (name, value) for name, value in response.items() if name.lower() not in _NOT_STORED
        ),
        content=response.content,
        versions=versions,
        varied=tuple((n, _header_value(request, n)) for n in _varied_headers(response)),
        expires=time.time() + seconds,
    )
    cache.set(key, entry, timeout=seconds)
    _recent.put(key, entry)


class ResponseCacheMiddleware:
    """Serve and keep anonymous API reads (see the module's note). Sits after the CORS
    middleware (which adds its headers to hits too) and before sessions and authentication,
    which a hit never needs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not eligible(request):
            return self.get_response(request)
        key = request_key(request) if enabled() else None
        if key is not None:
            entry = _lookup(request, key)
            if entry is not None:
                return _replay(request, entry)
        started = time.time_ns()
        with cachetags.collecting() as tags:
            response = self.get_response(request)
        if not tags or not cacheable(response):
            return response
        surrogate_headers(response, tags)
        if key is not None:
            _store(request, key, response, tags, started)
        return response
