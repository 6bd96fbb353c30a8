"""Custom scalars, each saying exactly what it carries (``@specifiedBy`` and a description),
so generated clients can map them to a type and a parser rather than to ``unknown``.

graphene does not pass ``specified_by_url`` to graphql-core; :func:`specify_scalars` copies
each scalar's ``specified_by_url`` onto the built schema, which then prints it in the SDL.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import graphene
from graphql import GraphQLError, GraphQLSchema, StringValueNode, print_ast

RFC_3339 = "https://datatracker.ietf.org/doc/html/rfc3339"

# RFC 3339's date-time (section 5.6): a full date, a time and an offset ("Z" or +hh:mm).
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


class DateTime(graphene.DateTime):
    """An instant as an RFC 3339 date-time. The server writes it in UTC with a `+00:00`
    offset and microseconds only when there are any (`2026-05-04T09:30:00+00:00`,
    `2026-05-04T09:30:00.250000+00:00`); it reads any RFC 3339 date-time (`Z` or another
    offset), and refuses one without an offset."""

    specified_by_url = RFC_3339

    class Meta:
        name = "DateTime"

    @staticmethod
    def serialize(dt: Any) -> str:
        if not isinstance(dt, datetime.datetime) or dt.tzinfo is None:
            # Every stored time is aware (USE_TZ); a naive one here is a bug, not a value.
            raise GraphQLError(f"DateTime cannot represent value: {dt!r}")
        return dt.astimezone(datetime.UTC).isoformat()

    @classmethod
    def parse_literal(cls, node: Any, _variables: Any = None) -> datetime.datetime:
        if not isinstance(node, StringValueNode):
            raise GraphQLError(f"DateTime cannot represent non-string value: {print_ast(node)}")
        return cls.parse_value(node.value)

    @staticmethod
    def parse_value(value: Any) -> datetime.datetime:
        if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
            raise GraphQLError(
                f"DateTime cannot represent value: {value!r}: give an RFC 3339 date-time "
                "with an offset, e.g. 2026-05-04T09:30:00Z."
            )
        try:
            return datetime.datetime.fromisoformat(value.upper().replace(" ", "T"))
        except ValueError:  # a date or time out of range (month 13, hour 24)
            raise GraphQLError(f"DateTime cannot represent value: {value!r}.") from None


_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class Date(graphene.Date):
    """A calendar day as an RFC 3339 full-date (`2026-03-03`), with no time or zone."""

    specified_by_url = RFC_3339

    class Meta:
        name = "Date"

    @staticmethod
    def serialize(date: Any) -> str:
        if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
            raise GraphQLError(f"Date cannot represent value: {date!r}")
        return date.isoformat()

    @classmethod
    def parse_literal(cls, node: Any, _variables: Any = None) -> datetime.date:
        if not isinstance(node, StringValueNode):
            raise GraphQLError(f"Date cannot represent non-string value: {print_ast(node)}")
        return cls.parse_value(node.value)

    @staticmethod
    def parse_value(value: Any) -> datetime.date:
        if not isinstance(value, str) or not _FULL_DATE.fullmatch(value):
            raise GraphQLError(
                f"Date cannot represent value: {value!r}: give an RFC 3339 full-date, "
                "e.g. 2026-03-03."
            )
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:  # month 13, day 32
            raise GraphQLError(f"Date cannot represent value: {value!r}.") from None


def specify_scalars(schema: GraphQLSchema) -> None:
    """Copy each custom scalar's ``specified_by_url`` onto the built schema."""
    for named in schema.type_map.values():
        url = getattr(getattr(named, "graphene_type", None), "specified_by_url", None)
        if url:
            named.specified_by_url = url  # type: ignore[attr-defined]
