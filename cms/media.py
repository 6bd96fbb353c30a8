"""Public URLs of stored files."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import HttpRequest


def site_base(request: HttpRequest) -> str:
    """scheme://host of the request, for making storage's relative URLs absolute."""
    return f"{request.scheme}://{request.get_host()}"


def media_url(name: str | None, base: str) -> str | None:
    """Absolute URL of a stored file, or None for no file."""
    if not name:
        return None
    url = default_storage.url(name)
    return base + url if url.startswith("/") else url
