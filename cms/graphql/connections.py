"""Relay connections with offset cursors and ``totalCount``, for any list the apps expose."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import graphene
from django.conf import settings
from graphql import GraphQLError
from graphql_relay import cursor_to_offset, offset_to_cursor

from cms.graphql import codes
from cms.graphql.limits import page_size_error

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


def window(first: int | None, after: str | None) -> Window:
    size = settings.GRAPHQL_DEFAULT_PAGE_SIZE if first is None else first
    error = page_size_error(size)
    if error is not None:
        raise error
    offset = 0
    if after:
        position = cursor_to_offset(after)
        if position is None or not 0 <= position < MAX_OFFSET:
            raise GraphQLError("Invalid cursor in `after`.", extensions={"code": codes.BAD_CURSOR})
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
