"""Corrections: typo fixes to a published claim's text, proposed by one editor
and decided by another (docs/corrections.md says what counts as one)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy


class Correction(models.Model):
    """One proposed fix of a published claim's text and its decision.

    Append-only: the row is added when an editor proposes the fix, and its
    decision (approved, rejected, withdrawn) is written once, under a lock,
    while it is still ``pending``; after that it never changes. Only
    verification.workflow.corrections writes it.
    """

    class Outcome(models.TextChoices):
        PENDING = "pending", gettext_lazy("Pending")
        APPROVED = "approved", gettext_lazy("Approved")
        REJECTED = "rejected", gettext_lazy("Rejected")
        WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")

    claim = models.ForeignKey(
        "verification.Claim", on_delete=models.CASCADE, related_name="corrections", verbose_name=gettext_lazy("claim")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("proposed by")
    )
    proposed_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("proposed at"))
    old_text = models.TextField(
        help_text=gettext_lazy("The published text the fix applies to."), verbose_name=gettext_lazy("old text")
    )
    new_text = models.TextField(verbose_name=gettext_lazy("new text"))
    reason = models.TextField(
        help_text=gettext_lazy("What the fix corrects; shown to readers once approved."),
        verbose_name=gettext_lazy("reason"),
    )
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, default=Outcome.PENDING, verbose_name=gettext_lazy("outcome")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("decided at"))
    decision_note = models.TextField(
        blank=True,
        help_text=gettext_lazy("Why it was rejected or withdrawn; optional on approval."),
        verbose_name=gettext_lazy("decision note"),
    )

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            # One open proposal at a time: a second would fix a text the first may change.
            models.UniqueConstraint(
                fields=["claim"], condition=Q(outcome="pending"), name="correction_one_pending_per_claim"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["pending", "approved", "rejected", "withdrawn"]),
                name="correction_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(outcome="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="correction_decided_when_not_pending",
            ),
            # Four eyes, held by the database too: nobody approves their own fix.
            models.CheckConstraint(
                condition=~Q(outcome="approved") | ~Q(decided_by=F("proposed_by")),
                name="correction_approved_by_another",
            ),
            models.CheckConstraint(condition=~Q(new_text=F("old_text")), name="correction_changes_the_text"),
            models.CheckConstraint(condition=~Q(new_text="") & ~Q(reason=""), name="correction_text_and_reason"),
        ]
        indexes = [
            # public page, desk claim page, API list: one claim's corrections in order
            models.Index(fields=["claim", "proposed_at"], name="correction_claim_time_idx"),
        ]
        verbose_name = gettext_lazy("correction")
        verbose_name_plural = gettext_lazy("corrections")

    def __str__(self):
        return f"correction {self.pk} of claim {self.claim_id} ({self.outcome})"
