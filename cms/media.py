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
