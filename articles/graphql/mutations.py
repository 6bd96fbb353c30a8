"""Reader mutations: registerView."""

from __future__ import annotations

from typing import Any

import graphene
from graphql_relay import to_global_id

from cms.access import Action, require_signed_in
from cms.actors import Actor, actor_from_request
from cms.errors import DomainError, NotFound
from cms.graphql.errors import FieldError, field_errors
from cms.ratelimit import client_ip

from .. import fields, selectors, services
from ..models import Article
from .types import ArticleStatusEnum, scalar_for


class RegisterView(graphene.Mutation):
    """Count a reader's view of a published article (once per reader, article and day;
    crawlers are not counted)."""

    class Arguments:
        slug = graphene.String(required=True)

    view_count = graphene.Int()
    errors = graphene.List(graphene.NonNull(FieldError), required=True)

    @staticmethod
    def mutate(root: Any, info: Any, slug: str) -> RegisterView:
        request = info.context
        user_agent = request.headers.get("User-Agent", "")
        try:
            article = Article.objects.published().filter(slug=slug).first()
            if article is None:
                raise NotFound("No published article has that address.", field="slug")
            count = services.register_view(
                article=article, ip_address=client_ip(request), user_agent=user_agent
            )
        except DomainError as error:
            return RegisterView(view_count=None, errors=field_errors(error))
        return RegisterView(view_count=count, errors=[])


class ArticleMutations(graphene.ObjectType):
    register_view = RegisterView.Field()


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


class EditedArticle(graphene.ObjectType):
    """An article as its editors see it, whatever its status."""

    id = graphene.ID(required=True)
    slug = graphene.String(required=True)
    title = graphene.String(required=True)
    status = graphene.Field(ArticleStatusEnum, required=True)
    version = graphene.Int(required=True)
    published_at = graphene.DateTime()
    url = graphene.String(required=True)

    @staticmethod
    def from_article(article: Article) -> EditedArticle:
        return EditedArticle(
            id=to_global_id("Article", article.pk),
            slug=article.slug,
            title=article.title,
            status=article.status,
            version=article.version,
            published_at=article.published_at,
            url=article.url,
        )


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


class ArticlePayload(graphene.ObjectType):
    article = graphene.Field(EditedArticle)
    errors = graphene.List(graphene.NonNull(FieldError), required=True)


def _run(work: Any) -> ArticlePayload:
    try:
        article = work()
    except DomainError as error:
        return ArticlePayload(article=None, errors=field_errors(error))
    return ArticlePayload(
        article=EditedArticle.from_article(article) if article else None, errors=[]
    )


class CreateArticle(graphene.Mutation):
    class Arguments:
        input = ArticleInput(required=True)

    Output = ArticlePayload

    @staticmethod
    def mutate(root: Any, info: Any, input: ArticleInput) -> ArticlePayload:
        return _run(lambda: services.article_create(actor=_actor(info), **_content(input)))


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
        def work() -> Article:
            actor = _actor(info)
            return services.article_update(
                article=_target(actor, slug, Action.CHANGE),
                actor=actor,
                expected_version=expected_version,
                **_content(input),
            )

        return _run(work)


class PublishArticle(graphene.Mutation):
    class Arguments:
        slug = graphene.String(required=True)
        published_at = graphene.DateTime(description="A future time schedules.")

    Output = ArticlePayload

    @staticmethod
    def mutate(root: Any, info: Any, slug: str, published_at: Any = None) -> ArticlePayload:
        def work() -> Article:
            actor = _actor(info)
            return services.article_publish(
                article=_target(actor, slug, Action.PUBLISH), actor=actor, published_at=published_at
            )

        return _run(work)


class UnpublishArticle(graphene.Mutation):
    class Arguments:
        slug = graphene.String(required=True)

    Output = ArticlePayload

    @staticmethod
    def mutate(root: Any, info: Any, slug: str) -> ArticlePayload:
        def work() -> Article:
            actor = _actor(info)
            return services.article_unpublish(
                article=_target(actor, slug, Action.UNPUBLISH), actor=actor
            )

        return _run(work)


class DeleteArticle(graphene.Mutation):
    class Arguments:
        slug = graphene.String(required=True)

    Output = ArticlePayload

    @staticmethod
    def mutate(root: Any, info: Any, slug: str) -> ArticlePayload:
        def work() -> None:
            actor = _actor(info)
            services.article_delete(article=_target(actor, slug, Action.DELETE), actor=actor)

        return _run(work)


class ArticleWriteMutations(graphene.ObjectType):
    create_article = CreateArticle.Field()
    update_article = UpdateArticle.Field()
    publish_article = PublishArticle.Field()
    unpublish_article = UnpublishArticle.Field()
    delete_article = DeleteArticle.Field()
