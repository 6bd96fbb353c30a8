"""The demo publication: the shape the README promises, and safe to load twice."""

from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from articles.models import Article, ArticleAuthor, ArticleStatus, Author, Section, Tag
from cms.roles import Role, role_of
from comments.models import Comment, CommentStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """The demo's cover image and its renditions are written here, not in a shared folder."""
    settings.MEDIA_ROOT = tmp_path


def snapshot():
    """Every stored value of every row the demo touches, timestamps included."""
    models = (Author, Section, Tag, Article, ArticleAuthor, Article.tags.through, Comment, User)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def test_seed_demo_is_idempotent():
    call_command("seed_demo", verbosity=0)
    first = snapshot()
    assert len(first["Article"]) >= 15
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first


def test_seed_demo_builds_a_whole_publication():
    call_command("seed_demo", verbosity=0)
    assert Author.objects.count() >= 3
    assert Section.objects.count() >= 3
    assert Tag.objects.count() >= 3
    assert Article.objects.count() >= 15
    statuses = list(Article.objects.values_list("status", flat=True))
    assert statuses.count(ArticleStatus.DRAFT) >= 2
    assert ArticleStatus.IN_REVIEW in statuses
    assert ArticleStatus.ARCHIVED in statuses
    scheduled = Article.objects.get(status=ArticleStatus.SCHEDULED)
    assert scheduled.published_at is not None
    assert scheduled.published_at > timezone.now()
    assert any(a.authors.count() >= 2 for a in Article.objects.published())
    assert set(Comment.objects.values_list("status", flat=True)) == set(CommentStatus)
    assert Comment.objects.filter(parent__isnull=False, status=CommentStatus.APPROVED).exists()
    assert Article.objects.filter(view_count__gt=0).count() >= 10
    for article in Article.objects.all():
        assert article.comment_count == article.comments.filter(status="approved").count()


def test_the_demo_has_a_typical_news_post():
    """Headline, one author, several paragraphs with a quotation, some views, no comments."""
    call_command("seed_demo", verbosity=0)
    matches = [
        a
        for a in Article.objects.published()
        if a.authors.count() == 1
        and a.body_html.count("<p>") >= 4
        and "<blockquote>" in a.body_html
        and 0 < a.view_count < 100
        and a.comment_count == 0
        and not a.comments.exists()
    ]
    assert matches


def test_local_logins_refuse_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_local_logins")
    assert not User.objects.exists()


def test_local_logins_refuse_a_remote_database(settings):
    settings.DEBUG = True
    remote = {"ENGINE": "django.db.backends.postgresql", "HOST": "db.newsroom.example"}
    with (
        mock.patch.dict(settings.DATABASES["default"], remote),
        pytest.raises(CommandError, match="not on this machine"),
    ):
        call_command("create_local_logins")
    assert not User.objects.exists()


def test_local_logins_have_roles_and_author_profiles(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("create_local_logins", verbosity=0)
    call_command("create_local_logins", verbosity=0)  # again: nothing changes
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {"admin", "editor", "author", "contributor"}
    assert users["admin"].is_superuser
    assert role_of(users["editor"]) == Role.EDITOR
    assert role_of(users["author"]) == Role.AUTHOR
    assert role_of(users["contributor"]) == Role.CONTRIBUTOR
    assert Author.objects.get(user=users["author"]).slug == "maya-okafor"
    assert all(u.check_password("byline-local") for u in users.values())
