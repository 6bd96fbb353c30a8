"""Relay connections with ``totalCount`` for any list the apps expose: offset cursors, or
keyset cursors for lists that grow without bound (``cms.keyset``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import graphene
from django.conf import settings
from graphql import GraphQLError
from graphql_relay import cursor_to_offset, offset_to_cursor

from cms.graphql import codes
from cms.graphql.limits import page_size_error
from cms.keyset import InvalidCursor, Position, SeekPage

# Cursors are offsets; nobody pages a million items deep, and databases overflow further on.
MAX_OFFSET = 1_000_000


class PageInfo(graphene.ObjectType):
    """Where a page of a connection stands. Paging is forward only: connections take `first`
    and `after`, never `last` or `before`."""

    class Meta:
        # Relay and the generators look for this name.
        name = "PageInfo"

    has_next_page = graphene.Boolean(
        required=True, description="Are there more items after this page?"
    )
    has_previous_page = graphene.Boolean(
        required=True,
        description="Are there items before this page (it started `after` a cursor)? "
        "Paging back is not offered: connections take no `last` or `before`.",
    )
    start_cursor = graphene.String(description="The first edge's cursor; null on an empty page.")
    end_cursor = graphene.String(
        description="The last edge's cursor, to pass as `after` for the next page; null on an "
        "empty page."
    )


class CountableConnection(graphene.relay.Connection):
    """A connection that also says how many items there are in all. Paging is forward only
    (`first`, `after`); ``strict_types`` makes edges and their nodes non-null, as they are."""

    class Meta:
        abstract = True

    page_info = graphene.Field(
        PageInfo,
        required=True,
        description="Where this page stands (forward paging only: `first` and `after`).",
    )
    total_count = graphene.Int(required=True, description="Items in all pages.")

    @classmethod
    def __init_subclass_with_meta__(cls, strict_types: bool = True, **options: Any) -> None:
        super().__init_subclass_with_meta__(strict_types=strict_types, **options)

    def resolve_total_count(root: Any, info: Any) -> int:
        return int(root.total_count())


@dataclass
class Window:
    """Where a page starts and how many items it holds, from first/after."""

    offset: int
    size: int


def page_size(first: int | None) -> int:
    """``first``, or the default; out of bounds, the limit's error."""
    size = settings.GRAPHQL_DEFAULT_PAGE_SIZE if first is None else first
    error = page_size_error(size)
    if error is not None:
        raise error
    return int(size)


def _bad_cursor(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": codes.BAD_CURSOR})


def window(first: int | None, after: str | None) -> Window:
    size = page_size(first)
    offset = 0
    if after:
        position = cursor_to_offset(after)
        if position is None or not 0 <= position < MAX_OFFSET:
            raise _bad_cursor("Invalid cursor in `after`.")
        offset = position + 1
    return Window(offset=offset, size=size)


def build_connection(
    connection_type: type[CountableConnection],
    items: Sequence[Any],
    page: Window,
    total_count: Callable[[], int],
) -> CountableConnection:
    """``items`` holds up to ``page.size + 1`` items from ``page.offset``; the extra one only
    tells whether there is a next page. ``total_count`` runs only if a client asks for it."""
    has_next = len(items) > page.size
    items = items[: page.size]
    edge_type = connection_type.Edge
    edges = [
        edge_type(node=item, cursor=offset_to_cursor(page.offset + index))
        for index, item in enumerate(items)
    ]
    page_info = PageInfo(
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
        has_previous_page=page.offset > 0,
        has_next_page=has_next,
    )
    connection = connection_type(edges=edges, page_info=page_info)
    connection.total_count = total_count
    return connection


class Seekable(Protocol):
    """A list :func:`seek_connection` pages: sliced by offset and, when ``keyset``, sought
    from a cursor (``articles.listing.ArticleWindow``)."""

    @property
    def keyset(self) -> bool: ...

    def count(self) -> int: ...

    def __getitem__(self, window: slice) -> list[Any]: ...

    def parse_cursor(self, token: str) -> Position: ...

    def seek(self, position: Position, size: int) -> SeekPage: ...

    def cursor_after(self, row: Any) -> str: ...


def max_offset() -> int:
    """The deepest offset an offset cursor may reach in a list that has keyset cursors:
    ``API_MAX_PAGE_NUMBER`` pages of the largest size, as deep as REST's page numbers go."""
    return int(settings.API_MAX_PAGE_NUMBER) * int(settings.GRAPHQL_MAX_PAGE_SIZE)


def seek_connection(
    connection_type: type[CountableConnection],
    items: Seekable,
    first: int | None,
    after: str | None,
) -> CountableConnection:
    """A page of ``items`` after ``after``: each edge's cursor is a keyset cursor, which
    reads any depth in the same time, when the list has them (an offset cursor for search
    results ranked by relevance). An offset cursor is still accepted as ``after`` down to
    :func:`max_offset` (one given before keyset cursors, or a relevance ranking's)."""
    size = page_size(first)
    position: Position | None = None
    offset = 0
    if after:
        offset_given = cursor_to_offset(after)
        if offset_given is not None:
            if not 0 <= offset_given < max_offset():
                raise _bad_cursor(
                    f"Offset cursors reach at most {max_offset():,} items; page on with the "
                    "`endCursor` of a fresh query, which reads any depth."
                )
            offset = offset_given + 1
        elif not items.keyset:
            raise _bad_cursor(
                "Invalid cursor in `after`: search results ranked by relevance page with "
                "the cursors they give."
            )
        else:
            try:
                position = items.parse_cursor(after)
            except InvalidCursor as refused:
                raise _bad_cursor(f"Invalid cursor in `after`: {refused}") from None
            if position.backwards:
                raise _bad_cursor("Invalid cursor in `after`: it pages back (REST's `previous`).")
    if not size:
        rows: list[Any] = []
        has_next = False
    elif position is not None:
        found = items.seek(position, size)
        rows, has_next = found.rows, found.more
    else:
        rows = items[offset : offset + size + 1]
        has_next = len(rows) > size
        rows = rows[:size]
    edge_type = connection_type.Edge
    edges = [
        edge_type(
            node=row,
            cursor=items.cursor_after(row) if items.keyset else offset_to_cursor(offset + index),
        )
        for index, row in enumerate(rows)
    ]
    page_info = PageInfo(
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
        has_previous_page=bool(after),
        has_next_page=has_next,
    )
    connection = connection_type(edges=edges, page_info=page_info)
    connection.total_count = items.count
    return connection
