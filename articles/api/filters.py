"""Query parameters of the article list (django-filter), each delegating to a selector."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import django_filters
from django import forms
from django.utils import timezone
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from .. import selectors
from ..models import Article


class _DateTimeField(IsoDateTimeField):
    """ISO 8601 in ASCII, within years every database stores, handed on in UTC.

    Converting 0001-01-01+05:00 to UTC overflows, and PostgreSQL refuses offsets past
    ±15:59 that Python accepts (up to ±23:59): both would otherwise be server errors.
    """

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError("Use ASCII digits.")
        try:
            result = super().to_python(value)
            if result is not None and timezone.is_aware(result):
                result = result.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("Give a date between 1900 and 2999.") from None
        if result is not None and not 1900 <= result.year <= 2999:
            raise forms.ValidationError("Give a date between 1900 and 2999.")
        return result


# The bounds above, as the OpenAPI document states them.
@extend_schema_field(
    {"type": "string", "format": "date-time", "pattern": r"^(?:19|2[0-9])[0-9]{2}-"}
)
class _DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _DateTimeField


@extend_schema_field({"type": "string", "maxLength": selectors.MAX_SEARCH_CHARS})
class _SearchFilter(django_filters.CharFilter):
    """Longer searches are refused by ``selectors.search``."""


class ArticleFilter(django_filters.FilterSet):
    tag = django_filters.CharFilter(method="filter_tag", help_text="A tag's slug.")
    section = django_filters.CharFilter(method="filter_section", help_text="A section's slug.")
    author = django_filters.CharFilter(method="filter_author", help_text="An author's slug.")
    featured = django_filters.ChoiceFilter(
        method="filter_featured",
        choices=[("true", "true"), ("false", "false")],
        help_text="true or false.",
    )
    published_after = _DateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="ISO 8601 date-time."
    )
    published_before = _DateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="ISO 8601 date-time."
    )
    search = _SearchFilter(
        method="filter_search", help_text="Words to find; results are ranked by relevance."
    )
    ordering = django_filters.ChoiceFilter(
        method="filter_ordering",
        choices=[(key, key) for key in selectors.ORDERINGS],
        help_text="Default: -published_at (newest first), or relevance when searching.",
    )
    fields = django_filters.CharFilter(
        method="filter_nothing",
        help_text="Comma-separated fields to return (sparse fieldsets).",
    )

    class Meta:
        model = Article
        fields: tuple[str, ...] = ()

    def filter_tag(self, qs: Any, name: str, value: str) -> Any:
        return selectors.tagged(qs, value)

    def filter_section(self, qs: Any, name: str, value: str) -> Any:
        return selectors.in_section(qs, value)

    def filter_author(self, qs: Any, name: str, value: str) -> Any:
        return selectors.credited_to(qs, value)

    def filter_featured(self, qs: Any, name: str, value: str) -> Any:
        return qs.filter(featured=value == "true")

    def filter_search(self, qs: Any, name: str, value: str) -> Any:
        return selectors.search(qs, value)

    def filter_ordering(self, qs: Any, name: str, value: str) -> Any:
        # Declared after search, so an explicit ordering replaces relevance.
        return selectors.ordered(qs, value)

    def filter_nothing(self, qs: Any, name: str, value: str) -> Any:
        return qs  # read by the view, not a filter
