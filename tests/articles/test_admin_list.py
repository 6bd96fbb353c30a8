"""The article list as an editor's work queue: attention order, status badges, the updated
and submitted columns, search by byline name, and due scheduled articles shown as live."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.lifecycle import (
    ATTENTION_ORDER,
    ArticleStatus,
    effective_status,
    effective_status_expression,
    effective_status_q,
)
from articles.models import Article
from tests.api import get, gql
from tests.conftest import actor
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"


def titles(client, query: str = "") -> list[str]:
    response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    return [article.title for article in response.context["cl"].result_list]


def due_scheduled(**kwargs) -> Article:
    """Scheduled two hours ago: live, though the publish-due job has not run."""
    return ArticleFactory(
        status=ArticleStatus.SCHEDULED,
        published_at=timezone.now() - timedelta(hours=2),
        **kwargs,
    )


def test_the_list_puts_what_needs_attention_first(client, editor):
    now = timezone.now()
    ArticleFactory(title="Archived", status=ArticleStatus.ARCHIVED)
    ArticleFactory(title="Old news", published_at=now - timedelta(days=3))
    ArticleFactory(title="Fresh news", published_at=now - timedelta(hours=1))
    ArticleFactory(title="Draft", status=ArticleStatus.DRAFT)
    ArticleFactory(title="Scheduled", status=ArticleStatus.SCHEDULED,
                   published_at=now + timedelta(days=1))  # fmt: skip
    ArticleFactory(title="In review", status=ArticleStatus.IN_REVIEW)
    due_scheduled(title="Due")  # among the published, by its date
    client.force_login(editor)
    assert titles(client) == [
        "In review", "Scheduled", "Draft", "Fresh news", "Due", "Old news", "Archived",
    ]  # fmt: skip


def test_statuses_are_badges_that_say_their_name(client, editor):
    ArticleFactory(status=ArticleStatus.IN_REVIEW)
    client.force_login(editor)
    page = client.get(CHANGELIST).content.decode()
    assert re.search(r'<span class="status-badge status-in_review"[^>]*>In review</span>', page)
    assert "/static/cms/desk.css" in page


def test_updated_and_submitted_columns(client, editor, contributor):
    draft = services.article_create(actor=actor(contributor), title="Pier survey")
    services.article_submit_for_review(article=draft, actor=actor(contributor))
    draft.refresh_from_db()
    assert draft.submitted_at is not None
    client.force_login(editor)
    page = client.get(CHANGELIST).content.decode()
    assert re.search(r'<th scope="col" class="[^"]*column-updated[^"]*">', page)
    assert re.search(r'<th scope="col" class="[^"]*column-submitted[^"]*">', page)
    assert ">Submitted" in page
    assert ">Updated" in page
    row = page[page.index("Pier survey") :].split("</tr>")[0]
    submitted = re.search(r'<td class="field-submitted[^"]*"><time datetime="([^"]+)"', row)
    assert submitted
    assert submitted.group(1) == draft.submitted_at.isoformat()


def test_submitting_again_records_the_new_submission_time(contributor):
    draft = services.article_create(actor=actor(contributor), title="Second go")
    services.article_submit_for_review(article=draft, actor=actor(contributor))
    first = draft.submitted_at
    assert first is not None
    Article.objects.filter(pk=draft.pk).update(status=ArticleStatus.DRAFT)
    draft.refresh_from_db()
    services.article_submit_for_review(article=draft, actor=actor(contributor))
    assert draft.submitted_at is not None
    assert draft.submitted_at > first
    assert Article.objects.get(pk=draft.pk).submitted_at == draft.submitted_at


def test_searching_a_writers_name_finds_their_articles_once(client, editor):
    ada = AuthorFactory(name="Ada Quill")
    ArticleFactory(title="Harbour dues", authors=[ada, AuthorFactory(name="Ada Quillon")])
    ArticleFactory(title="Someone else's")
    client.force_login(editor)
    assert titles(client, "?q=quill") == ["Harbour dues"]  # two matching names, one row
    assert titles(client, "?q=Ada+Quill") == ["Harbour dues"]


def test_search_covers_body_text_and_slug(client, editor):
    ArticleFactory(title="One", body_html="<p>The lighthouse keeper</p>", body_text="lighthouse")
    ArticleFactory(title="Two", slug="ferry-timetable")
    client.force_login(editor)
    assert titles(client, "?q=lighthouse") == ["One"]
    assert titles(client, "?q=ferry-timetable") == ["Two"]


def test_a_due_scheduled_article_is_published_in_the_list_filter_and_form(client, editor):
    due = due_scheduled(title="Went out")
    ArticleFactory(title="Still waiting", status=ArticleStatus.SCHEDULED,
                   published_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    assert due.status == ArticleStatus.SCHEDULED  # stored; the job has not tidied it
    assert due.effective_status == ArticleStatus.PUBLISHED
    client.force_login(editor)
    page = client.get(CHANGELIST).content.decode()
    row = page[page.index("Went out") :].split("</tr>")[0]
    assert "status-published" in row
    assert "Scheduled" not in row
    assert titles(client, "?status__exact=published") == ["Went out"]
    assert titles(client, "?status__exact=scheduled") == ["Still waiting"]
    counts = client.get(CHANGELIST + "?_facets=True").content.decode()
    assert re.search(r"Published \(1\)", counts)
    assert re.search(r"Scheduled \(1\)", counts)
    form = client.get(f"{CHANGELIST}{due.pk}/change/").content.decode()
    assert re.search(r'status-published"[^>]*>Published</span>', form)


def test_effective_status_only_moves_due_scheduled_articles():
    now = timezone.now()
    past, future = now - timedelta(seconds=1), now + timedelta(seconds=1)
    assert effective_status("scheduled", past, now) == ArticleStatus.PUBLISHED
    assert effective_status("scheduled", future, now) == ArticleStatus.SCHEDULED
    assert effective_status("published", future, now) == ArticleStatus.PUBLISHED
    assert effective_status("draft", past, now) == ArticleStatus.DRAFT
    assert effective_status("archived", past, now) == ArticleStatus.ARCHIVED


def test_the_apis_already_serve_a_due_scheduled_article_as_live(client):
    due = due_scheduled(title="Embargo lifted")
    assert get(client, f"/api/v1/articles/{due.slug}/").status_code == 200
    listed = get(client, "/api/v1/articles/").json()
    assert due.slug in [item["slug"] for item in listed["results"]]
    _response, body = gql(client, '{ article(slug: "%s") { title } }' % due.slug)  # noqa: UP031
    assert body["data"]["article"]["title"] == "Embargo lifted"


def test_writers_read_a_due_scheduled_article_as_published_in_both_apis(client, editor):
    """The status people are shown is the same in the admin, REST and GraphQL."""
    due = due_scheduled(title="Embargo lifted")
    client.force_login(editor)
    assert get(client, f"/api/v1/articles/{due.slug}/").json()["status"] == "published"
    _response, body = gql(client, '{ article(slug: "%s") { status } }' % due.slug)  # noqa: UP031
    assert body["data"]["article"]["status"] == "PUBLISHED"


def test_the_list_filter_links_still_work_for_contributors(client, contributor):
    client.force_login(contributor)
    assert client.get(CHANGELIST + "?status__exact=draft").status_code == 200
    assert client.get(CHANGELIST + "?status__exact=bogus").status_code == 200
    assert client.get(CHANGELIST + "?status__regex=d").status_code == 400


def test_the_attention_order_ranks_every_status_once():
    assert sorted(ATTENTION_ORDER) == sorted(ArticleStatus)


def test_effective_status_agrees_in_python_and_in_sql():
    now = timezone.now()
    articles = [
        ArticleFactory(status=status, published_at=when)
        for status in ArticleStatus
        for when in (now - timedelta(hours=1), now + timedelta(hours=1))
        if status not in (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW) or when < now
    ]
    annotated = dict(
        Article.objects.annotate(shown=effective_status_expression(now)).values_list("pk", "shown")
    )
    for article in articles:
        expected = effective_status(article.status, article.published_at, now)
        assert annotated[article.pk] == expected, article.status
        matching = Article.objects.filter(effective_status_q(expected, now))
        assert matching.filter(pk=article.pk).exists(), article.status
        others = [s for s in ArticleStatus if s != expected]
        for other in others:
            assert not Article.objects.filter(
                effective_status_q(other, now), pk=article.pk
            ).exists()
