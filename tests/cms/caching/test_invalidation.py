"""Exact invalidation: each kind of change rebuilds the cached answers showing what changed,
and leaves every other cached answer served from the cache (no global flush)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client
from graphql_relay import to_global_id

from articles import services
from articles.cachetags import invalidate_articles
from articles.models import Article, ArticleStatus, Author, Tag
from cms import cachetags, tokens
from comments import services as comment_services
from comments.models import Comment, CommentStatus
from tests.cms.caching.helpers import cached, graphql, read, warm
from tests.conftest import actor
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def detail(article: Article) -> str:
    return f"/api/v1/articles/{article.slug}/"


def comments(article: Article) -> str:
    return detail(article) + "comments/"


@dataclass
class World:
    maya: Author
    ferries: Tag
    story: Article  # by maya, tagged ferries, with a pending and an approved comment
    other: Article  # nothing in common with story: its own section, tag and no byline
    pending: Comment
    approved: Comment

    @property
    def unrelated(self) -> list[str]:
        """Answers no change to ``story``, its comments, maya or ferries may touch."""
        return [detail(self.other), comments(self.other), LIST + "?tag=trains"]


@pytest.fixture
def world(client, committed) -> World:
    maya = AuthorFactory(slug="maya", name="Maya")
    ferries = TagFactory(slug="ferries", name="Ferries")
    story = ArticleFactory(authors=[maya], tags=[ferries])
    other = ArticleFactory(section=SectionFactory(), tags=[TagFactory(slug="trains")])
    pending = CommentFactory(article=story)
    approved = CommentFactory(article=story, status=CommentStatus.APPROVED)
    comment_services.recount_comments([story.pk])
    world = World(maya, ferries, story, other, pending, approved)
    with committed():
        # As every service write does (publishing them did): their tags are remembered, so
        # a later write knows which filtered lists each leaves.
        invalidate_articles([story.pk, other.pk])
    for path in [*world.unrelated, LIST, detail(story), comments(story), LIST + "?tag=ferries"]:
        warm(client, path)
    return world


def rebuilt(client: Client, path: str):
    """Assert ``path`` is built afresh now; its response."""
    response, queries = read(client, path)
    assert queries > 0, f"{path} was served from the cache after the change"
    return response


def assert_unrelated_still_cached(client: Client, world: World) -> None:
    for path in world.unrelated:
        assert cached(client, path), f"{path} was rebuilt though nothing in it changed"


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


def test_publishing_rebuilds_the_lists_it_enters(client, world, editor, committed):
    draft = ArticleFactory(status=ArticleStatus.DRAFT, authors=[world.maya], tags=[world.ferries])
    with committed():  # as saving it did: remembered as shown nowhere
        invalidate_articles([draft.pk], only_public=True)
    warm(client, LIST + "?author=maya")
    with committed():
        services.article_publish(article=draft, actor=actor(editor))
    assert draft.slug in slugs(rebuilt(client, LIST))
    assert draft.slug in slugs(rebuilt(client, LIST + "?tag=ferries"))
    assert draft.slug in slugs(rebuilt(client, LIST + "?author=maya"))
    assert_unrelated_still_cached(client, world)


def test_editing_a_live_article_rebuilds_what_shows_it(client, world, editor, committed):
    with committed():
        services.article_update(article=world.story, actor=actor(editor), title="Ferries return")
    assert rebuilt(client, detail(world.story)).json()["title"] == "Ferries return"
    assert "Ferries return" in rebuilt(client, LIST).content.decode()
    assert "Ferries return" in rebuilt(client, LIST + "?tag=ferries").content.decode()
    assert_unrelated_still_cached(client, world)


def test_unpublishing_takes_it_out_of_every_cached_answer(client, world, editor, committed):
    with committed():
        services.article_unpublish(article=world.story, actor=actor(editor))
    assert read(client, detail(world.story))[0].status_code == 404
    assert read(client, comments(world.story))[0].status_code == 404
    assert world.story.slug not in slugs(rebuilt(client, LIST))
    assert world.story.slug not in slugs(rebuilt(client, LIST + "?tag=ferries"))
    assert_unrelated_still_cached(client, world)


def test_trash_and_restore_rebuild_what_shows_it(client, world, editor, committed):
    with committed():
        services.article_delete(article=world.story, actor=actor(editor))
    assert read(client, detail(world.story))[0].status_code == 404
    assert world.story.slug not in slugs(rebuilt(client, LIST))
    assert_unrelated_still_cached(client, world)
    assert cached(client, LIST)
    trashed = Article.with_trashed.get(pk=world.story.pk)
    with committed():
        services.article_restore_from_trash(article=trashed, actor=actor(editor))
    assert world.story.slug in slugs(rebuilt(client, LIST))
    assert world.story.slug in slugs(rebuilt(client, LIST + "?tag=ferries"))
    assert rebuilt(client, detail(world.story)).status_code == 200
    assert_unrelated_still_cached(client, world)


@pytest.mark.parametrize(
    ("which", "status", "shown"),
    [
        ("pending", CommentStatus.APPROVED, 2),  # approved: shows
        ("approved", CommentStatus.REMOVED, 0),  # removed: goes
        ("approved", CommentStatus.SPAM, 0),
    ],
)
def test_moderation_rebuilds_the_thread_and_the_count(
    client, world, editor, committed, which, status, shown
):
    with committed():
        comment_services.comment_moderate(
            comment=getattr(world, which), actor=actor(editor), status=status
        )
    assert len(rebuilt(client, comments(world.story)).json()["results"]) == shown
    assert rebuilt(client, detail(world.story)).json()["comment_count"] == shown
    assert_unrelated_still_cached(client, world)


def test_a_new_approved_comment_rebuilds_the_thread(client, world, editor, committed):
    with committed():
        comment_services.comment_create(
            article=world.story,
            author_name="Ana",
            author_email="ana@mail.example",
            body="Welcome back.",
            actor=actor(editor),
            status=CommentStatus.APPROVED,
        )
    assert len(rebuilt(client, comments(world.story)).json()["results"]) == 2
    assert_unrelated_still_cached(client, world)


def test_a_pending_comment_invalidates_nothing(client, world, committed):
    with committed():
        comment_services.comment_create(
            article=world.story, author_name="Ana", author_email="ana@mail.example", body="Hi"
        )
    assert cached(client, comments(world.story))
    assert cached(client, detail(world.story))


def test_renaming_a_tag_rebuilds_what_names_it(client, world, editor, committed):
    warm(client, "/api/v1/tags/")
    world.ferries.name = "Ferry news"
    with committed():
        services.taxonomy_save(obj=world.ferries, actor=actor(editor))
    assert "Ferry news" in rebuilt(client, detail(world.story)).content.decode()
    assert "Ferry news" in rebuilt(client, LIST).content.decode()
    assert "Ferry news" in rebuilt(client, "/api/v1/tags/").content.decode()
    assert cached(client, comments(world.story))
    assert_unrelated_still_cached(client, world)


def test_renaming_an_author_rebuilds_their_bylines(client, world, editor, committed):
    warm(client, "/api/v1/authors/")
    world.maya.name = "Maya K."
    with committed():
        services.taxonomy_save(obj=world.maya, actor=actor(editor))
    assert "Maya K." in rebuilt(client, detail(world.story)).content.decode()
    assert "Maya K." in rebuilt(client, "/api/v1/authors/").content.decode()
    assert_unrelated_still_cached(client, world)


def test_deleting_a_tag_rebuilds_the_tag_listing(client, world, editor, committed):
    unused = TagFactory(slug="unused")
    warm(client, "/api/v1/tags/")
    with committed():
        services.taxonomy_delete(obj=unused, actor=actor(editor))
    rebuilt(client, "/api/v1/tags/")
    assert cached(client, detail(world.story))
    assert_unrelated_still_cached(client, world)


def test_editing_a_draft_invalidates_nothing(client, world, editor, committed):
    draft = ArticleFactory(status=ArticleStatus.DRAFT, authors=[world.maya], tags=[world.ferries])
    invalidated: list[frozenset[str]] = []
    cachetags.on_invalidate(invalidated.append)
    try:
        with committed():
            services.article_update(article=draft, actor=actor(editor), title="Still secret")
    finally:
        cachetags._listeners.remove(invalidated.append)
    assert invalidated == []
    for path in [LIST, LIST + "?tag=ferries", detail(world.story), *world.unrelated]:
        assert cached(client, path)


def test_a_draft_that_was_published_meanwhile_is_invalidated(client, world, editor, committed):
    """The writer's copy says draft; the row (locked by the write) says published."""
    stale = Article.objects.get(pk=world.story.pk)
    stale.status = ArticleStatus.DRAFT
    with committed():
        services.article_update(article=stale, actor=actor(editor), title="Changed")
    assert rebuilt(client, detail(world.story)).json()["title"] == "Changed"


def test_a_filtered_list_survives_edits_outside_it(client, world, editor, committed):
    with committed():
        services.article_update(article=world.other, actor=actor(editor), title="Trains")
    assert cached(client, LIST + "?tag=ferries")
    rebuilt(client, LIST + "?tag=trains")
    # Leaving the tag invalidates the listing it left, by the remembered tags.
    with committed():
        services.article_update(article=world.story, actor=actor(editor), tags=[])
    assert world.story.slug not in slugs(rebuilt(client, LIST + "?tag=ferries"))


def test_a_forgotten_memory_still_invalidates_the_lists_it_left(client, world, editor, committed):
    cache.clear()  # every remembered tag evicted (versions too: everything is rebuilt)
    warm(client, LIST + "?tag=ferries")
    with committed():
        services.article_update(article=world.story, actor=actor(editor), tags=[])
    assert world.story.slug not in slugs(rebuilt(client, LIST + "?tag=ferries"))


def test_a_tag_slug_change_forgets_the_memory(client, world, editor, committed):
    with committed():  # remembered: tag-ferries
        services.article_update(article=world.story, actor=actor(editor), subtitle="New")
    world.ferries.slug = "boats"
    with committed():
        services.taxonomy_save(obj=world.ferries, actor=actor(editor))
    warm(client, LIST + "?tag=boats")
    with committed():
        services.article_update(article=world.story, actor=actor(editor), tags=[])
    assert world.story.slug not in slugs(rebuilt(client, LIST + "?tag=boats"))


# --- Through each adapter -------------------------------------------------------------------


def token_client(user) -> Client:
    _, plaintext = tokens.token_create(
        owner=user, name="t", scopes=["content:read", "content:write", "content:publish"]
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def test_an_edit_through_rest_invalidates(client, world, editor, committed):
    writer = token_client(editor)
    etag = writer.get(detail(world.story))["ETag"]
    with committed():
        response = writer.patch(
            detail(world.story),
            json.dumps({"title": "Over REST"}),
            content_type="application/json",
            HTTP_IF_MATCH=etag,
        )
    assert response.status_code == 200, response.content
    assert rebuilt(client, detail(world.story)).json()["title"] == "Over REST"
    assert_unrelated_still_cached(client, world)


def test_an_unpublish_through_graphql_invalidates(client, world, editor, committed):
    writer = token_client(editor)
    slug = world.story.slug
    mutation = f'mutation {{ unpublishArticle(slug: "{slug}") {{ errors {{ code }} }} }}'
    with committed():
        response = writer.post("/graphql/", {"query": mutation}, content_type="application/json")
    assert response.json()["data"]["unpublishArticle"]["errors"] == []
    assert world.story.slug not in slugs(rebuilt(client, LIST))
    query = "{ articles(first: 5) { edges { node { slug } } } }"
    body = json.dumps({"query": query})
    first = client.post("/graphql/", body, content_type="application/json")
    assert world.story.slug not in first.content.decode()
    assert_unrelated_still_cached(client, world)


def test_moderation_in_the_admin_invalidates(client, world, editor, committed):
    admin = Client()
    admin.force_login(editor)
    with committed():
        response = admin.post(
            f"/admin/comments/comment/{world.pending.pk}/change/",
            {"status": "approved", "_save": "Save"},
        )
    assert response.status_code == 302
    assert len(rebuilt(client, comments(world.story)).json()["results"]) == 2
    assert_unrelated_still_cached(client, world)


def test_a_comment_read_by_its_node_id_goes_when_removed(client, world, editor, committed):
    comment_id = to_global_id("Comment", world.approved.pk)
    query = f'{{ node(id: "{comment_id}") {{ ... on Comment {{ bodyHtml }} }} }}'
    first, built = graphql(client, query)
    assert first.json()["data"]["node"] is not None
    assert built > 0
    assert graphql(client, query)[1] == 0
    with committed():
        comment_services.comment_moderate(
            comment=world.approved, actor=actor(editor), status=CommentStatus.REMOVED
        )
    response, queries = graphql(client, query)
    assert queries > 0
    assert response.json()["data"]["node"] is None
