"""The GraphQL schema: the apps' queries composed into one root."""

import graphene

from articles.graphql.queries import ArticleQueries
from cms.graphql.node import Node
from comments.graphql.types import CommentNode


class Query(ArticleQueries, graphene.ObjectType):
    node = Node.Field(description="Any object by its global ID.")


schema = graphene.Schema(query=Query, types=[CommentNode])
