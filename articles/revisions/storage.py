"""The serialization format of an article's revision (``SERIALIZATION_MODULES``
``revision_json``): Django's JSON, zlib-compressed (and base64-encoded, as the column is text)
once it is long enough to gain from it.

A revision repeats the whole body. PostgreSQL compresses long values itself (TOAST), SQLite
does not: measured on a 50 KB body, a plain JSON version is ~51 KB on SQLite, compressed
~12 KB (see the README's "Revisions"). Versions written before compression, or short ones,
stay plain JSON and read as such.
"""

from __future__ import annotations

import base64
import zlib
from typing import Any

from django.core.serializers import json as django_json

_PREFIX = "zlib:"
# Below this, compressing (and base64's third more) saves too little to be worth it.
_THRESHOLD = 1024


class Serializer(django_json.Serializer):
    def getvalue(self) -> Any:
        text = super().getvalue()
        if not isinstance(text, str) or len(text) < _THRESHOLD:
            return text
        packed = _PREFIX + base64.b64encode(zlib.compress(text.encode(), 9)).decode("ascii")
        return packed if len(packed) < len(text) else text


class Deserializer(django_json.Deserializer):
    def __init__(self, stream_or_string: Any, **options: Any) -> None:
        super().__init__(_unpacked(stream_or_string), **options)


def _unpacked(data: Any) -> Any:
    if isinstance(data, bytes):
        data = data.decode()
    if isinstance(data, str) and data.startswith(_PREFIX):
        return zlib.decompress(base64.b64decode(data[len(_PREFIX) :])).decode()
    return data
