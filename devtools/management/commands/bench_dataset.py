"""Generate the benchmark dataset: bulk-created, under the benchmark settings only.

Built for speed at 100,000 articles: every row is made in memory first (comment counts and
view totals are known before the articles are written, so no recount pass over the table),
then written with bulk inserts in one transaction, and the statistics refreshed once.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleStatus,
    ArticleViewDay,
    Author,
    Section,
    Tag,
)
from articles.services.bylines import recount_authors
from cms.sanitize import count_words, html_to_text, reading_time_minutes
from comments.models import Comment, CommentStatus

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
# Rows per INSERT: large enough to amortise round trips, small enough for SQLite's limit on
# bound parameters (32,766) with the article's ~25 columns.
BATCH = 1000


class Command(BaseCommand):
    help = "Replace all content with a generated benchmark dataset (benchmark settings only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument("--authors", type=int, default=50)
        parser.add_argument("--tags", type=int, default=20)
        parser.add_argument("--comments", type=int, default=5000)
        parser.add_argument(
            "--view-days",
            type=int,
            default=30,
            help="Days of per-day view counts (ArticleViewDay) up to today (default 30).",
        )
        parser.add_argument(
            "--viewed-articles",
            type=int,
            default=5000,
            help="How many of the most recent published articles have per-day view counts.",
        )
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        # It deletes every article first: only a database declared the benchmark's may be used.
        if not getattr(settings, "BENCH_DATABASE", False):
            raise CommandError("Run with DJANGO_SETTINGS_MODULE=config.settings.bench only.")
        rng = random.Random(options["seed"])  # noqa: S311 - test data, not secrets
        now = timezone.now()
        with transaction.atomic():
            for model in (Comment, Article, Author, Section, Tag):
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
            articles = [self.article(n, rng, now, sections) for n in range(options["articles"])]
            live = [i for i, a in enumerate(articles) if a.status == ArticleStatus.PUBLISHED]
            # Comments are planned before the articles are written, so each article's
            # comment_count (approved ones only) is set on insert.
            planned = [(rng.choice(live), n % 5 != 0) for n in range(options["comments"])]
            approved = Counter(index for index, is_approved in planned if is_approved)
            days = self.view_days(live[: options["viewed_articles"]], articles, rng, now, options)
            recent_views = Counter[int]()
            for (index, _), count in days.items():
                recent_views[index] += count
            for index, article in enumerate(articles):
                article.comment_count = approved[index]
                # Views before the recorded days, plus those days': never fewer than popular's.
                article.view_count = rng.randint(0, 5000) + recent_views[index]
            articles = Article.objects.bulk_create(articles, batch_size=BATCH)
            ArticleAuthor.objects.bulk_create(
                (
                    ArticleAuthor(article=article, author=author, position=position)
                    for article in articles
                    for position, author in enumerate(rng.sample(authors, rng.choice((1, 1, 2))))
                ),
                batch_size=BATCH * 5,
            )
            Article.tags.through.objects.bulk_create(
                (
                    Article.tags.through(article_id=article.pk, tag_id=tag.pk)
                    for article in articles
                    for tag in rng.sample(tags, 3)
                ),
                batch_size=BATCH * 5,
            )
            Comment.objects.bulk_create(
                (
                    Comment(
                        article_id=articles[index].pk,
                        author_name=f"Reader {n}",
                        author_email=f"reader{n}@example.net",
                        body_html=f"<p>{' '.join(rng.choices(WORDS, k=30))}</p>",
                        status=CommentStatus.APPROVED if is_approved else CommentStatus.PENDING,
                    )
                    for n, (index, is_approved) in enumerate(planned)
                ),
                batch_size=BATCH,
            )
            ArticleViewDay.objects.bulk_create(
                (
                    ArticleViewDay(article_id=articles[index].pk, day=day, count=count)
                    for (index, day), count in days.items()
                ),
                batch_size=BATCH * 5,
            )
            recount_authors(a.pk for a in authors)  # bylines were written directly, too
        self.refresh_statistics()
        self.stdout.write(
            f"{len(articles)} articles, {len(authors)} authors, {len(tags)} tags, "
            f"{options['comments']} comments, {len(days)} view days."
        )

    def article(self, n: int, rng: random.Random, now: Any, sections: list[Section]) -> Article:
        """Article ``n``, published ``n * 37`` minutes ago (one in ten a draft): newest first."""
        words = " ".join(rng.choices(WORDS, k=rng.randint(150, 900)))
        body = "".join(f"<p>{words[i : i + 400]}</p>" for i in range(0, len(words), 400))
        text = html_to_text(body)
        status = ArticleStatus.PUBLISHED if n % 10 else ArticleStatus.DRAFT
        published_at = now - timedelta(minutes=n * 37)
        return Article(
            title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} story {n}",
            slug=f"story-{n}",
            excerpt=words[:200],
            body_html=body,
            body_text=text,
            word_count=count_words(text),
            reading_time_minutes=reading_time_minutes(count_words(text), 230),
            section=rng.choice(sections),
            status=status,
            published_at=published_at,
            # Written directly, not through the services: record what they would.
            first_published_at=published_at if status == ArticleStatus.PUBLISHED else None,
            featured=n % 25 == 0,
        )

    def view_days(
        self,
        viewed: list[int],
        articles: list[Article],
        rng: random.Random,
        now: Any,
        options: dict[str, Any],
    ) -> dict[tuple[int, Any], int]:
        """Per-day view counts for the ``viewed`` articles (indexes) over the last days, from
        their publication on: what `popular` ranks. Each article gets a popularity of its own
        (a long tail, as real traffic has) that fades with the article's age."""
        today = now.date()
        days: dict[tuple[int, Any], int] = {}
        for index in viewed:
            published = articles[index].published_at or now
            popularity = rng.paretovariate(1.2) * 40
            for back in range(options["view_days"]):
                day = today - timedelta(days=back)
                age = (day - published.date()).days
                if age < 0:
                    break
                count = int(popularity / (1 + age / 3)) + rng.randint(0, 3)
                if count:
                    days[index, day] = count
        return days

    def refresh_statistics(self) -> None:
        """A bulk load leaves the planner's statistics stale, where a live database has them
        fresh (autovacuum, or SQLite's ANALYZE): refresh them so plans are the ones readers get.
        On PostgreSQL VACUUM also sets the visibility map, which index-only scans rely on."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
