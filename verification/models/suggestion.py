"""The fitted model behind the suggested credibility (derived data, refitted by a task)."""

from django.db import models
from django.utils.translation import gettext_lazy


class SuggestionModel(models.Model):
    """One fit of the suggestion's model on the desk's published verdicts.

    Written only by verification.credibility.fitting.refit; the newest row is the one
    in use, and a few older ones are kept to compare. ``parameters`` holds the
    coefficients, their covariance, the calibration map and the desk's tables
    (organisations', topics', the wording's weights); ``held_out`` how the
    suggestions fared on the latest verdicts, which the fit did not see.
    """

    fitted_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("fitted at"))
    verdicts = models.PositiveIntegerField(
        help_text=gettext_lazy("Published verdicts the model learned from."), verbose_name=gettext_lazy("verdicts")
    )
    through_event = models.PositiveBigIntegerField(
        default=0,
        help_text=gettext_lazy("Id of the latest publication event the fit saw: later ones make it stale."),
        verbose_name=gettext_lazy("through event"),
    )
    parameters = models.JSONField(default=dict, verbose_name=gettext_lazy("parameters"))
    held_out = models.JSONField(
        default=dict,
        help_text=gettext_lazy("Calibration on held-out history: count, Brier score, ECE and reliability bins."),
        verbose_name=gettext_lazy("held out"),
    )

    class Meta:
        ordering = ["-fitted_at", "-id"]
        get_latest_by = ["fitted_at", "id"]
        verbose_name = gettext_lazy("suggestion model")
        verbose_name_plural = gettext_lazy("suggestion models")

    def __str__(self):
        return f"suggestion model of {self.fitted_at:%Y-%m-%d %H:%M} ({self.verdicts} verdicts)"
