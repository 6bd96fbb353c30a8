from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleStatus
from cms.actors import Actor
from cms.errors import InvalidTransition, PermissionDenied, ValidationFailed, VersionConflict
from cms.models import AuditEntry
from tests.conftest import actor, profile
from tests.factories import ArticleFactory, AuthorFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_create_makes_a_sanitised_draft_with_derived_fields(editor):
    article = services.article_create(
        actor=actor(editor),
        title="Ferry returns",
        body_html='<p onclick="x()">One two three.</p><script>alert(1)</script><p>Four.</p>',
    )
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert article.published_at is None
    assert article.body_html == "<p>One two three.</p><p>Four.</p>"
    assert article.body_text == "One two three.\n\nFour."
    assert article.word_count == 4
    assert article.reading_time_minutes == 1
    assert article.version == 1
    assert article.created_by == editor
    assert article.slug == "ferry-returns"


def test_create_credits_the_actor_by_default(author):
    article = services.article_create(actor=actor(author), title="Mine")
    assert list(article.authors.all()) == [profile(author)]


def test_create_keeps_the_byline_order_given(editor):
    first, second = AuthorFactory(), AuthorFactory()
    article = services.article_create(
        actor=actor(editor), title="Two names", authors=[second, first, second]
    )
    bylines = list(article.bylines.order_by("position").values_list("author_id", flat=True))
    assert bylines == [second.pk, first.pk]


def test_slugs_are_generated_unique(editor):
    a = services.article_create(actor=actor(editor), title="Storm warning")
    b = services.article_create(actor=actor(editor), title="Storm warning")
    c = services.article_create(actor=actor(editor), title="Storm warning!")
    assert [a.slug, b.slug, c.slug] == ["storm-warning", "storm-warning-2", "storm-warning-3"]
    assert services.unique_slug("Шторм") == "article"  # no Latin letters: a neutral slug


def test_untitled_or_symbol_titles_still_get_a_slug(editor):
    article = services.article_create(actor=actor(editor), title="!!!")
    assert article.slug == "article"


def test_status_and_counters_cannot_be_mass_assigned(editor):
    with pytest.raises(ValidationFailed) as refused:
        services.article_create(actor=actor(editor), title="x", status="published", view_count=9)
    assert set(refused.value.errors) == {"status", "view_count"}
    assert not Article.objects.exists()


def test_invalid_content_is_refused_with_field_errors(editor):
    with pytest.raises(ValidationFailed) as refused:
        services.article_create(actor=actor(editor), title="", canonical_url="not a url")
    assert {"title", "canonical_url"} <= set(refused.value.errors)
    assert not Article.objects.exists()


def test_anonymous_cannot_create(anonymous):
    with pytest.raises(PermissionDenied):
        services.article_create(actor=anonymous, title="Nope")


def test_contributor_cannot_publish_even_their_own_draft(contributor):
    article = services.article_create(actor=actor(contributor), title="Mine")
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, actor=actor(contributor))
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_contributor_submits_for_review_and_then_cannot_edit(contributor):
    article = services.article_create(actor=actor(contributor), title="Mine")
    services.article_submit_for_review(article=article, actor=actor(contributor))
    assert article.status == ArticleStatus.IN_REVIEW
    with pytest.raises(PermissionDenied):
        services.article_update(article=article, actor=actor(contributor), title="Changed")


def test_an_editor_returns_work_in_review_to_its_writer(editor, contributor):
    article = services.article_create(actor=actor(contributor), title="Mine")
    services.article_submit_for_review(article=article, actor=actor(contributor))
    version = article.version
    services.article_return_to_writer(article=article, actor=actor(editor))
    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.version) == (ArticleStatus.DRAFT, version + 1)
    assert stored.returned_at is not None
    assert stored.returned_at == article.returned_at  # the caller's copy is kept in step
    entry = AuditEntry.objects.filter(object_id=str(article.pk)).latest("id")
    assert (entry.action, entry.user) == ("article.return", editor)
    # Theirs to edit again, and once submitted again it is no longer "returned".
    services.article_update(article=article, actor=actor(contributor), title="Better")
    services.article_submit_for_review(article=article, actor=actor(contributor))
    assert Article.objects.get(pk=article.pk).returned_at is None
    with pytest.raises(InvalidTransition) as refused:
        services.article_return_to_writer(article=ArticleFactory(), actor=actor(editor))
    assert refused.value.message == "A published article cannot be returned to the writer."


def test_contributor_cannot_take_back_what_they_submitted(contributor):
    article = services.article_create(actor=actor(contributor), title="Mine")
    services.article_submit_for_review(article=article, actor=actor(contributor))
    with pytest.raises(PermissionDenied):
        services.article_return_to_writer(article=article, actor=actor(contributor))
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.IN_REVIEW


def test_author_withdraws_own_submission_but_not_anothers(author, other_author):
    mine = services.article_create(actor=actor(author), title="Mine")
    theirs = services.article_create(actor=actor(other_author), title="Theirs")
    for article, writer in ((mine, author), (theirs, other_author)):
        services.article_submit_for_review(article=article, actor=actor(writer))
    services.article_return_to_writer(article=mine, actor=actor(author))
    assert mine.status == ArticleStatus.DRAFT
    with pytest.raises(PermissionDenied):
        services.article_return_to_writer(article=theirs, actor=actor(author))
    assert Article.objects.get(pk=theirs.pk).status == ArticleStatus.IN_REVIEW


def test_other_transitions_clear_returned_at(editor, author):
    article = ArticleFactory(status=ArticleStatus.IN_REVIEW, authors=[profile(author)])
    services.article_return_to_writer(article=article, actor=actor(editor))
    services.article_publish(article=article, actor=actor(author))
    services.article_unpublish(article=article, actor=actor(author))
    # A draft again, but by its own writer's hand: not "returned to you".
    assert Article.objects.get(pk=article.pk).returned_at is None


def test_author_publishes_own_article_but_not_anothers(author, other_author):
    mine = services.article_create(actor=actor(author), title="Mine")
    theirs = services.article_create(actor=actor(other_author), title="Theirs")
    services.article_publish(article=mine, actor=actor(author))
    assert mine.status == ArticleStatus.PUBLISHED
    assert mine in Article.objects.published()
    with pytest.raises(PermissionDenied):
        services.article_publish(article=theirs, actor=actor(author))


def test_publishing_with_a_future_date_schedules(editor):
    article = services.article_create(actor=actor(editor), title="Later")
    when = timezone.now() + timedelta(days=1)
    services.article_publish(article=article, actor=actor(editor), published_at=when)
    article.refresh_from_db()
    assert article.status == ArticleStatus.SCHEDULED
    assert article.published_at == when
    assert article not in Article.objects.published()
    assert services.publish_due_articles(now=when + timedelta(seconds=1)) == 1
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_naive_publication_dates_are_refused(editor):
    article = services.article_create(actor=actor(editor), title="Naive")
    with pytest.raises(ValidationFailed) as refused:
        services.article_publish(
            article=article, actor=actor(editor), published_at=timezone.now().replace(tzinfo=None)
        )
    assert refused.value.field == "published_at"


def test_publishing_a_live_article_again_is_an_invalid_transition(editor):
    article = ArticleFactory()
    with pytest.raises(InvalidTransition) as refused:
        services.article_publish(article=article, actor=actor(editor))
    assert refused.value.code == "invalid_transition"


def test_unpublish_and_archive_take_articles_off_the_site(editor):
    first, second = ArticleFactory(), ArticleFactory()
    services.article_unpublish(article=first, actor=actor(editor))
    services.article_archive(article=second, actor=actor(editor))
    assert first.status == ArticleStatus.DRAFT
    assert second.status == ArticleStatus.ARCHIVED
    assert not Article.objects.published().exists()
    with pytest.raises(InvalidTransition):
        services.article_archive(article=first, actor=actor(editor))


def test_every_write_bumps_the_version(editor):
    article = services.article_create(actor=actor(editor), title="v")
    services.article_update(article=article, actor=actor(editor), title="v2")
    services.article_publish(article=article, actor=actor(editor))
    services.article_set_featured(article=article, actor=actor(editor), featured=True)
    article.refresh_from_db()
    assert article.version == 4
    assert article.featured


def test_a_stale_version_is_refused_and_nothing_is_written(editor):
    article = services.article_create(actor=actor(editor), title="Original")
    services.article_update(article=article, actor=actor(editor), title="Newer")
    stale = Article.objects.get(pk=article.pk)
    with pytest.raises(VersionConflict):
        services.article_update(
            article=stale, actor=actor(editor), expected_version=1, title="Lost update"
        )
    assert Article.objects.get(pk=article.pk).title == "Newer"


def test_content_edits_never_overwrite_a_concurrent_lifecycle_change(editor):
    article = services.article_create(actor=actor(editor), title="Draft")
    copy_in_the_admin = Article.objects.get(pk=article.pk)
    services.article_publish(article=article, actor=actor(editor))
    services.article_update(article=copy_in_the_admin, actor=actor(editor), title="Edited")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.title == "Edited"


def test_update_replaces_tags_and_byline(editor):
    article = services.article_create(actor=actor(editor), title="Tags", tags=[TagFactory()])
    new_tag, new_author = TagFactory(), AuthorFactory()
    services.article_update(
        article=article, actor=actor(editor), tags=[new_tag], authors=[new_author]
    )
    assert list(article.tags.all()) == [new_tag]
    assert list(article.authors.all()) == [new_author]


def test_only_editors_feature(author, editor):
    article = services.article_create(actor=actor(author), title="Front page?")
    with pytest.raises(PermissionDenied):
        services.article_set_featured(article=article, actor=actor(author), featured=True)
    services.article_set_featured(article=article, actor=actor(editor), featured=True)
    assert Article.objects.get(pk=article.pk).featured


def test_delete_follows_the_policy(author, other_author):
    mine = services.article_create(actor=actor(author), title="Mine")
    theirs = services.article_create(actor=actor(other_author), title="Theirs")
    with pytest.raises(PermissionDenied):
        services.article_delete(article=theirs, actor=actor(author))
    services.article_delete(article=mine, actor=actor(author))
    assert list(Article.objects.all()) == [theirs]


def test_system_actor_creates_without_a_byline():
    article = services.article_create(actor=Actor.system(), title="Wire copy")
    assert article.created_by is None
    assert not article.authors.exists()


@pytest.mark.parametrize(
    "when",
    [
        "9999-12-31T23:59:59-12:00",  # year 10000 in UTC: PostgreSQL refuses to store it
        "2999-01-01T00:00:00+00:00",
        "1650-01-01T00:00:00+00:00",
    ],
)
def test_publication_dates_out_of_range_are_refused(editor, when):
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    with pytest.raises(ValidationFailed) as refused:
        services.article_publish(
            article=article, actor=actor(editor), published_at=datetime.fromisoformat(when)
        )
    assert refused.value.field == "published_at"
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_archives_may_be_back_dated(editor):
    article = ArticleFactory(status=ArticleStatus.DRAFT)
    services.article_publish(
        article=article, actor=actor(editor), published_at=datetime(1851, 9, 18, tzinfo=UTC)
    )
    assert article.is_live
