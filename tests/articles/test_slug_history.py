"""Former slugs: renaming an article that was ever live keeps its old address answering (REST
301 to the new one, GraphQL resolving it), through every adapter that renames; no other
article may take an old slug; a draft that never went live keeps no history."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from articles import services
from articles.models import Article, ArticleSlug, ArticleStatus
from cms import scopes, tokens
from tests.api import gql
from tests.articles.test_admin import edit_data
from tests.conftest import actor, profile
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ORIGIN = "https://cms.example.com"  # PUBLIC_API_URL in the test settings


def api(user, scope_list=tuple(scopes.ALL_SCOPES)):
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=list(scope_list))
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def rename(article: Article, slug: str, user) -> None:
    services.article_update(article=article, actor=actor(user), slug=slug)


def former(article: Article) -> list[str]:
    return sorted(ArticleSlug.objects.filter(article=article).values_list("slug", flat=True))


# --- REST: the old address answers 301 -------------------------------------------------------


def test_old_slug_answers_301_to_the_current_address_keeping_the_query(client, editor):
    article = ArticleFactory(slug="ferry-strike")
    rename(article, "ferry-strike-ends", editor)
    response = client.get("/api/v1/articles/ferry-strike/?fields=title,slug")
    assert response.status_code == 301
    # From PUBLIC_API_URL, never from the Host header (testserver) a cached copy would carry.
    assert response["Location"] == f"{ORIGIN}/api/v1/articles/ferry-strike-ends/?fields=title,slug"
    assert response["Cache-Control"].startswith("public, max-age=")
    assert "Cookie" in response["Vary"]
    followed = client.get("/api/v1/articles/ferry-strike-ends/?fields=title,slug")
    assert followed.json() == {"slug": "ferry-strike-ends", "title": article.title}


def test_renaming_through_rest_keeps_the_old_slug(client, editor):
    article = ArticleFactory(slug="old")
    response = api(editor).patch(
        "/api/v1/articles/old/", json.dumps({"slug": "new"}), content_type="application/json",
        HTTP_IF_MATCH=f'"v{article.version}"',
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["slug"] == "new"
    assert former(article) == ["old"]
    assert client.get("/api/v1/articles/old/")["Location"] == f"{ORIGIN}/api/v1/articles/new/"


def test_head_of_an_old_slug_answers_301(client, editor):
    article = ArticleFactory(slug="old")
    rename(article, "new", editor)
    response = client.head("/api/v1/articles/old")
    assert response.status_code == 301
    assert response["Location"] == f"{ORIGIN}/api/v1/articles/new"


def test_comments_of_an_old_slug_answer_301_to_the_current_ones(client, editor):
    article = ArticleFactory(slug="old")
    rename(article, "new", editor)
    response = client.get("/api/v1/articles/old/comments/")
    assert response.status_code == 301
    assert response["Location"] == f"{ORIGIN}/api/v1/articles/new/comments/"
    assert client.get(response["Location"].removeprefix(ORIGIN)).status_code == 200


def test_writes_to_an_old_slug_are_not_found(editor):
    article = ArticleFactory(slug="old")
    rename(article, "new", editor)
    patch = api(editor).patch(
        "/api/v1/articles/old/", json.dumps({"title": "x"}), content_type="application/json",
        HTTP_IF_MATCH='"v2"',
    )  # fmt: skip
    assert patch.status_code == 404
    comment = Client().post(
        "/api/v1/articles/old/comments/",
        json.dumps({"author_name": "A", "author_email": "a@example.com", "body": "Hi."}),
        content_type="application/json",
    )
    assert comment.status_code == 404


def test_an_old_slug_of_an_article_taken_down_is_not_found_for_readers(client, editor):
    article = ArticleFactory(slug="old")
    rename(article, "new", editor)
    services.article_unpublish(article=article, actor=actor(editor))
    assert client.get("/api/v1/articles/old/").status_code == 404
    # Its editors may read it where it is now: they are sent there, privately.
    client.force_login(editor)
    response = client.get("/api/v1/articles/old/")
    assert response.status_code == 301
    assert response["Cache-Control"].startswith("private")


def test_a_draft_that_never_went_live_keeps_no_old_slug(client, editor):
    draft = ArticleFactory(slug="working-title", status=ArticleStatus.DRAFT)
    rename(draft, "final-title", editor)
    assert former(draft) == []
    client.force_login(editor)
    assert client.get("/api/v1/articles/working-title/").status_code == 404
    # ... and the slug is free again.
    other = ArticleFactory(slug="other", status=ArticleStatus.DRAFT)
    rename(other, "working-title", editor)


def test_an_unpublished_article_that_was_live_keeps_its_old_slugs(editor):
    article = ArticleFactory(slug="old")
    services.article_unpublish(article=article, actor=actor(editor))
    rename(Article.objects.get(pk=article.pk), "new", editor)
    assert former(article) == ["old"]


def test_changing_back_to_a_former_slug_makes_it_current_again(client, editor):
    article = ArticleFactory(slug="first")
    rename(article, "second", editor)
    rename(article, "third", editor)
    assert former(article) == ["first", "second"]
    rename(article, "first", editor)
    assert former(article) == ["second", "third"]
    assert client.get("/api/v1/articles/first/").status_code == 200
    response = client.get("/api/v1/articles/third/")
    assert response["Location"] == f"{ORIGIN}/api/v1/articles/first/"


def test_an_author_may_go_back_to_their_own_articles_former_slug(author):
    # Writers who may not read every draft get random endings on new slugs; going back to
    # their own article's old one names nothing they may not see.
    article = ArticleFactory(slug="own-story", authors=[profile(author)], created_by=author)
    rename(article, "own-story-renamed", author)
    renamed = Article.objects.get(pk=article.pk)
    assert renamed.slug.startswith("own-story-renamed-")
    rename(renamed, "own-story", author)
    assert Article.objects.get(pk=article.pk).slug == "own-story"


# --- Old slugs cannot be taken --------------------------------------------------------------


def test_another_article_cannot_take_an_old_slug_refused_as_a_taken_one(editor):
    ArticleFactory(slug="taken")
    moved = ArticleFactory(slug="old")
    rename(moved, "new", editor)
    client = api(editor)
    answers = {}
    for slug in ("taken", "old"):
        response = client.post("/api/v1/articles/", json.dumps({"title": "T", "slug": slug}),
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 400, response.content
        answers[slug] = response.json()["errors"]
    # The same words as a slug in use: nothing more is told about the article behind it.
    assert answers["old"] == answers["taken"]
    other = ArticleFactory(slug="other")
    response = client.patch(
        "/api/v1/articles/other/", json.dumps({"slug": "old"}), content_type="application/json",
        HTTP_IF_MATCH=f'"v{other.version}"',
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"] == answers["taken"]


def test_slugs_made_from_titles_skip_old_slugs(editor):
    moved = ArticleFactory(slug="harbour-news")
    rename(moved, "harbour-news-today", editor)
    created = services.article_create(actor=actor(editor), title="Harbour news")
    assert created.slug == "harbour-news-2"


def test_writers_slugs_never_land_on_an_old_slug(author, editor, monkeypatch):
    moved = ArticleFactory(slug="scoop")
    rename(moved, "scoop-2026", editor)
    endings = iter(["aaaaaa", "bbbbbb"])
    monkeypatch.setattr("articles.services.content.get_random_string", lambda *a: next(endings))
    ArticleSlug.objects.create(article=moved, slug="mine-aaaaaa")
    created = services.article_create(actor=actor(author), title="Mine")
    assert created.slug == "mine-bbbbbb"


# --- GraphQL --------------------------------------------------------------------------------


def test_graphql_resolves_an_old_slug_to_the_article_with_its_current_slug(client, editor):
    article = ArticleFactory(slug="old", title="Ferry strike")
    client.force_login(editor)
    _, body = gql(
        client,
        'mutation { updateArticle(slug: "old", input: {slug: "new"}, expectedVersion: 1) '
        "{ slug errors { code } } }",
    )
    assert body["data"]["updateArticle"] == {"slug": "new", "errors": []}
    _, body = gql(Client(), '{ article(slug: "old") { id slug title } }')
    assert body["data"]["article"]["slug"] == "new"
    assert body["data"]["article"]["title"] == "Ferry strike"
    services.article_unpublish(article=Article.objects.get(pk=article.pk), actor=actor(editor))
    _, body = gql(Client(), '{ article(slug: "old") { slug } }')
    assert body["data"]["article"] is None


# --- The admin ------------------------------------------------------------------------------


def test_renaming_in_the_admin_keeps_the_old_slug_and_shows_it(client, editor):
    article = ArticleFactory(slug="old")
    client.force_login(editor)
    url = f"/admin/articles/article/{article.pk}/change/"
    response = client.post(url, edit_data(article, slug="new", body_html=article.body_html))
    assert response.status_code == 302, response.content[:2000]
    assert former(article) == ["old"]
    page = client.get(url).content.decode()
    assert "Former slugs" in page
    assert "old" in page


def test_openapi_documents_the_301(client):
    document = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    detail = document["paths"]["/api/v1/articles/{slug}"]["get"]
    assert "301" in detail["responses"]
    assert "Location" in detail["responses"]["301"]["headers"]
    comments = document["paths"]["/api/v1/articles/{slug}/comments"]["get"]
    assert "301" in comments["responses"]
