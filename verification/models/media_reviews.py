"""MediaReview ratings: an editor's judgement of a media evidence item (an
image, a video, audio) in schema.org's ``mediaAuthenticityCategory`` terms,
with the reasons (docs/media_review.md).

Rows are only ever added (history is data): the latest row of an item is its
current rating. Only verification.evidence.media_review writes them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MediaCategory(models.TextChoices):
    # snake_case like every enum of the API; SCHEMA_ORG names each as the JSON-LD says it.
    ORIGINAL = "original", _("Original")
    DECONTEXTUALIZED = "decontextualized", _("Decontextualised")
    EDITED_OR_CROPPED = "edited_or_cropped", _("Edited or cropped")
    TRANSFORMED = "transformed", _("Transformed")
    STAGED = "staged", _("Staged")
    SATIRE_OR_PARODY = "satire_or_parody", _("Satire or parody")


# schema.org's MediaManipulationRatingEnumeration member for each category (https://schema.org/MediaReview).
SCHEMA_ORG = {
    MediaCategory.ORIGINAL: "OriginalMediaContent",
    MediaCategory.DECONTEXTUALIZED: "DecontextualizedContent",
    MediaCategory.EDITED_OR_CROPPED: "EditedOrCroppedContent",
    MediaCategory.TRANSFORMED: "TransformedContent",
    MediaCategory.STAGED: "StagedContent",
    MediaCategory.SATIRE_OR_PARODY: "SatireOrParodyContent",
}


class MediaReview(models.Model):
    Category = MediaCategory

    evidence = models.ForeignKey(
        "verification.Evidence", on_delete=models.CASCADE, related_name="media_reviews", verbose_name=_("evidence")
    )
    category = models.CharField(max_length=32, choices=Category.choices, verbose_name=_("category"))
    rationale = models.TextField(
        help_text=_("Why: shown to readers beside the rating once the claim is published."), verbose_name=_("rationale")
    )
    original_url = models.URLField(
        max_length=2000,
        blank=True,
        help_text=_("Where the media first appeared, when known (originalMediaLink)."),
        verbose_name=_("original url"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(rationale=""), name="media_review_has_rationale"),
            models.CheckConstraint(condition=Q(category__in=MediaCategory.values), name="media_review_category"),
        ]
        # The current rating of an item: its latest row.
        indexes = [models.Index(fields=["evidence", "-id"], name="media_review_latest_idx")]
        verbose_name = _("media review")
        verbose_name_plural = _("media reviews")

    def __str__(self):
        return f"{self.get_category_display()} for evidence {self.evidence_id}"

    @property
    def media_authenticity_category(self) -> str:
        """The category as schema.org names it (mediaAuthenticityCategory)."""
        return SCHEMA_ORG[self.category]
