"""Public representations of articles and the taxonomy.

The declared fields are the documented contract (drf-spectacular reads them for the OpenAPI
document). ``to_representation`` builds each dict directly from the loaded rows instead of
walking DRF's per-field machinery: a list of 20 articles is the hot path of every front-end,
and the generic route costs several times as much for the same output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import serializers
from rest_framework.utils.field_mapping import ClassLookupDict

from cms.media import media_url

from .. import fields, representation
from ..models import Author, Section, Tag
from ..selectors import Row


def _file_name(obj: Any, attribute: str) -> str:
    # The raw stored value, without building a FieldFile for each row.
    value = obj.__dict__.get(attribute)
    return getattr(value, "name", value) or ""


class AuthorRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    avatar_url = serializers.URLField(allow_null=True)


class NamedRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CoverImageSerializer(serializers.Serializer):
    url = serializers.URLField()
    alt = serializers.CharField()
    caption = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)


class SeoSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="The SEO title, or the headline when none is set.")
    description = serializers.CharField(help_text="The SEO description, or the excerpt.")
    canonical_url = serializers.CharField(help_text="Canonical URL, or the front-end URL.")


def _plain_field(field: fields.ReadField) -> serializers.Field:
    """The typed serializer field of a plain read field, from its model field through DRF's
    own model-to-serializer mapping, so a new column needs no line here."""
    model_field = field.model_field
    mapping: Any = ClassLookupDict(serializers.ModelSerializer.serializer_field_mapping)
    field_class = mapping[model_field]
    help_text = field.description
    if not field.in_lists:
        help_text = f"{help_text} In lists only when named in `fields`.".strip()
    if model_field.choices:
        return serializers.ChoiceField(
            choices=model_field.choices, allow_null=model_field.null, help_text=help_text or None
        )
    return field_class(allow_null=model_field.null, help_text=help_text or None)


# The composite fields, typed by hand (``articles.representation`` builds them).
_COMPOSITE: dict[str, Callable[[], serializers.Field]] = {
    "authors": lambda: AuthorRefSerializer(many=True, help_text="The byline, in order."),
    "section": lambda: NamedRefSerializer(allow_null=True),
    "tags": lambda: NamedRefSerializer(many=True),
    "cover_image": lambda: CoverImageSerializer(allow_null=True),
    "seo": lambda: SeoSerializer(),
    "url": lambda: serializers.URLField(help_text=fields.read_field("url").description),
}


class ArticleSerializer(serializers.Serializer):
    """A published article. Lists leave out ``body_html`` and ``body_text`` unless asked for
    with ``fields``; a single article includes everything."""

    # The fields are articles.fields.READ_FIELDS; subclasses add theirs. Every one may be
    # left out by ``fields`` (sparse fieldsets), and editorial state is for those who may
    # edit or preview the article.
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        derived = {
            f.name: _COMPOSITE[f.name]() if f.composite else _plain_field(f)
            for f in fields.READ_FIELDS
        }
        every = {**derived, **super().get_fields()}
        for field in every.values():
            field.required = False
        return every

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return represent_article(instance, self.context["fields"])


def represent_article(row: Row, fields: tuple[str, ...]) -> dict[str, Any]:
    """The public representation of one article row (``articles.selectors.article_rows``)."""
    return {name: _GETTERS[name](row) for name in fields}


def _plain(name: str) -> Callable[[Row], Any]:
    return lambda r: r[name]


_GETTERS: dict[str, Callable[[Row], Any]] = {
    **{f.name: _plain(f.name) for f in fields.READ_FIELDS if not f.composite},
    "authors": representation.byline,
    # REST's section is {slug, name}; the description belongs to /sections/.
    "section": lambda r: (
        {"slug": r["section__slug"], "name": r["section__name"]} if r["section__slug"] else None
    ),
    "tags": _plain("tags"),  # attach_related loads them as {slug, name}
    "cover_image": representation.cover_image,
    "seo": representation.seo,
    "url": representation.url,
}


class PopularArticleSerializer(ArticleSerializer):
    views_in_period = serializers.IntegerField(help_text="Views in the last `days` days.")


class PopularSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    results = PopularArticleSerializer(many=True)


class ViewCountSerializer(serializers.Serializer):
    view_count = serializers.IntegerField()


class AuthorSerializer(serializers.ModelSerializer):
    avatar_url = serializers.SerializerMethodField()
    article_count = serializers.IntegerField(help_text="Published articles.")

    class Meta:
        model = Author
        fields = ("slug", "name", "bio", "avatar_url", "website", "article_count")

    def get_avatar_url(self, author: Author) -> str | None:
        return media_url(_file_name(author, "avatar"))


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ("slug", "name", "description")


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ("slug", "name")
