"""The GraphQL schema: the apps' queries and mutations composed into one root."""

import graphene

from articles.graphql.mutations import ArticleMutations, ArticleWriteMutations
from articles.graphql.queries import ArticleQueries
from cms.graphql.cost import LIST_BOUNDS
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
# graphene takes no schema description; graphql-core's schema does, and prints it in the SDL.
schema.graphql_schema.description = (
    "Byline's content API. Lists are Relay connections, `first` 20 by default and 100 at most. "
    "A document is refused before it runs, with `extensions.code` naming the limit, when it "
    "is too deep, has too many aliases or tokens, or could return more objects than "
    "GRAPHQL_MAX_NODES (5,000 by default; QUERY_TOO_COSTLY): every object counts 1, a list its "
    "`first` (or the default) times each item, multiplied down nested lists and added up over "
    "aliases and fragments; `tags` and `sections` count "
    f"{LIST_BOUNDS['Query', 'tags']} and {LIST_BOUNDS['Query', 'sections']}, an article's "
    f"`authors` and `tags` {LIST_BOUNDS['Article', 'authors']} and "
    f"{LIST_BOUNDS['Article', 'tags']}. A response over GRAPHQL_MAX_RESPONSE_BYTES (10 MiB by "
    "default) is refused whole (RESPONSE_TOO_LARGE)."
)
