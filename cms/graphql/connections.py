"""Relay connections with offset cursors and ``totalCount``, for any list the apps expose."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import graphene
from django.conf import settings
from graphql import GraphQLError
from graphql_relay import cursor_to_offset, offset_to_cursor

from cms.graphql.limits import page_size_error

# Cursors are offsets; nobody pages a million items deep, and databases overflow further on.
MAX_OFFSET = 1_000_000


class CountableConnection(graphene.relay.Connection):
    """A connection that also says how many items there are in all."""

    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="Items in all pages.")

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
            raise GraphQLError("Invalid cursor in `after`.", extensions={"code": "BAD_CURSOR"})
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
    page_info = graphene.relay.PageInfo(
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
        has_previous_page=page.offset > 0,
        has_next_page=has_next,
    )
    connection = connection_type(edges=edges, page_info=page_info)
    connection.total_count = total_count
    return connection
