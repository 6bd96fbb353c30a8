"""Correction and update notes are part of an article's revisions: adding or removing one is
a new revision that shows the notes readers were shown then, over REST, GraphQL and in the
admin's comparison; restoring a revision never brings back or removes a note."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from articles import services
from articles.models import Correction
from tests.api import gql
from tests.articles.test_api_writes import api
from tests.conftest import actor
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def noted(editor):
    """A live article edited, then given a note, then the note removed: revisions 1-3."""
    article = ArticleFactory(slug="story", first_published_at=None)
    services.article_update(article=article, actor=actor(editor), title="Edited")
    services.correction_add(
        article=article, actor=actor(editor), kind="correction", text="Misnamed the minister.",
        date=date(2026, 3, 3),
    )  # fmt: skip
    note = Correction.objects.get(article=article)
    services.correction_remove(correction=note, actor=actor(editor))
    return article


def test_adding_and_removing_a_note_each_keep_a_revision_showing_the_notes_then(editor):
    noted(editor)
    body = api(editor).get("/api/v1/articles/story/revisions/").json()
    by_number = {r["number"]: r for r in body["results"]}
    assert [by_number[n]["summary"] for n in (1, 2, 3)] == ["Edited", "Note added", "Note removed"]
    assert by_number[1]["fields"]["corrections"] == []
    assert by_number[2]["fields"]["corrections"] == [
        {"date": "2026-03-03", "kind": "correction", "text": "Misnamed the minister."}
    ]
    assert by_number[3]["fields"]["corrections"] == []


def test_graphql_revisions_carry_the_notes(editor):
    noted(editor)
    query = """{ articleRevisions(slug: "story") { edges { node {
        number fields { corrections { date kind text } } } } } }"""
    client = Client()
    client.force_login(editor)
    response, body = gql(client, query)
    assert response.status_code == 200, body
    notes = {
        edge["node"]["number"]: edge["node"]["fields"]["corrections"]
        for edge in body["data"]["articleRevisions"]["edges"]
    }
    assert notes[2] == [
        {"date": "2026-03-03", "kind": "CORRECTION", "text": "Misnamed the minister."}
    ]
    assert notes[1] == notes[3] == []


def test_the_admin_compares_the_notes_of_two_revisions(editor):
    article = noted(editor)
    client = Client()
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/history/?a=1&b=2")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-field="corrections"' in html
    assert "Misnamed the minister." in html


def test_restoring_a_revision_with_a_removed_note_does_not_bring_it_back(editor):
    article = noted(editor)
    article.refresh_from_db()
    services.revision_restore(
        article=article, actor=actor(editor), number=2, expected_version=article.version
    )
    assert not Correction.objects.shown().filter(article=article).exists()
    assert Correction.objects.filter(article=article, removed_at__isnull=False).count() == 1
