"""Model factories. Articles are built directly (any status) so tests can set up states
that the services would take several steps to reach; derived fields are filled in too."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import factory
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, ArticleAuthor, ArticleStatus, Author, Section, Tag
from articles.services.bylines import recount_authors
from cms.actors import Actor
from cms.roles import Role
from cms.sanitize import count_words, html_to_text
from comments.models import Comment, CommentStatus
from media import services as media_services
from media.models import Image


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@staff.example")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def role(self, create: bool, extracted: Role | None, **kwargs: object) -> None:
        if extracted is not None:
            # get_or_create: transactional tests flush the groups the migration made.
            self.groups.add(Group.objects.get_or_create(name=extracted.group_name)[0])
        self.save()


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Writer {n}")
    slug = factory.Sequence(lambda n: f"writer-{n}")
    email = factory.Sequence(lambda n: f"writer{n}@private.example")
    bio = "Writes things."


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-number-{n}")
    excerpt = "A summary."
    body_html = "<p>First paragraph of the story.</p><p>Second paragraph.</p>"
    body_text = factory.LazyAttribute(lambda a: html_to_text(a.body_html))
    word_count = factory.LazyAttribute(lambda a: count_words(a.body_text))
    reading_time_minutes = 1
    section = factory.SubFactory(SectionFactory)
    status = ArticleStatus.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda a: (
            timezone.now() - timedelta(hours=1)
            if a.status
            in (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED, ArticleStatus.ARCHIVED)
            else None
        )
    )
    # A published or archived article went live once (a scheduled one is live by its date).
    first_published_at = factory.LazyAttribute(
        lambda a: (
            a.published_at
            if a.status in (ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED)
            else None
        )
    )

    @factory.post_generation
    def authors(self, create: bool, extracted: list[Author] | None, **kwargs: object) -> None:
        for position, author in enumerate(extracted or []):
            ArticleAuthor.objects.create(article=self, author=author, position=position)
        # Written directly, not through the services: count what they would.
        recount_authors(author.pk for author in extracted or [])

    @factory.post_generation
    def tags(self, create: bool, extracted: list[Tag] | None, **kwargs: object) -> None:
        if extracted:
            self.tags.set(extracted)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.Sequence(lambda n: f"reader{n}@mail.example")
    body_html = "<p>A thought.</p>"
    status = CommentStatus.PENDING
    ip_hash = "0" * 64


def image_bytes(size: tuple[int, int] = (4, 3), fmt: str = "PNG", color: str = "teal") -> bytes:
    """A real image's bytes, made here."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def library_image(
    name: str = "pic.png",
    *,
    size: tuple[int, int] = (4, 3),
    fmt: str = "PNG",
    color: str = "teal",
    **fields: Any,
) -> Image:
    """An image uploaded to the media library through its service (a system actor)."""
    upload = ContentFile(image_bytes(size, fmt, color), name=name)
    return media_services.image_create(actor=Actor.system(), file=upload, **fields)
