"""Persisted queries: Apollo's automatic persisted-query protocol (APQ), and an allow-list.

A client sends ``extensions: {persistedQuery: {version: 1, sha256Hash}}`` instead of the
document. If the server knows the hash it runs that document; if not it answers
``PersistedQueryNotFound`` and the client sends the document with its hash once, which the
server checks (the hash must be the document's SHA-256) and keeps in the shared cache. Queries
by hash may come by GET, so their answers are keyed by their URL alone and can be cached by a
CDN (``cms.graphql.caching.public_answer``) like REST's reads. (https://www.apollographql.com/docs/apollo-server/
performance/apq: the messages and codes are Apollo Server's, which Apollo Client's
persisted-query link matches.)

``GRAPHQL_PERSISTED_QUERIES`` chooses the mode:

* ``auto``: the protocol above; documents sent whole still run.
* ``allowlist``: only the documents in ``GRAPHQL_PERSISTED_QUERIES_FILE`` (the manifest
  Apollo's ``generate-persisted-query-manifest`` writes) run, named by hash or sent whole;
  anything else is refused before it is parsed, and clients cannot add to the list. The rule
  is the same for every caller, tokens and signed-in sessions included: the list is what the
  production front-ends send, and an integration that uses GraphQL lists its documents too.
* ``off``: a hash is answered ``PersistedQueryNotSupported`` (the link then sends documents
  whole, and stops hashing).

In ``auto`` the manifest, when one is configured, is known from the start, so its documents
answer by hash before any client has registered them.

Hand-written: graphene-django has no persisted-query support, and the protocol is a few rules
around the view's own document handling.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import orjson
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from cms.errors import BadRequest
from cms.graphql import codes

AUTO: Final = "auto"
ALLOWLIST: Final = "allowlist"
OFF: Final = "off"
MODES: Final = (AUTO, ALLOWLIST, OFF)

VERSION: Final = 1
MANIFEST_FORMAT: Final = "apollo-persisted-query-manifest"
_HASH = re.compile(r"[0-9a-f]{64}")
_CACHE_PREFIX: Final = "graphql:persisted:"

HASH_FIELD: Final = "extensions.persistedQuery.sha256Hash"
VERSION_FIELD: Final = "extensions.persistedQuery.version"


class Refused(Exception):
    """Answer the request with this one top-level error, at ``status``, never stored."""

    def __init__(self, message: str, code: str, status: int, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.field = field


def _not_found() -> Refused:
    # 200, as Apollo Server answers it: the link retries with the document on this code.
    return Refused("PersistedQueryNotFound", codes.PERSISTED_QUERY_NOT_FOUND, 200)


def _not_supported() -> Refused:
    return Refused("PersistedQueryNotSupported", codes.PERSISTED_QUERY_NOT_SUPPORTED, 200)


def _not_allowed() -> Refused:
    return Refused(
        "Only the documents in this server's allow-list run (GRAPHQL_PERSISTED_QUERIES is "
        "allowlist), and this one is not in it.",
        codes.PERSISTED_QUERY_NOT_ALLOWED,
        403,
    )


def _bad(message: str, field: str) -> Refused:
    return Refused(message, BadRequest.code.upper(), BadRequest.status, field)


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8", "surrogatepass")).hexdigest()


def _extensions(request: HttpRequest, data: Mapping[str, Any]) -> Any:
    """The request's ``extensions``: a GET's is URL-encoded JSON, a POST's part of the body
    (read where graphene-django reads ``query`` and ``variables``)."""
    raw = request.GET.get("extensions")
    if raw is None:
        return data.get("extensions")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise _bad(f"`extensions` is not valid JSON: {error}.", "extensions") from None


def requested_hash(request: HttpRequest, data: Mapping[str, Any]) -> str | None:
    """The hash of ``extensions.persistedQuery``, checked, or None when there is none."""
    extensions = _extensions(request, data)
    if extensions is None:
        return None
    if not isinstance(extensions, dict):
        raise _bad("`extensions` must be a JSON object.", "extensions")
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict):
        raise _bad(
            "`extensions.persistedQuery` must be an object: {version: 1, sha256Hash}.",
            "extensions.persistedQuery",
        )
    version = persisted.get("version")
    if type(version) is not int or version != VERSION:
        raise _bad(
            f"Unsupported persisted query version {version!r}: only version {VERSION} is.",
            VERSION_FIELD,
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _HASH.fullmatch(digest.lower()):
        raise _bad("`sha256Hash` must be 64 hexadecimal digits (a SHA-256).", HASH_FIELD)
    return digest.lower()


def resolve(
    request: HttpRequest,
    data: Mapping[str, Any],
    query: Any,
    *,
    acceptable: Callable[[str], bool],
) -> Any:
    """The document to run for this request: ``query`` itself, or the one its hash names.

    Raises ``Refused`` for the protocol's answers (not found, not supported, not allowed, a
    hash that is not the document's). ``query`` is returned unchanged where the view judges it
    (absent, or not a string). A document sent with its hash is kept only if ``acceptable``
    (it parses, fits the schema and every limit) and no larger than an anonymous body may be
    (GRAPHQL_MAX_BODY_BYTES): every caller may run a stored document by hash.
    """
    mode = settings.GRAPHQL_PERSISTED_QUERIES
    digest = requested_hash(request, data)
    if mode == ALLOWLIST:
        return _allowed(query, digest)
    if digest is None:
        return query
    if mode == OFF:
        raise _not_supported()
    if query is None or query == "":
        found = lookup(digest)
        if found is None:
            raise _not_found()
        return found
    if not isinstance(query, str):
        return query
    if sha256(query) != digest:
        # Apollo Server's message, word for word.
        raise _bad("provided sha does not match query", HASH_FIELD)
    if (
        len(query.encode("utf-8", "surrogatepass")) <= settings.GRAPHQL_MAX_BODY_BYTES
        and acceptable(query)
        and _manifest().get(digest) is None
    ):
        cache.set(_CACHE_PREFIX + digest, query, settings.GRAPHQL_PERSISTED_QUERIES_TTL)
    return query


def _allowed(query: Any, digest: str | None) -> Any:
    listed = _manifest()
    if digest is not None:
        document = listed.get(digest)
        if document is None:
            raise _not_allowed()
        if isinstance(query, str) and query and query != document:
            raise _bad("provided sha does not match query", HASH_FIELD)
        return document
    if not isinstance(query, str) or not query:
        return query  # the view asks for a query
    if sha256(query) not in listed:
        raise _not_allowed()
    return query


def lookup(digest: str) -> str | None:
    """The document with this hash: from the manifest, else as a client registered it."""
    listed = _manifest().get(digest)
    if listed is not None:
        return listed
    try:
        return registered(digest)
    except LookupError:
        return None


@lru_cache(maxsize=256)
def registered(digest: str) -> str:
    """A registered document, remembered in the process too: a hash names one document for
    good, so the front-end's few documents cost no cache round trip once seen. A miss raises
    (``lru_cache`` keeps no exceptions), so a document registered later is found."""
    found = cache.get(_CACHE_PREFIX + digest)
    # Stored only after its hash was checked; checked again in case the cache is shared with
    # something that could write under this prefix.
    if isinstance(found, str) and sha256(found) == digest:
        return found
    raise LookupError(digest)


# --- the manifest ----------------------------------------------------------------------------


class ManifestError(ImproperlyConfigured):
    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


def _manifest() -> Mapping[str, str]:
    path = settings.GRAPHQL_PERSISTED_QUERIES_FILE
    if not path:
        return {}
    return load_manifest(path)


@lru_cache(maxsize=4)
def load_manifest(path: str) -> Mapping[str, str]:
    """The operations of an Apollo persisted-query manifest, by id (the body's SHA-256).

    Read once per process (a deployment restarts its processes with a new file); raises
    ``ManifestError`` listing every problem, which the system check shows as the server starts.
    """
    try:
        data = orjson.loads(Path(path).read_bytes())
    except OSError as error:
        raise ManifestError(path, [f"cannot be read ({error.strerror})"]) from None
    except orjson.JSONDecodeError as error:
        raise ManifestError(path, [f"is not valid JSON ({error})"]) from None
    problems: list[str] = []
    operations: dict[str, str] = {}
    if not isinstance(data, dict):
        raise ManifestError(path, ["must be a JSON object"])
    if data.get("format") != MANIFEST_FORMAT:
        problems.append(f'"format" must be "{MANIFEST_FORMAT}"')
    if data.get("version") != 1 or type(data.get("version")) is not int:
        problems.append('"version" must be 1')
    listed = data.get("operations")
    if not isinstance(listed, list):
        problems.append('"operations" must be a list')
        listed = []
    for n, operation in enumerate(listed):
        where = f"operations[{n}]"
        if not isinstance(operation, dict):
            problems.append(f"{where} must be an object {{id, name, type, body}}")
            continue
        body, digest = operation.get("body"), operation.get("id")
        if operation.get("type") not in ("query", "mutation", "subscription"):
            problems.append(f'{where}.type must be "query", "mutation" or "subscription"')
        if not isinstance(operation.get("name"), str):
            problems.append(f"{where}.name must be a string")
        if not isinstance(body, str) or not body:
            problems.append(f"{where}.body must be the document")
            continue
        if not isinstance(digest, str) or digest != sha256(body):
            problems.append(f"{where}.id must be the SHA-256 of its body, {sha256(body)}")
            continue
        operations[digest] = body
    if problems:
        raise ManifestError(path, problems)
    return operations


def configuration_problems() -> list[str]:
    """What keeps the persisted-query settings from working (for the system check)."""
    mode = settings.GRAPHQL_PERSISTED_QUERIES
    path = settings.GRAPHQL_PERSISTED_QUERIES_FILE
    if mode == ALLOWLIST and not path:
        return [
            "GRAPHQL_PERSISTED_QUERIES=allowlist needs GRAPHQL_PERSISTED_QUERIES_FILE: without "
            "a list no query could run."
        ]
    if not path:
        return []
    try:
        load_manifest(path)
    except ManifestError as error:
        return [f"GRAPHQL_PERSISTED_QUERIES_FILE {error}"]
    return []
