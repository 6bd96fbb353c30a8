"""The admin's History page: revisions listed, two compared side by side, one restored with
the version the page was opened at. (tests/browser/test_revisions_browser.py drives the same
page in a browser.)"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from articles import services
from articles.models import Article, ArticleRevision
from tests.articles.test_admin import edit_data
from tests.conftest import actor
from tests.factories import AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def two_versions(user) -> Article:
    ann, bob = AuthorFactory(slug="ann", name="Ann Lee"), AuthorFactory(slug="bob", name="Bob Roy")
    article = services.article_create(
        actor=actor(user), title="Harbour opens", slug="harbour",
        body_html="<p>The harbour opens today.</p><p>Boats are welcome.</p>",
        authors=[ann], tags=[TagFactory(name="Sea", slug="sea")],
        section=SectionFactory(name="Town", slug="town"),
    )  # fmt: skip
    services.article_update(
        article=article, actor=actor(user), title="Harbour opens late",
        body_html="<p>The harbour opens tomorrow.</p><p>Boats are welcome.</p>",
        authors=[bob, ann], tags=[TagFactory(name="Boats", slug="boats")],
    )  # fmt: skip
    return article


def test_saving_the_change_form_keeps_a_revision(editor):
    article = two_versions(editor)
    client = signed_in(editor)
    page = f"/admin/articles/article/{article.pk}/change/"
    response = client.post(page, edit_data(article, title="Harbour opens at noon"))
    assert response.status_code == 302, response.content[:2000]
    latest = ArticleRevision.objects.filter(article=article).order_by("-number")[0]
    assert (latest.number, latest.summary, latest.actor_name) == (3, "Edited", "editor")


def test_history_lists_revisions_and_compares_the_last_change(editor):
    article = two_versions(editor)
    page = signed_in(editor).get(f"/admin/articles/article/{article.pk}/history/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="revision"') == 2
    assert "Created" in html
    assert "Edited" in html
    assert 'Revision 1 <span class="arrow">→</span> revision 2' in html
    # Changed words are marked on each side, escaped.
    assert "<del>today.</del>" in html
    assert "<ins>tomorrow.</ins>" in html
    found = re.search(r'data-field="authors".*?</table>', html, re.S)
    assert found is not None
    byline = found.group(0)
    assert "Bob Roy" in byline
    assert "Ann Lee" in byline
    assert 'data-field="tags"' in html
    assert 'data-field="section"' not in html
    assert "Unchanged:" in html
    assert "Section" in html


def test_restore_posts_the_version_the_page_showed(editor):
    article = two_versions(editor)
    client = signed_in(editor)
    history = f"/admin/articles/article/{article.pk}/history/"
    html = client.get(history).content.decode()
    assert 'name="version" value="2"' in html
    restore = f"/admin/articles/article/{article.pk}/history/restore/"
    response = client.post(restore, {"number": "1", "version": "2"}, follow=True)
    assert "Revision 1 was restored" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Harbour opens"
    assert [a.slug for a in article.authors.order_by("bylines__position")] == ["ann"]
    assert [t.slug for t in article.tags.all()] == ["sea"]
    stale = client.post(restore, {"number": "2", "version": "2"}, follow=True)
    assert "someone saved this article after you opened its history" in stale.content.decode()
    assert ArticleRevision.objects.filter(article=article).count() == 3


def test_history_is_for_those_who_may_preview_and_restore_for_those_who_may_change(
    author, other_author, contributor, editor
):
    article = two_versions(author)
    services.article_publish(article=article, actor=actor(editor))
    history = f"/admin/articles/article/{article.pk}/history/"
    restore = f"/admin/articles/article/{article.pk}/history/restore/"
    assert signed_in(other_author).get(history).status_code == 403
    assert signed_in(other_author).post(restore, {"number": "1", "version": "3"}).status_code == 403
    assert "Restore revision" in signed_in(author).get(history).content.decode()
    assert Article.objects.get(pk=article.pk).version == 3
