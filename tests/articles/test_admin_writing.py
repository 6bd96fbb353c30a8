"""The article form as a place to write, through the admin's own views: what each role is
shown, the messages after a lifecycle button, the newsroom's time zone, a live article's
address, and a submitted article shown rendered to its contributor. The browser half is in
tests/browser/test_write_*.py."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
from django.contrib.messages import get_messages
from django.contrib.staticfiles import finders

from articles.admin.forms import BODY_EDITOR_EXTENSIONS
from articles.models import Article, ArticleStatus
from tests.articles.test_admin import ADD, change_url, edit_data, form_data
from tests.conftest import profile
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


def test_the_form_loads_its_writing_aids_served_locally(client, editor):
    client.force_login(editor)
    page = client.get(ADD).content.decode()
    for name in ("articles/admin/writing.js", "articles/admin/writing.css"):
        assert f"/static/{name}" in page
        assert finders.find(name)


def test_the_body_editor_leaves_spellcheck_on():
    # django-prose-editor adds NoSpellCheck (spellcheck="false") unless told not to.
    assert BODY_EDITOR_EXTENSIONS["NoSpellCheck"] is False


def test_contributor_is_not_shown_publish_at_or_featured(client, contributor):
    draft = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(contributor)])
    client.force_login(contributor)
    for url in (ADD, change_url(draft)):
        page = client.get(url).content.decode()
        assert 'name="publish_at_0"' not in page
        assert "field-featured" not in page
        assert 'name="_publish"' not in page
        assert "field-current_status" in page  # what they may know is still shown


def test_author_is_shown_publish_at_but_not_featured(client, author):
    draft = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(author)])
    client.force_login(author)
    page = client.get(change_url(draft)).content.decode()
    assert 'name="publish_at_0"' in page
    assert "field-featured" not in page


def test_editor_is_shown_publish_at_and_featured(client, editor):
    client.force_login(editor)
    page = client.get(ADD).content.decode()
    assert 'name="publish_at_0"' in page
    assert "field-featured" in page


def test_a_refused_transition_says_once_what_was_saved_and_what_was_not(client, contributor):
    draft = ArticleFactory(
        status=ArticleStatus.DRAFT, authors=[profile(contributor)], title="Old title"
    )
    client.force_login(contributor)
    response = client.post(
        change_url(draft), edit_data(draft, title="New title", _publish="Publish")
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(draft)  # back to the article, not the list
    [(level, text)] = messages_of(response)
    assert level == "warning"
    assert text.startswith("“New title” was saved, but not published: ")
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("New title", ArticleStatus.DRAFT)


def test_a_refused_transition_on_a_new_article_opens_the_saved_article(client, contributor):
    response = client.post(ADD, form_data(_publish="Publish"))
    assert response.status_code == 302  # not signed in: to the login page
    client.force_login(contributor)
    response = client.post(ADD, form_data(_publish="Publish"))
    article = Article.objects.get()
    assert response["Location"] == change_url(article)
    [(level, _text)] = messages_of(response)
    assert level == "warning"


def test_a_transition_taken_is_one_success_message(client, author):
    draft = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(author)], title="Quay")
    client.force_login(author)
    response = client.post(change_url(draft), edit_data(draft, _publish="Publish"))
    assert messages_of(response) == [("success", "“Quay” is now published.")]


def test_a_plain_save_keeps_the_admins_message(client, author):
    draft = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(author)], title="Quay")
    client.force_login(author)
    response = client.post(change_url(draft), edit_data(draft))
    [(level, text)] = messages_of(response)
    assert level == "success"
    assert "was changed successfully" in text


def test_times_are_typed_in_the_newsrooms_zone_and_labelled_with_it(client, editor, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    client.force_login(editor)
    page = client.get(ADD).content.decode()
    assert "Europe/Berlin, UTC+0" in page  # +01:00 in winter, +02:00 in summer
    assert 'class="timezonewarning newsroom-zone"' in page  # stands in for Django's note
    client.post(
        ADD, form_data(publish_at_0="2031-01-15", publish_at_1="10:00:00", _publish="Publish")
    )
    article = Article.objects.get()
    assert article.status == ArticleStatus.SCHEDULED
    assert article.published_at == datetime(2031, 1, 15, 9, 0, tzinfo=UTC)
    page = client.get(change_url(article)).content.decode()
    assert "Jan. 15, 2031, 10 a.m." in page


def test_a_live_articles_slug_carries_a_warning(client, editor):
    live = ArticleFactory(status=ArticleStatus.PUBLISHED, slug="quay-wall")
    draft = ArticleFactory(status=ArticleStatus.DRAFT, slug="draft-piece")
    client.force_login(editor)
    page = client.get(change_url(live)).content.decode()
    assert "readers and search engines use the current address" in page
    assert 'data-live-slug="quay-wall"' in page
    page = client.get(change_url(draft)).content.decode()
    assert "data-live-slug" not in page
    assert "readers and search engines use the current address" not in page


def test_the_submitted_article_is_shown_to_its_contributor_rendered_and_sanitised(
    client, contributor
):
    article = ArticleFactory(
        status=ArticleStatus.IN_REVIEW,
        authors=[profile(contributor)],
        body_html="<p>Work starts <strong>Monday</strong>.</p>",
    )
    # Stored before the sanitiser ran (an older row, or a raw import): shown sanitised all
    # the same.
    Article.objects.filter(pk=article.pk).update(
        body_html='<p>Work starts <strong>Monday</strong>.</p><img src=x onerror="alert(1)">'
        "<script>alert(2)</script>"
    )
    client.force_login(contributor)
    page = client.get(change_url(article)).content.decode()
    assert 'name="body_html"' not in page  # read only
    assert '<div class="article-body-rendered"><p>Work starts <strong>Monday</strong>.</p>' in page
    assert "&lt;p&gt;" not in page
    assert "onerror" not in page
    assert "alert(2)" not in html.unescape(page)


def test_publish_at_goes_where_the_publish_button_does(client, editor):
    live = ArticleFactory(status=ArticleStatus.PUBLISHED)
    draft = ArticleFactory(status=ArticleStatus.DRAFT)
    client.force_login(editor)
    page = client.get(change_url(live)).content.decode()
    assert 'name="_publish"' not in page
    assert 'name="publish_at_0"' not in page
    page = client.get(change_url(draft)).content.decode()
    assert 'name="_publish"' in page
    assert 'name="publish_at_0"' in page
