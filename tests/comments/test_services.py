import pytest
from django.db import IntegrityError, transaction

from articles.models import Article, ArticleStatus
from cms.actors import Actor
from cms.errors import NotFound, PermissionDenied, ValidationFailed
from comments import services
from comments.models import MAX_DEPTH, Comment, CommentStatus
from tests.conftest import actor
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def submit(article, **overrides):
    if overrides.get("status", CommentStatus.PENDING) != CommentStatus.PENDING:
        overrides.setdefault("actor", Actor.system())  # only moderators skip the queue
    fields = {
        "article": article,
        "author_name": "Ruth",
        "author_email": "ruth@example.net",
        "body": "<p>Good piece.</p>",
    }
    return services.comment_create(**(fields | overrides))


def count(article):
    return Article.objects.get(pk=article.pk).comment_count


def test_a_new_comment_is_pending_and_does_not_count():
    article = ArticleFactory()
    comment = submit(article)
    assert comment.status == CommentStatus.PENDING
    assert count(article) == 0


def test_the_ip_is_stored_only_as_a_keyed_hash():
    comment = submit(ArticleFactory(), ip_address="203.0.113.9")
    stored = Comment.objects.filter(pk=comment.pk).values().get()
    assert "203.0.113.9" not in str(stored)
    assert len(comment.ip_hash) == 64
    assert comment.ip_hash == submit(ArticleFactory(), ip_address="203.0.113.9").ip_hash


def test_the_body_is_sanitised_with_nofollow_links():
    comment = submit(
        ArticleFactory(), body='<p>See <a href="https://x.example">this</a><script>x</script></p>'
    )
    assert "<script" not in comment.body_html
    assert 'rel="nofollow ugc noopener"' in comment.body_html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"author_name": "   "}, "author_name"),
        ({"author_name": "x" * 81}, "author_name"),
        ({"author_email": "not-an-email"}, "author_email"),
        ({"body": ""}, "body"),
        ({"body": "<script>only a script</script>"}, "body"),
        ({"body": "x" * 5001}, "body"),
    ],
)
def test_bad_input_is_refused_naming_the_field(overrides, field):
    article = ArticleFactory()
    with pytest.raises(ValidationFailed) as refused:
        submit(article, **overrides)
    assert field in refused.value.errors
    assert not Comment.objects.exists()


def test_comments_closed_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        submit(ArticleFactory(comments_enabled=False))
    assert refused.value.errors["article"] == ["Comments are closed on this article."]


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.ARCHIVED])
def test_unpublished_articles_take_no_comments(status):
    with pytest.raises(NotFound):
        submit(ArticleFactory(status=status))


def test_replies_must_be_to_an_approved_comment_on_the_same_article():
    article, elsewhere = ArticleFactory(), ArticleFactory()
    pending = CommentFactory(article=article, status=CommentStatus.PENDING)
    foreign = CommentFactory(article=elsewhere, status=CommentStatus.APPROVED)
    for parent in (pending, foreign):
        with pytest.raises(ValidationFailed) as refused:
            submit(article, parent=parent)
        assert "parent_id" in refused.value.errors


def test_threads_nest_at_most_max_depth():
    article = ArticleFactory()
    parent = None
    for depth in range(MAX_DEPTH + 1):
        parent = submit(article, parent=parent, status=CommentStatus.APPROVED)
        assert parent.depth == depth
    with pytest.raises(ValidationFailed) as refused:
        submit(article, parent=parent)
    assert "parent_id" in refused.value.errors


def test_the_database_refuses_depth_beyond_the_limit():
    comment = CommentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(depth=MAX_DEPTH + 1)


def test_comment_count_follows_every_moderation_transition(editor):
    article = ArticleFactory()
    comment = submit(article)
    who = actor(editor)
    steps = [
        (CommentStatus.APPROVED, 1),
        (CommentStatus.SPAM, 0),
        (CommentStatus.APPROVED, 1),
        (CommentStatus.REMOVED, 0),
        (CommentStatus.APPROVED, 1),
        (CommentStatus.PENDING, 0),
        (CommentStatus.APPROVED, 1),
        (CommentStatus.APPROVED, 1),  # approving twice counts once
    ]
    for status, expected in steps:
        services.comment_moderate(comment=comment, actor=who, status=status)
        assert count(article) == expected, status
    assert comment.moderated_by == editor
    services.comment_delete(comment=comment, actor=who)
    assert count(article) == 0


def test_deleting_a_thread_recounts_its_replies(editor):
    article = ArticleFactory()
    root = submit(article, status=CommentStatus.APPROVED)
    submit(article, parent=root, status=CommentStatus.APPROVED)
    submit(article, status=CommentStatus.APPROVED)
    assert count(article) == 3
    services.comment_delete(comment=root, actor=actor(editor))
    assert count(article) == 1


def test_readers_cannot_skip_the_moderation_queue(author):
    article = ArticleFactory()
    for who in (Actor.anonymous(), actor(author)):
        with pytest.raises(PermissionDenied):
            submit(article, status=CommentStatus.APPROVED, actor=who)
    assert not Comment.objects.exists()
    assert count(article) == 0


def test_replies_under_a_hidden_comment_are_hidden_and_uncounted(editor):
    article = ArticleFactory()
    root = submit(article, status=CommentStatus.APPROVED)
    reply = submit(article, parent=root, status=CommentStatus.APPROVED)
    nested = submit(article, parent=reply, status=CommentStatus.APPROVED)
    other = submit(article, status=CommentStatus.APPROVED)
    assert count(article) == 4
    services.comment_moderate(comment=root, actor=actor(editor), status=CommentStatus.SPAM)
    assert list(Comment.objects.public()) == [other]
    assert count(article) == 1
    assert not reply.is_public
    assert not nested.is_public
    with pytest.raises(ValidationFailed):
        submit(article, parent=nested)
    services.comment_moderate(comment=root, actor=actor(editor), status=CommentStatus.APPROVED)
    assert count(article) == 4
    assert set(Comment.objects.public()) == {root, reply, nested, other}


def test_only_moderators_moderate(author):
    comment = submit(ArticleFactory())
    with pytest.raises(PermissionDenied):
        services.comment_moderate(
            comment=comment, actor=actor(author), status=CommentStatus.APPROVED
        )
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, actor=Actor.anonymous())
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PENDING


def test_moderating_a_comment_whose_article_went_to_the_trash_meanwhile_is_not_found(editor):
    from articles import services as articles_services

    article = ArticleFactory()
    comment = submit(article)  # looked up by the moderator before the article was trashed
    articles_services.article_delete(article=article, actor=actor(editor))
    with pytest.raises(NotFound):
        services.comment_moderate(comment=comment, actor=actor(editor), status=CommentStatus.SPAM)
    assert Comment.with_trashed.get(pk=comment.pk).status == CommentStatus.PENDING
