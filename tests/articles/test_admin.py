"""The editors' workspace, driven through the admin's own views."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, ArticleStatus
from comments.models import CommentStatus
from tests.api import assert_queries, loaded_urls
from tests.conftest import profile
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"
ADD = "/admin/articles/article/add/"


def change_url(article: Article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def byline_rows(article: Article | None, authors) -> dict[str, str]:
    """Inline management data for a byline of ``authors`` (existing rows are replaced)."""
    existing = list(article.bylines.all()) if article is not None else []
    rows = {
        "bylines-TOTAL_FORMS": str(len(existing) + len(authors)),
        "bylines-INITIAL_FORMS": str(len(existing)),
    }
    for i, byline in enumerate(existing):
        rows |= {
            f"bylines-{i}-id": str(byline.pk),
            f"bylines-{i}-article": str(byline.article_id),
            f"bylines-{i}-author": str(byline.author_id),
            f"bylines-{i}-position": str(byline.position),
            f"bylines-{i}-DELETE": "on",
        }
    for j, author in enumerate(authors, start=len(existing)):
        rows |= {f"bylines-{j}-author": str(author.pk), f"bylines-{j}-position": str(j)}
    return rows


def edit_data(article: Article, **overrides):
    data = form_data(
        title=article.title,
        slug=article.slug,
        expected_version=str(article.version),
        **byline_rows(article, list(article.authors.all())),
    )
    data.update(overrides)
    return data


def form_data(**overrides):
    data = {
        "title": "Quay wall repairs begin",
        "slug": "quay-wall-repairs-begin",
        "subtitle": "",
        "excerpt": "Work starts on Monday.",
        "body_html": '<p>Work starts <b onclick="x()">Monday</b>.</p><script>alert(1)</script>',
        "section": "",
        "tags": [],
        "cover_image": "",
        "comments_enabled": "on",
        "seo_title": "",
        "seo_description": "",
        "canonical_url": "",
        "publish_at_0": "",
        "publish_at_1": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_editor_sees_the_demo_articles(client, editor):
    call_command("seed_demo", verbosity=0)
    client.force_login(editor)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    page = response.content.decode()
    for article in Article.objects.all():
        assert article.title.replace("'", "&#x27;") in page
    assert "Published" in page
    assert "Draft" in page
    assert "Scheduled" in page


def test_changelist_costs_the_same_queries_for_1_and_50_articles(client, editor):
    client.force_login(editor)
    # The session is one query from the database, none when it is read from Redis (cached_db).
    queries = 14 if settings.SESSION_ENGINE.endswith("cached_db") else 15

    def make_article():
        ArticleFactory(authors=[AuthorFactory(), AuthorFactory()], tags=[TagFactory()])

    make_article()
    with assert_queries(queries):
        assert client.get(CHANGELIST).status_code == 200
    for _ in range(49):
        make_article()
    with assert_queries(queries):
        page = client.get(CHANGELIST).content.decode()
    assert "50 articles" in page


def test_contributor_sees_live_articles_and_own_drafts_only(client, contributor, other_author):
    live = ArticleFactory(title="Live story")
    mine = ArticleFactory(
        status=ArticleStatus.DRAFT, title="My draft", authors=[profile(contributor)]
    )
    theirs = ArticleFactory(
        status=ArticleStatus.DRAFT, title="Their draft", authors=[profile(other_author)]
    )
    client.force_login(contributor)
    page = client.get(CHANGELIST).content.decode()
    assert live.title in page
    assert mine.title in page
    assert theirs.title not in page
    # Opening someone else's draft by id fails as if it did not exist.
    response = client.get(change_url(theirs))
    assert response.status_code == 302
    # A live article by someone else is read-only.
    page = client.get(change_url(live)).content.decode()
    assert 'name="_save"' not in page


def test_contributor_writes_a_draft_through_the_admin(client, contributor):
    client.force_login(contributor)
    response = client.post(ADD, form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="Quay wall repairs begin")
    assert article.slug.startswith("quay-wall-repairs-begin-")  # a private ending
    assert article.status == ArticleStatus.DRAFT
    assert article.created_by == contributor
    assert list(article.authors.all()) == [profile(contributor)]
    assert article.body_html == "<p>Work starts <b>Monday</b>.</p>"
    assert article.word_count == 3


def test_contributor_is_offered_no_publish_button_and_cannot_force_one(client, contributor):
    client.force_login(contributor)
    page = client.get(ADD).content.decode()
    assert 'name="_submit_review"' in page
    assert 'name="_publish"' not in page
    client.post(ADD, form_data(_publish="Publish"))
    article = Article.objects.get(title="Quay wall repairs begin")
    assert article.status == ArticleStatus.DRAFT


def test_contributor_submits_for_review(client, contributor):
    client.force_login(contributor)
    client.post(ADD, form_data(_submit_review="Submit"))
    assert Article.objects.get().status == ArticleStatus.IN_REVIEW


def test_author_publishes_from_the_change_form(client, author):
    article = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(author)])
    client.force_login(author)
    page = client.get(change_url(article)).content.decode()
    assert 'name="_publish"' in page
    response = client.post(change_url(article), edit_data(article, _publish="Publish"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.version == 3  # one save, one publish
    assert list(article.authors.all()) == [profile(author)]


def test_author_cannot_edit_another_authors_article(client, author, other_author):
    theirs = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(other_author)])
    live = ArticleFactory(authors=[profile(other_author)])
    client.force_login(author)
    assert client.get(change_url(theirs)).status_code == 302  # not even visible
    response = client.post(change_url(live), edit_data(live, title="Hijacked"))
    assert response.status_code == 403
    live.refresh_from_db()
    assert live.title != "Hijacked"


def test_editor_edits_and_publishes_anyones_article(client, editor, contributor):
    draft = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(contributor)])
    client.force_login(editor)
    response = client.post(
        change_url(draft), edit_data(draft, title="Subbed headline", _publish="Publish")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Subbed headline"
    assert draft.status == ArticleStatus.PUBLISHED


def test_saving_over_a_newer_version_is_refused_and_keeps_the_typing(client, editor, author):
    article = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(author)])
    stale = edit_data(article, title="Second editor's headline")
    client.force_login(author)
    assert client.post(change_url(article), edit_data(article, title="First")).status_code == 302
    client.force_login(editor)
    response = client.post(change_url(article), stale)
    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    assert page.count("saved this article at") == 1  # one account of the refusal
    assert "Not saved: author saved this article" in page
    assert "Please correct the error" not in page
    assert "Second editor&#x27;s headline" in page
    article.refresh_from_db()
    assert article.title == "First"


def test_the_byline_keeps_the_order_given_in_the_inline(client, editor):
    first, second = AuthorFactory(name="Zed"), AuthorFactory(name="Abe")
    client.force_login(editor)
    data = form_data(**byline_rows(None, [first, second]))
    data["bylines-0-position"], data["bylines-1-position"] = "2", "1"
    assert client.post(ADD, data).status_code == 302
    article = Article.objects.get()
    assert [b.author for b in article.bylines.all()] == [second, first]


def test_a_live_article_offers_no_publish_button(client, editor):
    client.force_login(editor)
    page = client.get(change_url(ArticleFactory())).content.decode()
    assert 'name="_publish"' not in page
    assert 'name="_unpublish"' in page


def test_author_deletes_own_archived_article_with_its_comments(client, author):
    # Scheduled, then archived before its time: never live, so still its author's to delete.
    article = ArticleFactory(
        status=ArticleStatus.ARCHIVED,
        published_at=timezone.now() + timedelta(days=1),
        first_published_at=None,
        authors=[profile(author)],
    )
    CommentFactory(article=article, status=CommentStatus.APPROVED)
    client.force_login(author)
    response = client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.exists()


def test_private_author_emails_and_logins_are_for_editors(client, author, editor):
    colleague = AuthorFactory(email="secret@private.example")
    own = profile(author)
    client.force_login(author)
    assert (
        "secret@private.example"
        not in client.get(f"/admin/articles/author/{colleague.pk}/change/").content.decode()
    )
    response = client.post(
        f"/admin/articles/author/{own.pk}/change/",
        {"name": own.name, "slug": own.slug, "bio": "New bio", "user": str(editor.pk)},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.bio == "New bio"
    assert own.user == author  # the login link is not the author's to change
    search = client.get(
        "/admin/autocomplete/",
        {
            "term": "secret@",
            "app_label": "articles",
            "model_name": "articleauthor",
            "field_name": "author",
        },
    )
    assert search.json()["results"] == []
    client.force_login(editor)
    page = client.get(f"/admin/articles/author/{colleague.pk}/change/").content.decode()
    assert "secret@private.example" in page


def test_editor_schedules_with_a_future_date(client, editor):
    client.force_login(editor)
    day = (timezone.now() + timedelta(days=30)).date()
    client.post(
        ADD, form_data(publish_at_0=day.isoformat(), publish_at_1="09:00:00", _publish="Publish")
    )
    article = Article.objects.get()
    assert article.status == ArticleStatus.SCHEDULED
    assert article.published_at is not None
    assert article.published_at.date() == day


def test_bulk_actions_go_through_the_services(client, editor, contributor):
    drafts = [ArticleFactory(status=ArticleStatus.DRAFT) for _ in range(3)]
    live = ArticleFactory()
    client.force_login(editor)
    response = client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [a.pk for a in [*drafts, live]]},
    )
    assert response.status_code == 302
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.status == ArticleStatus.PUBLISHED
        assert draft.version == 2
    # The live one was refused by the service (already published) and left alone.
    live.refresh_from_db()
    assert live.version == 1
    client.post(CHANGELIST, {"action": "feature_selected", "_selected_action": [live.pk]})
    live.refresh_from_db()
    assert live.featured


def test_contributor_gets_no_publish_action(client, contributor):
    own = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(contributor)])
    client.force_login(contributor)
    page = client.get(CHANGELIST).content.decode()
    assert "publish_selected" not in page
    assert "submit_selected" in page
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [own.pk]})
    own.refresh_from_db()
    assert own.status == ArticleStatus.DRAFT


def test_author_cannot_delete_anothers_article(client, author, other_author):
    theirs = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(other_author)])
    mine = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(author)])
    client.force_login(author)
    client.post(f"/admin/articles/article/{theirs.pk}/delete/", {"post": "yes"})
    client.post(f"/admin/articles/article/{mine.pk}/delete/", {"post": "yes"})
    assert list(Article.objects.all()) == [theirs]


def test_the_body_editor_is_a_rich_text_editor_served_locally(client, editor):
    client.force_login(editor)
    page = client.get(ADD).content.decode()
    assert "django_prose_editor/editor.js" in page
    assert "django_prose_editor/configurable.js" in page
    # Not the whole page: its random CSRF token may spell "cdn".
    assert not [url for url in loaded_urls(page) if "cdn" in url.lower()]
    assert 'src="http' not in page
    assert 'href="http' not in page
    assert finders.find("django_prose_editor/editor.js")
    assert finders.find("django_prose_editor/editor.css")


def test_authors_and_tags_use_autocomplete(client, editor):
    SectionFactory(name="Town")
    TagFactory(name="Harbour", slug="harbour")
    client.force_login(editor)
    page = client.get(ADD).content.decode()
    assert "admin-autocomplete" in page
    response = client.get(
        "/admin/autocomplete/",
        {"term": "harb", "app_label": "articles", "model_name": "article", "field_name": "tags"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Harbour"]


def test_staff_without_a_role_cannot_change_articles(client, staff_without_role):
    article = ArticleFactory()
    client.force_login(staff_without_role)
    assert client.get(ADD).status_code == 403
    page = client.get(change_url(article)).content.decode()
    assert 'name="_save"' not in page


def test_a_body_with_too_many_tags_is_a_form_error_not_a_crash(client, editor):
    client.force_login(editor)
    response = client.post(ADD, form_data(body_html="<div>" * 10_001))
    assert response.status_code == 200
    assert "too many tags" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "/admin/articles/author/?email__startswith=a",  # a hidden column, read by guessing
        "/admin/articles/tag/?name__regex=(.*){1,255}(.*){1,255}x",  # a costly pattern
        "/admin/articles/article/?body_text__regex=[",
        "/admin/articles/article/?status__exact=%00",
        "/admin/articles/article/?title__icontains=x",  # not one of the list's filters
    ],
)
def test_admin_lists_take_only_their_own_filters(client, contributor, query):
    client.force_login(contributor)
    assert client.get(query).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "/admin/articles/article/?status__exact=draft",
        "/admin/articles/article/?featured__exact=1",
        "/admin/articles/article/?published_at__year=2026",
        "/admin/comments/comment/?status__exact=pending",
        "/admin/articles/article/?q=harbour+ferry",
    ],
)
def test_admin_list_filters_still_work(client, editor, query):
    ArticleFactory()
    client.force_login(editor)
    assert client.get(query).status_code == 200


def test_bulk_delete_of_a_mixed_selection_deletes_nothing(client, contributor):
    mine = ArticleFactory(status=ArticleStatus.DRAFT, authors=[profile(contributor)])
    theirs = ArticleFactory(title="Live, not mine")  # visible to them, not theirs to delete
    CommentFactory(article=theirs, status=CommentStatus.SPAM, author_name="Cheap Loans")
    client.force_login(contributor)
    selection = {"action": "delete_selected", "_selected_action": [mine.pk, theirs.pk]}
    confirm = client.post("/admin/articles/article/", selection).content.decode()
    assert "article “Live, not mine”" in confirm  # named as what they may not delete
    assert "Cheap Loans" not in confirm  # and nothing inside it is listed
    response = client.post("/admin/articles/article/", {**selection, "post": "yes"})
    assert response.status_code == 403
    assert set(Article.objects.all()) == {mine, theirs}
    alone = client.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [mine.pk], "post": "yes"},
    )
    assert alone.status_code == 302
    assert list(Article.objects.all()) == [theirs]


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.ARCHIVED])
def test_an_author_cannot_delete_own_work_that_was_ever_live(client, author, editor, status):
    # Unpublished (back to draft) or archived after it went out: for an editor to delete.
    once_live = ArticleFactory(
        title="Was out",
        status=status,
        published_at=timezone.now() - timedelta(days=2),
        first_published_at=timezone.now() - timedelta(days=2),
        authors=[profile(author)],
    )
    client.force_login(author)
    change = client.get(f"/admin/articles/article/{once_live.pk}/change/").content.decode()
    assert f"/admin/articles/article/{once_live.pk}/delete/" not in change  # no Delete link
    page = f"/admin/articles/article/{once_live.pk}/delete/"
    assert client.get(page).status_code == 403
    assert client.post(page, {"post": "yes"}).status_code == 403
    selection = {"action": "delete_selected", "_selected_action": [once_live.pk]}
    confirm = client.post("/admin/articles/article/", selection).content.decode()
    assert "Only an editor can delete an article that was ever published." in confirm
    assert client.post("/admin/articles/article/", {**selection, "post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=once_live.pk).exists()
    client.force_login(editor)
    assert client.post(page, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=once_live.pk).exists()
