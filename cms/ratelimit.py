"""Rate limits counted in the shared cache, and the client's IP address.

Counters are fixed windows: one cache key per (limit, identity, window), created with ``add``
and bumped with ``incr``, both atomic in Redis, so limits hold across processes and servers.
(django-ratelimit does the same but is built around view decorators; these limits are asked
for inside services, by REST and GraphQL alike.)
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from cms.errors import DomainError

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(DomainError):
    """Too many requests of this kind from this address or email; try again later."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """ "5/m" -> 5 per minute; also /s, /h, /d and e.g. "100/10m"."""
        count, _, period = text.partition("/")
        unit = period[-1]
        multiple = int(period[:-1] or 1)
        return cls(count=int(count), seconds=multiple * _PERIODS[unit])


def hit(scope: str, identity: str, rates: list[str]) -> None:
    """Count one event for ``identity`` under every rate; raise RateLimited when one is over.

    The event is counted even when refused, so hammering does not reopen the window early.
    """
    key_identity = hashlib.sha256(identity.encode()).hexdigest()[:32]
    now = int(time.time())
    worst: int | None = None
    for text in rates:
        rate = Rate.parse(text)
        window = now // rate.seconds
        key = f"rl:{scope}:{text}:{key_identity}:{window}"
        cache.add(key, 0, timeout=rate.seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: start the window again
            cache.add(key, 1, timeout=rate.seconds + 1)
            count = 1
        if count > rate.count:
            retry = (window + 1) * rate.seconds - now
            worst = max(worst or 0, retry)
    if worst is not None:
        raise RateLimited(
            f"Too many requests; try again in {worst} seconds.", retry_after=max(worst, 1)
        )


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies stand in front.

    With N trusted proxies, the address is the Nth entry from the right of X-Forwarded-For
    (each proxy appends the address it saw). Entries further left are whatever the client
    wrote, so rotating them buys nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = int(settings.TRUSTED_PROXY_COUNT)
    if proxies <= 0:
        return str(remote)
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [p for p in forwarded if p]
    if len(forwarded) < proxies:
        return str(remote)
    return forwarded[-proxies]


def network_of(ip_address: str) -> str:
    """The unit limits count by: an IPv4 address, or an IPv6 address's /64 network. One
    subscriber commonly holds a whole /64 (2^64 addresses), so counting single IPv6
    addresses would let them rotate past any limit."""
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return ip_address
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:203.0.113.9 is that IPv4 address
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
