"""The trash: deleting moves an article and its comments there; editors restore it whole or
delete it forever; the purge empties it after TRASH_RETENTION_DAYS. Through the services,
REST, GraphQL and the periodic job."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from graphql_relay import to_global_id

from articles import services
from articles.models import Article, ArticleStatus, ArticleViewDay, Author, Section, Tag
from articles.services.trash import (
    DELETE_FOREVER_ACTION,
    PURGE_ACTION,
    RESTORE_ACTION,
    TRASH_ACTION,
)
from cms import scopes, tokens
from cms.errors import InUse, NotFound, PermissionDenied, ValidationFailed
from cms.models import AuditEntry
from cms.periodic import run_periodic, schedule_due
from comments.models import Comment, CommentStatus
from comments.services import recount_comments
from tests.api import assert_queries, gql
from tests.conftest import actor, profile
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def live_with_comments(**kwargs):
    """A live article with a thread (approved, a reply, one pending, one spam), views on two
    days, a byline, a section and a tag."""
    article = ArticleFactory(
        status=ArticleStatus.PUBLISHED,
        view_count=9,
        authors=[AuthorFactory()],
        tags=[TagFactory()],
        **kwargs,
    )
    top = CommentFactory(article=article, status=CommentStatus.APPROVED)
    CommentFactory(article=article, parent=top, depth=1, status=CommentStatus.APPROVED)
    CommentFactory(article=article, status=CommentStatus.PENDING)
    CommentFactory(article=article, status=CommentStatus.SPAM)
    ArticleViewDay.objects.create(article=article, day=date(2026, 11, 29), count=4)
    ArticleViewDay.objects.create(article=article, day=date(2026, 11, 30), count=5)
    recount_comments([article.pk])
    article.refresh_from_db()
    return article


def state(article):
    """Everything a restore must bring back as it was."""
    row = Article.with_trashed.filter(pk=article.pk).values(
        "slug", "status", "published_at", "first_published_at", "created_at", "view_count",
        "comment_count", "featured", "section_id", "title", "body_html",
    ).get()  # fmt: skip
    return (
        row,
        sorted(Comment.with_trashed.filter(article_id=article.pk).values_list(
            "pk", "status", "parent_id", "depth", "created_at")),
        sorted(ArticleViewDay.objects.filter(article_id=article.pk).values_list("day", "count")),
        sorted(Article.with_trashed.get(pk=article.pk).bylines.values_list("author_id", flat=True)),
        sorted(Article.with_trashed.get(pk=article.pk).tags.values_list("pk", flat=True)),
    )  # fmt: skip


def audit(action):
    return list(AuditEntry.objects.filter(action=action).values_list("object_repr", "actor"))


# --- services ------------------------------------------------------------------------------


def test_deleting_moves_the_article_and_its_comments_to_the_trash(editor):
    article = live_with_comments()
    before = state(article)
    services.article_delete(article=article, actor=actor(editor))
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Comment.objects.filter(article_id=article.pk).exists()
    trashed = Article.with_trashed.get(pk=article.pk)
    assert trashed.deleted_by == editor
    assert trashed.deleted_at is not None
    assert Comment.with_trashed.filter(article_id=article.pk).count() == 4  # nothing removed
    assert state(article)[1:] == before[1:]
    ((text, who),) = audit(TRASH_ACTION)
    assert f"article {article.pk} and 4 comments" in text
    assert "moved to the trash" in text
    assert "2 article view days" in text
    assert "1 byline" in text
    assert who == "editor"


def test_restore_brings_it_back_exactly_as_it_was_as_a_new_version(editor):
    article = live_with_comments(featured=True)
    before, version = state(article), article.version
    services.article_delete(article=article, actor=actor(editor))
    restored = services.article_restore_from_trash(article=article, actor=actor(editor))
    assert state(article) == before
    assert restored.version == version + 2  # the move to the trash, then the restore
    assert (restored.deleted_at, restored.deleted_by) == (None, None)
    assert Comment.objects.approved().filter(article=article).count() == 2
    ((text, _),) = audit(RESTORE_ACTION)
    assert f"article {article.pk} and 4 comments" in text


@pytest.mark.parametrize("role", ["author", "contributor", "other_author", "staff_without_role"])
def test_only_editors_restore_or_delete_forever(request, editor, role):
    user = request.getfixturevalue(role)
    owned = {} if role == "staff_without_role" else {"authors": [profile(user)]}
    article = ArticleFactory(status=ArticleStatus.DRAFT, created_by=user, **owned)
    services.article_delete(article=article, actor=actor(editor))
    for service in (services.article_restore_from_trash, services.article_delete_forever):
        with pytest.raises(PermissionDenied):
            service(article=article, actor=actor(user))
    assert Article.with_trashed.get(pk=article.pk).deleted_at is not None


def test_an_editors_token_needs_content_write_for_the_trash(editor):
    article = ArticleFactory()
    services.article_delete(article=article, actor=actor(editor))
    from cms.actors import Actor

    reader = Actor(user=editor, scopes=frozenset({scopes.CONTENT_PUBLISH, scopes.CONTENT_PREVIEW}))
    with pytest.raises(PermissionDenied):
        services.article_restore_from_trash(article=article, actor=reader)
    writer = Actor(user=editor, scopes=frozenset({scopes.CONTENT_WRITE}))
    services.article_restore_from_trash(article=article, actor=writer)
    assert Article.objects.filter(pk=article.pk).exists()


def test_delete_forever_takes_only_trashed_articles_and_says_what_went(editor):
    article = live_with_comments()
    with pytest.raises(NotFound):
        services.article_delete_forever(article=article, actor=actor(editor))
    services.article_delete(article=article, actor=actor(editor))
    gone = services.article_delete_forever(article=article, actor=actor(editor))
    assert gone.startswith(f"article {article.pk} and 4 comments")
    assert not Article.with_trashed.filter(pk=article.pk).exists()
    assert not Comment.with_trashed.filter(article_id=article.pk).exists()
    assert not ArticleViewDay.objects.filter(article_id=article.pk).exists()
    ((text, who),) = audit(DELETE_FOREVER_ACTION)
    assert gone in text
    assert who == "editor"


def test_restoring_what_is_not_in_the_trash_is_not_found(editor):
    article = ArticleFactory()
    with pytest.raises(NotFound):
        services.article_restore_from_trash(article=article, actor=actor(editor))


def test_a_trashed_article_keeps_its_slug(editor):
    article = ArticleFactory(slug="harbour-fire", title="Harbour fire")
    services.article_delete(article=article, actor=actor(editor))
    again = services.article_create(actor=actor(editor), title="Harbour fire")
    assert again.slug == "harbour-fire-2"  # generated: the trashed one's is taken
    with pytest.raises(ValidationFailed) as refused:
        services.article_update(article=again, actor=actor(editor), slug="harbour-fire")
    assert "in the trash" in str(refused.value.errors["slug"])
    services.article_restore_from_trash(article=article, actor=actor(editor))
    assert Article.objects.get(pk=article.pk).slug == "harbour-fire"


@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_taxonomy_in_use_by_a_trashed_article_cannot_be_deleted(editor, kind):
    section, tag, author = SectionFactory(), TagFactory(), AuthorFactory()
    article = ArticleFactory(title="Binned", section=section, tags=[tag], authors=[author])
    services.article_delete(article=article, actor=actor(editor))
    named: dict[str, Section | Tag | Author] = {"section": section, "tag": tag, "author": author}
    obj = named[kind]
    with pytest.raises(InUse) as refused:
        services.taxonomy_delete(obj=obj, actor=actor(editor))
    assert "“Binned (in the trash)”" in refused.value.message
    restored = services.article_restore_from_trash(article=article, actor=actor(editor))
    assert restored.section == section
    assert list(restored.tags.all()) == [tag]


# --- the purge ------------------------------------------------------------------------------


def test_the_purge_deletes_what_stayed_past_the_retention(editor, settings):
    settings.TRASH_RETENTION_DAYS = 30
    old, recent = live_with_comments(), live_with_comments()
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=31), tick=False):
        services.article_delete(article=old, actor=actor(editor))
    with time_machine.travel(start - timedelta(days=29), tick=False):
        services.article_delete(article=recent, actor=actor(editor))
    assert services.purge_trash(now=start) == 1
    assert not Article.with_trashed.filter(pk=old.pk).exists()
    assert not Comment.with_trashed.filter(article_id=old.pk).exists()
    assert Article.with_trashed.filter(pk=recent.pk).exists()
    ((text, who),) = audit(PURGE_ACTION)
    assert f"article {old.pk} and 4 comments" in text
    assert who == "system"
    assert services.purge_trash(now=start) == 0  # nothing twice
    assert services.purge_trash(now=start + timedelta(days=2)) == 1


def test_the_purge_follows_the_setting(editor, settings):
    article = ArticleFactory()
    services.article_delete(article=article, actor=actor(editor))
    settings.TRASH_RETENTION_DAYS = 3
    assert services.purge_trash(now=timezone.now() + timedelta(days=2)) == 0
    assert services.purge_trash(now=timezone.now() + timedelta(days=3, seconds=1)) == 1


def test_the_purge_runs_once_per_period_as_a_periodic_job(editor, settings):
    settings.PERIODIC_JOBS = {"purge-trash": {"task": "articles.tasks.purge_trash_job",
                                              "every": 3600}}  # fmt: skip
    article = ArticleFactory()
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        services.article_delete(article=article, actor=actor(editor))
    (run,) = schedule_due()
    assert schedule_due() == []  # the period is claimed once
    assert run_periodic.call(run.pk) == "1 trashed article(s) purged"
    assert run_periodic.call(run.pk) == "1 trashed article(s) purged"  # redelivered: recorded
    assert audit(PURGE_ACTION)
    assert len(audit(PURGE_ACTION)) == 1
    assert not Article.with_trashed.filter(pk=article.pk).exists()


# --- REST ----------------------------------------------------------------------------------


def api(user, scope_list=(scopes.CONTENT_WRITE,)):
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=list(scope_list))
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def test_rest_delete_moves_to_the_trash_and_the_trash_restores(editor):
    article = live_with_comments(slug="harbour-fire")
    client = api(editor)
    assert client.delete("/api/v1/articles/harbour-fire/").status_code == 204
    assert Client().get("/api/v1/articles/harbour-fire/").status_code == 404
    listing = client.get("/api/v1/trash/").json()
    (item,) = listing["results"]
    assert item == {
        "id": article.pk,
        "slug": "harbour-fire",
        "title": article.title,
        "status": "published",
        "published_at": item["published_at"],
        "deleted_at": item["deleted_at"],
        "deleted_by": "editor",
        "comment_count": 2,
        "comments_in_trash": 4,
        "view_count": 9,
        "purge_after": item["purge_after"],
    }
    response = client.post(f"/api/v1/trash/{article.pk}/restore/")
    assert response.status_code == 200, response.content
    assert (response.json()["slug"], response.json()["status"]) == ("harbour-fire", "published")
    public = Client().get("/api/v1/articles/harbour-fire/").json()
    assert (public["comment_count"], public["view_count"]) == (2, 9)
    assert client.get("/api/v1/trash/").json()["count"] == 0


def test_rest_delete_forever(editor):
    article = live_with_comments()
    client = api(editor)
    assert client.delete(f"/api/v1/trash/{article.pk}/").status_code == 404  # not in the trash
    services.article_delete(article=article, actor=actor(editor))
    assert client.delete(f"/api/v1/trash/{article.pk}/").status_code == 204
    assert not Article.with_trashed.filter(pk=article.pk).exists()
    response = client.post(f"/api/v1/trash/{article.pk}/restore/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_rest_trash_refusals(editor, author):
    assert Client().get("/api/v1/trash/").status_code == 401
    assert api(author).get("/api/v1/trash/").status_code == 403
    assert api(editor, [scopes.CONTENT_PUBLISH]).get("/api/v1/trash/").status_code == 403
    assert api(editor).get("/api/v1/trash/?status=draft").status_code == 400
    live = ArticleFactory()
    for missing in (api(editor).post(f"/api/v1/trash/{live.pk}/restore/"),
                    api(editor).delete("/api/v1/trash/999999/")):  # fmt: skip
        assert missing.status_code == 404
        assert list(missing.json()["errors"]) == ["id"]


def test_rest_trash_list_runs_the_same_queries_for_1_and_50(editor):
    client = api(editor)
    client.get("/api/v1/trash/")  # token lookup warmed
    ArticleFactory.create_batch(1, deleted_at=timezone.now(), deleted_by=editor)
    # The token, its owner's role, the count, the page (deleted_by and comments joined).
    with assert_queries(4) as one:
        assert client.get("/api/v1/trash/?page_size=100").json()["count"] == 1
    for article in ArticleFactory.create_batch(49, deleted_at=timezone.now(), deleted_by=editor):
        CommentFactory(article=article)
    with assert_queries(len(one.captured_queries)):
        assert client.get("/api/v1/trash/?page_size=100").json()["count"] == 50


# --- GraphQL -------------------------------------------------------------------------------


def test_graphql_delete_trash_restore_and_delete_forever(client, editor, author):
    article = live_with_comments(slug="harbour-fire")
    client.force_login(editor)
    _, body = gql(
        client, 'mutation { deleteArticle(slug: "harbour-fire") { deletedId errors { code } } }'
    )
    assert body["data"]["deleteArticle"]["errors"] == []
    _, body = gql(client, "{ trash { totalCount edges { node { id slug deletedBy commentCount "
                          "commentsInTrash viewCount purgeAfter status } } } }")  # fmt: skip
    (edge,) = body["data"]["trash"]["edges"]
    node = edge["node"]
    assert node["id"] == to_global_id("TrashedArticle", article.pk)
    shown = [node[name] for name in ("slug", "deletedBy", "commentCount", "commentsInTrash",
                                     "viewCount", "status")]  # fmt: skip
    assert shown == ["harbour-fire", "editor", 2, 4, 9, "PUBLISHED"]
    _, body = gql(client, f'{{ node(id: "{node["id"]}") {{ ... on TrashedArticle {{ slug }} }} }}')
    assert body["data"]["node"] == {"slug": "harbour-fire"}

    restore = "mutation($id: ID!) { restoreArticle(id: $id) { slug status article { commentCount viewCount } errors { field code message } } }"  # noqa: E501
    _, body = gql(client, restore, {"id": node["id"]})
    payload = body["data"]["restoreArticle"]
    assert payload["errors"] == []
    assert payload["article"] == {"commentCount": 2, "viewCount": 9}
    _, body = gql(client, restore, {"id": node["id"]})
    assert body["data"]["restoreArticle"]["errors"] == [
        {"field": "id", "code": "NOT_FOUND", "message": "No article in the trash has that ID."}
    ]

    services.article_delete(article=article, actor=actor(editor))
    forever = "mutation($id: ID!) { deleteArticleForever(id: $id) { deletedId deleted errors { field code message } } }"  # noqa: E501
    writer = Client()
    writer.force_login(author)
    _, body = gql(writer, forever, {"id": node["id"]})
    assert body["data"]["deleteArticleForever"]["errors"][0]["code"] == "PERMISSION_DENIED"
    _, body = gql(client, forever, {"id": "not-an-id"})
    assert body["data"]["deleteArticleForever"]["errors"][0]["code"] == "NOT_FOUND"
    _, body = gql(client, forever, {"id": node["id"]})
    payload = body["data"]["deleteArticleForever"]
    assert payload["errors"] == []
    assert payload["deleted"].startswith(f"article {article.pk} and 4")
    assert not Article.with_trashed.filter(pk=article.pk).exists()


def test_graphql_trash_is_for_editors(client, author):
    ArticleFactory(deleted_at=timezone.now())
    _, body = gql(client, "{ trash { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"
    client.force_login(author)
    _, body = gql(client, "{ trash { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


def test_graphql_trash_runs_the_same_queries_for_1_and_50(client, editor):
    client.force_login(editor)
    query = "{ trash(first: 100) { totalCount edges { node { id slug deletedBy commentsInTrash purgeAfter } } } }"  # noqa: E501
    gql(client, query)
    ArticleFactory(deleted_at=timezone.now(), deleted_by=editor)
    # The session (from the cache where Redis is configured), its user, the role, the page
    # (deleted_by and comments joined), the count.
    with assert_queries({"sqlite": 5, "postgresql": 4}) as one:
        gql(client, query)
    ArticleFactory.create_batch(49, deleted_at=timezone.now(), deleted_by=editor)
    with assert_queries(len(one.captured_queries)):
        _, body = gql(client, query)
    assert body["data"]["trash"]["totalCount"] == 50


# --- images ---------------------------------------------------------------------------------


def test_an_image_a_trashed_article_uses_cannot_be_deleted(editor):
    from media.services import image_delete
    from tests.factories import library_image

    image = library_image()
    article = ArticleFactory(cover_image=image, title="Binned")
    services.article_delete(article=article, actor=actor(editor))
    with pytest.raises(InUse) as refused:
        image_delete(image=image, actor=actor(editor))
    assert "in the trash" in refused.value.message


def test_section_and_tag_models_are_unaffected():
    # The managers filter articles only: taxonomy lists every section and tag.
    SectionFactory(), TagFactory()
    assert Section.objects.count() == Tag.objects.count() == 1
    assert json.dumps(list(Tag.objects.values_list("slug", flat=True)))


@pytest.mark.parametrize(
    "write",
    [
        lambda a, who: services.article_update(article=a, actor=who, title="Late edit"),
        lambda a, who: services.article_unpublish(article=a, actor=who),
        lambda a, who: services.article_set_featured(article=a, actor=who, featured=True),
        lambda a, who: services.correction_add(article=a, actor=who, kind="update", text="t"),
    ],
)
def test_a_write_that_lost_the_race_to_the_trash_is_not_found(editor, write):
    # Looked up before someone moved it to the trash, written after: the lock finds no row.
    article = ArticleFactory()
    services.article_delete(article=Article.objects.get(pk=article.pk), actor=actor(editor))
    with pytest.raises(NotFound):
        write(article, actor(editor))


def test_a_token_without_preview_restores_a_draft_and_is_answered_its_reference(editor):
    # content:write alone may restore, as it may edit, a draft it cannot read: the answer is
    # the article's reference, as every write answers such a token, never a 404.
    draft = ArticleFactory(status=ArticleStatus.DRAFT, published_at=None, slug="plan")
    services.article_delete(article=draft, actor=actor(editor))
    response = api(editor).post(f"/api/v1/trash/{draft.pk}/restore/")
    assert response.status_code == 200, response.content
    assert response.json()["slug"] == "plan"
    assert "body_html" not in response.json()
    assert Article.objects.filter(pk=draft.pk).exists()
