"""Reader mutations: registerView."""

from __future__ import annotations

from typing import Any

import graphene

from cms.errors import DomainError, NotFound
from cms.graphql.errors import FieldError, field_errors
from cms.privacy import reader_id
from cms.ratelimit import client_ip

from .. import services
from ..models import Article


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
                article=article,
                reader=reader_id(client_ip(request), user_agent),
                user_agent=user_agent,
            )
        except DomainError as error:
            return RegisterView(view_count=None, errors=field_errors(error))
        return RegisterView(view_count=count, errors=[])


class ArticleMutations(graphene.ObjectType):
    register_view = RegisterView.Field()
