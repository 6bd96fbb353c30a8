"""Authors, sections, tags and articles.

Visibility lives in the querysets (``Article.objects.published()``, ``.visible_to(actor)``);
writes go through ``articles.services``. Derived fields (plain text, word count, reading
time) and counters are maintained by the services, never by ``save()`` or signals.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cms.access import Action, restrict
from cms.actors import Actor

from . import lifecycle
from .lifecycle import ArticleStatus, listable_q, live_q, live_status_q

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Author(models.Model):
    """A person in a byline. May be linked to a staff user, whose own articles they are."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    bio = models.TextField(blank=True)
    avatar = models.ImageField(upload_to="avatars/%Y/%m/", blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True, help_text="Private: never shown in any API.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff login of this author, if they write in Byline themselves.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by ``articles.services.bylines.recount_authors``, which every write that changes an
    # article's status, trash state or byline calls: counting the live articles of every
    # author on each read of the authors list is a grouped join over every byline of the
    # archive. Not clock-dependent, so a scheduled article that goes live at its time needs
    # no write; readers subtract those still to come (``selectors.authors_with_published_work``).
    published_or_scheduled_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Credited articles, out of the trash, published or scheduled.",
    )

    class Meta:
        ordering = ("name",)
        indexes = [
            # The public authors list: those with published work, by name.
            models.Index(
                fields=["name", "id"],
                condition=Q(published_or_scheduled_count__gt=0),
                name="author_published_name_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, *, now: datetime | None = None) -> ArticleQuerySet:
        """Live articles: published, or scheduled with their time reached.

        A scheduled article goes live at ``published_at`` by this filter alone, with no job
        running; ``publish_due_articles`` only tidies the stored status afterwards.
        """
        return self.filter(live_q(now))

    def owned_by(self, user: User) -> ArticleQuerySet:
        """Articles the user created or is credited on (through their author profile)."""
        credited = ArticleAuthor.objects.filter(article=OuterRef("pk"), author__user=user)
        return self.filter(Q(created_by=user) | Q(Exists(credited)))

    def never_live(self, *, now: datetime | None = None) -> ArticleQuerySet:
        """Articles that have never been live: :attr:`Article.was_ever_live` in SQL."""
        return self.filter(first_published_at__isnull=True).exclude(live_q(now))

    def returned(self) -> ArticleQuerySet:
        """Drafts that came back from review to their writer and were not resubmitted."""
        return self.filter(status=ArticleStatus.DRAFT, returned_at__isnull=False)

    def visible_to(self, actor: Actor) -> ArticleQuerySet:
        """What ``actor`` may read: live articles, plus the drafts the policy lets it see."""
        return restrict(actor, Action.VIEW, self)  # type: ignore[return-value]

    def trashed(self) -> ArticleQuerySet:
        """Articles in the trash (only ``Article.with_trashed`` holds any)."""
        return self.filter(deleted_at__isnull=False)

    def purge_due(self, *, now: datetime | None = None) -> ArticleQuerySet:
        """Trashed articles whose ``TRASH_RETENTION_DAYS`` are over."""
        cutoff = (now or timezone.now()) - timedelta(days=settings.TRASH_RETENTION_DAYS)
        return self.filter(deleted_at__lte=cutoff)


class ArticleManager(models.Manager["Article"]):
    """Articles not in the trash: the default manager, so every read (the APIs, the admin,
    related managers such as ``author.articles``, form validation) leaves trashed articles
    out without having to remember to. Only the trash and the purge read
    ``Article.with_trashed``."""

    def get_queryset(self) -> ArticleQuerySet:
        return ArticleQuerySet(self.model, using=self._db).filter(deleted_at__isnull=True)


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The article's address; generated from the title."
    )
    subtitle = models.CharField(max_length=300, blank=True)
    excerpt = models.TextField(
        max_length=600,
        blank=True,
        validators=[MaxLengthValidator(600)],  # TextField's max_length alone is not validated
        help_text="A short summary for lists and social cards.",
    )
    body_html = models.TextField("body", blank=True, help_text="Sanitised HTML.")
    body_text = models.TextField(blank=True, editable=False, help_text="Derived from the body.")

    authors: models.ManyToManyField[Author, ArticleAuthor] = models.ManyToManyField(
        Author, through="ArticleAuthor", related_name="articles", blank=True
    )
    # Protected like bylines: deleting a section in use would silently move its articles
    # (their URLs and canonical addresses) without an edit of any of them.
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, related_name="articles", blank=True)

    # From the media library; an image in use as a cover cannot be deleted.
    cover_image = models.ForeignKey(
        "media.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cover_of",
        help_text="An image from the media library; its alt text and caption go with it.",
    )

    status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Set by the lifecycle service each time the article is submitted for review: how long it
    # has waited is what the editors' queue is ordered by.
    submitted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it last entered review."
    )
    # Set by the lifecycle service when the article is returned from review to its writer
    # (a draft again), cleared by its next transition: the writer's desk lists what came back.
    returned_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When it was returned to its writer from review (null unless it is a draft "
        "that came back).",
    )
    # Set once, by the lifecycle services, when the article first goes live (publishing it
    # now, or a scheduled one whose time has come), and never cleared: whether it was ever
    # public decides who may delete it (``articles.policies``).
    first_published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When it first went live (null if it never has).",
    )
    featured = models.BooleanField(default=False)
    comments_enabled = models.BooleanField(default=True)

    seo_title = models.CharField("SEO title", max_length=200, blank=True)
    seo_description = models.CharField("SEO description", max_length=300, blank=True)
    canonical_url = models.URLField(blank=True)

    word_count = models.PositiveIntegerField(default=0, editable=False)
    reading_time_minutes = models.PositiveSmallIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    view_count = models.PositiveBigIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Approved comments only."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # In the trash since (null: not deleted). A trashed article keeps its row, slug, comments
    # and counters, so restoring it brings it back exactly as it was; the purge (or "delete
    # forever") removes it for good.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # The first manager is the default: trashed articles are left out of every ordinary read.
    objects = ArticleManager.from_queryset(ArticleQuerySet)()
    # Every article, the trashed ones too: for the trash, restoring, purging and slug checks.
    with_trashed = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ("-published_at", "-id")
        indexes = [
            # The public listings, one index per ordering (``selectors.ORDERINGS``), each
            # ending with the id that breaks ties: a page at any depth, and a count, are read
            # from the index alone (a keyset page seeks it; read backwards for the reverse).
            # Only the rows that can be listed: live statuses outside the trash.
            models.Index(
                fields=["published_at", "id"],
                condition=listable_q(),
                name="article_live_published_idx",
            ),
            models.Index(
                fields=["view_count", "published_at", "id"],
                condition=listable_q(),
                name="article_live_views_idx",
            ),
            models.Index(
                fields=["comment_count", "published_at", "id"],
                condition=listable_q(),
                name="article_live_comments_idx",
            ),
            models.Index(
                fields=["title", "id"], condition=listable_q(), name="article_live_title_idx"
            ),
            # A section's listing, newest first (eight sections share 100,000 articles).
            models.Index(
                fields=["section", "published_at", "id"],
                condition=listable_q(),
                name="article_live_section_idx",
            ),
            models.Index(fields=["status", "-updated_at"], name="article_status_updated_idx"),
            # The editors' review queue, longest waiting first.
            models.Index(
                fields=["submitted_at"],
                condition=Q(status="in_review"),
                name="article_review_queue_idx",
            ),
            # Covers the live filter (status, date, out of the trash) so counting a listing reads
            # no table rows: SQLite counts through it (19 ms at 100,000 articles, where reading
            # each row for deleted_at took 130-250 ms).
            models.Index(
                fields=["status", "published_at", "deleted_at"],
                name="article_status_published_idx",
            ),
            models.Index(
                fields=["-published_at"],
                condition=Q(featured=True),
                name="article_featured_idx",
            ),
            # The trash, oldest first (what the purge takes).
            models.Index(
                fields=["deleted_at"],
                condition=Q(deleted_at__isnull=False),
                name="article_trash_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~live_status_q() | Q(published_at__isnull=False),
                name="article_live_has_published_at",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values), name="article_status_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="article_version_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def validate_unique(self, exclude: Collection[str] | None = None) -> None:
        """Django checks uniqueness through the default manager, which does not see the
        trash; a trashed article keeps its slug (restoring it needs it), so that is checked
        here as well."""
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().validate_unique(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if (
            "slug" not in errors
            and (exclude is None or "slug" not in exclude)
            and Article.with_trashed.trashed().filter(slug=self.slug).exclude(pk=self.pk).exists()
        ):
            errors["slug"] = [
                ValidationError(
                    "An article in the trash has this address: restore it, or choose another.",
                    code="unique",
                )
            ]
        if errors:
            raise ValidationError(errors)

    @property
    def is_live(self) -> bool:
        return self.deleted_at is None and lifecycle.is_live(self.status, self.published_at)

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None

    @property
    def purge_after(self) -> datetime | None:
        """When the purge removes it for good (None: not in the trash)."""
        if self.deleted_at is None:
            return None
        return self.deleted_at + timedelta(days=settings.TRASH_RETENTION_DAYS)

    @property
    def was_ever_live(self) -> bool:
        """Public at some time: recorded in ``first_published_at``, or live now (a scheduled
        article whose time has come before any service has recorded it)."""
        return self.first_published_at is not None or self.is_live

    @property
    def effective_status(self) -> ArticleStatus:
        """The status to show: Published once a scheduled article's time has come."""
        return lifecycle.effective_status(self.status, self.published_at)

    @property
    def url(self) -> str:
        """The article's address on the front-end (``FRONTEND_ARTICLE_URL``)."""
        return frontend_url(
            slug=self.slug,
            pk=self.pk,
            section_slug=self.section.slug if self.section else None,
            published_at=self.published_at,
        )


class TrashManager(models.Manager["TrashedArticle"]):
    def get_queryset(self) -> models.QuerySet[TrashedArticle]:
        return super().get_queryset().filter(deleted_at__isnull=False)


class TrashedArticle(Article):
    """Articles in the trash, as their own admin page ("Trash", under Articles): the same
    rows as ``Article``; its default manager (``trash_only``) holds only the trashed ones."""

    trash_only = TrashManager()

    class Meta:
        proxy = True
        default_manager_name = "trash_only"
        verbose_name = "article in the trash"
        verbose_name_plural = "trash"
        ordering = ("-deleted_at", "-id")


def frontend_url(
    *, slug: str, pk: int | None, section_slug: str | None, published_at: datetime | None
) -> str:
    """Fill ``FRONTEND_ARTICLE_URL`` in for one article."""
    # Undated articles use today's date for the {year}/{month}/{day} parts.
    date = published_at or timezone.now()
    return settings.FRONTEND_ARTICLE_URL.format(
        slug=slug,
        id=pk,
        section=section_slug or settings.FRONTEND_UNSECTIONED,
        year=f"{date.year:04d}",
        month=f"{date.month:02d}",
        day=f"{date.day:02d}",
    )


class ArticleViewDay(models.Model):
    """Reader views of one article on one day (UTC): what "most read this week" sums."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_days")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="view_day_unique"),
        ]
        indexes = [models.Index(fields=["day", "article"], name="view_day_recent_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} on {self.day}: {self.count}"


class ViewFlush(models.Model):
    """A batch of buffered view counts (``articles.viewbuffer``) written to the database: the
    batch's id is recorded in the same transaction as its counts, so a flush run again after a
    worker died mid-way (tasks run at least once) never counts a batch twice."""

    batch = models.CharField(max_length=40, unique=True)
    flushed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"views batch {self.batch}"


class ArticleAuthor(models.Model):
    """One name in an article's byline, in order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "id")
        verbose_name = "byline"
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author"),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.article}"


class ArticleSlug(models.Model):
    """A former address of an article that was ever live. Links to it keep working (REST
    answers 301 to the current address, GraphQL resolves it), and no other article may take
    it. Recorded by the content service when such an article's slug changes."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="former_slugs")
    slug = models.SlugField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, help_text="When it stopped being used.")

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "former slug"

    def __str__(self) -> str:
        return self.slug


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    UPDATE = "update", "Update"


def newsroom_today() -> date:
    """Today in the newsroom's time zone (``TIME_ZONE``): the date a note shows by default."""
    return timezone.localdate()


class CorrectionQuerySet(models.QuerySet["Correction"]):
    def shown(self) -> CorrectionQuerySet:
        """The notes readers see: those not removed, oldest first."""
        return self.filter(removed_at__isnull=True).order_by("date", "id")


# The longest correction or update note, in characters.
CORRECTION_MAX_LENGTH = 1000


class Correction(models.Model):
    """A dated correction or update note on a published article ("Corrected on 3 March: an
    earlier version misnamed the minister"). Written by ``articles.services.corrections``.
    Never deleted: removing one records who removed it and when, and readers stop seeing it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=16, choices=CorrectionKind.choices)
    text = models.TextField(
        max_length=CORRECTION_MAX_LENGTH,
        validators=[
            MaxLengthValidator(CORRECTION_MAX_LENGTH)
        ],  # TextField's max_length alone is not validated
        help_text="Plain text, shown to readers with the date.",
    )
    date = models.DateField(default=newsroom_today, help_text="The date shown to readers.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ("date", "id")
        indexes = [models.Index(fields=["article", "date"], name="correction_article_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CorrectionKind.values), name="correction_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.date} on article {self.article_id}"


class ArticleRevision(models.Model):
    """What django-reversion's ``Revision`` does not say about one saved state of an article:
    which article, its number, what was done and through which API token.

    The snapshot itself (content fields, section, tags, byline, status) is the revision's
    ``Version`` rows (``articles.revisions``). ``number`` counts an article's revisions from
    1 and is stored, so pruning old ones renumbers nothing.
    """

    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.CASCADE, related_name="article_revision"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    action = models.CharField(
        max_length=64, help_text="The audit log's action, e.g. article.update."
    )
    summary = models.CharField(max_length=250)
    # Kept as written (no foreign key): a revoked or deleted token, or a deleted user, still
    # leaves the record of who saved what.
    actor_name = models.CharField(max_length=150)
    token_id = models.PositiveBigIntegerField(null=True, blank=True)
    token_name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ("article", "-number")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of article {self.article_id}"
