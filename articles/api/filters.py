"""Query parameters of the article list (django-filter). Each filter is a subquery on the
article table, so counting a filtered list never joins."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef

from ..models import Article, ArticleAuthor, ArticleQuerySet, Section
from ..selectors import search

ORDERINGS = {
    "-published_at": ("-published_at", "-id"),
    "published_at": ("published_at", "id"),
    "-view_count": ("-view_count", "-published_at", "-id"),
    "-comment_count": ("-comment_count", "-published_at", "-id"),
    "title": ("title", "id"),
}


class ArticleFilter(django_filters.FilterSet):
    tag = django_filters.CharFilter(method="filter_tag", help_text="A tag's slug.")
    section = django_filters.CharFilter(method="filter_section", help_text="A section's slug.")
    author = django_filters.CharFilter(method="filter_author", help_text="An author's slug.")
    featured = django_filters.ChoiceFilter(
        method="filter_featured",
        choices=[("true", "true"), ("false", "false")],
        help_text="true or false.",
    )
    published_after = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="ISO 8601 date-time."
    )
    published_before = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="ISO 8601 date-time."
    )
    search = django_filters.CharFilter(
        method="filter_search", help_text="Words to find; results are ranked by relevance."
    )
    ordering = django_filters.ChoiceFilter(
        method="filter_ordering",
        choices=[(key, key) for key in ORDERINGS],
        help_text="Default: -published_at (newest first), or relevance when searching.",
    )
    fields = django_filters.CharFilter(
        method="filter_nothing",
        help_text="Comma-separated fields to return (sparse fieldsets).",
    )

    class Meta:
        model = Article
        fields: tuple[str, ...] = ()

    def filter_tag(self, qs: ArticleQuerySet, name: str, value: str) -> Any:
        tagged = Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag__slug=value)
        return qs.filter(Exists(tagged))

    def filter_section(self, qs: ArticleQuerySet, name: str, value: str) -> Any:
        return qs.filter(section_id__in=Section.objects.filter(slug=value).values("pk"))

    def filter_author(self, qs: ArticleQuerySet, name: str, value: str) -> Any:
        credited = ArticleAuthor.objects.filter(article_id=OuterRef("pk"), author__slug=value)
        return qs.filter(Exists(credited))

    def filter_featured(self, qs: ArticleQuerySet, name: str, value: str) -> Any:
        return qs.filter(featured=value == "true")

    def filter_search(self, qs: ArticleQuerySet, name: str, value: str) -> Any:
        return search(qs, value)

    def filter_ordering(self, qs: ArticleQuerySet, name: str, value: str) -> Any:
        return qs.order_by(*ORDERINGS[value])

    def filter_nothing(self, qs: ArticleQuerySet, name: str, value: str) -> Any:
        return qs  # read by the view, not a filter
