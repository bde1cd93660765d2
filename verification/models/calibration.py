"""Cached calibration of each reviewer (derived data, recomputed by a periodic task)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy


class CalibrationSnapshot(models.Model):
    """How well one reviewer's stated confidence matched how their published verdicts held up.

    Written only by verification.credibility.calibration.recompute; one row per reviewer who
    has at least one verdict that was later revised or confirmed.
    """

    reviewer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calibration",
        verbose_name=gettext_lazy("reviewer"),
    )
    count = models.PositiveIntegerField(
        help_text=gettext_lazy("Published verdicts that were later revised or confirmed."),
        verbose_name=gettext_lazy("count"),
    )
    confirmed = models.PositiveIntegerField(
        help_text=gettext_lazy("Of those, how many the latest verdict agrees with."),
        verbose_name=gettext_lazy("confirmed"),
    )
    brier = models.FloatField(
        help_text=gettext_lazy("Mean squared gap between confidence and outcome: 0 is perfect, 0.25 is a coin."),
        verbose_name=gettext_lazy("brier"),
    )
    ece = models.FloatField(
        help_text=gettext_lazy("Expected calibration error over ten confidence bins."), verbose_name=gettext_lazy("ece")
    )
    bins = models.JSONField(
        default=list,
        help_text=gettext_lazy("Reliability-diagram data: per bin lo, hi, count, mean_predicted, observed."),
        verbose_name=gettext_lazy("bins"),
    )
    computed_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("computed at"))

    class Meta:
        ordering = ["brier", "reviewer_id"]
        constraints = [
            models.CheckConstraint(condition=Q(brier__gte=0, brier__lte=1), name="calibration_brier_0_1"),
            models.CheckConstraint(
                condition=Q(confirmed__lte=models.F("count")), name="calibration_confirmed_le_count"
            ),
        ]
        verbose_name = gettext_lazy("calibration snapshot")
        verbose_name_plural = gettext_lazy("calibration snapshots")

    def __str__(self):
        return f"{self.reviewer}: Brier {self.brier:.3f} over {self.count}"
