"""The GraphQL schema: the apps' queries and mutations composed into one root."""

import graphene

from articles.graphql.mutations import ArticleMutations, ArticleWriteMutations
from articles.graphql.queries import ArticleQueries
from cms.graphql.node import Node
from comments.graphql.mutations import CommentMutations
from comments.graphql.types import CommentNode, CommentQueries


class Query(ArticleQueries, CommentQueries, graphene.ObjectType):
    node = Node.Field(description="Any object by its global ID.")


class Mutation(ArticleMutations, ArticleWriteMutations, CommentMutations, graphene.ObjectType):
    pass


# Root fields that answer to scopes of their own. Every other field serves readers and closes
# with the public API (API_PUBLIC_READS): a new field is a reader's until listed here.
SCOPED_FIELDS = frozenset(
    {
        "createArticle",
        "updateArticle",
        "publishArticle",
        "unpublishArticle",
        "deleteArticle",
        "moderateComment",
        "moderationQueue",
    }
)

schema = graphene.Schema(query=Query, mutation=Mutation, types=[CommentNode])
