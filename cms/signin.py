"""Admin sign-in lockout: django-axes, told how Byline counts addresses and limits.

Failures are counted per (username, address) and per address, never per username alone:
otherwise anyone could lock an editor out by failing on their name from many addresses. A
correct password from an address that has not been failing is always let through.
Axes keeps the attempts in the database (shared by every worker and server, and readable by
superusers in the admin) and refuses locked-out attempts before any password is hashed. In front
of it, a per-address throttle in the cache refuses a flood of sign-in posts before they reach
the database at all.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse

from cms.ratelimit import RateLimited, client_ip, hit, network_of


def client_address(request: HttpRequest) -> str | None:
    """The address attempts are counted by (axes' AXES_CLIENT_IP_CALLABLE): the client's
    address as the rest of Byline reads it (TRUSTED_PROXY_COUNT), an IPv6 address as the
    first address of its /64 network. Axes stores it in an IP-address column, so the network
    is written as an address rather than as 2001:db8::/64."""
    unit = network_of(client_ip(request))
    try:
        return str(ipaddress.ip_network(unit, strict=False).network_address)
    except ValueError:
        return None  # no usable address (an empty REMOTE_ADDR): such clients count as one


class SignInHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout parameter.

    Axes compares every parameter's failures with one AXES_FAILURE_LIMIT. An address is shared
    by a newsroom's office, though, and its failures add up over every username tried from it,
    so it gets a higher limit of its own (ADMIN_LOGIN_ADDRESS_FAILURE_LIMIT); reaching it
    counts as reaching AXES_FAILURE_LIMIT."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        worst = 0
        for parameter, matching in zip(parameters, attempts, strict=True):
            failures = matching.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == "ip_address":
                failures = limit if failures >= settings.ADMIN_LOGIN_ADDRESS_FAILURE_LIMIT else 0
            worst = max(worst, failures)
        return worst

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        """Record the failure without the request's query string and form.

        Axes copies both (up to 1 KB each, whatever fields a client makes up) into the attempt
        and appends them again on every repeat. The lockout needs neither, and axes has no
        setting to leave them out, so it is shown empty ones while it records."""
        if request is None:
            super().user_login_failed(sender, credentials, request, **kwargs)
            return
        query, form = request.GET, request.POST
        request.GET = request.POST = QueryDict()
        try:
            super().user_login_failed(sender, credentials, request, **kwargs)
        finally:
            request.GET, request.POST = query, form


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page a locked-out attempt gets (AXES_LOCKOUT_CALLABLE): 429 with Retry-After. It
    says the same whatever the username, so it tells nobody whether an account exists."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off is not None else 0
    return _refusal(request, "Too many failed sign-ins", seconds)


class SignInThrottleMiddleware:
    """Refuse an address's admin sign-in posts past ADMIN_LOGIN_ATTEMPTS_PER_ADDRESS, counted
    in the cache, before anything reads or writes the database.

    Axes' lockout costs a few queries per attempt, and a failure writes a row; an address that
    is locked out, or sprays usernames, could otherwise keep the database busy for free. Every
    post counts, successful ones too, per address (IPv6 by /64) as axes counts them; never per
    username, which would let anyone lock an editor out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info == _login_path():
            try:
                hit(
                    "admin-login:address",
                    client_address(request) or "",
                    settings.ADMIN_LOGIN_ATTEMPTS_PER_ADDRESS,
                )
            except RateLimited as refused:
                return _refusal(request, "Too many sign-in attempts", refused.retry_after)
        return self.get_response(request)


def _login_path() -> str | None:
    try:
        return reverse("admin:login")
    except NoReverseMatch:  # a URLconf without the admin (some tests): nothing to throttle
        return None


def _refusal(request: HttpRequest, title: str, seconds: int) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": title,
        "minutes": max(1, -(-seconds // 60)),
    }
    response = TemplateResponse(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    response.render()
    return response
