"""Reader mutations: registerView."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphene
from graphene.utils.str_converters import to_camel_case
from graphql_relay import to_global_id

from cms.access import Action, require_signed_in
from cms.actors import Actor, actor_from_request
from cms.errors import DomainError, NotFound
from cms.graphql.errors import FieldError, field_errors
from cms.graphql.scalars import DateTime
from cms.ratelimit import client_ip

from .. import fields, representation, selectors, services
from ..models import Article
from .types import (
    SHOW_EDITORIAL_STATE,
    ArticleNode,
    article_field_type,
    remember_articles,
    scalar_for,
)


class RegisterView(graphene.Mutation):
    """Count a reader's view of a published article (once per reader, article and day;
    crawlers are not counted)."""

    class Meta:
        name = "RegisterViewPayload"

    class Arguments:
        slug = graphene.String(required=True)

    view_count = graphene.Int(
        description="The article's views, this one counted; null only with errors."
    )
    errors = graphene.List(graphene.NonNull(FieldError), required=True)

    @staticmethod
    def mutate(root: Any, info: Any, slug: str) -> RegisterView:
        request = info.context
        user_agent = request.headers.get("User-Agent", "")
        try:
            # What counting needs (liveness, the stored count): not the body.
            live = Article.objects.published().filter(slug=slug)
            article = live.only("id", "status", "published_at", "deleted_at", "view_count").first()
            if article is None:
                raise NotFound("No published article has that address.", field="slug")
            count = services.register_view(
                article=article, ip_address=client_ip(request), user_agent=user_agent
            )
        except DomainError as error:
            return RegisterView(view_count=None, errors=field_errors(error))
        return RegisterView(view_count=count, errors=[])


class ArticleMutations(graphene.ObjectType):
    register_view = RegisterView.Field(required=True)


def _input_field(f: fields.ContentField) -> graphene.InputField:
    """The input type of one content field: slugs for references, else the column's scalar."""
    description = f.description or None
    if f.by_slug and f.many:
        return graphene.List(graphene.NonNull(graphene.String), description=description)
    if f.by_slug:
        return graphene.String(description=description)
    return scalar_for(fields.model_column(f.name))(description=description)


class ArticleInput(
    type("_ContentFields", (), {f.name: _input_field(f) for f in fields.API_CONTENT_FIELDS}),  # type: ignore[misc]
    graphene.InputObjectType,
):
    """Content only: status, dates, counters and version change through their own mutations."""

    # The fields are articles.fields.CONTENT_FIELDS (those the APIs write), from the mixin.


def _actor(info: Any) -> Actor:
    actor = actor_from_request(info.context)
    require_signed_in(actor)
    return actor


def _target(actor: Actor, slug: str, action: Action) -> Article:
    article = selectors.article_for_editing(actor, slug, action)
    if article is None:
        raise NotFound("No article you can see has that slug.", field="slug")
    return article


def _content(input: ArticleInput | None) -> dict[str, Any]:
    given = {key: value for key, value in dict(input or {}).items() if value is not None}
    return services.resolve_references(given)


# Where a payload field says more than "the article's <field>".
_REFERENCE_DESCRIPTIONS = {
    "version": "The article's `version`, for updateArticle's expectedVersion (null with errors).",
    "published_at": "The article's `publishedAt`: null for unpublished work, and with errors.",
}


def _reference_field(name: str) -> graphene.Field:
    """One of the payload's fields: the Article field of that name, null with errors."""
    description = _REFERENCE_DESCRIPTIONS.get(
        name, f"The article's `{to_camel_case(name)}` (null with errors)."
    )
    return graphene.Field(article_field_type(name), description=description)


# The fields a write answers whoever made it (articles.fields.REFERENCE_FIELDS), but the id:
# only the Article node (``article``) carries the article's global ID.
_REFERENCE = tuple(name for name in fields.REFERENCE_FIELDS if name != "id")


class ArticlePayload(
    type("_ReferenceFields", (), {name: _reference_field(name) for name in _REFERENCE}),  # type: ignore[misc]
    graphene.ObjectType,
):
    """What a write left: the article, and where it stands. Every field but `errors` is null
    when there are errors; `article` may be null without them (see there)."""

    article = graphene.Field(
        ArticleNode,
        description="The article as it now is, status and version included. Null with errors, "
        "or when the caller may not read it: a token without content:preview writing "
        "unpublished work, or, with the API closed, one without content:read (the other "
        "fields still say where the article stands, as REST's short answer does).",
    )
    errors = graphene.List(graphene.NonNull(FieldError), required=True)


def _run(info: Any, work: Callable[[Actor], Article]) -> ArticlePayload:
    try:
        actor = _actor(info)
        article = work(actor)
    except DomainError as error:
        return ArticlePayload(errors=field_errors(error))
    # Read back as a read would answer this caller (REST's write answers follow the same rule).
    row = selectors.written_article(actor, article, selectors.PRIVILEGED_FIELDS)
    if row is not None:
        remember_articles(info, [row])
        row[SHOW_EDITORIAL_STATE] = True  # to the one who made the write
    reference = representation.reference(
        selectors.article_reference(article) if row is None else row
    )
    values = {name: reference[name] for name in _REFERENCE}
    return ArticlePayload(article=row, errors=[], **values)


class CreateArticle(graphene.Mutation):
    class Arguments:
        input = ArticleInput(required=True)

    Output = ArticlePayload

    @staticmethod
    def mutate(root: Any, info: Any, input: ArticleInput) -> ArticlePayload:
        return _run(info, lambda actor: services.article_create(actor=actor, **_content(input)))


class UpdateArticle(graphene.Mutation):
    class Arguments:
        slug = graphene.String(required=True)
        input = ArticleInput(required=True)
        expected_version = graphene.Int(
            required=True, description="The version you edited; a newer one is refused."
        )

    Output = ArticlePayload

    @staticmethod
    def mutate(
        root: Any, info: Any, slug: str, input: ArticleInput, expected_version: int
    ) -> ArticlePayload:
        def work(actor: Actor) -> Article:
            return services.article_update(
                article=_target(actor, slug, Action.CHANGE),
                actor=actor,
                expected_version=expected_version,
                **_content(input),
            )

        return _run(info, work)


class PublishArticle(graphene.Mutation):
    class Arguments:
        slug = graphene.String(required=True)
        published_at = DateTime(description="A future time schedules; default: now.")

    Output = ArticlePayload

    @staticmethod
    def mutate(root: Any, info: Any, slug: str, published_at: Any = None) -> ArticlePayload:
        def work(actor: Actor) -> Article:
            return services.article_publish(
                article=_target(actor, slug, Action.PUBLISH), actor=actor, published_at=published_at
            )

        return _run(info, work)


class UnpublishArticle(graphene.Mutation):
    class Arguments:
        slug = graphene.String(required=True)

    Output = ArticlePayload

    @staticmethod
    def mutate(root: Any, info: Any, slug: str) -> ArticlePayload:
        def work(actor: Actor) -> Article:
            return services.article_unpublish(
                article=_target(actor, slug, Action.UNPUBLISH), actor=actor
            )

        return _run(info, work)


class DeleteArticle(graphene.Mutation):
    """Move an article, with its comments, to the trash (editors restore it whole, with
    restoreArticle, for TRASH_RETENTION_DAYS). Answers its ID, for clients to drop it from
    their caches (Relay's @deleteRecord): no reader can see it any more. Writers delete only
    their own work that was never published; anything that was ever live needs an editor
    (PERMISSION_DENIED, saying so)."""

    class Meta:
        name = "DeleteArticlePayload"

    class Arguments:
        slug = graphene.String(required=True)

    deleted_id = graphene.ID(
        description="The deleted Article's global ID (null with errors); node() no longer finds "
        "it (the trash lists it as a TrashedArticle with the same number)."
    )
    errors = graphene.List(graphene.NonNull(FieldError), required=True)

    @staticmethod
    def mutate(root: Any, info: Any, slug: str) -> DeleteArticle:
        try:
            actor = _actor(info)
            article = _target(actor, slug, Action.DELETE)
            deleted_id = to_global_id("Article", article.pk)
            services.article_delete(article=article, actor=actor)
        except DomainError as error:
            return DeleteArticle(errors=field_errors(error))
        return DeleteArticle(deleted_id=deleted_id, errors=[])


class ArticleWriteMutations(graphene.ObjectType):
    create_article = CreateArticle.Field(required=True)
    update_article = UpdateArticle.Field(required=True)
    publish_article = PublishArticle.Field(required=True)
    unpublish_article = UnpublishArticle.Field(required=True)
    delete_article = DeleteArticle.Field(required=True)
