"""Translations of a published verdict for readers: the claim's text and the
rationale in another language, written by an editor (docs/languages.md).

Only verification.workflow.translations writes these rows. A translation names
the signed-off assessment and the text it translates: once a new verdict is
published or a correction changes the text, it is out of date, and the public
page shows the original (saying so) until an editor updates it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy


class VerdictTranslation(models.Model):
    claim = models.ForeignKey(
        "verification.Claim", on_delete=models.CASCADE, related_name="translations", verbose_name=gettext_lazy("claim")
    )
    language = models.CharField(
        max_length=16,
        help_text=gettext_lazy("BCP 47 tag of this translation, e.g. en, uk, ru."),
        verbose_name=gettext_lazy("language"),
    )
    text = models.TextField(
        help_text=gettext_lazy("The claim's text in this language."), verbose_name=gettext_lazy("text")
    )
    rationale = models.TextField(
        help_text=gettext_lazy("The published rationale in this language."), verbose_name=gettext_lazy("rationale")
    )
    assessment = models.ForeignKey(
        "verification.Assessment",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=gettext_lazy("The signed-off assessment whose rationale this translates."),
        verbose_name=gettext_lazy("assessment"),
    )
    of_text = models.TextField(
        help_text=gettext_lazy("The claim's text as readers saw it when this was translated."),
        verbose_name=gettext_lazy("of text"),
    )
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("translated by")
    )
    updated_at = models.DateTimeField(verbose_name=gettext_lazy("updated at"))

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "language"], name="one_translation_per_language"),
            models.CheckConstraint(condition=~Q(text="") & ~Q(rationale=""), name="translation_not_empty"),
        ]
        verbose_name = gettext_lazy("verdict translation")
        verbose_name_plural = gettext_lazy("verdict translations")

    def __str__(self):
        return f"claim {self.claim_id} in {self.language}"

    def is_current(self, claim) -> bool:
        """Whether it still translates what readers see: the same verdict and text."""
        return self.assessment_id == claim.published_assessment_id and self.of_text == claim.public_text
