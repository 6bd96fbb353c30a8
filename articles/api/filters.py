"""Query parameters of the article list (django-filter): they parse the query string into
:func:`articles.selectors.article_list`'s arguments, which checks their bounds."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from cms.actors import Actor
from cms.errors import ValidationFailed

from .. import listing, selectors
from ..models import Article
from ..search import MAX_SEARCH_CHARS


class _DateTimeField(IsoDateTimeField):
    """ISO 8601 in ASCII. Its years are bounded by the selector (``PUBLISHED_YEARS``)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError("Use ASCII digits.")
        try:
            return super().to_python(value)
        except OverflowError:  # 0001-01-01 made aware in a zone east of UTC
            raise forms.ValidationError(selectors.PUBLISHED_YEARS_MESSAGE) from None


# The selector's PUBLISHED_YEARS as the OpenAPI document states them (a test holds the
# pattern to the bounds).
PUBLISHED_YEARS_PATTERN = r"^(?:19|2[0-9])[0-9]{2}-"


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "pattern": PUBLISHED_YEARS_PATTERN,
        "description": "ISO 8601 date-time, in the years {} to {}.".format(
            *selectors.PUBLISHED_YEARS
        ),
    }
)
class _DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _DateTimeField


# drf-spectacular reads a parameter's description from these schemas, not from help_text.
@extend_schema_field(
    {
        "type": "string",
        "maxLength": MAX_SEARCH_CHARS,
        "description": "Words to find; results are ranked by relevance.",
    }
)
class _SearchFilter(django_filters.CharFilter):
    """Longer searches are refused by ``selectors.article_list``."""


@extend_schema_field(
    {
        "type": "string",
        "enum": sorted(selectors.ORDERINGS),
        "description": "Default: -published_at (newest first), or relevance when searching.",
    }
)
class _OrderingFilter(django_filters.CharFilter):
    """Names outside ``selectors.ORDERINGS`` are refused by ``selectors.article_list``."""


# A string in the query, whatever the model column's type.
@extend_schema_field({"type": "string", "enum": ["false", "true"], "description": "true or false."})
class _FeaturedFilter(django_filters.ChoiceFilter):
    pass


class ArticleFilter(django_filters.FilterSet):
    """The list's parameters, declared for the OpenAPI document and parsed by the form; the
    filtering itself is :func:`selectors.article_list`'s (see :meth:`article_listing`)."""

    tag = django_filters.CharFilter(help_text="A tag's slug.")
    section = django_filters.CharFilter(help_text="A section's slug.")
    author = django_filters.CharFilter(help_text="An author's slug.")
    featured = _FeaturedFilter(choices=[("true", "true"), ("false", "false")])
    published_after = _DateTimeFilter()
    published_before = _DateTimeFilter()
    search = _SearchFilter()
    ordering = _OrderingFilter()
    fields = django_filters.CharFilter(
        help_text="Comma-separated fields to return (sparse fieldsets)."
    )

    class Meta:
        model = Article
        fields: tuple[str, ...] = ()

    def article_listing(self, actor: Actor) -> listing.Listing:
        """``listing.article_listing`` (``selectors.article_list``) called with the parameters
        given. Every parameter at fault is named in one 400: those the form cannot parse and
        those the selector refuses, in the order they are declared here."""
        form = self.form
        errors = {name: list(messages) for name, messages in form.errors.items()}
        arguments = {
            name: value
            for name, value in form.cleaned_data.items()
            if name != "fields" and value not in (None, "")
        }
        if "featured" in arguments:
            arguments["featured"] = arguments["featured"] == "true"
        try:
            found = listing.article_listing(actor, **arguments)
        except ValidationFailed as refused:
            errors.update(refused.errors)
        if errors:
            raise ValidationFailed({name: errors[name] for name in self.filters if name in errors})
        return found
