"""The REST API's JSON parser."""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser


class JSONParser(BaseParser):
    """JSON through orjson, read through ``HttpRequest.body``.

    * ``body`` enforces MAX_REQUEST_BYTES (``RequestDataTooBig``, answered 413); DRF's parsers
      read the raw stream, which has no limit at all.
    * orjson refuses nesting past 1,024 levels and lone surrogates as parse errors, where the
      standard library's parser hits Python's recursion limit (a 500).
    """

    media_type = "application/json"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        body = parser_context["request"]._request.body
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as error:
            raise ParseError(f"JSON parse error: {error}.") from None
