import pytest

from articles.models import Article
from comments.models import Comment, CommentStatus
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
