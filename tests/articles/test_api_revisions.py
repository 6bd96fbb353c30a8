"""Revisions over REST: listing, one revision, restore (If-Match), refusals, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.models import ArticleRevision
from cms import scopes, tokens
from tests.articles.test_api_writes import api, send
from tests.conftest import actor
from tests.factories import AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def edited_twice(user):
    ann, bob = AuthorFactory(slug="ann", name="Ann"), AuthorFactory(slug="bob", name="Bob")
    red, blue = TagFactory(slug="red"), TagFactory(slug="blue")
    article = services.article_create(
        actor=actor(user), title="One", slug="story", body_html="<p>one</p>",
        authors=[ann, bob], tags=[red], section=SectionFactory(slug="town"),
    )  # fmt: skip
    services.article_update(
        article=article, actor=actor(user), title="Two", authors=[bob], tags=[blue],
        section=SectionFactory(slug="sport"),
    )  # fmt: skip
    return article


def test_an_editor_lists_revisions_newest_first(editor):
    edited_twice(editor)
    response = api(editor).get("/api/v1/articles/story/revisions/")
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert body["count"] == 2
    newest, first = body["results"]
    assert (newest["number"], newest["summary"]) == (2, "Edited")
    assert newest["actor"] == {"kind": "user", "name": "editor", "token": None}
    assert first["fields"]["title"] == "One"
    assert first["fields"]["authors"] == ["ann", "bob"]
    assert first["fields"]["tags"] == ["red"]
    assert first["fields"]["section"] == "town"
    assert first["fields"]["status"] == "draft"
    assert set(first) == {"number", "created_at", "actor", "summary", "fields"}
    again = api(editor).get(
        "/api/v1/articles/story/revisions/", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def test_one_revision_by_number_and_a_missing_one_is_404(editor):
    edited_twice(editor)
    client = api(editor)
    response = client.get("/api/v1/articles/story/revisions/1/")
    assert response.status_code == 200
    assert response.json()["fields"]["title"] == "One"
    assert client.get("/api/v1/articles/story/revisions/9/").status_code == 404


def test_restore_brings_back_bylines_and_tags_and_answers_the_article(editor):
    article = edited_twice(editor)
    client = api(editor)
    response = send(client, "post", "/api/v1/articles/story/revisions/1/restore/",
                    HTTP_IF_MATCH=f'"v{article.version}"')  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "One"
    assert [a["slug"] for a in body["authors"]] == ["ann", "bob"]
    assert [t["slug"] for t in body["tags"]] == ["red"]
    assert body["section"]["slug"] == "town"
    assert response["ETag"] == f'"v{article.version + 1}"'
    latest = client.get("/api/v1/articles/story/revisions/").json()["results"][0]
    assert (latest["number"], latest["summary"]) == (3, "Restored revision 1")


def test_restore_needs_if_match_and_refuses_a_stale_version(editor):
    edited_twice(editor)
    client = api(editor)
    path = "/api/v1/articles/story/revisions/1/restore/"
    assert send(client, "post", path).status_code == 428
    stale = send(client, "post", path, HTTP_IF_MATCH='"v1"')
    assert stale.status_code == 412
    assert stale.json()["code"] == "version_conflict"
    assert ArticleRevision.objects.count() == 2


def test_restore_of_a_revision_naming_a_deleted_tag_is_refused_naming_it(editor):
    article = edited_twice(editor)
    services.taxonomy_delete(obj=article.tags.model.objects.get(slug="red"), actor=actor(editor))
    response = send(api(editor), "post", "/api/v1/articles/story/revisions/1/restore/",
                    HTTP_IF_MATCH=f'"v{article.version}"')  # fmt: skip
    assert response.status_code == 400
    assert "red" in str(response.json())


@pytest.mark.parametrize(
    ("who", "scope_list", "expected"),
    [
        ("anonymous", None, 401),
        ("other_author", scopes.ALL_SCOPES, 404),  # an unpublished draft of someone else's
        ("author", [scopes.CONTENT_READ, scopes.CONTENT_WRITE], 404),  # no preview: unseen
        ("author", [scopes.CONTENT_PREVIEW], 200),
        ("author", None, 200),  # a session
    ],
)
def test_who_reads_a_drafts_revisions(who, scope_list, expected, request):
    owner = request.getfixturevalue("author")
    slug = edited_twice(owner).slug
    if who == "anonymous":
        client = Client()
    elif scope_list is None:
        client = Client()
        client.force_login(request.getfixturevalue(who))
    else:
        client = api(request.getfixturevalue(who), list(scope_list))
    assert client.get(f"/api/v1/articles/{slug}/revisions/").status_code == expected


def test_revisions_of_a_live_article_need_preview_and_ownership(author, other_author, editor):
    article = edited_twice(author)
    services.article_publish(article=article, actor=actor(editor))
    path = f"/api/v1/articles/{article.slug}/revisions/"
    assert api(other_author).get(path).status_code == 403
    assert api(author, [scopes.CONTENT_READ]).get(path).status_code == 403
    assert api(author, [scopes.CONTENT_PREVIEW]).get(path).status_code == 200
    assert Client().get(path).status_code == 401


def test_restore_needs_the_right_to_change_it(author, other_author, contributor, editor):
    article = edited_twice(author)
    services.article_publish(article=article, actor=actor(editor))
    path = f"/api/v1/articles/{article.slug}/revisions/1/restore/"
    if_match = f'"v{article.version}"'
    assert send(api(other_author), "post", path, HTTP_IF_MATCH=if_match).status_code == 403
    read_only = api(author, [scopes.CONTENT_READ, scopes.CONTENT_PREVIEW])
    assert send(read_only, "post", path, HTTP_IF_MATCH=if_match).status_code == 403
    assert send(Client(), "post", path, HTTP_IF_MATCH=if_match).status_code == 401
    assert send(api(author), "post", path, HTTP_IF_MATCH=if_match).status_code == 200


def test_listing_costs_the_same_queries_for_1_and_50_revisions(editor):
    article = services.article_create(
        actor=actor(editor), title="T", slug="story", tags=[TagFactory()],
        authors=[AuthorFactory(), AuthorFactory()], section=SectionFactory(),
    )  # fmt: skip
    client = api(editor)
    path = "/api/v1/articles/story/revisions/?page_size=50"
    client.get(path)  # warm: content types

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(response.json()["results"]), len(captured)

    one, queries = count()
    for n in range(49):
        services.article_update(article=article, actor=actor(editor), title=f"T{n}")
    fifty, same = count()
    assert (one, fifty) == (1, 50)
    assert same == queries


def test_tokens_are_named(editor):
    _, plaintext = tokens.token_create(owner=editor, name="wire", scopes=list(scopes.ALL_SCOPES))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    created = send(client, "post", "/api/v1/articles/", {"title": "By wire", "slug": "wired"})
    assert created.status_code == 201
    entry = client.get("/api/v1/articles/wired/revisions/").json()["results"][0]
    assert entry["actor"]["token"]["name"] == "wire"
    assert entry["summary"] == "Created"
