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

from cms.media import media_url

from .. import representation
from ..models import ArticleStatus, Author, Section, Tag
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


class ArticleSerializer(serializers.Serializer):
    """A published article. Lists leave out ``body_html`` and ``body_text`` unless asked for
    with ``fields``; a single article includes everything."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    excerpt = serializers.CharField()
    body_html = serializers.CharField(
        required=False, help_text="Sanitised HTML. In lists only when named in `fields`."
    )
    body_text = serializers.CharField(
        required=False, help_text="In lists only when named in `fields`."
    )
    authors = AuthorRefSerializer(many=True, help_text="The byline, in order.")
    section = NamedRefSerializer(allow_null=True)
    tags = NamedRefSerializer(many=True)
    cover_image = CoverImageSerializer(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True, help_text="Null for drafts.")
    updated_at = serializers.DateTimeField()
    reading_time_minutes = serializers.IntegerField()
    word_count = serializers.IntegerField()
    view_count = serializers.IntegerField()
    comment_count = serializers.IntegerField(help_text="Approved comments only.")
    comments_enabled = serializers.BooleanField()
    featured = serializers.BooleanField()
    seo = SeoSerializer()
    url = serializers.URLField(help_text="The article's address on the front-end.")
    status = serializers.ChoiceField(
        choices=ArticleStatus.choices, help_text="For those who may edit or preview it."
    )
    version = serializers.IntegerField(
        help_text="For those who may edit or preview it; send its ETag back in If-Match."
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        # Every field is there unless ``fields`` (sparse fieldsets) leaves it out.
        for field in fields.values():
            field.required = False
        return fields

    def to_representation(self, instance: Row) -> dict[str, Any]:
        return represent_article(instance, self.context["fields"], self.context["media_base"])


def represent_article(row: Row, fields: tuple[str, ...], base: str) -> dict[str, Any]:
    """The public representation of one article row (``articles.selectors.article_rows``)."""
    return {name: _GETTERS[name](row, base) for name in fields}


def _plain(name: str) -> Callable[[Row, str], Any]:
    return lambda r, _: r[name]


_PLAIN = ("id", "slug", "title", "subtitle", "excerpt", "body_html", "body_text", "tags",
          "published_at", "updated_at", "reading_time_minutes", "word_count", "view_count",
          "comment_count", "comments_enabled", "featured", "status", "version")  # fmt: skip
_GETTERS: dict[str, Callable[[Row, str], Any]] = {
    **{name: _plain(name) for name in _PLAIN},
    "authors": representation.byline,
    # REST's section is {slug, name}; the description belongs to /sections/.
    "section": lambda r, _: (
        {"slug": r["section__slug"], "name": r["section__name"]} if r["section__slug"] else None
    ),
    "cover_image": representation.cover_image,
    "seo": lambda r, _: representation.seo(r),
    "url": lambda r, _: representation.url(r),
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
        return media_url(_file_name(author, "avatar"), self.context["media_base"])


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ("slug", "name", "description")


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ("slug", "name")
