"""The JSON log line of production (config.settings.production's LOGGING, and gunicorn's lines
through config.gunicorn_logging): one object per line, the same field names everywhere."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from cms.request_id import NO_REQUEST

# Renamed from the LogRecord attributes (asctime is the ISO 8601 time in UTC, see below).
FIELDS = {"asctime": "time", "levelname": "level", "name": "logger"}


class JsonLineFormatter(JsonFormatter):
    """time (ISO 8601, UTC), level, logger, message, request_id, and any ``extra`` fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s")
        kwargs.setdefault("rename_fields", FIELDS)
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        if log_data.get("request_id") is None:  # a line from no request (start-up, shutdown)
            log_data["request_id"] = NO_REQUEST

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
        return moment.isoformat(timespec="milliseconds")
