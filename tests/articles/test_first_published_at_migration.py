"""articles 0011 records when existing articles first went live: the earlier of a publication
date that has come and the audit log's first publication; nothing for work never public."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.migrating import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0010_article_returned_at"), ("cms", "0004_periodic_runs_and_workers")]
AFTER = [("articles", "0011_article_first_published_at")]


def test_articles_ever_live_get_when_they_first_went_live():
    apps = migrate(BEFORE)
    Article, AuditEntry = apps.get_model("articles", "Article"), apps.get_model("cms", "AuditEntry")
    now = timezone.now()
    past, earlier, future = (
        now - timedelta(days=2),
        now - timedelta(days=9),
        now + timedelta(days=2),
    )

    def article(slug, status, published_at=None):
        return Article.objects.create(title=slug, slug=slug, status=status,
                                      published_at=published_at)  # fmt: skip

    def logged(target, action, when):
        entry = AuditEntry.objects.create(
            actor="ada", action=action, object_type="article", object_id=str(target.pk),
            object_repr=target.title,
        )  # fmt: skip
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=when)

    article("live", "published", past)
    article("archived", "archived", past)
    article("unpublished", "draft", past)  # taken back to draft: its date is kept
    republished = article("republished", "published", past)
    logged(republished, "article.publish", earlier)  # first out long before its present date
    rescheduled = article("rescheduled", "scheduled", future)
    logged(rescheduled, "article.publish_due", earlier)  # went live once, now scheduled again
    article("scheduled", "scheduled", future)
    article("draft", "draft")
    article("review", "in_review")
    try:
        apps = migrate(AFTER)
        Article = apps.get_model("articles", "Article")
        found = dict(Article.objects.values_list("slug", "first_published_at"))
        assert found == {
            "live": past,
            "archived": past,
            "unpublished": past,
            "republished": earlier,
            "rescheduled": earlier,
            "scheduled": None,
            "draft": None,
            "review": None,
        }
    finally:
        migrate_to_latest()
