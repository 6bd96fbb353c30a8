"""articles 0009 gives articles already in review the time they were submitted: the audit
log's last submission, else their last save."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.migrating import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0008_cover_columns_dropped"), ("cms", "0004_periodic_runs_and_workers")]
AFTER = [("articles", "0009_article_submitted_at")]


def test_articles_in_review_get_their_submission_time():
    apps = migrate(BEFORE)
    Article, AuditEntry = apps.get_model("articles", "Article"), apps.get_model("cms", "AuditEntry")
    logged = Article.objects.create(title="Logged", slug="logged", status="in_review")
    Article.objects.create(title="Unlogged", slug="unlogged", status="in_review")
    Article.objects.create(title="Draft", slug="draft", status="draft")
    submitted = timezone.now() - timedelta(days=2)
    entry = AuditEntry.objects.create(
        actor="ada", action="article.submit", object_type="article", object_id=str(logged.pk),
        object_repr="Logged",
    )  # fmt: skip
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=submitted)
    try:
        apps = migrate(AFTER)
        Article = apps.get_model("articles", "Article")
        found = dict(Article.objects.values_list("slug", "submitted_at"))
        assert found["logged"] == submitted
        assert found["unlogged"] == Article.objects.get(slug="unlogged").updated_at
        assert found["draft"] is None
    finally:
        migrate_to_latest()
