"""Public representations of articles and the taxonomy.

The declared fields are the documented contract (drf-spectacular reads them for the OpenAPI
document). ``to_representation`` builds each dict directly from the loaded rows instead of
walking DRF's per-field machinery: a list of 20 articles is the hot path of every front-end,
and the generic route costs several times as much for the same output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.storage import default_storage
from rest_framework import serializers

from ..models import Article, Author, Section, Tag


def media_url(name: str | None, base: str) -> str | None:
    """Absolute URL of a stored file; ``base`` is scheme://host for relative storage URLs."""
    if not name:
        return None
    url = default_storage.url(name)
    return base + url if url.startswith("/") else url


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
    body_html = serializers.CharField(help_text="Sanitised HTML.")
    body_text = serializers.CharField()
    authors = AuthorRefSerializer(many=True, help_text="The byline, in order.")
    section = NamedRefSerializer(allow_null=True)
    tags = NamedRefSerializer(many=True)
    cover_image = CoverImageSerializer(allow_null=True)
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    reading_time_minutes = serializers.IntegerField()
    word_count = serializers.IntegerField()
    view_count = serializers.IntegerField()
    comment_count = serializers.IntegerField(help_text="Approved comments only.")
    comments_enabled = serializers.BooleanField()
    featured = serializers.BooleanField()
    seo = SeoSerializer()
    url = serializers.URLField(help_text="The article's address on the front-end.")

    def to_representation(self, instance: Article) -> dict[str, Any]:
        fields: tuple[str, ...] = self.context["fields"]
        base: str = self.context["media_base"]
        return {name: _GETTERS[name](instance, base) for name in fields}


def _authors(a: Article, base: str) -> list[dict[str, Any]]:
    return [
        {
            "slug": b.author.slug,
            "name": b.author.name,
            "avatar_url": media_url(_file_name(b.author, "avatar"), base),
        }
        for b in a.bylines.all()
    ]


def _section(a: Article, base: str) -> dict[str, str] | None:
    s = a.section
    return {"slug": s.slug, "name": s.name} if s is not None else None


def _cover(a: Article, base: str) -> dict[str, Any] | None:
    name = _file_name(a, "cover_image")
    if not name:
        return None
    return {
        "url": media_url(name, base),
        "alt": a.cover_image_alt,
        "caption": a.cover_image_caption,
        "width": a.cover_image_width,
        "height": a.cover_image_height,
    }


def _seo(a: Article, base: str) -> dict[str, str]:
    return {
        "title": a.seo_title or a.title,
        "description": a.seo_description or a.excerpt,
        "canonical_url": a.canonical_url or a.url,
    }


_GETTERS: dict[str, Callable[[Article, str], Any]] = {
    "id": lambda a, _: a.pk,
    "slug": lambda a, _: a.slug,
    "title": lambda a, _: a.title,
    "subtitle": lambda a, _: a.subtitle,
    "excerpt": lambda a, _: a.excerpt,
    "body_html": lambda a, _: a.body_html,
    "body_text": lambda a, _: a.body_text,
    "authors": _authors,
    "section": _section,
    "tags": lambda a, _: [{"slug": t.slug, "name": t.name} for t in a.tags.all()],
    "cover_image": _cover,
    "published_at": lambda a, _: a.published_at,
    "updated_at": lambda a, _: a.updated_at,
    "reading_time_minutes": lambda a, _: a.reading_time_minutes,
    "word_count": lambda a, _: a.word_count,
    "view_count": lambda a, _: a.view_count,
    "comment_count": lambda a, _: a.comment_count,
    "comments_enabled": lambda a, _: a.comments_enabled,
    "featured": lambda a, _: a.featured,
    "seo": _seo,
    "url": lambda a, _: a.url,
}


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
