"""Who may call the API, who is told of changes: keys, webhooks, notifications,
worker heartbeats, and the requests already answered (idempotency keys)."""

import hashlib
import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy


class ApiKey(models.Model):
    """A bearer key, stored as a SHA-256 digest: keys are long and random, so a
    slow password hash adds nothing but latency on every request."""

    class Scope(models.TextChoices):
        READ = "read", gettext_lazy("Read")
        REVIEW = "review", gettext_lazy("Review")
        ADMIN = "admin", gettext_lazy("Admin")

    name = models.CharField(max_length=100, verbose_name=gettext_lazy("name"))
    prefix = models.CharField(max_length=16, unique=True, verbose_name=gettext_lazy("prefix"))
    digest = models.CharField(
        max_length=64, unique=True, verbose_name=gettext_lazy("digest")
    )  # the one lookup on every API request
    scope = models.CharField(max_length=8, choices=Scope.choices, verbose_name=gettext_lazy("scope"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text=gettext_lazy("Review and admin keys act as this user, with this user's rights."),
        verbose_name=gettext_lazy("user"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    expires_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("expires at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("revoked at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("last used at"))

    class Meta:
        verbose_name = gettext_lazy("API key")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="read") | Q(user__isnull=False), name="apikey_review_admin_need_user"
            )
        ]
        verbose_name_plural = gettext_lazy("API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…, {self.scope})"


class WebhookEndpoint(models.Model):
    url = models.URLField(max_length=2000, verbose_name=gettext_lazy("url"))
    description = models.CharField(max_length=200, blank=True, verbose_name=gettext_lazy("description"))
    secret = models.CharField(
        max_length=100, help_text=gettext_lazy("Standard Webhooks secret, whsec_…"), verbose_name=gettext_lazy("secret")
    )
    event_types = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Empty means every event type."),
        verbose_name=gettext_lazy("event types"),
    )
    active = models.BooleanField(default=True, verbose_name=gettext_lazy("active"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("webhook endpoint")
        verbose_name_plural = gettext_lazy("webhook endpoints")

    def __str__(self):
        return self.url


class WebhookEvent(models.Model):
    """An outbox row written in the same transaction as the change it reports."""

    id = models.CharField(primary_key=True, max_length=40, editable=False, verbose_name=gettext_lazy("id"))
    type = models.CharField(max_length=40, verbose_name=gettext_lazy("type"))
    payload = models.JSONField(verbose_name=gettext_lazy("payload"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("webhook event")
        verbose_name_plural = gettext_lazy("webhook events")

    def save(self, *args, **kwargs):
        if not self.id:
            self.id = f"msg_{uuid.uuid4().hex}"
        super().save(*args, **kwargs)


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Pending")
        DELIVERED = "delivered", gettext_lazy("Delivered")
        FAILED = "failed", gettext_lazy("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=gettext_lazy("endpoint")
    )
    event = models.ForeignKey(
        WebhookEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=gettext_lazy("event")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=gettext_lazy("status")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("attempts"))
    last_status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=gettext_lazy("last status code")
    )
    last_error = models.TextField(blank=True, verbose_name=gettext_lazy("last error"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("next attempt at"))
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("delivered at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="one_delivery_per_endpoint_event")]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="delivery_pending_idx", condition=Q(status="pending"))
        ]  # reconciler
        verbose_name = gettext_lazy("webhook delivery")
        verbose_name_plural = gettext_lazy("webhook deliveries")


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", gettext_lazy("Assigned")
        RETURNED = "returned", gettext_lazy("Returned")
        ESCALATED = "escalated", gettext_lazy("Escalated")
        REOPENED = "reopened", gettext_lazy("Reopened")
        PUBLISHED = "published", gettext_lazy("Published")
        INTEGRITY = "integrity", gettext_lazy("Integrity")
        MENTION = "mention", gettext_lazy("Mention")  # someone @mentioned the user in a claim's discussion

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=gettext_lazy("user"),
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=gettext_lazy("kind"))
    claim = models.ForeignKey(
        "verification.Claim",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("claim"),
    )
    message = models.TextField(verbose_name=gettext_lazy("message"))
    dedup_key = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("Makes a notification idempotent: one per key and user."),
        verbose_name=gettext_lazy("dedup key"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("read at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedup_key"], condition=~Q(dedup_key=""), name="notification_dedup")
        ]
        indexes = [
            models.Index(fields=["user"], name="notification_unread_idx", condition=Q(read_at__isnull=True))
        ]  # unread count
        verbose_name = gettext_lazy("notification")
        verbose_name_plural = gettext_lazy("notifications")


class WorkerHeartbeat(models.Model):
    hostname = models.CharField(max_length=200, unique=True, verbose_name=gettext_lazy("hostname"))
    seen_at = models.DateTimeField(verbose_name=gettext_lazy("seen at"))

    class Meta:
        verbose_name = gettext_lazy("worker heartbeat")
        verbose_name_plural = gettext_lazy("worker heartbeats")


class BrokerFailure(models.Model):
    """A task the broker would not take, after its write had committed (append-only).

    Nothing is lost: the rows that need the work are still pending and the
    reconciler sends it again. These rows make the outage visible on /healthz
    and the dashboard, and say which work waited."""

    task = models.CharField(max_length=200, verbose_name=gettext_lazy("task"))
    args = models.JSONField(default=list, verbose_name=gettext_lazy("args"))
    error = models.CharField(max_length=500, verbose_name=gettext_lazy("error"))
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=gettext_lazy("created at")
    )  # "failures in the last hour"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = gettext_lazy("broker failure")
        verbose_name_plural = gettext_lazy("broker failures")

    def __str__(self):
        return f"{self.task} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class IdempotentRequestQuerySet(models.QuerySet):
    def of(self, *, api_key=None, user=None):
        """The keys of one caller: an API key's own, or a signed-in user's (desk form, session)."""
        if api_key is not None:
            return self.filter(api_key=api_key)
        return self.filter(api_key__isnull=True, user=user)

    def live(self, now=None):
        """Rows younger than IDEMPOTENCY_HOURS: older keys are forgotten and may be used again."""
        return self.filter(created_at__gt=_idempotency_cutoff(now))

    def expired(self, now=None):
        return self.filter(created_at__lte=_idempotency_cutoff(now))


def _idempotency_cutoff(now=None):
    return (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_HOURS)


class IdempotentRequest(models.Model):
    """A create request already answered: an ``Idempotency-Key`` of the API or a
    desk form's one-time token, with the answer it got.

    Written in the transaction that made the claim, so a claim never exists
    without its key nor a key without its claim. The row is inserted first,
    before the claim: a concurrent request with the same key then waits on the
    unique constraint until the first commits, and answers what it stored.
    ``response_status`` stays 0 only inside that transaction; nobody else sees it."""

    MAX_KEY_LENGTH = 200

    api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=gettext_lazy("api key")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("user"),
    )
    key = models.CharField(max_length=MAX_KEY_LENGTH, verbose_name=gettext_lazy("key"))
    request_hash = models.CharField(
        max_length=64,
        help_text=gettext_lazy("SHA-256 of the request body as canonical JSON."),
        verbose_name=gettext_lazy("request hash"),
    )
    response_status = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("response status"))
    response_body = models.JSONField(
        default=dict, encoder=DjangoJSONEncoder, verbose_name=gettext_lazy("response body")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))

    objects = IdempotentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("idempotent request")
        constraints = [
            # One caller's key names one request; another caller's same key is another request.
            models.UniqueConstraint(
                fields=["api_key", "key"], condition=Q(api_key__isnull=False), name="idempotency_key_per_api_key"
            ),
            models.UniqueConstraint(
                fields=["user", "key"], condition=Q(api_key__isnull=True), name="idempotency_key_per_user"
            ),
            models.CheckConstraint(
                condition=Q(api_key__isnull=False, user__isnull=True) | Q(api_key__isnull=True, user__isnull=False),
                name="idempotentrequest_one_owner",
            ),
        ]
        verbose_name_plural = gettext_lazy("idempotent requests")

    def __str__(self):
        return f"{self.key} → {self.response_status}"

    @staticmethod
    def hash_body(data) -> str:
        """SHA-256 of ``data`` as canonical JSON: sorted keys, no spaces, so the
        same body sent with other key order or spacing hashes alike."""
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)
        return hashlib.sha256(canonical.encode()).hexdigest()

    @classmethod
    def find(cls, key: str, *, api_key=None, user=None) -> "IdempotentRequest | None":
        return cls.objects.of(api_key=api_key, user=user).live().filter(key=key).first()

    @classmethod
    def reserve(cls, key: str, request_hash: str, *, api_key=None, user=None) -> "IdempotentRequest":
        """Inside the caller's transaction, before it creates anything: forget an
        expired row of this key, then insert this request's row. Raises
        IntegrityError (after waiting, on PostgreSQL) when another request holds the key."""
        cls.objects.of(api_key=api_key, user=user).expired().filter(key=key).delete()
        return cls.objects.create(api_key=api_key, user=None if api_key else user, key=key, request_hash=request_hash)

    def answer(self, status: int, body) -> None:
        """Record the answer, in the transaction that made what it describes."""
        self.response_status, self.response_body = status, body
        self.save(update_fields=["response_status", "response_body"])
