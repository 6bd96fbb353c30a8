"""Public representations of articles and the taxonomy.

The declared fields are the documented contract (drf-spectacular reads them for the OpenAPI
document). ``represent_article`` builds each dict directly from the loaded rows instead of
walking DRF's per-field machinery: a list of 20 articles is the hot path of every front-end,
and the generic route costs several times as much for the same output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import serializers
from rest_framework.utils.field_mapping import ClassLookupDict

from cms.api.schema import AnyOf
from cms.media import media_url
from media.renditions import FORMATS

from .. import fields, representation
from ..models import Author, CorrectionKind, Section, Tag
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


class RenditionSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.ChoiceField(choices=FORMATS, help_text="The image format.")


class CoverImageSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The original, as uploaded.")
    alt = serializers.CharField()
    caption = serializers.CharField()
    credit = serializers.CharField(help_text="Photographer or source.")
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    renditions = RenditionSerializer(
        many=True,
        help_text="Smaller WebP copies, narrowest first, for `srcset` (never wider than the "
        "original). Empty until they have been made, shortly after the upload.",
    )


class SeoSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="The SEO title, or the headline when none is set.")
    description = serializers.CharField(help_text="The SEO description, or the excerpt.")
    canonical_url = serializers.CharField(help_text="Canonical URL, or the front-end URL.")


class CorrectionNoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="What an editor removes the note by.")
    date = serializers.DateField(help_text="The date shown with the note.")
    text = serializers.CharField(help_text="Plain text.")
    kind = serializers.ChoiceField(choices=CorrectionKind.choices)


def _plain_field(field: fields.ReadField, *, live: bool, always: bool) -> serializers.Field:
    """The typed serializer field of a plain read field, from its model field through DRF's
    own model-to-serializer mapping, so a new column needs no line here. ``live``: the shape
    holds live articles only, so a date that only unpublished work lacks is never null;
    ``always``: the shape always has the field."""
    model_field = field.model_field
    mapping: Any = ClassLookupDict(serializers.ModelSerializer.serializer_field_mapping)
    field_class = mapping[model_field]
    help_text = field.description
    if field.privileged:
        # REST leaves editorial state out for other callers (where GraphQL answers null).
        help_text = "" if always else "Present only for callers who may edit or preview articles."
    elif not field.in_lists:
        help_text = f"{help_text} In lists only when named in `fields`.".strip()
    allow_null = model_field.null and not (live and field.null_until_published)
    if model_field.choices:
        return serializers.ChoiceField(
            choices=model_field.choices, allow_null=allow_null, help_text=help_text or None
        )
    return field_class(allow_null=allow_null, help_text=help_text or None)


# The composite fields, typed by hand (``articles.representation`` builds them).
_COMPOSITE: dict[str, Callable[[], serializers.Field]] = {
    "authors": lambda: AuthorRefSerializer(many=True, help_text="The byline, in order."),
    "section": lambda: NamedRefSerializer(allow_null=True),
    "tags": lambda: NamedRefSerializer(many=True),
    "cover_image": lambda: CoverImageSerializer(allow_null=True),
    "seo": lambda: SeoSerializer(),
    "url": lambda: serializers.URLField(help_text=fields.read_field("url").description),
    "corrections": lambda: CorrectionNoteSerializer(
        many=True,
        help_text=f"{fields.read_field('corrections').description} In lists only when named "
        "in `fields`.",
    ),
}


class ArticleShape(serializers.Serializer):
    """One shape an article answer takes, for the OpenAPI document: the properties it may
    have (``shown``) and those it always has (``always``), derived from ``articles.fields``.

    Answers are built by :func:`represent_article`, not by these serializers. Every shape is
    closed (``additionalProperties: false``): a sparse answer must not validate as a full
    one, which is what lets a response be ``anyOf`` a full shape and a fieldset.
    """

    shown: tuple[str, ...] = fields.PRIVILEGED_FIELDS
    always: tuple[str, ...] = ()
    # Holds live articles only (lists, popular): ``published_at`` is never null.
    live = False
    json_schema: dict[str, Any] = {"additionalProperties": False}

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        derived = {
            f.name: _COMPOSITE[f.name]()
            if f.composite
            else _plain_field(f, live=self.live, always=f.name in self.always)
            for f in fields.READ_FIELDS
            if f.name in self.shown
        }
        every = {**derived, **super().get_fields()}
        for name, field in every.items():
            field.required = name in self.always
        return every


class ArticleSerializer(ArticleShape):
    """A single article without `fields`: every public field; `status` and `version` too
    for callers who may edit or preview articles."""

    always = fields.PUBLIC_FIELDS


class ArticleSummarySerializer(ArticleShape):
    """An article in a list without `fields`: the list fields (no bodies); `status` and
    `version` too for callers who may edit or preview articles."""

    shown = (*fields.LIST_FIELDS, *fields.EDITORIAL_FIELDS)
    always = fields.LIST_FIELDS
    live = True


class ArticleFieldsetSerializer(ArticleShape):
    """An article answered with `fields`: the fields named (and `status` and `version` for
    callers who may edit or preview articles), so any property may be absent."""

    json_schema = {**ArticleShape.json_schema, "minProperties": 1}


class EditedArticleSerializer(ArticleShape):
    """An article as its editors see it (writes, previews): every field, editorial state
    included; `published_at` is null until it is published."""

    always = fields.PRIVILEGED_FIELDS


class EditedArticleRefSerializer(ArticleShape):
    """What a write answers to a caller who may not read the article (a token without
    `content:preview` writing a draft): enough to follow up, none of the content."""

    # articles.fields.REFERENCE_FIELDS says which and why (GraphQL's ArticlePayload has them).
    shown = always = fields.REFERENCE_FIELDS


class ArticleWriteResult(AnyOf):
    shapes = (EditedArticleSerializer, EditedArticleRefSerializer)
    description = (
        "`EditedArticle` when the caller may also read the article (unpublished work: a token "
        "needs `content:preview`; a closed API: `content:read`), else `EditedArticleRef`."
    )


_FIELDS_SELECT = (
    "Without `fields`, {full}; with `fields`, {sparse}: only the fields named. (anyOf: a "
    "full answer matches the fieldset too.)"
)


class ArticleDetail(AnyOf):
    shapes = (ArticleSerializer, ArticleFieldsetSerializer, EditedArticleSerializer)
    description = _FIELDS_SELECT.format(full="`Article`", sparse="`ArticleFieldset`") + (
        " With `preview`, `EditedArticle`."
    )


class ArticleListItem(AnyOf):
    shapes = (ArticleSummarySerializer, ArticleFieldsetSerializer)
    description = _FIELDS_SELECT.format(full="`ArticleSummary`", sparse="`ArticleFieldset`")


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
    "corrections": representation.corrections,
}


class PopularArticleSerializer(ArticleSerializer):
    """A most-read article without `fields`: every public field, and its views in the
    period."""

    views_in_period = serializers.IntegerField(help_text="Views in the last `days` days.")
    always = (*fields.PUBLIC_FIELDS, "views_in_period")
    live = True


class PopularArticleFieldsetSerializer(PopularArticleSerializer):
    """A most-read article answered with `fields`: the fields named, and its views in the
    period."""

    always = ("views_in_period",)
    json_schema = {**ArticleShape.json_schema, "minProperties": 2}


class PopularArticleItem(AnyOf):
    shapes = (PopularArticleSerializer, PopularArticleFieldsetSerializer)
    description = _FIELDS_SELECT.format(full="`PopularArticle`", sparse="`PopularArticleFieldset`")


class PopularSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    results = PopularArticleItem(many=True)


class ViewCountSerializer(serializers.Serializer):
    view_count = serializers.IntegerField()


class AuthorSerializer(serializers.ModelSerializer):
    avatar_url = serializers.SerializerMethodField()
    article_count = serializers.IntegerField(help_text="Published articles.")

    class Meta:
        model = Author
        fields = ("slug", "name", "bio", "avatar_url", "website", "article_count")
        # Every field is always in the answer, blank or not: the document says so (required).
        extra_kwargs = {name: {"required": True} for name in fields}

    def get_avatar_url(self, author: Author) -> str | None:
        return media_url(_file_name(author, "avatar"))


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ("slug", "name", "description")
        # Every field is always in the answer, blank or not: the document says so (required).
        extra_kwargs = {name: {"required": True} for name in fields}


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ("slug", "name")
        # Every field is always in the answer, blank or not: the document says so (required).
        extra_kwargs = {name: {"required": True} for name in fields}
