"""An article's revisions in GraphQL: ``articleRevisions`` (for those who may edit the
article) and ``restoreArticleRevision``."""

from __future__ import annotations

from typing import Any

import graphene

from cms.access import Action
from cms.actors import Actor, actor_from_request
from cms.graphql.connections import CountableConnection, build_connection, window
from cms.graphql.cost import LIST_BOUNDS, Setting
from cms.graphql.node import Node
from cms.graphql.scalars import Date as DateScalar
from cms.graphql.scalars import DateTime
from cms.text import is_whole_number

from .. import fields, revisions, services
from ..models import Article
from ..revisions import Reference, RevisionEntry
from .mutations import ArticlePayload, _run, _target
from .types import ArticleStatusEnum, CorrectionKindEnum, scalar_for


class RevisionReference(graphene.ObjectType):
    """A section, tag or author as the revision saw it (it may have changed since)."""

    slug = graphene.String(required=True)
    name = graphene.String(required=True)


class RevisionNote(graphene.ObjectType):
    """A correction or update note as readers were shown it when the revision was saved."""

    date = graphene.Field(DateScalar, required=True)
    kind = graphene.Field(CorrectionKindEnum, required=True)
    text = graphene.String(required=True)


def _field(name: str) -> graphene.Field:
    """One of a revision's fields (``revisions.SNAPSHOT_FIELDS``): references as
    ``RevisionReference``, else the column's scalar."""
    content = next((f for f in fields.CONTENT_FIELDS if f.name == name), None)
    description = content.description if content is not None and content.description else None
    if content is not None and content.by_slug and content.many:
        return graphene.List(
            graphene.NonNull(RevisionReference), required=True, description=description
        )
    if content is not None and content.by_slug:
        return graphene.Field(RevisionReference, description=description)
    if name == "cover_image":
        return graphene.Int(description="The library image's id.")
    if name == "corrections":
        return graphene.List(
            graphene.NonNull(RevisionNote),
            required=True,
            description="The correction and update notes shown then, oldest first.",
        )
    if name == "status":
        return graphene.Field(ArticleStatusEnum, required=True)
    column = fields.model_column(name)
    return graphene.Field(scalar_for(column), required=not column.null, description=description)


class ArticleRevisionFields(
    type("_SnapshotFields", (), {name: _field(name) for name in revisions.SNAPSHOT_FIELDS}),  # type: ignore[misc]
    graphene.ObjectType,
):
    """What a revision kept: the article's content fields (the byline in order), and its
    status and publication date then."""


# Counted by the query cost as the article's own lists are: a revision holds what a save
# allowed, at most ARTICLE_MAX_TAGS tags and ARTICLE_MAX_AUTHORS names.
LIST_BOUNDS[("ArticleRevisionFields", "authors")] = Setting("ARTICLE_MAX_AUTHORS")
LIST_BOUNDS[("ArticleRevisionFields", "tags")] = Setting("ARTICLE_MAX_TAGS")
LIST_BOUNDS[("ArticleRevisionFields", "corrections")] = Setting("ARTICLE_MAX_CORRECTIONS")


class RevisionActor(graphene.ObjectType):
    kind = graphene.String(
        required=True, description="`user` (a person), `token` (an integration) or `system`."
    )
    name = graphene.String(required=True, description="The user's username, or `system`.")
    token_id = graphene.Int(description="The API token acted through, if any.")
    token_name = graphene.String(description="That token's name.")


class ArticleRevision(graphene.ObjectType):
    """One saved state of an article. `number` counts from 1 and is never renumbered.
    node(id:) finds one for those who may read the article's revisions (null otherwise)."""

    class Meta:
        interfaces = (Node,)

    number = graphene.Int(required=True)
    created_at = DateTime(required=True)
    actor = graphene.Field(RevisionActor, required=True)
    summary = graphene.String(required=True, description='"Edited", "Published", ...')
    fields = graphene.Field(ArticleRevisionFields, required=True)

    @classmethod
    def get_node(cls, info: Any, id: str) -> RevisionEntry | None:
        if not is_whole_number(str(id)):
            return None
        found = revisions.revision_by_id(actor_from_request(info.context), int(id))
        return found

    @staticmethod
    def resolve_actor(entry: RevisionEntry, info: Any) -> RevisionActor:
        return RevisionActor(
            kind=entry.actor_kind,
            name=entry.actor_name,
            token_id=entry.token_id,
            token_name=entry.token_name if entry.token_id is not None else None,
        )

    @staticmethod
    def resolve_fields(entry: RevisionEntry, info: Any) -> ArticleRevisionFields:
        values = {}
        for name, value in entry.fields.items():
            if isinstance(value, Reference):
                value = RevisionReference(slug=value.slug, name=value.name)
            elif name == "corrections":
                value = [RevisionNote(date=n.date, kind=n.kind, text=n.text) for n in value]
            elif isinstance(value, list):
                value = [RevisionReference(slug=ref.slug, name=ref.name) for ref in value]
            values[name] = value
        return ArticleRevisionFields(**values)


class ArticleRevisionConnection(CountableConnection):
    class Meta:
        node = ArticleRevision


class RevisionQueries(graphene.ObjectType):
    article_revisions = graphene.Field(
        ArticleRevisionConnection,
        required=True,
        slug=graphene.String(required=True),
        first=graphene.Int(description="Page size, 0 to 100 (default 20)."),
        after=graphene.String(),
        description="An article's revisions, newest first, for those who may edit it: "
        "editors, and its writers on their own work (a token needs content:preview). Anyone "
        "else is refused (NOT_FOUND for an article they cannot see, PERMISSION_DENIED for one "
        "they can only read).",
    )

    @staticmethod
    def resolve_article_revisions(
        root: Any, info: Any, slug: str, first: int | None = None, after: str | None = None
    ) -> ArticleRevisionConnection:
        page = window(first, after)
        article = revisions.article_with_history(actor_from_request(info.context), slug)
        queryset = revisions.revisions_of(article)
        rows = list(queryset[page.offset : page.offset + page.size + 1]) if page.size else []
        return build_connection(
            ArticleRevisionConnection, revisions.entries(rows), page, queryset.count
        )


class RestoreArticleRevision(graphene.Mutation):
    """Make the article's content, section, tags and byline those of revision `number` (its
    slug stays), saved as a new revision "Restored revision N". A section, tag, author or
    cover image deleted since is refused, naming it."""

    class Arguments:
        slug = graphene.String(required=True)
        number = graphene.Int(required=True, description="The revision's `number`.")
        expected_version = graphene.Int(
            required=True, description="The version you are looking at; a newer one is refused."
        )

    Output = ArticlePayload

    @staticmethod
    def mutate(
        root: Any, info: Any, slug: str, number: int, expected_version: int
    ) -> ArticlePayload:
        def work(actor: Actor) -> Article:
            return services.revision_restore(
                article=_target(actor, slug, Action.CHANGE),
                actor=actor,
                number=number,
                expected_version=expected_version,
            )

        return _run(info, work)


class RevisionMutations(graphene.ObjectType):
    restore_article_revision = RestoreArticleRevision.Field(required=True)
