"""Revisions: one per save whichever service made it, with who, what and a stable number;
restore; forgetting; pruning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleRevision, ArticleStatus
from articles.revisions import entries, revisions_of
from articles.revisions.storage import Deserializer, Serializer
from cms.actors import Actor
from cms.errors import ValidationFailed, VersionConflict
from cms.models import AuditEntry
from tests.conftest import actor
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def history(article: Article) -> list:
    return entries(list(revisions_of(article)))


def test_every_service_write_keeps_a_numbered_revision_with_its_summary(editor):
    article = services.article_create(actor=actor(editor), title="First", body_html="<p>a</p>")
    services.article_update(article=article, actor=actor(editor), title="Second")
    services.article_submit_for_review(article=article, actor=actor(editor))
    services.article_publish(article=article, actor=actor(editor))
    services.article_set_featured(article=article, actor=actor(editor), featured=True)
    services.article_unpublish(article=article, actor=actor(editor))
    services.article_publish(
        article=article, actor=actor(editor), published_at=timezone.now() + timedelta(hours=1)
    )
    rows = history(article)
    assert [(r.number, r.summary) for r in rows] == [
        (7, "Scheduled"),
        (6, "Unpublished"),
        (5, "Featured"),
        (4, "Published"),
        (3, "Submitted for review"),
        (2, "Edited"),
        (1, "Created"),
    ]
    assert rows[0].fields["status"] == ArticleStatus.SCHEDULED
    assert rows[-1].fields["title"] == "First"
    assert rows[-2].fields["title"] == "Second"
    assert {(r.actor_kind, r.actor_name) for r in rows} == {("user", "editor")}


def test_a_revision_holds_content_section_tags_and_ordered_byline(editor):
    section = SectionFactory(slug="town", name="Town")
    first, second = AuthorFactory(slug="ann", name="Ann"), AuthorFactory(slug="bob", name="Bob")
    tag = TagFactory(slug="harbour", name="Harbour")
    article = services.article_create(
        actor=actor(editor), title="T", subtitle="S", excerpt="E", body_html="<p>Body</p>",
        section=section, tags=[tag], authors=[second, first],
    )  # fmt: skip
    (entry,) = history(article)
    assert entry.fields["title"] == "T"
    assert entry.fields["subtitle"] == "S"
    assert entry.fields["body_html"] == "<p>Body</p>"
    assert entry.fields["section"].slug == "town"
    assert [t.slug for t in entry.fields["tags"]] == ["harbour"]
    assert [a.slug for a in entry.fields["authors"]] == ["bob", "ann"]
    assert entry.fields["status"] == ArticleStatus.DRAFT


def test_the_scheduler_and_a_section_rename_keep_revisions_as_the_system_and_the_editor(editor):
    section = SectionFactory(slug="old")
    article = ArticleFactory(section=section, status=ArticleStatus.DRAFT)
    services.article_publish(
        article=article, actor=actor(editor), published_at=timezone.now() + timedelta(minutes=1)
    )
    assert services.publish_due_articles(now=timezone.now() + timedelta(minutes=2)) == 1
    latest = history(article)[0]
    assert (latest.summary, latest.actor_kind, latest.actor_name) == (
        "Published at its scheduled time",
        "system",
        "system",
    )
    assert latest.fields["status"] == ArticleStatus.PUBLISHED
    section.slug = "new"
    services.taxonomy_save(obj=section, actor=actor(editor))
    latest = history(article)[0]
    assert latest.summary == "Moved with its section from old to new"
    assert latest.fields["section"].slug == "new"


def test_a_refused_write_keeps_no_revision(editor):
    article = services.article_create(actor=actor(editor), title="T")
    with pytest.raises(VersionConflict):
        services.article_update(article=article, actor=actor(editor), expected_version=9, title="X")
    assert ArticleRevision.objects.filter(article=article).count() == 1


def test_restore_brings_back_content_byline_and_tags_as_a_new_revision(editor):
    ann, bob = AuthorFactory(slug="ann"), AuthorFactory(slug="bob")
    red, blue = TagFactory(slug="red"), TagFactory(slug="blue")
    town, sport = SectionFactory(slug="town"), SectionFactory(slug="sport")
    article = services.article_create(
        actor=actor(editor), title="One", body_html="<p>one</p>", authors=[ann, bob], tags=[red],
        section=town,
    )  # fmt: skip
    services.article_update(
        article=article, actor=actor(editor), title="Two", body_html="<p>two</p>",
        authors=[bob], tags=[blue], section=sport,
    )  # fmt: skip
    services.revision_restore(
        article=article, actor=actor(editor), number=1, expected_version=article.version
    )
    article.refresh_from_db()
    assert article.title == "One"
    assert article.body_html == "<p>one</p>"
    assert article.section == town
    assert list(article.tags.all()) == [red]
    assert [b.author for b in article.bylines.all()] == [ann, bob]
    latest = history(article)[0]
    assert (latest.number, latest.summary) == (3, "Restored revision 1")
    assert AuditEntry.objects.filter(action="article.revision_restore").count() == 1


def test_restore_needs_the_current_version(editor):
    article = services.article_create(actor=actor(editor), title="One")
    services.article_update(article=article, actor=actor(editor), title="Two")
    with pytest.raises(VersionConflict):
        services.revision_restore(
            article=article, actor=actor(editor), number=1, expected_version=1
        )


def test_restore_refuses_naming_what_was_deleted_since(editor):
    gone_author, gone_tag = AuthorFactory(slug="gone", name="Gone"), TagFactory(slug="old-tag")
    article = services.article_create(
        actor=actor(editor), title="One", authors=[gone_author], tags=[gone_tag]
    )
    services.article_update(article=article, actor=actor(editor), authors=[], tags=[])
    services.taxonomy_delete(obj=gone_author, actor=actor(editor))
    services.taxonomy_delete(obj=gone_tag, actor=actor(editor))
    with pytest.raises(ValidationFailed) as refused:
        services.revision_restore(
            article=article, actor=actor(editor), number=1, expected_version=article.version
        )
    assert "“Gone” (gone)" in refused.value.errors["authors"][0]
    assert "old-tag" in refused.value.errors["tags"][0]
    assert ArticleRevision.objects.filter(article=article).count() == 2


def test_restore_is_refused_to_whoever_may_not_change_the_article(author, other_author):
    article = services.article_create(actor=actor(author), title="Mine")
    services.article_update(article=article, actor=actor(author), title="Mine 2")
    from cms.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.revision_restore(
            article=article, actor=actor(other_author), number=1, expected_version=2
        )


def test_pruning_keeps_the_newest_and_the_numbers(editor, settings):
    settings.REVISIONS_KEEP_LATEST = 2
    settings.REVISIONS_KEEP_DAYS = 30
    article = services.article_create(actor=actor(editor), title="v1")
    for n in range(2, 6):
        services.article_update(article=article, actor=actor(editor), title=f"v{n}")
    old = timezone.now() - timedelta(days=31)
    from reversion.models import Revision

    Revision.objects.filter(article_revision__number__lte=4).update(date_created=old)
    assert services.prune_revisions() == 3  # 1, 2, 3: old, and not among the newest two
    assert [r.number for r in history(article)] == [5, 4]
    services.article_update(article=article, actor=actor(editor), title="v6")
    assert [r.number for r in history(article)] == [6, 5, 4]
    settings.REVISIONS_KEEP_DAYS = 0
    assert services.prune_revisions() == 0


def test_the_trash_keeps_an_articles_revisions_and_deleting_it_forever_forgets_them(editor):
    from reversion.models import Revision, Version

    article = services.article_create(actor=actor(editor), title="Gone", tags=[TagFactory()])
    services.article_delete(article=article, actor=actor(editor))
    assert Revision.objects.count() == 1
    services.article_restore_from_trash(article=article, actor=actor(editor))
    assert [r.summary for r in history(article)] == ["Restored from the trash", "Created"]
    services.article_delete(article=article, actor=actor(editor))
    services.article_delete_forever(article=article, actor=actor(editor))
    assert not Revision.objects.exists()
    assert not Version.objects.exists()


def test_a_token_is_named_in_the_revision(editor):
    from cms import scopes, tokens

    token, _ = tokens.token_create(
        owner=editor, name="wire importer", scopes=[scopes.CONTENT_WRITE]
    )
    via_token = Actor(user=editor, scopes=frozenset({scopes.CONTENT_WRITE}), token_id=token.pk)
    article = services.article_create(actor=via_token, title="T")
    (entry,) = history(article)
    assert (entry.actor_kind, entry.token_id, entry.token_name) == (
        "token",
        token.pk,
        "wire importer",
    )


def test_long_versions_are_stored_compressed_and_read_back(monkeypatch):
    monkeypatch.setattr("articles.revisions.storage._compresses_itself", lambda: False)
    article = ArticleFactory(body_html="<p>" + "word " * 10_000 + "</p>")
    text = Serializer().serialize([article], fields=("body_html",))
    assert text.startswith("zlib:")
    assert len(text) < len(article.body_html) / 4
    (restored,) = Deserializer(text)
    assert restored.object.body_html == article.body_html
    short = Serializer().serialize([ArticleFactory(body_html="<p>x</p>")], fields=("body_html",))
    assert short.startswith("[")


def test_the_worker_prunes_revisions_once_a_day(editor, settings):
    from articles.tasks import prune_revisions
    from cms.periodic import jobs

    assert jobs()["prune-revisions"].every == 86400
    settings.REVISIONS_KEEP_LATEST = 1
    settings.REVISIONS_KEEP_DAYS = 1
    article = services.article_create(actor=actor(editor), title="v1")
    services.article_update(article=article, actor=actor(editor), title="v2")
    from reversion.models import Revision

    Revision.objects.update(date_created=timezone.now() - timedelta(days=2))
    assert prune_revisions.call() == "1 old revision(s) pruned"
    assert [r.number for r in history(article)] == [2]
