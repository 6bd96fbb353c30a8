"""The GraphQL schema: the apps' queries and mutations composed into one root."""

import graphene

from articles.graphql.mutations import ArticleMutations, ArticleWriteMutations
from articles.graphql.queries import ArticleQueries
from cms.graphql.node import Node
from comments.graphql.mutations import CommentMutations
from comments.graphql.types import CommentNode


class Query(ArticleQueries, graphene.ObjectType):
    node = Node.Field(description="Any object by its global ID.")


class Mutation(ArticleMutations, ArticleWriteMutations, CommentMutations, graphene.ObjectType):
    pass


# The mutations readers send (anonymously, on a public API); they close with the public API.
READER_MUTATIONS = frozenset({"submitComment", "registerView"})

schema = graphene.Schema(query=Query, mutation=Mutation, types=[CommentNode])
