"""Generate the benchmark dataset: bulk-created, in seconds, under the benchmark settings only."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article, ArticleAuthor, ArticleStatus, Author, Section, Tag
from articles.services.bylines import recount_authors
from cms.sanitize import count_words, html_to_text, reading_time_minutes
from comments.models import Comment, CommentStatus
from comments.services import recount_comments

WORDS = [
    "harbour",
    "council",
    "ferry",
    "tide",
    "housing",
    "budget",
    "school",
    "music",
    "theatre",
    "festival",
    "storm",
    "river",
    "quay",
    "weather",
    "data",
    "science",
    "football",
    "season",
    "report",
    "plan",
    "vote",
    "market",
    "street",
    "town",
    "coast",
]


class Command(BaseCommand):
    help = "Replace all content with a generated benchmark dataset (benchmark settings only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument("--authors", type=int, default=50)
        parser.add_argument("--tags", type=int, default=20)
        parser.add_argument("--comments", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        # It deletes every article first: only a database declared the benchmark's may be used.
        if not getattr(settings, "BENCH_DATABASE", False):
            raise CommandError("Run with DJANGO_SETTINGS_MODULE=config.settings.bench only.")
        rng = random.Random(options["seed"])  # noqa: S311 - test data, not secrets
        now = timezone.now()
        with transaction.atomic():
            Comment.objects.all().delete()
            Article.objects.all().delete()
            for model in (Author, Section, Tag):
                model.objects.all().delete()
            sections = Section.objects.bulk_create(
                Section(name=f"Section {n}", slug=f"section-{n}") for n in range(8)
            )
            tags = Tag.objects.bulk_create(
                Tag(name=f"Tag {n}", slug=f"tag-{n}") for n in range(options["tags"])
            )
            authors = Author.objects.bulk_create(
                Author(name=f"Author {n}", slug=f"author-{n}", bio="Reporter.")
                for n in range(options["authors"])
            )
            articles = []
            for n in range(options["articles"]):
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(150, 900)))
                body = "".join(f"<p>{words[i : i + 400]}</p>" for i in range(0, len(words), 400))
                text = html_to_text(body)
                status = ArticleStatus.PUBLISHED if n % 10 else ArticleStatus.DRAFT
                articles.append(
                    Article(
                        title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} story {n}",
                        slug=f"story-{n}",
                        excerpt=words[:200],
                        body_html=body,
                        body_text=text,
                        word_count=count_words(text),
                        reading_time_minutes=reading_time_minutes(count_words(text), 230),
                        section=rng.choice(sections),
                        status=status,
                        published_at=now - timedelta(minutes=n * 37),
                        # Written directly, not through the services: record what they would.
                        first_published_at=(
                            now - timedelta(minutes=n * 37)
                            if status == ArticleStatus.PUBLISHED
                            else None
                        ),
                        featured=n % 25 == 0,
                        view_count=rng.randint(0, 5000),
                    )
                )
            articles = Article.objects.bulk_create(articles, batch_size=500)
            ArticleAuthor.objects.bulk_create(
                (
                    ArticleAuthor(article=article, author=author, position=position)
                    for article in articles
                    for position, author in enumerate(rng.sample(authors, rng.choice((1, 1, 2))))
                ),
                batch_size=1000,
            )
            Article.tags.through.objects.bulk_create(
                (
                    Article.tags.through(article_id=article.pk, tag_id=tag.pk)
                    for article in articles
                    for tag in rng.sample(tags, 3)
                ),
                batch_size=1000,
            )
            live = [a for a in articles if a.status == ArticleStatus.PUBLISHED]
            Comment.objects.bulk_create(
                (
                    Comment(
                        article=rng.choice(live),
                        author_name=f"Reader {n}",
                        author_email=f"reader{n}@example.net",
                        body_html=f"<p>{' '.join(rng.choice(WORDS) for _ in range(30))}</p>",
                        status=CommentStatus.APPROVED if n % 5 else CommentStatus.PENDING,
                    )
                    for n in range(options["comments"])
                ),
                batch_size=1000,
            )
            recount_comments(a.pk for a in articles)
            recount_authors(a.pk for a in authors)  # bylines were written directly, too
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics after a bulk load, as in production
        self.stdout.write(
            f"{len(articles)} articles, {len(authors)} authors, {len(tags)} tags, "
            f"{options['comments']} comments."
        )
