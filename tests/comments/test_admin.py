import pytest
from django.test import Client

from articles.models import Article
from comments.models import Comment, CommentStatus
from tests.api import get
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"


def test_the_queue_lists_pending_first(client, editor):
    article = ArticleFactory()
    approved = CommentFactory(article=article, status=CommentStatus.APPROVED, author_name="Old")
    pending = CommentFactory(article=article, status=CommentStatus.PENDING, author_name="Waiting")
    client.force_login(editor)
    response = client.get(QUEUE)
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [pending, approved]


@pytest.mark.parametrize(
    ("action", "status", "count"),
    [
        ("approve_selected", CommentStatus.APPROVED, 2),
        ("spam_selected", CommentStatus.SPAM, 0),
        ("remove_selected", CommentStatus.REMOVED, 0),
    ],
)
def test_bulk_moderation_keeps_the_count_right(client, editor, action, status, count):
    article = ArticleFactory()
    comments = [CommentFactory(article=article) for _ in range(2)]
    client.force_login(editor)
    response = client.post(QUEUE, {"action": action, "_selected_action": [c.pk for c in comments]})
    assert response.status_code == 302
    assert set(Comment.objects.values_list("status", flat=True)) == {status}
    assert Article.objects.get(pk=article.pk).comment_count == count
    assert all(c.moderated_by == editor for c in Comment.objects.all())


def test_changing_status_on_the_form_moderates(client, editor):
    comment = CommentFactory()
    client.force_login(editor)
    response = client.post(f"{QUEUE}{comment.pk}/change/", {"status": "approved", "_save": "Save"})
    assert response.status_code == 302
    assert Article.objects.get(pk=comment.article_id).comment_count == 1


def test_the_change_page_shows_the_thread(client, editor):
    article = ArticleFactory()
    root = CommentFactory(article=article, status=CommentStatus.APPROVED, author_name="Root")
    reply = CommentFactory(article=article, parent=root, depth=1, author_name="Replier")
    CommentFactory(article=article, parent=reply, depth=2, author_name="Nested")
    client.force_login(editor)
    page = client.get(f"{QUEUE}{reply.pk}/change/").content.decode()
    page = page[page.index("list-style:none") :]  # the thread
    assert page.index("Root") < page.index("Replier") < page.index("Nested")


def test_deleting_from_the_admin_recounts(client, editor):
    comment = CommentFactory(status=CommentStatus.APPROVED)
    Article.objects.filter(pk=comment.article_id).update(comment_count=1)
    client.force_login(editor)
    client.post(f"{QUEUE}{comment.pk}/delete/", {"post": "yes"})
    assert Article.objects.get(pk=comment.article_id).comment_count == 0


@pytest.mark.parametrize("who", ["author", "contributor"])
def test_only_editors_reach_the_queue(client, request, who):
    CommentFactory()
    client.force_login(request.getfixturevalue(who))
    assert client.get(QUEUE).status_code == 403


def moderate_url(comment: Comment) -> str:
    return f"{QUEUE}{comment.pk}/moderate/"


def test_each_row_has_its_own_moderation_buttons_and_spam_reason(client, editor):
    pending = CommentFactory(author_name="Waiting", spam_reason="")
    flagged = CommentFactory(author_name="Loans", status=CommentStatus.SPAM,
                             spam_reason="too many links")  # fmt: skip
    client.force_login(editor)
    page = client.get(QUEUE).content.decode()
    assert "too many links" in page
    assert page.count(f'formaction="{moderate_url(pending)}"') == 3  # approve, spam, remove
    assert page.count(f'formaction="{moderate_url(flagged)}"') == 2  # not "spam" again
    assert 'name="csrfmiddlewaretoken"' in page  # the list's form carries the token


@pytest.mark.parametrize(
    ("button", "status", "count"),
    [("approved", CommentStatus.APPROVED, 1), ("spam", CommentStatus.SPAM, 0),
     ("removed", CommentStatus.REMOVED, 0)],
)  # fmt: skip
def test_a_row_button_moderates_that_comment_alone(client, editor, button, status, count):
    article = ArticleFactory()
    chosen, other = CommentFactory(article=article), CommentFactory(article=article)
    client.force_login(editor)
    back = f"{QUEUE}?status__exact=pending"
    response = client.post(moderate_url(chosen), {"moderate": button}, HTTP_REFERER=back)
    assert response.status_code == 302
    assert response["Location"] == back  # back to the queue as it was
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.status, chosen.moderated_by) == (status, editor)
    assert other.status == CommentStatus.PENDING
    assert Article.objects.get(pk=article.pk).comment_count == count


def test_approving_by_row_button_shows_in_the_rest_comment_count(client, editor):
    comment = CommentFactory()
    slug = comment.article.slug
    assert get(client, f"/api/v1/articles/{slug}/").json()["comment_count"] == 0
    client.force_login(editor)
    client.post(moderate_url(comment), {"moderate": "approved"})
    client.logout()
    assert get(client, f"/api/v1/articles/{slug}/").json()["comment_count"] == 1


def test_row_buttons_need_a_post_with_the_csrf_token(editor):
    comment = CommentFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    assert browser.get(moderate_url(comment)).status_code == 405
    assert browser.post(moderate_url(comment), {"moderate": "approved"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_an_unknown_row_button_changes_nothing(client, editor):
    comment = CommentFactory()
    client.force_login(editor)
    client.post(moderate_url(comment), {"moderate": "published"})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


@pytest.mark.parametrize("who", ["author", "contributor", "staff_without_role"])
def test_only_moderators_may_press_a_row_button(client, request, who):
    comment = CommentFactory()
    client.force_login(request.getfixturevalue(who))
    assert client.post(moderate_url(comment), {"moderate": "approved"}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_a_row_button_ignores_an_offsite_referer(client, editor):
    comment = CommentFactory()
    client.force_login(editor)
    response = client.post(
        moderate_url(comment), {"moderate": "spam"}, HTTP_REFERER="https://elsewhere.example/"
    )
    assert response["Location"] == QUEUE
