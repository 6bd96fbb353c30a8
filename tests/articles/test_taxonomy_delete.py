"""Deleting a section, tag or author profile never changes an article behind its back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleStatus, Author, Section, Tag
from cms.actors import Actor
from cms.errors import InUse
from cms.models import AuditEntry
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def snapshot(article: Article) -> tuple:
    article.refresh_from_db()
    return (
        article.section_id,
        article.version,
        article.updated_at,
        sorted(article.tags.values_list("slug", flat=True)),
        list(article.bylines.values_list("author__slug", flat=True)),
    )


def used(kind: str, article: Article):
    if kind == "section":
        return article.section
    if kind == "tag":
        return article.tags.get()
    return article.bylines.get().author


@pytest.mark.parametrize("kind", ["section", "tag", "author"])
@pytest.mark.parametrize("status", [ArticleStatus.PUBLISHED, ArticleStatus.DRAFT])
def test_one_in_use_is_refused_and_nothing_changes(editor, kind, status):
    article = ArticleFactory(
        title="Harbour deal",
        status=status,
        section=SectionFactory(),
        tags=[TagFactory()],
        authors=[AuthorFactory()],
    )
    obj = used(kind, article)
    before = snapshot(article)
    with pytest.raises(InUse) as refused:
        services.taxonomy_delete(obj=obj, actor=Actor.for_user(editor))
    assert refused.value.code == "in_use"
    assert refused.value.status == 409
    assert "1 article uses" in refused.value.message
    assert "“Harbour deal”" in refused.value.message
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert snapshot(article) == before
    assert not AuditEntry.objects.filter(action__endswith=".delete").exists()


def test_the_refusal_names_a_few_articles_and_counts_the_rest(editor):
    town = SectionFactory(name="Town")
    for n in range(7):
        ArticleFactory(section=town, title=f"Story {n}")
    with pytest.raises(InUse) as refused:
        services.taxonomy_delete(obj=town, actor=Actor.for_user(editor))
    message = refused.value.message
    assert message.startswith("7 articles use this section")
    assert message.count("“Story") == 5
    assert "and 2 more" in message


@pytest.mark.parametrize("model", [Section, Tag, Author])
def test_an_unused_one_is_deleted_and_recorded(editor, model):
    factory: Any = {Section: SectionFactory, Tag: TagFactory, Author: AuthorFactory}[model]
    obj = factory()
    ArticleFactory(section=SectionFactory(), tags=[TagFactory()], authors=[AuthorFactory()])
    services.taxonomy_delete(obj=obj, actor=Actor.for_user(editor))
    assert not model.objects.filter(pk=obj.pk).exists()
    assert AuditEntry.objects.filter(action=f"{model._meta.model_name}.delete").count() == 1


def test_the_database_refuses_a_section_in_use_whoever_deletes_it():
    article = ArticleFactory(section=SectionFactory())
    with pytest.raises(ProtectedError):
        article.section.delete()


def test_admin_names_the_articles_and_deletes_nothing(client, editor):
    town = SectionFactory(name="Town")
    live = ArticleFactory(section=town, title="Ferry fares rise")
    before = snapshot(live)
    client.force_login(editor)
    url = f"/admin/articles/section/{town.pk}/delete/"
    page = client.get(url).content.decode()
    assert "Ferry fares rise" in page
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200  # the refusal page again, not a redirect
    assert Section.objects.filter(pk=town.pk).exists()
    assert snapshot(live) == before


def test_admin_bulk_delete_is_all_or_nothing(client, editor):
    unused = TagFactory(name="Unused")
    busy = TagFactory(name="Busy")
    ArticleFactory(tags=[busy], title="Tagged story")
    client.force_login(editor)
    selection = {"action": "delete_selected", "_selected_action": [unused.pk, busy.pk]}
    confirm = client.post("/admin/articles/tag/", selection).content.decode()
    assert "Tagged story" in confirm
    client.post("/admin/articles/tag/", {**selection, "post": "yes"})
    assert set(Tag.objects.all()) == {unused, busy}
    client.post(
        "/admin/articles/tag/",
        {"action": "delete_selected", "_selected_action": [unused.pk], "post": "yes"},
    )
    assert list(Tag.objects.all()) == [busy]


def test_admin_deletes_an_unused_section(client, editor):
    empty = SectionFactory(name="Empty")
    client.force_login(editor)
    response = client.post(f"/admin/articles/section/{empty.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Section.objects.filter(pk=empty.pk).exists()


def test_renaming_a_sections_slug_records_an_edit_of_each_live_article(client, editor):
    town = SectionFactory(slug="town", name="Town")
    live = ArticleFactory(section=town, title="Ferry fares rise")
    scheduled = ArticleFactory(
        section=town,
        status=ArticleStatus.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    draft = ArticleFactory(section=town, status=ArticleStatus.DRAFT)
    before = {a.pk: (a.version, a.updated_at) for a in (live, scheduled, draft)}
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/section/{town.pk}/change/",
        {"name": "Town", "slug": "harbour-town", "description": ""},
    )
    assert response.status_code == 302
    for article in (live, scheduled):
        article.refresh_from_db()
        assert article.version == before[article.pk][0] + 1
        assert article.updated_at > before[article.pk][1]
        assert "/harbour-town/" in article.url
    draft.refresh_from_db()
    assert (draft.version, draft.updated_at) == before[draft.pk]  # no public address yet
    moved = AuditEntry.objects.filter(action="article.update").order_by("object_id")
    assert [e.object_id for e in moved] == sorted([str(live.pk), str(scheduled.pk)])
    assert all("moved with its section from town to harbour-town" in e.object_repr for e in moved)
    assert all(e.user == editor for e in moved)
    # Read through the API, the article's ETag and version changed with its address.
    body = client.get(f"/api/v1/articles/{live.slug}/").json()
    assert body["url"].endswith(f"/harbour-town/{live.slug}")


def test_renaming_a_section_without_changing_its_slug_touches_no_article(editor):
    town = SectionFactory(slug="town", name="Town")
    live = ArticleFactory(section=town)
    town.name = "Town and harbour"
    services.taxonomy_save(obj=town, actor=Actor.for_user(editor))
    live.refresh_from_db()
    assert live.version == 1
    assert not AuditEntry.objects.filter(action="article.update").exists()
