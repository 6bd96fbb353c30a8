"""Page-number pagination with an explicit, bounded page size, and keyset (cursor)
pagination beside it for lists that grow without bound."""

from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings
from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as _DRFPageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from cms.keyset import MAX_CURSOR_CHARS, InvalidCursor, Position, SeekPage
from cms.text import MAX_WHOLE_NUMBER, is_whole_number


class PageNumberPagination(_DRFPageNumberPagination):
    """``page`` (from 1) and ``page_size`` (1 to ``API_MAX_PAGE_SIZE``).

    A malformed value is a 400 naming the parameter, never a silent default: a front-end
    asking for 500 rows should learn that it gets at most 100. A page past the end is a 404.
    """

    page_size_query_param = "page_size"

    @property
    def query_params(self) -> tuple[str, ...]:
        """The query parameters this pagination reads (allowed on the list besides its
        filters)."""
        return (self.page_query_param, self.page_size_query_param)

    def default_page_size(self) -> int:
        return int(settings.API_PAGE_SIZE)

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.default_page_size()
        maximum = int(settings.API_MAX_PAGE_SIZE)
        if not is_whole_number(raw) or not 1 <= int(raw) <= maximum:
            raise ValidationError({"page_size": [f"Must be a whole number from 1 to {maximum}."]})
        return int(raw)

    def get_next_link(self) -> str | None:
        page = self.page
        if page is None or not page.has_next():
            return None
        return replace_query_param(
            self._public_url(), self.page_query_param, page.next_page_number()
        )

    def get_previous_link(self) -> str | None:
        page = self.page
        if page is None or not page.has_previous():
            return None
        number = page.previous_page_number()
        if number == 1:
            return remove_query_param(self._public_url(), self.page_query_param)
        return replace_query_param(self._public_url(), self.page_query_param, number)

    def _public_url(self) -> str:
        """This request's address under ``PUBLIC_API_URL``. DRF builds it from the Host
        header, which any caller sets and which a CDN's cached copy would then carry."""
        path = self.request.get_full_path() if self.request is not None else "/"
        return settings.PUBLIC_API_URL + path

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        # Every key is always present; ``next`` and ``previous`` are null on the last and
        # first pages (OpenAPI 3.1: a type list, where DRF's says ``nullable``).
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0, "examples": [123]},
                "next": {**link, "description": "The next page, or null on the last."},
                "previous": {**link, "description": "The previous page, or null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        maximum = int(settings.API_MAX_PAGE_SIZE)
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number, from 1; past the last page is a 404.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_WHOLE_NUMBER},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, 1 to {maximum} "
                f"(default {self.default_page_size()}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": maximum},
            },
        ]

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and (not is_whole_number(raw) or int(raw) < 1):
            raise ValidationError({"page": ["Must be a whole number from 1."]})
        return super().paginate_queryset(queryset, request, view)


class Seekable(Protocol):
    """A list :class:`KeysetPagination` pages: sliced by offset (as Django's Paginator does)
    and, when ``keyset``, sought from a cursor."""

    @property
    def keyset(self) -> bool: ...

    ordered: bool

    def count(self) -> int: ...

    def __len__(self) -> int: ...

    def __getitem__(self, window: slice) -> list[Any]: ...

    def parse_cursor(self, token: str) -> Position: ...

    def seek(self, position: Position, size: int) -> SeekPage: ...

    def cursor_after(self, row: Any) -> str: ...

    def cursor_before(self, row: Any) -> str: ...


class KeysetPagination(PageNumberPagination):
    """Page numbers for the first pages, cursors at any depth; the same
    ``{count, next, previous, results}``.

    Reading page 4,000 by number makes the database walk past 80,000 rows first; from a
    cursor, it reads twenty from an index at any depth. So ``page`` stops at
    ``API_MAX_PAGE_NUMBER`` (beyond, a 400 telling the client to follow ``next``), and
    ``next`` is a page-number link up to page ``API_PAGE_LINK_DEPTH`` (stable addresses that
    caches share for the front pages), a ``cursor`` link past it. ``previous`` from a cursor
    page is a cursor link too. A list that cannot be sought (``keyset`` false: search results
    by relevance) pages by number only.
    """

    cursor_query_param = "cursor"

    def __init__(self) -> None:
        self.window: Seekable | None = None
        self.rows: list[Any] = []
        self.count = 0
        # Set for a cursor page: which way it was read, and whether more lie that way.
        self.position: Position | None = None
        self.more = False

    @property
    def query_params(self) -> tuple[str, ...]:
        return (*super().query_params, self.cursor_query_param)

    def paginate_queryset(  # type: ignore[override]
        self, queryset: Seekable, request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        self.window = queryset
        token = request.query_params.get(self.cursor_query_param)
        if token is not None:
            if self.page_query_param in request.query_params:
                raise ValidationError(
                    {self.cursor_query_param: ["Give either a cursor or a page, not both."]}
                )
            return self._seek(queryset, token, request)
        raw = request.query_params.get(self.page_query_param)
        cap = int(settings.API_MAX_PAGE_NUMBER)
        if raw is not None and is_whole_number(raw) and int(raw) > cap:
            raise ValidationError({self.page_query_param: [self._too_deep(cap)]})
        self.rows = super().paginate_queryset(queryset, request, view) or []  # type: ignore[arg-type]
        assert self.page is not None  # noqa: S101 - set by paginate_queryset
        self.count = self.page.paginator.count
        return self.rows

    def _too_deep(self, cap: int) -> str:
        return (
            f"Page numbers go up to {cap}. To read further, follow the `next` links: past "
            f"page {settings.API_PAGE_LINK_DEPTH} they carry a cursor, which reads any depth "
            "as fast as the first page."
        )

    def _seek(self, window: Seekable, token: str, request: Request) -> list[Any]:
        try:
            position = window.parse_cursor(token)
        except InvalidCursor as refused:
            raise ValidationError({self.cursor_query_param: [str(refused)]}) from None
        page = window.seek(position, self.get_page_size(request))
        self.position, self.more, self.rows = position, page.more, page.rows
        self.count = window.count()
        return self.rows

    def get_next_link(self) -> str | None:
        if self.position is not None:
            # Going forward, ``more`` says; going back, the page we came from lies ahead.
            ahead = self.more or self.position.backwards
            return self._cursor_link(self.rows[-1], forward=True) if ahead and self.rows else None
        page = self.page
        if page is None or not page.has_next():
            return None
        window = self.window
        number = page.next_page_number()
        if window is not None and window.keyset and number > settings.API_PAGE_LINK_DEPTH:
            return self._cursor_link(self.rows[-1], forward=True)
        return super().get_next_link()

    def get_previous_link(self) -> str | None:
        if self.position is not None:
            behind = self.more if self.position.backwards else True
            return self._cursor_link(self.rows[0], forward=False) if behind and self.rows else None
        return super().get_previous_link()

    def _cursor_link(self, row: Any, *, forward: bool) -> str:
        assert self.window is not None  # noqa: S101 - set by paginate_queryset
        token = self.window.cursor_after(row) if forward else self.window.cursor_before(row)
        url = remove_query_param(self._public_url(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, token)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        cap = int(settings.API_MAX_PAGE_NUMBER)
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["description"] = (
                    f"A page number, from 1 to {cap}; past the last page is a 404. Deeper, "
                    "follow `next` (cursor links)."
                )
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": cap}
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where a page starts: the opaque value of a `next` or "
                "`previous` link, as given (with the same `ordering`; not with `page`). "
                "Search results ranked by relevance have none.",
                "schema": {"type": "string", "minLength": 1, "maxLength": MAX_CURSOR_CHARS},
            }
        )
        return parameters
