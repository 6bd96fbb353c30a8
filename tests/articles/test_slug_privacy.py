"""Choosing an article's address never tells a writer that a draft they may not read has it.

Each case runs the same request in two worlds, one where someone else's unpublished article
holds the slug and one where nobody does, and asserts the caller cannot tell them apart.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from articles.models import Article, ArticleStatus
from cms import scopes, tokens
from tests.api import gql
from tests.conftest import profile
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PRIVATE = re.compile(r"^merger-[a-z2-9]{6}$")
EDIT = "{ article { slug status } errors { field code message } }"


def _hidden_draft(other_author) -> None:
    ArticleFactory(
        slug="merger",
        title="Merger talks",
        status=ArticleStatus.IN_REVIEW,
        authors=[profile(other_author)],
        created_by=other_author,
    )


def _normalised(value: Any) -> Any:
    """The response with what differs by chance (ids, random endings, URLs) blanked out."""
    text = json.dumps(value, sort_keys=True)
    text = re.sub(r"merger-[a-z2-9]{6}", "merger-RANDOM", text)
    text = re.sub(r'"(id|url|updated_at)": "[^"]*"', r'"\1": "X"', text)
    return json.loads(re.sub(r'"id": \d+', '"id": 0', text))


def _client_for(user, credential: str) -> tuple[Client, dict[str, Any]]:
    client = Client()
    if credential == "session":
        client.force_login(user)
        return client, {}
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=[scopes.CONTENT_WRITE])
    return client, {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def _act(how: str, user, credential: str) -> Any:
    """Do ``how`` as ``user``; return (status, body) of the answer."""
    client, headers = _client_for(user, credential)
    own = ArticleFactory(
        slug="my-draft",
        title="Own draft",
        section=None,
        status=ArticleStatus.DRAFT,
        authors=[],
        created_by=user,
    )
    rest: dict[str, Any] = {"content_type": "application/json", **headers}
    if how == "rest_create":
        r = client.post("/api/v1/articles/", json.dumps({"title": "T", "slug": "merger"}), **rest)
        return r.status_code, r.json()
    if how == "rest_create_from_title":
        r = client.post("/api/v1/articles/", json.dumps({"title": "Merger"}), **rest)
        return r.status_code, r.json()
    if how == "rest_rename":
        r = client.patch(
            f"/api/v1/articles/{own.slug}/",
            json.dumps({"slug": "merger"}),
            HTTP_IF_MATCH=f'"v{own.version}"',
            **rest,
        )
        return r.status_code, r.json()
    if how == "graphql_create":
        create = 'mutation { createArticle(input: {title: "T", slug: "merger"}) ' + EDIT + " }"
        r, body = gql(client, create, None, **headers)
        return r.status_code, body
    if how == "graphql_rename":
        r, body = gql(
            client,
            'mutation { updateArticle(slug: "my-draft", expectedVersion: 1, '
            'input: {slug: "merger"}) ' + EDIT + " }",
            None,
            **headers,
        )
        return r.status_code, body
    raise AssertionError(how)


HOW = ["rest_create", "rest_create_from_title", "rest_rename", "graphql_create", "graphql_rename"]


@pytest.mark.parametrize("credential", ["session", "token"])
@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("who", ["contributor", "author"])
def test_writers_cannot_tell_a_hidden_drafts_slug_from_a_free_one(
    request, other_author, who, how, credential
):
    user = request.getfixturevalue(who)
    free = _act(how, user, credential)
    Article.objects.all().delete()
    _hidden_draft(other_author)
    taken = _act(how, user, credential)
    assert free[0] == taken[0] < 300, taken
    assert _normalised(free[1]) == _normalised(taken[1])
    assert "already" not in json.dumps(taken[1])
    mine = Article.objects.exclude(slug="merger").filter(slug__startswith="merger")
    assert mine.count() == 1
    assert PRIVATE.match(mine.get().slug)
    assert Article.objects.get(slug="merger").title == "Merger talks"  # untouched


def test_an_editor_token_without_preview_cannot_probe_either(editor, other_author):
    free = _act("rest_create", editor, "token")
    Article.objects.all().delete()
    _hidden_draft(other_author)
    taken = _act("rest_create", editor, "token")
    assert free[0] == taken[0] == 201
    assert _normalised(free[1]) == _normalised(taken[1])


def test_those_who_read_every_draft_choose_exact_slugs(client, editor, other_author):
    client.force_login(editor)
    created = client.post(
        "/api/v1/articles/", json.dumps({"title": "T", "slug": "merger"}), "application/json"
    )
    assert created.status_code == 201
    assert created.json()["slug"] == "merger"
    # Taken: the editor can read the article in the way, so being told hides nothing.
    again = client.post(
        "/api/v1/articles/", json.dumps({"title": "T", "slug": "merger"}), "application/json"
    )
    assert again.status_code == 400
    assert "slug" in again.json()["errors"]
    from_title = client.post(
        "/api/v1/articles/", json.dumps({"title": "Merger"}), "application/json"
    )
    assert from_title.json()["slug"] == "merger-2"


def test_the_admin_neither_refuses_nor_names_a_hidden_drafts_slug(
    client, contributor, other_author
):
    _hidden_draft(other_author)
    client.force_login(contributor)
    page = client.get("/admin/articles/article/add/").content.decode()
    assert "random ending" in page  # the form says what will happen to the address
    response = client.post(
        "/admin/articles/article/add/",
        {
            "title": "Mine",
            "slug": "merger",
            "body_html": "<p>x</p>",
            "comments_enabled": "on",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert PRIVATE.match(Article.objects.get(title="Mine").slug)


def test_keeping_the_same_slug_keeps_it(client, contributor):
    draft = ArticleFactory(
        slug="my-draft", status=ArticleStatus.DRAFT, authors=[profile(contributor)]
    )
    client.force_login(contributor)
    response = client.patch(
        "/api/v1/articles/my-draft/",
        json.dumps({"slug": "my-draft", "title": "New title"}),
        "application/json",
        HTTP_IF_MATCH='"v1"',
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.slug, draft.title) == ("my-draft", "New title")


def _admin_rename(user, other_author, *, hidden: bool) -> tuple[int, str, bool]:
    Article.objects.all().delete()
    if hidden:
        _hidden_draft(other_author)
    own = ArticleFactory(
        slug="my-draft", title="Own draft", status=ArticleStatus.DRAFT, created_by=user
    )
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/admin/articles/article/{own.pk}/change/",
        {
            "title": "Own draft",
            "slug": "merger",
            "body_html": "<p>x</p>",
            "comments_enabled": "on",
            "expected_version": str(own.version),
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    own.refresh_from_db()
    page = response.content.decode()
    return response.status_code, own.slug, "already exists" in page or "Not saved" in page


@pytest.mark.parametrize("who", ["contributor", "author"])
def test_renaming_in_the_admin_cannot_tell_a_hidden_drafts_slug_from_a_free_one(
    request, other_author, who
):
    user = request.getfixturevalue(who)
    free = _admin_rename(user, other_author, hidden=False)
    taken = _admin_rename(user, other_author, hidden=True)
    assert free[0] == taken[0] == 200
    assert PRIVATE.match(free[1])
    assert PRIVATE.match(taken[1])
    assert free[2] is taken[2] is False
