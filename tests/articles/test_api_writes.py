"""The article write API: tokens with scopes, roles, If-Match, no mass assignment."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleStatus
from cms import scopes, tokens
from tests.api import gql
from tests.conftest import actor, profile
from tests.factories import ArticleFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

ALL = list(scopes.ALL_SCOPES)


def api(user, scope_list=ALL):
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=scope_list)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def send(client, method, path, body=None, **headers):
    return getattr(client, method)(
        path, json.dumps(body or {}), content_type="application/json", **headers
    )


def test_create_makes_a_draft_and_answers_the_privileged_representation(editor):
    SectionFactory(slug="town")
    TagFactory(slug="harbour")
    response = send(
        api(editor),
        "post",
        "/api/v1/articles/",
        {"title": "Wire story", "body_html": "<p>Text<script>x</script></p>", "section": "town",
         "tags": ["harbour"]},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["version"] == 1
    assert body["published_at"] is None
    assert body["body_html"] == "<p>Text</p>"
    assert body["section"] == {"slug": "town", "name": body["section"]["name"]}
    assert response["ETag"] == '"v1"'
    assert response["Cache-Control"] == "private, no-store"
    assert not Article.objects.published().exists()


@pytest.mark.parametrize("field", ["status", "view_count", "version", "published_at", "featured"])
def test_no_mass_assignment(editor, field):
    response = send(api(editor), "post", "/api/v1/articles/", {"title": "x", field: "published"})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Article.objects.exists()


def test_unknown_slugs_are_field_errors(editor):
    response = send(
        api(editor), "post", "/api/v1/articles/", {"title": "x", "section": "nope", "tags": ["a"]}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"section", "tags"}


def test_anonymous_writes_are_401(client):
    article = ArticleFactory(slug="live")
    assert send(client, "post", "/api/v1/articles/", {"title": "x"}).status_code == 401
    assert send(client, "patch", "/api/v1/articles/live/", {"title": "x"}).status_code == 401
    assert send(client, "delete", "/api/v1/articles/live/").status_code == 401
    assert send(client, "post", "/api/v1/articles/live/unpublish/").status_code == 401
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


@pytest.mark.parametrize(
    ("method", "path", "body", "needed"),
    [
        ("post", "/api/v1/articles/", {"title": "x"}, scopes.CONTENT_WRITE),
        ("patch", "/api/v1/articles/draft/", {"title": "x"}, scopes.CONTENT_WRITE),
        ("delete", "/api/v1/articles/draft/", None, scopes.CONTENT_WRITE),
        ("post", "/api/v1/articles/draft/publish/", {}, scopes.CONTENT_PUBLISH),
        ("post", "/api/v1/articles/live/unpublish/", None, scopes.CONTENT_PUBLISH),
    ],
)
def test_every_write_needs_its_scope(editor, method, path, body, needed):
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT)
    ArticleFactory(slug="live")
    others = [s for s in ALL if s != needed]
    headers = {"HTTP_IF_MATCH": '"v1"'}
    refused = send(api(editor, others), method, path, body, **headers)
    assert refused.status_code == 403, refused.content
    assert refused.json()["code"] == "permission_denied"
    allowed = send(api(editor, [needed, scopes.CONTENT_PREVIEW]), method, path, body, **headers)
    assert allowed.status_code in (200, 201, 204), allowed.content


def test_patch_requires_if_match_and_refuses_stale_versions(editor):
    article = ArticleFactory(slug="draft", status=ArticleStatus.DRAFT)
    client = api(editor)
    missing = send(client, "patch", "/api/v1/articles/draft/", {"title": "New"})
    assert missing.status_code == 428
    ok = send(client, "patch", "/api/v1/articles/draft/", {"title": "New"}, HTTP_IF_MATCH='"v1"')
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    assert ok["ETag"] == '"v2"'
    stale = send(
        client, "patch", "/api/v1/articles/draft/", {"title": "Lost"}, HTTP_IF_MATCH='"v1"'
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "version_conflict"
    article.refresh_from_db()
    assert article.title == "New"
    bad = send(client, "patch", "/api/v1/articles/draft/", {"title": "x"}, HTTP_IF_MATCH="junk")
    assert bad.status_code == 400


def test_roles_limit_what_tokens_can_do(author, other_author, contributor):
    mine = ArticleFactory(slug="mine", status=ArticleStatus.DRAFT, authors=[profile(author)])
    theirs = ArticleFactory(
        slug="theirs", status=ArticleStatus.DRAFT, authors=[profile(other_author)]
    )
    as_author = api(author)
    assert send(as_author, "post", "/api/v1/articles/mine/publish/").status_code == 200
    assert send(as_author, "post", "/api/v1/articles/theirs/publish/").status_code == 404
    own_draft = ArticleFactory(slug="c", status=ArticleStatus.DRAFT, authors=[profile(contributor)])
    as_contributor = api(contributor)
    assert send(as_contributor, "post", "/api/v1/articles/c/publish/").status_code == 403
    mine.refresh_from_db()
    theirs.refresh_from_db()
    own_draft.refresh_from_db()
    assert mine.status == ArticleStatus.PUBLISHED
    assert theirs.status == ArticleStatus.DRAFT
    assert own_draft.status == ArticleStatus.DRAFT


def test_publishing_with_a_future_date_schedules(editor):
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT)
    when = (timezone.now() + timedelta(days=1)).isoformat()
    response = send(api(editor), "post", "/api/v1/articles/draft/publish/", {"published_at": when})
    assert response.json()["status"] == "scheduled"
    assert Client().get("/api/v1/articles/draft/").status_code == 404


def test_delete(editor):
    ArticleFactory(slug="gone", status=ArticleStatus.DRAFT)
    assert send(api(editor), "delete", "/api/v1/articles/gone/").status_code == 204
    assert not Article.objects.exists()


def test_session_writes_need_the_csrf_token(editor):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(editor)
    response = send(csrf_client, "post", "/api/v1/articles/", {"title": "x"})
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_privileged_readers_also_see_status_and_version(editor, client):
    ArticleFactory(slug="live")
    public = client.get("/api/v1/articles/live/").json()
    assert "status" not in public
    assert "version" not in public
    privileged = api(editor, [scopes.CONTENT_WRITE]).get("/api/v1/articles/live/").json()
    assert privileged["status"] == "published"
    assert privileged["version"] == 1
    reader_token = api(editor, [scopes.CONTENT_READ]).get("/api/v1/articles/").json()
    assert "status" not in reader_token["results"][0]


def test_a_read_etag_is_an_if_match_for_the_version_it_shows(editor):
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT)
    client = api(editor, [scopes.CONTENT_PREVIEW, scopes.CONTENT_WRITE])
    read = client.get("/api/v1/articles/draft/")
    assert read.status_code == 200
    etag = read["ETag"]
    assert etag.startswith('"v1-')
    assert read["Cache-Control"] == "private, no-store"
    again = client.get("/api/v1/articles/draft/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["Cache-Control"] == "private, no-store"
    edit = send(client, "patch", "/api/v1/articles/draft/", {"title": "New"}, HTTP_IF_MATCH=etag)
    assert edit.status_code == 200, edit.content
    stale = send(client, "patch", "/api/v1/articles/draft/", {"title": "Lost"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert client.get("/api/v1/articles/draft/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_counters_moving_do_not_make_an_edit_stale(editor):
    article = ArticleFactory(slug="live")
    client = api(editor)
    etag = client.get("/api/v1/articles/live/")["ETag"]
    Article.objects.filter(pk=article.pk).update(view_count=99)  # readers came by
    assert client.get("/api/v1/articles/live/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    edit = send(client, "patch", "/api/v1/articles/live/", {"title": "New"}, HTTP_IF_MATCH=etag)
    assert edit.status_code == 200, edit.content


@pytest.mark.parametrize("header", ['"v1-"', '"v1-xyz"', "v1", '"1"', '"v1"x', '"v99999999999"'])
def test_malformed_if_match_is_a_400(editor, header):
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT)
    response = send(api(editor), "patch", "/api/v1/articles/draft/", {"title": "x"},
                    HTTP_IF_MATCH=header)  # fmt: skip
    assert response.status_code == 400
    assert "If-Match" in response.json()["errors"]


def test_listings_hold_only_live_articles_even_for_editors(editor):
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT)
    ArticleFactory(slug="soon", status=ArticleStatus.SCHEDULED,
                   published_at=timezone.now() + timedelta(days=1))  # fmt: skip
    ArticleFactory(slug="live")
    body = api(editor).get("/api/v1/articles/").json()
    assert [a["slug"] for a in body["results"]] == ["live"]
    scheduled = api(editor).get("/api/v1/articles/soon/")
    assert scheduled.json()["status"] == "scheduled"
    assert scheduled["Cache-Control"] == "private, no-store"


def test_writes_show_unpublished_content_only_to_those_who_may_preview_it(author):
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT, body_html="<p>Embargoed</p>",
                   authors=[profile(author)])  # fmt: skip
    blind = api(author, [scopes.CONTENT_WRITE])
    assert blind.get("/api/v1/articles/draft/").status_code == 404
    edited = send(blind, "patch", "/api/v1/articles/draft/", {}, HTTP_IF_MATCH='"v1"')
    assert edited.status_code == 200
    assert set(edited.json()) == {"id", "slug", "title", "published_at", "url", "status",
                                  "version"}  # fmt: skip
    assert "Embargoed" not in edited.content.decode()
    created = send(blind, "post", "/api/v1/articles/", {"title": "Mine", "body_html": "<p>x</p>"})
    assert "body_html" not in created.json()
    seeing = api(author, [scopes.CONTENT_WRITE, scopes.CONTENT_PREVIEW])
    edited = send(seeing, "patch", "/api/v1/articles/draft/", {}, HTTP_IF_MATCH='"v2"')
    assert edited.json()["body_html"] == "<p>Embargoed</p>"


def test_bodies_with_too_many_tags_are_a_field_error_through_rest_and_graphql(editor):
    from tests.api import gql

    client = api(editor)
    deep = "<div>" * 100_000
    response = send(client, "post", "/api/v1/articles/", {"title": "x", "body_html": deep})
    assert response.status_code == 400
    assert "too many tags" in response.json()["errors"]["body_html"][0]
    _, body = gql(
        client,
        'mutation($b: String) { createArticle(input: {title: "x", bodyHtml: $b}) '
        "{ errors { field code } } }",
        {"b": deep},
    )
    assert body["data"]["createArticle"]["errors"] == [{"field": "bodyHtml", "code": "INVALID"}]
    assert not Article.objects.exists()


def test_when_an_article_entered_review_is_editorial_state(editor, contributor, client):
    draft = ArticleFactory(slug="pier", status=ArticleStatus.DRAFT, authors=[profile(contributor)])
    services.article_submit_for_review(article=draft, actor=actor(contributor))
    assert draft.status == ArticleStatus.IN_REVIEW
    assert draft.submitted_at is not None
    shown = api(editor).get("/api/v1/articles/pier/").json()
    assert datetime.fromisoformat(shown["submitted_at"]) == draft.submitted_at
    query = '{ article(slug: "pier") { status submittedAt } }'
    _response, body = gql(api(editor), query)
    assert body["data"]["article"]["submittedAt"] is not None
    ArticleFactory(slug="live")
    assert "submitted_at" not in client.get("/api/v1/articles/live/").json()
    _response, body = gql(client, '{ article(slug: "live") { submittedAt } }')
    assert body["data"]["article"]["submittedAt"] is None
