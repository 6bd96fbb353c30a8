"""GraphQL types for articles and the taxonomy. Articles resolve from the same rows the REST
API uses (``articles.selectors``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphene
from django.db import models

from cms.actors import actor_from_request
from cms.graphql import batch
from cms.graphql.connections import CountableConnection
from cms.graphql.cost import LIST_BOUNDS, Setting
from cms.graphql.enums import enum_from_choices
from cms.graphql.node import Node
from cms.graphql.scalars import Date, DateTime
from cms.media import media_url
from cms.text import is_whole_number
from media.renditions import MAX_RENDITIONS

from .. import fields, notes, representation, selectors
from ..models import ArticleStatus, Author, Correction, CorrectionKind
from ..models import Section as SectionModel
from ..models import Tag as TagModel
from ..selectors import Row

ArticleStatusEnum = enum_from_choices(
    ArticleStatus,
    name="ArticleStatus",
    description="Where an article is in its lifecycle (REST shows the lower-case value).",
)

CorrectionKindEnum = enum_from_choices(
    CorrectionKind,
    name="CorrectionKind",
    description="A correction (something was wrong) or an update (something changed).",
)

# Fields that apps above this one hang on Article (``comments``, from the comments app):
# name -> factory of the graphene field. Filled in by those apps; articles imports none.
ARTICLE_EXTENSIONS: dict[str, Callable[[], graphene.Field]] = {}


def _extension(name: str) -> graphene.Dynamic:
    return graphene.Dynamic(
        lambda: ARTICLE_EXTENSIONS[name]() if name in ARTICLE_EXTENSIONS else None
    )


def remember_articles(info: Any, rows: list[Row]) -> None:
    """Note the articles a resolver returns, and their bylines' authors, so that nested
    fields (comments, an author's profile and articleCount) load for all of them in one query
    each."""
    batch.remember(info, "article", [row["id"] for row in rows])
    batch.remember(info, "author", [a["id"] for row in rows for a in row.get("authors", ())])


_UNTIL_PUBLISHED = "Empty until the author has published work."


class AuthorNode(graphene.ObjectType):
    """An author with published work, or in the byline of an article the caller may read.
    Never an email. The profile (bio, website) is public once the author has published work,
    as REST's `/authors/` has it; until then a byline shows the name, slug and avatar."""

    class Meta:
        name = "Author"
        interfaces = (Node,)

    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    bio = graphene.String(required=True, description=f"The author's biography. {_UNTIL_PUBLISHED}")
    avatar_url = graphene.String()
    website = graphene.String(required=True, description=f"The author's site. {_UNTIL_PUBLISHED}")
    article_count = graphene.Int(required=True, description="Published articles.")

    # Resolved from an Author (author, authors, node: ``authors_with_published_work``, whose
    # profiles are public) or from a byline row (an article's ``authors``:
    # ``selectors.BYLINE_COLUMNS``, no profile), whose profile ``_public_profile`` loads.

    @classmethod
    def get_node(cls, info: Any, id: str) -> Author | None:
        if not is_whole_number(str(id)):
            return None
        return selectors.authors_with_published_work().filter(pk=id).first()

    @staticmethod
    def resolve_avatar_url(root: Author | Row, info: Any) -> str | None:
        if isinstance(root, dict):
            return media_url(root["avatar"] or None)
        return media_url(root.avatar.name if root.avatar else None)

    @staticmethod
    def resolve_bio(root: Author | Row, info: Any) -> str:
        profile = _public_profile(root, info)
        return "" if profile is None else profile.bio

    @staticmethod
    def resolve_website(root: Author | Row, info: Any) -> str:
        profile = _public_profile(root, info)
        return "" if profile is None else profile.website

    @staticmethod
    def resolve_article_count(root: Author | Row, info: Any) -> int:
        profile = _public_profile(root, info)
        # Annotated by ``authors_with_published_work``, which every profile comes from.
        return 0 if profile is None else int(profile.article_count)  # type: ignore[attr-defined]


def _public_profile(root: Author | Row, info: Any) -> Author | None:
    """The author's public profile (with its article count), or None while it has no
    published work. A byline row's is loaded for every byline author in the response at once
    (``remember_articles``), in one query, the first time a profile field is asked."""
    if isinstance(root, Author):
        return root  # from authors_with_published_work
    profile: Author | None = batch.load(
        info, "author", "public_author", root["id"], selectors.public_authors, None
    )
    return profile


class Section(graphene.ObjectType):
    """A section with published work."""

    class Meta:
        interfaces = (Node,)

    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    description = graphene.String(required=True)

    @classmethod
    def get_node(cls, info: Any, id: str) -> SectionModel | None:
        # What the public listing shows: a section only drafts use stays unannounced.
        if not is_whole_number(str(id)):
            return None
        return selectors.sections().filter(pk=id).first()


class Tag(graphene.ObjectType):
    """A tag on published work."""

    class Meta:
        interfaces = (Node,)

    slug = graphene.String(required=True)
    name = graphene.String(required=True)

    @classmethod
    def get_node(cls, info: Any, id: str) -> TagModel | None:
        if not is_whole_number(str(id)):
            return None
        return selectors.tags().filter(pk=id).first()


class ImageRendition(graphene.ObjectType):
    """A smaller WebP copy of an image, for ``srcset``."""

    url = graphene.String(required=True)
    width = graphene.Int(required=True)
    height = graphene.Int(required=True)
    format = graphene.String(required=True, description="The image format (webp).")


class CoverImage(graphene.ObjectType):
    url = graphene.String(required=True, description="The original, as uploaded.")
    alt = graphene.String(required=True)
    caption = graphene.String(required=True)
    credit = graphene.String(required=True, description="Photographer or source.")
    width = graphene.Int()
    height = graphene.Int()
    renditions = graphene.List(
        graphene.NonNull(ImageRendition),
        required=True,
        description="Smaller WebP copies, narrowest first (never wider than the original); "
        "empty until they have been made, shortly after the upload.",
    )


class Seo(graphene.ObjectType):
    title = graphene.String(required=True)
    description = graphene.String(required=True)
    canonical_url = graphene.String(required=True)


class CorrectionNote(graphene.ObjectType):
    """A dated correction or update note on a published article."""

    class Meta:
        name = "Correction"
        interfaces = (Node,)

    @classmethod
    def get_node(cls, info: Any, id: str) -> Row | None:
        """A note shown on an article the caller may read (a removed one is gone)."""
        if not is_whole_number(str(id)):
            return None
        readable = selectors.retrievable_articles(actor_from_request(info.context))
        shown = Correction.objects.shown().filter(pk=id, article__in=readable)
        return shown.values(*notes.CORRECTION_COLUMNS).first()

    date = Date(required=True, description="The date shown with the note.")
    text = graphene.String(required=True, description="Plain text.")
    kind = graphene.Field(CorrectionKindEnum, required=True)


def scalar_for(model_field: Any) -> type[graphene.Scalar]:
    """graphene's scalar for a model column."""
    if isinstance(model_field, models.BooleanField):
        return graphene.Boolean
    if isinstance(model_field, models.DateTimeField):
        return DateTime
    if isinstance(model_field, models.IntegerField | models.AutoField):
        return graphene.Int
    if isinstance(model_field, models.CharField | models.TextField):
        return graphene.String
    raise TypeError(f"No GraphQL scalar for {type(model_field).__name__}: map it here.")


# The enum of each article column with choices.
_ENUMS = {"status": ArticleStatusEnum}

# Article's composite fields, typed here and built by ``articles.representation``.
_COMPOSITE: dict[str, Callable[[], graphene.Field | graphene.List]] = {
    "authors": lambda: graphene.List(graphene.NonNull(AuthorNode), required=True),
    "section": lambda: graphene.Field(Section),
    "tags": lambda: graphene.List(graphene.NonNull(Tag), required=True),
    "cover_image": lambda: graphene.Field(CoverImage),
    "seo": lambda: graphene.Field(Seo, required=True),
    "url": lambda: graphene.String(required=True, description=fields.read_field("url").description),
    "corrections": lambda: graphene.List(
        graphene.NonNull(CorrectionNote),
        required=True,
        description=fields.read_field("corrections").description,
    ),
}


def article_field_type(name: str) -> type[graphene.Scalar] | type[graphene.Enum]:
    """The GraphQL type of one of Article's plain fields, or of its URL (a String)."""
    if name == "url":
        return graphene.String
    f = fields.read_field(name)
    if f.model_field.choices:
        # A column with choices is an enum (the one such column: the status).
        return _ENUMS[f.name]
    return scalar_for(f.model_field)


def _article_fields() -> type:
    """A mixin holding Article's fields in the order of ``articles.fields.READ_FIELDS``
    (graphene collects fields from every base class): plain ones derived from the model
    column, composite ones from ``_COMPOSITE``. Editorial state is null for readers who may
    not see it, whatever the column."""

    def plain(f: fields.ReadField) -> graphene.Scalar | graphene.Field:
        required = not f.model_field.null and not f.privileged
        description = f.description or None
        return graphene.Field(
            article_field_type(f.name), required=required, description=description
        )

    attributes = {
        f.name: _COMPOSITE[f.name]() if f.composite else plain(f)
        for f in fields.READ_FIELDS
        if f.name != "id"  # id comes from the Node interface
    }
    return type("_ArticleFields", (), attributes)


class ArticleNode(_article_fields(), graphene.ObjectType):  # type: ignore[misc]
    """An article: a published one for readers (what the REST API calls the public
    representation); unpublished work for those who may preview it, and in the payload of
    the write that changed it."""

    class Meta:
        name = "Article"
        interfaces = (Node,)

    comments = _extension("comments")
    comment_form_token = _extension("comment_form_token")

    @classmethod
    def get_node(cls, info: Any, id: str) -> Row | None:
        if not is_whole_number(str(id)):
            return None
        visible = selectors.retrievable_articles(actor_from_request(info.context)).filter(pk=id)
        rows = list(selectors.article_rows(visible, selectors.PRIVILEGED_FIELDS)[:1])
        rows = selectors.attach_related(rows, selectors.PRIVILEGED_FIELDS)
        remember_articles(info, rows)
        return rows[0] if rows else None

    @staticmethod
    def resolve_authors(root: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        return list(root["authors"])

    @staticmethod
    def resolve_section(root: dict[str, Any], info: Any) -> dict[str, Any] | None:
        section = representation.section(root)
        return None if section is None else {"id": root["section_id"], **section}

    @staticmethod
    def resolve_tags(root: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        return [{"id": pk, **tag} for pk, tag in zip(root["tag_ids"], root["tags"], strict=True)]

    @staticmethod
    def resolve_cover_image(root: dict[str, Any], info: Any) -> dict[str, Any] | None:
        return representation.cover_image(root)

    @staticmethod
    def resolve_seo(root: dict[str, Any], info: Any) -> dict[str, Any]:
        return representation.seo(root)

    @staticmethod
    def resolve_url(root: dict[str, Any], info: Any) -> str:
        return representation.url(root)

    @staticmethod
    def resolve_corrections(root: dict[str, Any], info: Any) -> list[dict[str, Any]]:
        return list(root["corrections"])

    @staticmethod
    def resolve_status(root: dict[str, Any], info: Any) -> str | None:
        return _editorial(root, info, "status")

    @staticmethod
    def resolve_version(root: dict[str, Any], info: Any) -> int | None:
        return _editorial(root, info, "version")


# What the query cost (cms.graphql.cost) counts an article's byline and tags as: the caps
# articles.services holds every write to.
LIST_BOUNDS[("Article", "authors")] = Setting("ARTICLE_MAX_AUTHORS")
LIST_BOUNDS[("Article", "tags")] = Setting("ARTICLE_MAX_TAGS")
LIST_BOUNDS[("Article", "corrections")] = Setting("ARTICLE_MAX_CORRECTIONS")
LIST_BOUNDS[("CoverImage", "renditions")] = MAX_RENDITIONS

# Marks a row whose editorial state the caller may see whatever its role: one read through
# a preview token, or one a write mutation returns to the caller who made the write.
SHOW_EDITORIAL_STATE = "_show_editorial_state"


def _editorial(root: dict[str, Any], info: Any, name: str) -> Any:
    if root.get(SHOW_EDITORIAL_STATE) or selectors.sees_editorial_state(
        actor_from_request(info.context)
    ):
        return root.get(name)
    return None


class ArticleConnection(CountableConnection):
    class Meta:
        node = ArticleNode


class AuthorConnection(CountableConnection):
    class Meta:
        node = AuthorNode
