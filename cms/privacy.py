"""Keyed hashing of personal data that must be compared but never stored in the clear."""

from __future__ import annotations

from django.utils.crypto import salted_hmac


def hash_ip(ip_address: str | None) -> str:
    """A keyed SHA-256 of an IP address (hex), or "" when there is none.

    Keyed with SECRET_KEY so the hash cannot be reversed by hashing all 2^32 IPv4 addresses
    without the key.
    """
    if not ip_address:
        return ""
    return salted_hmac("byline.privacy.ip", ip_address, algorithm="sha256").hexdigest()


def reader_id(ip_address: str, user_agent: str) -> str:
    """An anonymous reader: a keyed hash of address and browser, no cookie needed."""
    return salted_hmac("byline.privacy.reader", f"{ip_address}|{user_agent}").hexdigest()
