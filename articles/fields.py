"""An article's fields as readers, integrations and editors meet them: declared once, here.

Two tables:

* ``READ_FIELDS``: the representation REST and GraphQL return. Plain fields are model
  columns; the selectors load what each names (``columns``), the REST serializer and the
  GraphQL type derive their typed fields from the model field, and ``fields`` (REST's sparse
  fieldsets) accepts exactly these names. Composite fields (the byline, the section, the
  cover image, SEO, the front-end URL) are built by ``articles.representation`` and typed by
  hand in each adapter, held to this table by ``tests/articles/test_field_agreement.py``.
* ``CONTENT_FIELDS``: what writers set. The content services write exactly these columns,
  the admin's form shows them (in the fieldset named by ``admin_group``), and the REST write
  serializer and GraphQL ``ArticleInput`` accept those marked ``api``.

Adding a plain field: the model and its migration, one line here, ``schema.graphql``,
README and tests. Nothing else lists it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from django.db import models

from .models import Article


@dataclass(frozen=True)
class ReadField:
    name: str
    # Columns (``values()`` names) the field is built from; None: the model column ``name``.
    columns: tuple[str, ...] | None = None
    # In lists by default (bodies are left out unless asked for with ``fields``).
    in_lists: bool = True
    # Editorial state: shown only to those who may edit or preview the article.
    privileged: bool = False
    # Built by ``articles.representation`` rather than read from one column.
    composite: bool = False
    # Null only for unpublished work: never null where only live articles are shown (lists,
    # popular), which their schemas say.
    null_until_published: bool = False
    description: str = ""

    @property
    def model_field(self) -> models.Field[Any, Any]:
        """The model field a plain field reads (ValueError for composite ones)."""
        if self.composite:
            raise ValueError(f"{self.name} is built from several columns.")
        return model_column(self.name)

    @property
    def loads(self) -> tuple[str, ...]:
        return (self.name,) if self.columns is None else self.columns


_SECTION = ("section_id", "section__slug", "section__name", "section__description")
# The cover's library row, joined into the article's own query (renditions included), so a
# page of articles costs no query per cover.
_COVER = ("cover_image_id", "cover_image__file", "cover_image__alt", "cover_image__caption",
          "cover_image__credit", "cover_image__width", "cover_image__height",
          "cover_image__renditions")  # fmt: skip
_SEO = ("seo_title", "seo_description", "canonical_url", "title", "excerpt", "published_at",
        "section__slug")  # fmt: skip

READ_FIELDS: Final = (
    ReadField("id"),
    ReadField("slug"),
    ReadField("title"),
    ReadField("subtitle"),
    ReadField("excerpt"),
    ReadField("body_html", in_lists=False, description="Sanitised HTML."),
    ReadField("body_text", in_lists=False),
    ReadField("authors", columns=(), composite=True, description="The byline, in order."),
    ReadField("section", columns=_SECTION, composite=True),
    ReadField("tags", columns=(), composite=True),
    ReadField("cover_image", columns=_COVER, composite=True),
    ReadField(
        "published_at",
        null_until_published=True,
        description="Null only for unpublished work, seen in previews.",
    ),
    ReadField("updated_at"),
    ReadField("reading_time_minutes"),
    ReadField("word_count"),
    ReadField("view_count"),
    ReadField("comment_count", description="Approved comments only."),
    ReadField("comments_enabled"),
    ReadField("featured"),
    ReadField("seo", columns=_SEO, composite=True),
    ReadField(
        "url",
        columns=("published_at", "section__slug"),
        composite=True,
        description="The article's address on the front-end.",
    ),
    ReadField(
        "corrections",
        columns=(),
        in_lists=False,
        composite=True,
        description="Dated correction and update notes, oldest first.",
    ),
    # Whether a privileged row is live decides how it may be cached: status loads the date.
    ReadField(
        "status",
        columns=("status", "published_at"),
        privileged=True,
        description="For those who may edit or preview it; else null.",
    ),
    ReadField(
        "submitted_at",
        privileged=True,
        description="When it last entered review (null if never). For those who may edit or "
        "preview it; else null.",
    ),
    ReadField(
        "returned_at",
        privileged=True,
        description="When it was returned from review to its writer, as a draft (null unless "
        "it is a draft that came back). For those who may edit or preview it; else null.",
    ),
    ReadField(
        "version",
        privileged=True,
        description="For those who may edit or preview it; else null.",
    ),
    # Not ``first_published_at``: it answers one question, who may delete the article, and
    # the policy asks it on every path (a refusal names the reason). Readers have
    # ``published_at``; a client would only use it to guess at that policy.
)

AdminGroup = Literal["main", "placement", "cover", "seo"]


@dataclass(frozen=True)
class ContentField:
    name: str
    # The admin fieldset showing it; None: the admin edits it elsewhere (the byline inline).
    admin_group: AdminGroup | None
    # Written through the REST and GraphQL write APIs (the cover is picked in the admin).
    api: bool = True
    # In the APIs: given by slug (a list of slugs when ``many``), resolved by
    # ``services.resolve_references``.
    by_slug: bool = False
    # Many-to-many: set through the services' own arguments (``tags=``, ``authors=``).
    many: bool = False
    # In the APIs: may be left out of a create (``slug`` is made from the title).
    optional: bool = False
    # Surrounding whitespace is trimmed from text input, except where it is content.
    trim: bool = True
    description: str = ""


CONTENT_FIELDS: Final = (
    ContentField("title", "main"),
    ContentField("slug", "main", optional=True),
    ContentField("subtitle", "main"),
    ContentField("excerpt", "main"),
    ContentField("body_html", "main", trim=False),
    ContentField("section", "placement", by_slug=True, description="A section's slug."),
    ContentField("tags", "placement", by_slug=True, many=True, description="Tag slugs."),
    ContentField("authors", None, by_slug=True, many=True, description="Author slugs, in order."),
    ContentField("comments_enabled", "placement"),
    ContentField("cover_image", "cover", api=False, description="An image of the library."),
    ContentField("seo_title", "seo"),
    ContentField("seo_description", "seo"),
    ContentField("canonical_url", "seo"),
)

PUBLIC_FIELDS: Final = tuple(f.name for f in READ_FIELDS if not f.privileged)
PRIVILEGED_FIELDS: Final = tuple(f.name for f in READ_FIELDS)
# Editorial state: what PRIVILEGED_FIELDS adds to PUBLIC_FIELDS.
EDITORIAL_FIELDS: Final = tuple(f.name for f in READ_FIELDS if f.privileged)
# What a write answers the writer when it may not read the article back (a token without
# content:preview writing a draft; with the API closed, one without content:read): enough to
# follow up and nothing of the content it may not read. Its identity and address (id, slug,
# url), where it stands (status; version, which the next edit must name; published_at), and
# the title, which the writer itself sent. REST's ``EditedArticleRef`` and GraphQL's
# ``ArticlePayload`` (less ``id``: only the Article node carries its global ID) are these.
REFERENCE_FIELDS: Final = ("id", "slug", "title", "published_at", "url", "status", "version")
LIST_FIELDS: Final = tuple(f.name for f in READ_FIELDS if f.in_lists and not f.privileged)
COLUMNS: Final = {f.name: f.loads for f in READ_FIELDS}
# The article's own columns the content services write (relations go through the byline
# and tag services).
WRITTEN_COLUMNS: Final = tuple(f.name for f in CONTENT_FIELDS if not f.many)
# Text columns whose surrounding whitespace the content services trim.
TRIMMED_COLUMNS: Final = frozenset(f.name for f in CONTENT_FIELDS if f.trim and not f.by_slug)
API_CONTENT_FIELDS: Final = tuple(f for f in CONTENT_FIELDS if f.api)


def model_column(name: str) -> models.Field[Any, Any]:
    """Article's model field called ``name``."""
    field = Article._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"Article.{name} is not a model field.")
    return field


def read_field(name: str) -> ReadField:
    return next(f for f in READ_FIELDS if f.name == name)


def admin_fields(group: AdminGroup) -> tuple[str, ...]:
    """The form fields of one admin fieldset, in declaration order."""
    return tuple(f.name for f in CONTENT_FIELDS if f.admin_group == group)


def admin_form_fields() -> tuple[str, ...]:
    """Every content field the admin's form edits itself."""
    return tuple(f.name for f in CONTENT_FIELDS if f.admin_group is not None)
