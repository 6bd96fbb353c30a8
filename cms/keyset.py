"""Keyset ("seek") pagination: the pieces any ordered list can page with.

An offset page (``OFFSET 99980 LIMIT 20``) makes the database walk past every row before it,
so the deeper a reader pages the slower each page; a keyset page starts right after the last
row the reader saw (``WHERE (view_count, published_at, id) < (12, '…', 7) ORDER BY … LIMIT
20``), which an index on those columns answers in the same time at any depth.

Hand-written, on purpose: DRF's ``CursorPagination`` keys on one column and pages through
ties with an offset (a listing by view count has thousands of ties), and the Django packages
for it filter with ``a < x OR (a = x AND b < y) …``, which neither PostgreSQL nor SQLite
answers from an index in order. A row-value comparison is what both databases seek an index
with; Django has one only for composite primary keys, and not on SQLite.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, F, Value
from django.db.models.expressions import Expression

# An encoded cursor longer than this is refused unread (a cursor holds a few short values).
MAX_CURSOR_CHARS = 1024


class InvalidCursor(ValueError):
    """A cursor that names no position in the list it was given to; the message says why,
    for the client."""


@dataclass(frozen=True)
class Position:
    """Where a keyset page starts: just after the row with these values of the ordering's
    columns, or just before it when paging back (``backwards``)."""

    values: tuple[Any, ...]
    backwards: bool = False


@dataclass(frozen=True)
class SeekPage:
    """A keyset page's rows, in the list's order, and whether more lie beyond them in the
    direction it was read."""

    rows: list[Any]
    more: bool


class RowComparison(Expression):
    """``(a, b, c) < (x, y, z)`` (or ``>``): true for the rows after a position in an
    ordering whose columns all run one way. Use it in ``filter()``."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, columns: Sequence[str], operator: str, values: Sequence[Value]) -> None:
        if operator not in ("<", ">"):
            raise ValueError(f"Unsupported operator {operator!r}.")
        if len(columns) != len(values) or not columns:
            raise ValueError("As many values as columns, at least one.")
        super().__init__()
        self.operator = operator
        self.width = len(columns)
        self.source_expressions: list[Any] = [F(name) for name in columns] + list(values)

    def get_source_expressions(self) -> list[Any]:
        return self.source_expressions

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.source_expressions = list(exprs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for expression in self.source_expressions:
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        left = ", ".join(parts[: self.width])
        right = ", ".join(parts[self.width :])
        return f"(({left}) {self.operator} ({right}))", params


def encode_cursor(payload: Any) -> str:
    """``payload`` (JSON-able) as an opaque, URL-safe token (base64url, no padding)."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> Any:
    """What :func:`encode_cursor` encoded, or None for anything else (too long, not base64,
    not JSON). The caller still checks every value: a cursor comes from the client."""
    if not token or len(token) > MAX_CURSOR_CHARS or not token.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return json.loads(raw.decode("ascii"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
