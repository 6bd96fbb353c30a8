"""Public URLs of stored files."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage


def media_url(name: str | None) -> str | None:
    """Absolute URL of a stored file, or None for no file.

    Storage's relative URLs (``MEDIA_URL`` on the local disk) are made absolute with
    ``PUBLIC_API_URL``, never with the request's Host header: a response cached by a CDN
    must not carry whatever host one caller sent. Object storage returns absolute URLs.
    """
    if not name:
        return None
    url = default_storage.url(name)
    return settings.PUBLIC_API_URL + url if url.startswith("/") else url


def media_base_url() -> str:
    """The absolute URL every stored file's URL starts with (ending in "/"): PUBLIC_API_URL
    and MEDIA_URL on the local disk, the public domain or bucket address on object storage."""
    probe = "probe"
    url = media_url(probe) or ""
    return url[: -len(probe)]


def is_media_url(url: str) -> bool:
    """Is ``url`` a file of ours: under the media base, with no step out of it (``..``, a
    backslash, which browsers read as a slash) and no query or fragment."""
    base = media_base_url()
    if not url.startswith(base) or len(url) == len(base):
        return False
    rest = url[len(base) :]
    if any(c in rest for c in "\\?#") or any(ord(c) < 0x21 for c in rest):
        return False
    return ".." not in rest.split("/") and "%2e" not in rest.lower() and "%2f" not in rest.lower()
