"""Two people saving one article through the admin, and the byline inline's rows.

The browser tests (tests/browser/test_form_*.py) drive the real page; these pin the rules
underneath: the version and the opened snapshot travel through the rendered form, a stale
save is refused with one account of who changed what, saving over is a choice, byline rows
keep their ids.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django import forms
from django.utils import timezone

from articles import services
from articles.admin import ArticleAdminForm, conflicts
from articles.models import Article, ArticleAuthor, ArticleStatus
from cms.errors import ValidationFailed, VersionConflict
from tests.articles.test_admin import ADD, change_url, form_data
from tests.conftest import actor, profile
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def hidden(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert match, f"{name} is not rendered in the form"
    return match.group(1)


def opened(client, article: Article, **typed) -> dict:
    """What the change page sends back when saved with ``typed`` changes: the form's own
    hidden fields as rendered, the byline rows with their ids, as a browser posts them."""
    page = client.get(change_url(article)).content.decode()
    rows = list(article.bylines.order_by("position", "id"))
    data = form_data(
        title=article.title,
        slug=article.slug,
        body_html=article.body_html,
        excerpt=article.excerpt,
        section=str(article.section_id or ""),
        tags=[str(t.pk) for t in article.tags.all()],
        expected_version=hidden(page, "expected_version"),
        base_snapshot=hidden(page, "base_snapshot"),
        **{"bylines-TOTAL_FORMS": str(len(rows)), "bylines-INITIAL_FORMS": str(len(rows))},
    )
    for i, row in enumerate(rows):
        data |= {
            f"bylines-{i}-id": str(row.pk),
            f"bylines-{i}-article": str(article.pk),
            f"bylines-{i}-author": str(row.author_id),
            f"bylines-{i}-position": str(row.position),
        }
    data.update(typed)
    return data


# --- the byline's rows -------------------------------------------------------------------


def test_set_byline_keeps_the_rows_of_authors_who_stay(editor):
    a, b, c = AuthorFactory(), AuthorFactory(), AuthorFactory()
    article = ArticleFactory(authors=[a, b])
    ids = {row.author_id: row.pk for row in article.bylines.all()}
    services.set_byline(article, [b, c, a])
    rows = list(article.bylines.order_by("position"))
    assert [(r.author, r.position) for r in rows] == [(b, 1), (c, 2), (a, 3)]
    assert (rows[0].pk, rows[2].pk) == (ids[b.pk], ids[a.pk])
    services.set_byline(article, [c])
    assert list(article.bylines.values_list("author", "position")) == [(c.pk, 1)]
    assert article.bylines.get().pk == rows[1].pk


def test_the_service_refuses_a_stale_version(editor):
    article = ArticleFactory(status=ArticleStatus.DRAFT, title="Kept")
    services.article_update(article=Article.objects.get(pk=article.pk), actor=actor(editor),
                            expected_version=1, title="First")  # fmt: skip
    with pytest.raises(VersionConflict):
        services.article_update(article=Article.objects.get(pk=article.pk), actor=actor(editor),
                                expected_version=1, title="Second")  # fmt: skip
    assert Article.objects.get(pk=article.pk).title == "First"


# --- the version through the form --------------------------------------------------------


def test_the_change_form_renders_the_version_and_what_was_opened(client, editor):
    article = ArticleFactory(status=ArticleStatus.DRAFT, version=4, title="Opened")
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert hidden(page, "expected_version") == "4"
    snapshot = conflicts.unsign(hidden(page, "base_snapshot"), article)
    assert snapshot is not None
    assert snapshot["title"] == "Opened"


def test_a_stale_save_with_a_byline_names_who_saved_and_what_changed(client, editor, author):
    co = AuthorFactory(name="Cy Co")
    article = ArticleFactory(
        status=ArticleStatus.DRAFT, title="Old title", authors=[profile(author), co],
        section=SectionFactory(name="News"), tags=[TagFactory(name="ports")],
    )  # fmt: skip
    author.first_name, author.last_name = "Maya", "Berg"
    author.save()
    client.force_login(editor)
    stale = opened(client, article, body_html="<p>Mine, typed late.</p>")
    client.force_login(author)
    sport, ferries = SectionFactory(name="Sport"), TagFactory(name="ferries")
    theirs = opened(client, article, title="Their title", subtitle="Their subtitle",
                    body_html="<p>Their new opening.</p>", section=str(sport.pk),
                    tags=[str(ferries.pk)])  # fmt: skip
    theirs["bylines-0-position"], theirs["bylines-1-position"] = "2", "1"
    assert client.post(change_url(article), theirs).status_code == 302
    byline_ids = set(ArticleAuthor.objects.values_list("pk", flat=True))

    client.force_login(editor)
    response = client.post(change_url(article), stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("saved this article at") == 1
    assert "Not saved: Maya Berg saved this article at" in page
    assert "Please correct the error" not in page
    assert "Mine, typed late." in page  # still in the editor
    table = page[page.index('class="article-conflict-changes"') :]
    table = table[: table.index("</table>")]
    for shown in ("Old title", "Their title", "Their subtitle", "Sport", "News", "ferries",
                  "Cy Co, Author", "Author, Cy Co", "Their new opening."):  # fmt: skip
        assert shown in table, shown
    assert "<del>First paragraph of the story.</del>" in table
    article.refresh_from_db()
    assert article.title == "Their title"
    assert "Mine" not in article.body_html
    assert set(ArticleAuthor.objects.values_list("pk", flat=True)) == byline_ids


def test_saving_again_as_usual_is_refused_again_and_saving_over_lands(client, editor, author):
    article = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(author)])
    client.force_login(editor)
    stale = opened(client, article, body_html="<p>Mine.</p>")
    client.force_login(author)
    assert (
        client.post(change_url(article), opened(client, article, title="Theirs")).status_code == 302
    )
    client.force_login(editor)
    assert client.post(change_url(article), stale).status_code == 200
    assert client.post(change_url(article), stale).status_code == 200  # no silent second try
    article.refresh_from_db()
    assert article.body_html != "<p>Mine.</p>"
    over = stale | {"overwrite_version": str(article.version)}
    assert client.post(change_url(article), over).status_code == 302
    article.refresh_from_db()
    assert article.body_html == "<p>Mine.</p>"
    assert list(article.authors.all()) == [profile(author)]


def test_saving_over_a_version_someone_replaced_meanwhile_is_refused(client, editor, author):
    article = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(author)])
    client.force_login(editor)
    stale = opened(client, article, body_html="<p>Mine.</p>")
    over = stale | {"overwrite_version": str(article.version + 1)}
    client.force_login(author)
    client.post(change_url(article), opened(client, article, title="Second"))
    client.post(change_url(article), opened(client, article, title="Third"))
    client.force_login(editor)
    response = client.post(change_url(article), over)
    assert response.status_code == 200
    assert "Not saved: author saved this article" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Third"


def test_a_stale_page_naming_a_byline_row_removed_meanwhile_gets_the_conflict(
    client, editor, author
):
    gone = AuthorFactory(name="Gone Writer")
    article = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(author), gone])
    client.force_login(editor)
    stale = opened(client, article, title="Mine")
    services.article_update(article=Article.objects.get(pk=article.pk), actor=actor(editor),
                            authors=[profile(author)])  # fmt: skip
    response = client.post(change_url(article), stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not saved: editor" not in page  # the viewer is named as themselves
    assert "Not saved: you (in another window) saved this article" in page
    assert "Please correct the error" not in page
    assert "Gone Writer" in page


def test_a_save_racing_the_check_is_refused_by_the_service(client, editor, monkeypatch):
    article = ArticleFactory(status=ArticleStatus.DRAFT, title="Before")
    client.force_login(editor)
    stale = opened(client, article, title="Mine")
    services.article_update(article=Article.objects.get(pk=article.pk), actor=actor(editor),
                            title="Racer")  # fmt: skip
    checks, real_clean = [], ArticleAdminForm.clean

    def clean_missing_the_race(form):
        # The first check runs before the other save lands; the service then sees it.
        checks.append(form)
        return forms.ModelForm.clean(form) if len(checks) == 1 else real_clean(form)

    monkeypatch.setattr(ArticleAdminForm, "clean", clean_missing_the_race)
    response = client.post(change_url(article), stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert len(checks) == 2  # refused by the service, then explained by the form
    assert page.count("saved this article at") == 1
    assert "Reload it and apply your changes" not in page  # not a second message
    assert Article.objects.get(pk=article.pk).title == "Racer"


def test_another_refusal_of_the_service_is_one_error_and_the_write_is_not_tried_twice(
    client, editor, monkeypatch
):
    article = ArticleFactory(status=ArticleStatus.DRAFT, title="Before")
    client.force_login(editor)
    data = opened(client, article, title="Typed")
    attempts = []

    def refuse_once(**kwargs):
        attempts.append(kwargs)
        raise ValidationFailed({"slug": ["That address was taken a moment ago."]})

    monkeypatch.setattr(services, "article_update", refuse_once)
    response = client.post(change_url(article), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert len(attempts) == 1  # the second pass shows the refusal; it does not save again
    assert page.count("That address was taken a moment ago.") == 1
    assert "changed successfully" not in page
    assert 'value="Typed"' in page  # what was typed is still in the form
    assert Article.objects.get(pk=article.pk).title == "Before"


def test_an_error_in_a_hidden_field_of_the_byline_is_shown(client, editor):
    article = ArticleFactory(status=ArticleStatus.DRAFT, authors=[AuthorFactory()])
    other = ArticleFactory()
    client.force_login(editor)
    data = opened(client, article) | {"bylines-0-article": str(other.pk)}
    response = client.post(change_url(article), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This row could not be read" in page


def test_the_byline_rows_are_numbered_from_one_in_their_order(client, editor):
    article = ArticleFactory(authors=[AuthorFactory(), AuthorFactory()])  # stored 0, 1
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert 'name="bylines-0-position" value="1"' in page
    assert 'name="bylines-1-position" value="2"' in page


# --- the writer stays credited -----------------------------------------------------------


def test_a_new_article_starts_with_the_writers_own_row(client, contributor, editor):
    client.force_login(contributor)
    page = client.get(ADD).content.decode()
    assert 'name="bylines-TOTAL_FORMS" value="1"' in page
    assert f'<option value="{profile(contributor).pk}" selected>' in page
    client.force_login(editor)  # no author profile: no row
    assert 'name="bylines-TOTAL_FORMS" value="0"' in client.get(ADD).content.decode()


def test_adding_a_co_author_keeps_the_writer_first(client, contributor):
    co = AuthorFactory(name="Co Writer")
    client.force_login(contributor)
    data = form_data(**{
        "bylines-TOTAL_FORMS": "2",
        # The writer's row, as filled in and left untouched.
        "bylines-0-author": str(profile(contributor).pk), "bylines-0-position": "1",
        "bylines-1-author": str(co.pk), "bylines-1-position": "2",
    })  # fmt: skip
    assert client.post(ADD, data).status_code == 302
    article = Article.objects.get()
    assert [b.author for b in article.bylines.all()] == [profile(contributor), co]


def test_a_row_without_a_position_goes_last(client, editor):
    a, b = AuthorFactory(), AuthorFactory()
    client.force_login(editor)
    data = form_data(**{
        "bylines-TOTAL_FORMS": "2",
        "bylines-0-author": str(a.pk), "bylines-0-position": "0",
        "bylines-1-author": str(b.pk), "bylines-1-position": "1",
    })  # fmt: skip
    assert client.post(ADD, data).status_code == 302
    assert [x.author for x in Article.objects.get().bylines.all()] == [b, a]


# --- the account of a conflict -----------------------------------------------------------


def test_an_altered_snapshot_is_ignored():
    article = ArticleFactory()
    signed = conflicts.sign(article, {"title": "x"})
    assert conflicts.unsign(signed, article) == {"title": "x"}
    assert conflicts.unsign(signed[:-2] + "zz", article) is None
    assert conflicts.unsign("", article) is None


def test_a_snapshot_signed_for_another_article_is_ignored():
    article, other = ArticleFactory(), ArticleFactory()
    assert conflicts.unsign(conflicts.sign(other, {"title": "x"}), article) is None


def test_a_change_post_without_the_version_is_refused_and_saves_nothing(client, editor):
    article = ArticleFactory(status=ArticleStatus.DRAFT, title="Kept")
    client.force_login(editor)
    data = opened(client, article, title="Overwritten unseen")
    del data["expected_version"]
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "did not say which version of the article it was opened at" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Kept"


def test_after_a_conflict_the_page_carries_the_newer_version_as_seen(client, editor, author):
    """A later conflict is told against what the editor has already been shown."""
    article = ArticleFactory(status=ArticleStatus.DRAFT, title="One", authors=[profile(author)])
    client.force_login(editor)
    stale = opened(client, article, title="Mine")
    services.article_update(
        article=Article.objects.get(pk=article.pk), actor=actor(author), title="Two",
        expected_version=article.version,
    )  # fmt: skip
    page = client.post(change_url(article), stale).content.decode()
    carried = conflicts.unsign(hidden(page, "base_snapshot"), article)
    assert carried is not None
    assert carried["title"] == "Two"


def test_a_scheduled_article_gone_live_names_the_scheduler(client, editor):
    when = timezone.now() - timedelta(minutes=1)
    article = ArticleFactory(status=ArticleStatus.SCHEDULED, published_at=when, title="Due")
    client.force_login(editor)
    stale = opened(client, article, title="Edited")
    assert services.publish_due_articles() == 1
    page = client.post(change_url(article), stale).content.decode()
    assert "Not saved: the scheduler (publishing it at its time) saved this article" in page
    article.refresh_from_db()
    assert article.title == "Due"


def test_a_body_reformatted_without_new_words_says_so(editor):
    article = ArticleFactory(body_html="<p>Same words.</p>")
    before = conflicts.snapshot_of(article)
    Article.objects.filter(pk=article.pk).update(body_html="<p><b>Same</b> words.</p>")
    conflict = conflicts.describe(
        article=Article.objects.get(pk=article.pk), before=before, yours=before, labels={},
        viewer=None,
    )  # fmt: skip
    [row] = conflict.rows
    assert row.lines == [("same", "Formatting changed; the words are the same.")]
    assert row.yours == "unchanged by you"
    assert conflict.who == "someone"
