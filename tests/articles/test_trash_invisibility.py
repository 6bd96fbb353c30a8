"""A trashed article and its comments are gone from every reader path: a live article with
approved comments, its own section, tag and author, views this week, is moved to the trash;
then every REST and GraphQL read (anonymous, an editor's session, an editor's token with every
scope) and the admin's lists are searched for any trace of it. Restoring brings it all back."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from graphql_relay import to_global_id

from articles import services
from articles.models import ArticleStatus, ArticleViewDay
from cms import scopes, tokens
from comments.models import CommentStatus
from comments.services import recount_comments
from tests.api import gql
from tests.conftest import actor
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

MARK = "zanzibar"  # in everything the trashed article names, and nowhere else


@pytest.fixture
def planted(editor):
    section = SectionFactory(name="Zanzibar desk", slug="zanzibar-desk")
    tag = TagFactory(name="Zanzibar tag", slug="zanzibar-tag")
    author = AuthorFactory(name="Zelda Zanzibar", slug="zelda-zanzibar")
    article = ArticleFactory(
        title="Zanzibar ferry sinks", slug="zanzibar-ferry", body_html="<p>Zanzibar harbour.</p>",
        status=ArticleStatus.PUBLISHED, published_at=timezone.now() - timedelta(hours=2),
        section=section, tags=[tag], authors=[author], view_count=500, featured=True,
    )  # fmt: skip
    ArticleViewDay.objects.create(article=article, day=timezone.now().date(), count=500)
    top = CommentFactory(article=article, status=CommentStatus.APPROVED,
                         author_name="Zanzibar reader", body_html="<p>Zanzibar!</p>")  # fmt: skip
    CommentFactory(article=article, parent=top, depth=1, status=CommentStatus.APPROVED,
                   author_name="Zanzibar replier")  # fmt: skip
    CommentFactory(article=article, status=CommentStatus.PENDING, author_name="Zanzibar waiting")
    recount_comments([article.pk])
    # Another live article, so that every list has something in it.
    other = ArticleFactory(title="Other news", slug="other-news", view_count=1)
    ArticleViewDay.objects.create(article=other, day=timezone.now().date(), count=1)
    CommentFactory(article=other, status=CommentStatus.APPROVED)
    recount_comments([other.pk])
    return article


def clients(editor):
    session = Client()
    session.force_login(editor)
    _, plaintext = tokens.token_create(owner=editor, name="all", scopes=list(scopes.ALL_SCOPES))
    return {
        "anonymous": Client(),
        "editor session": session,
        "editor token": Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}"),
    }


REST_READS = [
    "/api/v1/articles/",
    "/api/v1/articles/?search=zanzibar",
    "/api/v1/articles/?tag=zanzibar-tag",
    "/api/v1/articles/?section=zanzibar-desk",
    "/api/v1/articles/?author=zelda-zanzibar",
    "/api/v1/articles/?featured=true",
    "/api/v1/articles/?ordering=-view_count",
    "/api/v1/articles/?ordering=-comment_count",
    "/api/v1/articles/?ordering=title",
    "/api/v1/articles/popular/?days=7",
    "/api/v1/articles/zanzibar-ferry/",
    "/api/v1/articles/zanzibar-ferry/comments/",
    "/api/v1/authors/",
    "/api/v1/authors/zelda-zanzibar/",
    "/api/v1/sections/",
    "/api/v1/tags/",
    "/api/v1/comments/",
    "/api/v1/comments/?article=zanzibar-ferry",
]


def graphql_reads(article_pk: int, comment_pk: int) -> list[str]:
    article_id = to_global_id("Article", article_pk)
    comment_id = to_global_id("Comment", comment_pk)
    moderated_id = to_global_id("ModeratedComment", comment_pk)
    fields = "id slug title viewCount commentCount comments { totalCount edges { node { id authorName } } }"  # noqa: E501
    return [
        f"{{ articles(first: 100) {{ totalCount edges {{ node {{ {fields} }} }} }} }}",
        f'{{ articles(search: "zanzibar") {{ totalCount edges {{ node {{ {fields} }} }} }} }}',
        '{ articles(tag: "zanzibar-tag") { totalCount edges { node { slug } } } }',
        '{ articles(section: "zanzibar-desk") { totalCount edges { node { slug } } } }',
        '{ articles(author: "zelda-zanzibar") { totalCount edges { node { slug } } } }',
        "{ articles(featured: true) { totalCount edges { node { slug } } } }",
        "{ articles(orderBy: VIEW_COUNT_DESC) { edges { node { slug } } } }",
        f"{{ popularArticles(days: 7, first: 10) {{ {fields} }} }}",
        f'{{ article(slug: "zanzibar-ferry") {{ {fields} }} }}',
        f'{{ node(id: "{article_id}") {{ id ... on Article {{ slug }} }} }}',
        f'{{ c: node(id: "{comment_id}") {{ id }} m: node(id: "{moderated_id}") {{ id }} }}',
        '{ author(slug: "zelda-zanzibar") { name articleCount } }',
        "{ authors(first: 100) { edges { node { slug name articleCount } } } }",
        "{ tags { slug name } sections { slug name } }",
        "{ moderationQueue(first: 100) { totalCount edges { node { id article authorName } } } }",
    ]


def hunt(responses: dict[str, str]) -> list[str]:
    return [where for where, text in responses.items() if MARK in text.lower()]


def read_everything(editor, article_pk: int, comment_pk: int) -> dict[str, str]:
    seen = {}
    for who, client in clients(editor).items():
        for path in REST_READS:
            response = client.get(path)
            seen[f"{who} GET {path} ({response.status_code})"] = response.content.decode()
        for query in graphql_reads(article_pk, comment_pk):
            _, body = gql(client, query)
            text = json.dumps(body)
            ids = (to_global_id("Article", article_pk), to_global_id("Comment", comment_pk))
            seen[f"{who} GraphQL {query[:60]}"] = text + (
                MARK if any(i in text for i in ids) else ""
            )
    return seen


def test_a_trashed_article_and_its_comments_are_on_no_reader_path(editor, planted):
    comment_pk = planted.comments.order_by("pk").first().pk
    before = read_everything(editor, planted.pk, comment_pk)
    assert len(hunt(before)) > 40  # the hunt finds the article while it is live

    services.article_delete(article=planted, actor=actor(editor))
    after = read_everything(editor, planted.pk, comment_pk)
    assert hunt(after) == []

    for who, client in clients(editor).items():
        assert client.get("/api/v1/articles/zanzibar-ferry/").status_code == 404, who
        assert client.get("/api/v1/articles/zanzibar-ferry/comments/").status_code == 404, who
        posted = client.post("/api/v1/articles/zanzibar-ferry/comments/",
                             {"author_name": "A", "author_email": "a@example.com", "body": "Hi"},
                             content_type="application/json")  # fmt: skip
        assert posted.status_code == 404, who
        assert client.post("/api/v1/articles/zanzibar-ferry/views/").status_code == 404, who
        _, body = gql(
            client, 'mutation { registerView(slug: "zanzibar-ferry") { errors { code } } }'
        )
        assert body["data"]["registerView"]["errors"][0]["code"] == "NOT_FOUND", who
        _, body = gql(client, 'mutation { submitComment(input: {articleSlug: "zanzibar-ferry", '
                              'authorName: "A", authorEmail: "a@example.com", body: "Hi"}) '
                              "{ errors { code } } }")  # fmt: skip
        assert body["data"]["submitComment"]["errors"], who
    assert planted.comments.count() == 0  # related managers leave them out too


def test_counts_and_etags_change_when_an_article_goes_to_the_trash(
    editor, planted, client, django_capture_on_commit_callbacks
):
    listing = client.get("/api/v1/articles/")
    assert listing.json()["count"] == 2
    tags = client.get("/api/v1/tags/")
    # Committed, as in production: the stored count is invalidated on commit.
    with django_capture_on_commit_callbacks(execute=True):
        services.article_delete(article=planted, actor=actor(editor))
    for path, before in (("/api/v1/articles/", listing), ("/api/v1/tags/", tags)):
        again = client.get(path, HTTP_IF_NONE_MATCH=before["ETag"])
        assert again.status_code == 200, path  # not a 304 over the stale list
    assert client.get("/api/v1/articles/").json()["count"] == 1


def test_the_admin_lists_and_desk_leave_the_trash_out(editor, planted):
    session = clients(editor)["editor session"]
    services.article_delete(article=planted, actor=actor(editor))
    # The filters list every section and tag (taxonomy, not the article): look for the
    # article's title and its comments' names.
    traces = ("zanzibar ferry", "zanzibar reader", "zanzibar replier", "zanzibar waiting")
    for path in ("/admin/", "/admin/articles/article/", "/admin/comments/comment/",
                 "/admin/comments/comment/?status__exact=pending",
                 f"/admin/articles/article/?q={MARK}"):  # fmt: skip
        response = session.get(path)
        assert response.status_code == 200, path
        page = response.content.decode().lower()
        assert not [trace for trace in traces if trace in page], path
    assert session.get(f"/admin/articles/article/{planted.pk}/change/").status_code == 302
    trash = session.get("/admin/articles/trashedarticle/")
    assert MARK in trash.content.decode().lower()  # where it is now


def test_restoring_brings_every_reader_path_back(editor, planted):
    comment_pk = planted.comments.order_by("pk").first().pk
    before = read_everything(editor, planted.pk, comment_pk)
    services.article_delete(article=planted, actor=actor(editor))
    services.article_restore_from_trash(article=planted, actor=actor(editor))
    after = read_everything(editor, planted.pk, comment_pk)
    assert sorted(hunt(after)) == sorted(hunt(before))
    public = Client().get("/api/v1/articles/zanzibar-ferry/").json()
    assert (public["view_count"], public["comment_count"]) == (500, 2)
    popular = Client().get("/api/v1/articles/popular/?days=7").json()
    assert popular["results"][0]["slug"] == "zanzibar-ferry"
