"""Correction and update notes: editors attach them to published articles; readers see them,
oldest first, in REST and GraphQL; removing one is recorded, never silent."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from graphql_relay import to_global_id

from articles import services
from articles.models import Article, ArticleStatus, Correction
from cms import scopes, tokens
from cms.errors import InvalidTransition, PermissionDenied, ValidationFailed
from cms.models import AuditEntry
from tests.api import assert_queries, gql
from tests.conftest import actor, profile
from tests.factories import ArticleFactory, AuthorFactory, TagFactory

pytestmark = pytest.mark.django_db


def api(user, scope_list=(scopes.CONTENT_WRITE,)):
    _, plaintext = tokens.token_create(owner=user, name="t", scopes=list(scope_list))
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def add(article, editor, text="An earlier version misnamed the minister.", **kwargs):
    kwargs.setdefault("kind", "correction")
    return services.correction_add(article=article, actor=actor(editor), text=text, **kwargs)


# --- The services ---------------------------------------------------------------------------


def test_adding_a_note_is_a_new_version_and_is_audited(editor):
    article = ArticleFactory()
    before = Article.objects.get(pk=article.pk)
    note = add(article, editor)
    after = Article.objects.get(pk=article.pk)
    assert after.version == before.version + 1
    assert after.updated_at > before.updated_at
    assert note.created_by == editor
    assert note.date == timezone.localdate()
    entry = AuditEntry.objects.filter(object_id=str(article.pk)).latest("id")
    assert (entry.action, entry.user) == ("article.correct", editor)


def test_the_default_date_is_today_in_the_newsrooms_time_zone(editor, settings):
    # Late evening in UTC is already tomorrow in Auckland.
    settings.TIME_ZONE = "Pacific/Auckland"
    note = add(ArticleFactory(), editor)
    assert note.date == timezone.localdate(timezone=timezone.get_default_timezone())


def test_text_is_plain_text_and_bounded(editor):
    article = ArticleFactory()
    note = add(
        article, editor, text='  <b onclick="x()">Updated</b>\x07 with   the   <i>new</i> date. '
    )
    assert note.text == "Updated with the new date."
    with pytest.raises(ValidationFailed) as refused:
        add(article, editor, text="x" * 1001)
    assert "text" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        add(article, editor, text="<p> </p>")
    assert "text" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        add(article, editor, kind="retraction")
    assert "kind" in refused.value.errors


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW,
                                    ArticleStatus.ARCHIVED])  # fmt: skip
def test_notes_go_on_live_articles_only(editor, status):
    article = ArticleFactory(status=status)
    with pytest.raises(InvalidTransition):
        add(article, editor)
    assert not Correction.objects.exists()


def test_only_editors_add_or_remove_notes(author, contributor, editor):
    article = ArticleFactory(authors=[profile(author)], created_by=author)
    for writer in (author, contributor):
        with pytest.raises(PermissionDenied):
            add(article, writer)
    note = add(article, editor)
    with pytest.raises(PermissionDenied):
        services.correction_remove(correction=note, actor=actor(author))
    assert Correction.objects.get(pk=note.pk).removed_at is None


def test_an_article_shows_at_most_the_configured_number_of_notes(editor, settings):
    settings.ARTICLE_MAX_CORRECTIONS = 2
    article = ArticleFactory()
    first = add(article, editor)
    add(article, editor)
    with pytest.raises(ValidationFailed):
        add(article, editor)
    services.correction_remove(correction=first, actor=actor(editor))
    add(article, editor)  # a removed note no longer counts


def test_removing_a_note_is_recorded_not_deleted(editor):
    article = ArticleFactory()
    note = add(article, editor)
    version = Article.objects.get(pk=article.pk).version
    services.correction_remove(correction=note, actor=actor(editor))
    kept = Correction.objects.get(pk=note.pk)
    assert kept.removed_by == editor
    assert kept.removed_at is not None
    assert Article.objects.get(pk=article.pk).version == version + 1
    entry = AuditEntry.objects.filter(object_id=str(article.pk)).latest("id")
    assert entry.action == "article.correction_remove"
    assert "misnamed the minister" in entry.object_repr
    with pytest.raises(InvalidTransition):
        services.correction_remove(correction=kept, actor=actor(editor))


# --- REST -----------------------------------------------------------------------------------


def test_rest_add_shows_in_the_detail_oldest_first_and_remove_hides_it(client, editor):
    article = ArticleFactory(slug="ferry")
    writer = api(editor)
    later = writer.post("/api/v1/articles/ferry/corrections/",
                        json.dumps({"kind": "update", "text": "Talks resumed.",
                                    "date": "2026-03-05"}),
                        content_type="application/json")  # fmt: skip
    assert later.status_code == 201, later.content
    assert later["ETag"] == f'"v{article.version + 1}"'
    assert later["Cache-Control"] == "private, no-store"
    earlier = writer.post("/api/v1/articles/ferry/corrections/",
                          json.dumps({"kind": "correction", "text": "Misnamed the minister.",
                                      "date": "2026-03-03"}),
                          content_type="application/json")  # fmt: skip
    assert earlier.json()["date"] == "2026-03-03"
    body = client.get("/api/v1/articles/ferry/").json()
    assert body["corrections"] == [
        {"id": earlier.json()["id"], "date": "2026-03-03", "text": "Misnamed the minister.",
         "kind": "correction"},
        {"id": later.json()["id"], "date": "2026-03-05", "text": "Talks resumed.",
         "kind": "update"},
    ]  # fmt: skip
    removed = writer.delete(f"/api/v1/articles/ferry/corrections/{earlier.json()['id']}/")
    assert removed.status_code == 204
    assert removed["ETag"] == f'"v{article.version + 3}"'
    body = client.get("/api/v1/articles/ferry/").json()
    assert [note["text"] for note in body["corrections"]] == ["Talks resumed."]
    again = writer.delete(f"/api/v1/articles/ferry/corrections/{earlier.json()['id']}/")
    assert again.status_code == 409
    assert Correction.objects.count() == 2  # nothing was deleted


def test_rest_refusals_name_the_field_and_rule(editor, author):
    ArticleFactory(slug="live")
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT)
    writer = api(editor)

    def post(slug, body):
        return writer.post(f"/api/v1/articles/{slug}/corrections/", json.dumps(body),
                           content_type="application/json")  # fmt: skip

    too_long = post("live", {"kind": "update", "text": "x" * 1001})
    assert too_long.status_code == 400
    assert "text" in too_long.json()["errors"]
    assert "kind" in post("live", {"kind": "erratum", "text": "x"}).json()["errors"]
    assert "status" in post("live", {"kind": "update", "text": "x", "status": "y"}).json()["errors"]
    not_live = post("draft", {"kind": "update", "text": "x"})
    assert not_live.status_code == 409
    assert not_live.json()["code"] == "invalid_transition"
    assert post("nowhere", {"kind": "update", "text": "x"}).status_code == 404
    by_author = api(author).post("/api/v1/articles/live/corrections/",
                                 json.dumps({"kind": "update", "text": "x"}),
                                 content_type="application/json")  # fmt: skip
    assert by_author.status_code == 403
    other = ArticleFactory(slug="other")
    note = add(other, editor)
    # A note of another article is not this article's to remove.
    elsewhere = writer.delete(f"/api/v1/articles/live/corrections/{note.pk}/")
    assert elsewhere.status_code == 404
    assert list(elsewhere.json()["errors"]) == ["id"]


def test_lists_carry_corrections_only_when_asked_and_stay_flat(client, editor):
    def make():
        article = ArticleFactory(authors=[AuthorFactory()], tags=[TagFactory()])
        add(article, editor)
        add(article, editor, kind="update", text="Updated.")

    make()
    assert "corrections" not in client.get("/api/v1/articles/").json()["results"][0]
    path = "/api/v1/articles/?fields=title,corrections,authors,tags&page_size=50"
    # Cold each time: the count and the next scheduled go-live are read, not stored ones.
    cache.clear()
    with assert_queries(6):
        one = client.get(path).json()["results"]
    for _ in range(19):
        make()
    cache.clear()
    with assert_queries(6):
        twenty = client.get(path).json()["results"]
    assert len(one[0]["corrections"]) == 2
    assert len(twenty) == 20
    assert all(len(item["corrections"]) == 2 for item in twenty)


def test_the_detail_etag_changes_with_a_note(client, editor):
    article = ArticleFactory(slug="ferry")
    etag = client.get("/api/v1/articles/ferry/")["ETag"]
    add(article, editor)
    assert client.get("/api/v1/articles/ferry/", HTTP_IF_NONE_MATCH=etag).status_code == 200


# --- GraphQL --------------------------------------------------------------------------------


ADD = """mutation($slug: String!, $kind: CorrectionKind!, $text: String!, $date: Date) {
  addCorrection(slug: $slug, kind: $kind, text: $text, date: $date) {
    correction { id date text kind }
    article { slug version corrections { id date text kind } }
    errors { field code message }
  }
}"""
REMOVE = """mutation($id: ID!) {
  removeCorrection(id: $id) { removedId article { corrections { id } } errors { field code } }
}"""


def test_graphql_add_read_and_remove(client, editor):
    article = ArticleFactory(slug="ferry")
    client.force_login(editor)
    variables = {"slug": "ferry", "kind": "CORRECTION", "text": "Misnamed the minister.",
                 "date": "2026-03-03"}  # fmt: skip
    _, body = gql(client, ADD, variables)
    payload = body["data"]["addCorrection"]
    assert payload["errors"] == []
    note = payload["correction"]
    assert note["date"] == "2026-03-03"
    assert note["kind"] == "CORRECTION"
    assert payload["article"]["version"] == article.version + 1
    assert payload["article"]["corrections"] == [note]
    _, body = gql(Client(), '{ article(slug: "ferry") { corrections { id date text kind } } }')
    assert body["data"]["article"]["corrections"] == [note]
    _, body = gql(Client(), "query($id: ID!) { node(id: $id) { ... on Correction { text } } }",
                  {"id": note["id"]})  # fmt: skip
    assert body["data"]["node"] == {"text": "Misnamed the minister."}
    _, body = gql(client, REMOVE, {"id": note["id"]})
    assert body["data"]["removeCorrection"] == {
        "removedId": note["id"], "article": {"corrections": []}, "errors": []
    }  # fmt: skip
    _, body = gql(Client(), '{ article(slug: "ferry") { corrections { id } } }')
    assert body["data"]["article"]["corrections"] == []
    assert Correction.objects.get().removed_by == editor


def test_graphql_refusals_come_as_field_errors(client, editor, author):
    ArticleFactory(slug="draft", status=ArticleStatus.DRAFT)
    live = ArticleFactory(slug="live")
    client.force_login(editor)
    _, body = gql(client, ADD, {"slug": "draft", "kind": "UPDATE", "text": "x"})
    assert body["data"]["addCorrection"]["errors"][0]["code"] == "INVALID_TRANSITION"
    _, body = gql(client, ADD, {"slug": "live", "kind": "UPDATE", "text": "x" * 1001})
    assert body["data"]["addCorrection"]["errors"][0]["field"] == "text"
    _, body = gql(client, REMOVE, {"id": to_global_id("Article", live.pk)})
    assert body["data"]["removeCorrection"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    writer = Client()
    writer.force_login(author)
    _, body = gql(writer, ADD, {"slug": "live", "kind": "UPDATE", "text": "x"})
    assert body["data"]["addCorrection"]["errors"][0]["code"] == "PERMISSION_DENIED"
    note = add(live, editor)
    _, body = gql(writer, REMOVE, {"id": to_global_id("Correction", note.pk)})
    assert body["data"]["removeCorrection"]["errors"][0]["code"] == "PERMISSION_DENIED"
    _, body = gql(Client(), REMOVE, {"id": to_global_id("Correction", note.pk)})
    assert body["data"]["removeCorrection"]["errors"][0]["code"] == "NOT_AUTHENTICATED"
    assert Correction.objects.get().removed_at is None


def test_graphql_lists_load_corrections_in_one_query(editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    query = "{ articles(first: 50) { edges { node { slug corrections { text } } } } }"

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            _, body = gql(Client(), query)
        edges = body["data"]["articles"]["edges"]
        assert all(len(edge["node"]["corrections"]) == 1 for edge in edges)
        return len(captured.captured_queries), len(edges)

    add(ArticleFactory(), editor)
    one, rows = count()
    assert rows == 1
    for _ in range(19):
        add(ArticleFactory(), editor)
    assert count() == (one, 20)


def test_a_removed_notes_id_is_no_longer_found(editor):
    note = add(ArticleFactory(), editor)
    services.correction_remove(correction=note, actor=actor(editor))
    query = "query($id: ID!) { node(id: $id) { id } }"
    _, body = gql(Client(), query, {"id": to_global_id("Correction", note.pk)})
    assert body["data"]["node"] is None


# --- The admin ------------------------------------------------------------------------------


def test_admin_lists_notes_with_who_and_removed_ones_marked(client, editor):
    article = ArticleFactory()
    add(article, editor, text="Misnamed the minister.")
    removed = add(article, editor, kind="update", text="Wrong update.")
    services.correction_remove(correction=removed, actor=actor(editor))
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Misnamed the minister." in page
    assert "<del>Wrong update.</del>" in page
    assert f"Removed by {editor.get_username()}" in page
    assert 'name="correction_text"' in page


def test_admin_add_and_remove_go_through_the_services(client, editor, author):
    article = ArticleFactory()
    client.force_login(editor)
    base = f"/admin/articles/article/{article.pk}/corrections"
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(f"{base}/add/", {"correction_kind": "update",
                                            "correction_text": "Talks resumed.",
                                            "correction_date": yesterday})  # fmt: skip
    assert response.status_code == 302
    note = Correction.objects.get()
    assert (note.kind, note.text, note.date) == ("update", "Talks resumed.",
                                                 date.fromisoformat(yesterday))  # fmt: skip
    assert client.post(f"{base}/{note.pk}/remove/").status_code == 302
    assert Correction.objects.get().removed_by == editor
    writer = Client()
    writer.force_login(author)
    writer.post(f"{base}/add/", {"correction_kind": "update", "correction_text": "x"})
    assert Correction.objects.count() == 1
    page = writer.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="correction_text"' not in page


def test_admin_offers_no_form_on_a_draft(client, editor):
    draft = ArticleFactory(status=ArticleStatus.DRAFT)
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    assert 'name="correction_text"' not in page
    assert "Notes are added to published articles." in page


@pytest.mark.parametrize("day", ["0001-01-01", "1699-12-31", "9999-12-31", "tomorrow"])
def test_a_note_is_dated_from_1700_to_today_through_rest_and_graphql(editor, day):
    ArticleFactory(slug="live")
    if day == "tomorrow":
        day = (timezone.localdate() + timedelta(days=1)).isoformat()
    body = {"kind": "update", "text": "Noted.", "date": day}
    response = api(editor).post(
        "/api/v1/articles/live/corrections/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["date"]
    mutation = """mutation($date: Date) { addCorrection(slug: "live", kind: UPDATE,
        text: "Noted.", date: $date) { correction { id } errors { field code } } }"""
    _, result = gql(api(editor), mutation, {"date": day})
    assert result["data"]["addCorrection"]["errors"] == [{"field": "date", "code": "INVALID"}]
    assert not Correction.objects.exists()


def test_a_note_may_be_dated_today_or_in_the_past(editor):
    article = ArticleFactory(slug="live")
    assert add(article, editor, date=timezone.localdate()).date == timezone.localdate()
    assert add(article, editor, date=date(1999, 1, 1)).date == date(1999, 1, 1)
