"""Intake: an article pasted or linked, and the claims proposed from it for review.

A batch is one article; a worker turns it into proposals (verification.intake.batches).
Nothing reaches the queue until a person confirms a proposal, which creates a
claim (or, for a linked duplicate, adds to an existing one) through
verification.workflow.claims.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy


class IntakeBatch(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting for a worker")
        RUNNING = "running", gettext_lazy("Reading the article")
        DONE = "done", gettext_lazy("Ready for review")
        FAILED = "failed", gettext_lazy("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("created by"),
    )
    text = models.TextField(
        blank=True,
        help_text=gettext_lazy("The pasted article, or the text read from the URL."),
        verbose_name=gettext_lazy("text"),
    )
    url = models.URLField(
        max_length=2000,
        blank=True,
        help_text=gettext_lazy("The article's address, when given as a URL."),
        verbose_name=gettext_lazy("url"),
    )
    final_url = models.URLField(
        max_length=2000,
        blank=True,
        help_text=gettext_lazy("Where the URL led after redirects."),
        verbose_name=gettext_lazy("final url"),
    )
    title = models.CharField(max_length=500, blank=True, verbose_name=gettext_lazy("title"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=gettext_lazy("status")
    )
    progress_done = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("progress done"))
    progress_total = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("Proposed claims to match and compare."),
        verbose_name=gettext_lazy("progress total"),
    )
    error = models.TextField(
        blank=True,
        help_text=gettext_lazy("Why the batch failed, in words the submitter can act on."),
        verbose_name=gettext_lazy("error"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("finished at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = gettext_lazy("intake batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "done", "failed"]), name="intake_batch_status_valid"
            ),
            models.CheckConstraint(condition=~Q(text="", url=""), name="intake_batch_text_or_url"),
            models.CheckConstraint(
                condition=Q(progress_done__lte=models.F("progress_total")), name="intake_batch_progress_le_total"
            ),
        ]
        # The intake page lists a person's own batches, newest first.
        indexes = [models.Index(fields=["created_by", "-created_at"], name="intake_batch_owner_idx")]
        verbose_name = gettext_lazy("intake batch")

    def __str__(self):
        return f"Intake {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.progress_done / self.progress_total) if self.progress_total else 0


class Proposal(models.Model):
    """One proposed claim. ``attributions`` holds, per source named in the text:
    name, title, role, quote, kind (guessed), source_id and score of the best
    match (source_id null when no source scored at the threshold: a new source
    is proposed) and up to three candidates. ``duplicates`` lists existing
    claims as similar as the suggest threshold: claim_id, score, text."""

    class Decision(models.TextChoices):
        PENDING = "pending", gettext_lazy("Pending")
        CONFIRMED = "confirmed", gettext_lazy("Confirmed")
        EDITED = "edited", gettext_lazy("Confirmed with edits")
        DROPPED = "dropped", gettext_lazy("Dropped")

    batch = models.ForeignKey(
        IntakeBatch, on_delete=models.CASCADE, related_name="proposals", verbose_name=gettext_lazy("batch")
    )
    position = models.PositiveIntegerField(
        help_text=gettext_lazy("Order in the article."), verbose_name=gettext_lazy("position")
    )
    text = models.TextField(verbose_name=gettext_lazy("text"))
    is_opinion = models.BooleanField(default=False, verbose_name=gettext_lazy("is opinion"))
    checkable_reasons = models.JSONField(default=list, blank=True, verbose_name=gettext_lazy("checkable reasons"))
    attributions = models.JSONField(default=list, blank=True, verbose_name=gettext_lazy("attributions"))
    duplicates = models.JSONField(default=list, blank=True, verbose_name=gettext_lazy("duplicates"))
    linked_claim = models.ForeignKey(
        "Claim",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy("An existing claim similar enough to link to instead of creating one."),
        verbose_name=gettext_lazy("linked claim"),
    )
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING, verbose_name=gettext_lazy("decision")
    )
    claim = models.ForeignKey(
        "Claim",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        help_text=gettext_lazy("The claim created, or linked to, on confirmation."),
        verbose_name=gettext_lazy("claim"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("decided at"))

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="proposal_unique_position"),
            models.CheckConstraint(
                condition=Q(decision__in=["pending", "confirmed", "edited", "dropped"]), name="proposal_decision_valid"
            ),
        ]
        verbose_name = gettext_lazy("proposal")
        verbose_name_plural = gettext_lazy("proposals")

    def __str__(self):
        return self.text[:80]

    @property
    def is_pending(self) -> bool:
        return self.decision == self.Decision.PENDING
