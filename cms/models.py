"""API tokens: how integrations act in Byline.

A token is shown once, when created, as ``byl_<prefix>_<secret>``. Only the prefix (to find
the row) and a keyed SHA-256 digest of the secret are stored, and presented secrets are
compared in constant time. A token acts as its owner, narrowed to its scopes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cms import scopes


class ApiToken(models.Model):
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “wire importer”.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list, help_text="What the token may do.")
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes if s in scopes.ALL_SCOPES)


class AuditEntry(models.Model):
    """One write by a person or an integration: who, through what, did what, to what, when."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    actor = models.CharField(max_length=150, help_text="As it was at the time.")
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.object_repr}"


class RunOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class PeriodicRun(models.Model):
    """One period of one periodic job (settings.PERIODIC_JOBS). The row is the claim: it is
    unique on (job, period_start), so of all the workers that see a period begin, the one whose
    insert succeeds enqueues the run, and no other can."""

    job = models.CharField(max_length=100)
    period_start = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(
        max_length=10, choices=RunOutcome.choices, default=RunOutcome.PENDING
    )
    result = models.CharField(
        max_length=500, blank=True, help_text="What the run did, or why it failed."
    )

    class Meta:
        ordering = ("-period_start", "job")
        verbose_name = "periodic job run"
        constraints = [
            models.UniqueConstraint(fields=["job", "period_start"], name="periodic_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.period_start:%Y-%m-%d %H:%M:%S}"


class WorkerHeartbeat(models.Model):
    """A task worker's last sign of life, written every WORKER_HEARTBEAT_SECONDS."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    backend = models.CharField(max_length=100)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("-seen_at",)
        verbose_name = "task worker"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}, pid {self.pid})"
