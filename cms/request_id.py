"""One id per request: taken from the proxy's X-Request-ID when it is a plausible id, else made
here; returned in the response's X-Request-ID and carried by every log line written while the
request runs (``RequestIdFilter``), and by gunicorn's access line (config.gunicorn_logging).

Written here rather than taken from django-guid or django-log-request-id: django-guid keeps an
incoming id only if it parses as a UUID (refusing the ids Heroku-style routers and many proxies
send) and logs at INFO on every request; django-log-request-id keeps any header value as it is,
so a client could put a newline or a megabyte into every log line of its request."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# What a proxy's id looks like: a UUID, nginx's $request_id (32 hex digits), Heroku's router
# (20-200 of letters, digits, +/=-), a trace id with dots or colons. At least 8 characters,
# since a shorter id cannot tell requests apart; at most 200, so a log line stays a line.
VALID_ID = re.compile(r"[A-Za-z0-9+/=._:-]{8,200}")
# Log lines written outside any request (start-up, management commands) carry this.
NO_REQUEST = "-"

_current: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def current_request_id() -> str:
    """The id of the request this code runs for, or ``NO_REQUEST``."""
    return _current.get()


def accepted_id(value: str | None) -> str | None:
    """``value`` if it is a request id worth keeping, else None (a new one is made)."""
    if value is not None and VALID_ID.fullmatch(value):
        return value
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that every response (redirects to HTTPS, static files, errors)
    carries the id and every log line of the request has it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_id(request.headers.get(HEADER)) or new_request_id()
        # Not reset on the way out: Django logs a 4xx or 5xx response ("Not Found: ...") after
        # the whole middleware chain has returned. request_finished clears it (below).
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished, dispatch_uid="cms.request_id.forget")
def forget_request_id(**kwargs: object) -> None:
    """The server has sent the response and closed it: later lines belong to no request."""
    _current.set(NO_REQUEST)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record a handler formats (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):  # gunicorn's access line brings its own
            record.request_id = _current.get()
        return True
