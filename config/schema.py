"""The GraphQL schema: the apps' queries and mutations composed into one root."""

import graphene
from django.conf import settings

from articles.graphql.corrections import CorrectionMutations
from articles.graphql.mutations import ArticleMutations, ArticleWriteMutations
from articles.graphql.queries import ArticleQueries
from articles.graphql.revisions import RevisionMutations, RevisionQueries
from articles.graphql.trash import TrashMutations, TrashQueries
from cms.graphql.cost import LIST_BOUNDS, Setting
from cms.graphql.node import Node
from cms.graphql.scalars import specify_scalars
from comments.graphql.mutations import CommentMutations
from comments.graphql.types import CommentNode, CommentQueries


class Query(ArticleQueries, RevisionQueries, CommentQueries, TrashQueries, graphene.ObjectType):
    node = Node.Field(description="Any object by its global ID.")


class Mutation(
    ArticleMutations,
    ArticleWriteMutations,
    CorrectionMutations,
    RevisionMutations,
    CommentMutations,
    TrashMutations,
    graphene.ObjectType,
):
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
        "addCorrection",
        "removeCorrection",
        "restoreArticleRevision",
        "articleRevisions",
        "moderateComment",
        "moderationQueue",
        "trash",
        "restoreArticle",
        "deleteArticleForever",
    }
)

schema = graphene.Schema(query=Query, mutation=Mutation, types=[CommentNode])
specify_scalars(schema.graphql_schema)


def _bound(type_name: str, field: str) -> str:
    """A declared list bound as the schema states it: the setting, with its value."""
    bound = LIST_BOUNDS[type_name, field]
    return f"{bound.name} ({bound():,})" if isinstance(bound, Setting) else str(bound)


# graphene takes no schema description; graphql-core's schema does, and prints it in the SDL.
schema.graphql_schema.description = (
    "Byline's content API. Lists are Relay connections, `first` 20 by default and 100 at most. "
    "A document is refused before it runs, with `extensions.code` naming the limit, when it "
    "is too deep, has too many aliases or tokens, or could return more objects than "
    "GRAPHQL_MAX_NODES (5,000 by default; QUERY_TOO_COSTLY): every object counts 1, a list its "
    "`first` (or the default) times each item, multiplied down nested lists and added up over "
    "aliases and fragments; `tags` and `sections` count the most they return, "
    f"{_bound('Query', 'tags')}, an article's `authors`, `tags` and `corrections` the most an "
    f"article may have, {_bound('Article', 'authors')}, {_bound('Article', 'tags')} and "
    f"{_bound('Article', 'corrections')}. A query may run "
    f"GRAPHQL_MAX_SEARCHES ({settings.GRAPHQL_MAX_SEARCHES}) searches (QUERY_TOO_COSTLY). A "
    "query's response over GRAPHQL_MAX_RESPONSE_BYTES (10 MiB by default) is refused whole "
    "(RESPONSE_TOO_LARGE); a mutation's is not, as its writes are done. Every global ID "
    "names one type, and node(id:) answers it only to those who may see it (null otherwise)."
)
