"""Reader comments: threaded, moderated, and private about who wrote them.

The commenter's email and a keyed hash of their IP address are stored for moderation and
abuse handling; neither is ever part of a public representation. The IP itself is never
stored. Writes go through ``comments.services``, which keeps ``Article.comment_count`` right.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from articles.models import Article
from cms.access import Action, restrict
from cms.actors import Actor
from cms.errors import ValidationFailed

# Replies nest at most this deep: a top-level comment has depth 0, a reply to it 1, ...
MAX_DEPTH = 3


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    SPAM = "spam", "Spam"
    REMOVED = "removed", "Removed"

    @classmethod
    def named(cls, value: str, *, field: str = "status") -> CommentStatus:
        """The status called ``value``, or a field error listing the choices."""
        if value not in cls.values:
            raise ValidationFailed({field: [f"One of: {', '.join(cls.values)}."]})
        return cls(value)


def _thread_approved() -> Q:
    """Approved, and so is every comment above it in its thread.

    A reply under a comment later marked spam or removed disappears with it (replies to spam
    often quote it) and stops counting; approving the parent again brings the thread back.
    Threads are at most MAX_DEPTH deep, so this is a fixed number of joins.
    """
    condition = Q(status=CommentStatus.APPROVED)
    path = "parent"
    for _ in range(MAX_DEPTH):
        above = Q(**{f"{path}__isnull": True}) | Q(**{f"{path}__status": CommentStatus.APPROVED})
        condition &= above
        path += "__parent"
    return condition


class CommentQuerySet(models.QuerySet["Comment"]):
    def approved(self) -> CommentQuerySet:
        """Approved comments whose whole thread above them is approved: what readers see and
        what ``Article.comment_count`` counts."""
        return self.filter(_thread_approved())

    def pending(self) -> CommentQuerySet:
        return self.filter(status=CommentStatus.PENDING)

    def public(self) -> CommentQuerySet:
        """What any reader may see: approved comments on live articles."""
        live = Article.objects.published().values("pk")
        return self.approved().filter(article__in=live)

    def visible_to(self, actor: Actor) -> CommentQuerySet:
        return restrict(actor, Action.VIEW, self)  # type: ignore[return-value]


class CommentManager(models.Manager["Comment"]):
    """Comments on articles not in the trash: the default manager, so the moderation queue,
    threads, counts and the admin never show a trashed article's comments. They go to the
    trash with their article, untouched (statuses, threads), and come back with it;
    ``Comment.with_trashed`` holds them all, for the trash and the purge."""

    def get_queryset(self) -> CommentQuerySet:
        return CommentQuerySet(self.model, using=self._db).filter(article__deleted_at__isnull=True)


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    author_name = models.CharField("name", max_length=80)
    author_email = models.EmailField("email", help_text="Private: never shown in any API.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    body_html = models.TextField("comment", help_text="Sanitised HTML.")
    status = models.CharField(
        max_length=16, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    body_digest = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Fingerprint for duplicate checks."
    )
    spam_reason = models.CharField(max_length=60, blank=True, editable=False)
    ip_hash = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Keyed hash; the IP is not stored."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentManager.from_queryset(CommentQuerySet)()
    with_trashed = CommentQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "id")
        indexes = [
            # A thread: an article's comments in a status, oldest first.
            models.Index(fields=["article", "status", "created_at"], name="comment_thread_idx"),
            # The moderation queue.
            models.Index(fields=["status", "-created_at"], name="comment_queue_idx"),
            models.Index(fields=["author_email", "status"], name="comment_email_status_idx"),
            models.Index(fields=["body_digest", "created_at"], name="comment_digest_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(depth__lte=MAX_DEPTH), name="comment_depth_bounded"),
            models.CheckConstraint(
                condition=Q(status__in=CommentStatus.values), name="comment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=0) | Q(parent__isnull=False, depth__gt=0),
                name="comment_depth_matches_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name} on {self.article}"

    @property
    def is_public(self) -> bool:
        """Shown to readers: approved, under approved comments, on a live article."""
        node: Comment | None = self
        while node is not None:
            if node.status != CommentStatus.APPROVED:
                return False
            node = node.parent
        return self.article.is_live
