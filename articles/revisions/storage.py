"""The serialization format of an article's revision (``SERIALIZATION_MODULES``
``revision_json``): Django's JSON, zlib-compressed (and base64-encoded, as the column is text)
once it is long enough to gain from it, on databases that do not compress it themselves.

A revision repeats the whole body. PostgreSQL compresses long values itself (TOAST's pglz),
better than base64'd zlib once the base64 is counted, so there it is stored as plain JSON;
SQLite compresses nothing. Measured (tests/articles/test_revision_storage.py) for a 50 KB
body: SQLite ~50 KB plain, ~19 KB compressed; PostgreSQL ~17 KB on disk (TOAST) where
compressing here would leave ~20 KB. Either form reads back on any database.
"""

from __future__ import annotations

import base64
import zlib
from typing import Any

from django.core.serializers import json as django_json
from django.db import connections, router

_PREFIX = "zlib:"
# Below this, compressing (and base64's third more) saves too little to be worth it.
_THRESHOLD = 1024


class Serializer(django_json.Serializer):
    def getvalue(self) -> Any:
        text = super().getvalue()
        if not isinstance(text, str) or len(text) < _THRESHOLD or _compresses_itself():
            return text
        packed = _PREFIX + base64.b64encode(zlib.compress(text.encode(), 9)).decode("ascii")
        return packed if len(packed) < len(text) else text


class Deserializer(django_json.Deserializer):
    def __init__(self, stream_or_string: Any, **options: Any) -> None:
        super().__init__(_unpacked(stream_or_string), **options)


def _compresses_itself() -> bool:
    from reversion.models import Version

    return connections[router.db_for_write(Version)].vendor == "postgresql"


def _unpacked(data: Any) -> Any:
    if isinstance(data, bytes):
        data = data.decode()
    if isinstance(data, str) and data.startswith(_PREFIX):
        return zlib.decompress(base64.b64decode(data[len(_PREFIX) :])).decode()
    return data
