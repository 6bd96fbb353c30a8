"""Page-number pagination with an explicit, bounded page size."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as _DRFPageNumberPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from cms.text import MAX_WHOLE_NUMBER, is_whole_number


class PageNumberPagination(_DRFPageNumberPagination):
    """``page`` (from 1) and ``page_size`` (1 to ``API_MAX_PAGE_SIZE``).

    A malformed value is a 400 naming the parameter, never a silent default: a front-end
    asking for 500 rows should learn that it gets at most 100. A page past the end is a 404.
    """

    page_size_query_param = "page_size"

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
