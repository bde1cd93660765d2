"""Other fact-checkers' verdicts: ClaimReview published elsewhere, imported as
*external reviews* and kept apart from the desk's own claims.

They are never claims of this desk: they have no state, no verdict of ours and
no attributions, so nothing that counts the desk's verdicts (track records,
calibration, the public status) can see them. The matcher searches them beside
the desk's claims. Rows are written only by verification.workflow.external_reviews,
one ``ExternalReviewImport`` run at a time; the review URL is the idempotency key.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

# The matcher's index form (verification.matching re-exports it). Imported from
# its definition, so the models do not import the matcher, which imports them.
from sources.text import search_form


class ExternalReviewImport(models.Model):
    """One import run (append-only): who read what, and what it changed. A
    refused import (any bad record) writes nothing, this row included."""

    class Format(models.TextChoices):
        JSONLD = "jsonld", gettext_lazy("JSON-LD (a ClaimReview, a list of them, or an @graph)")
        DATAFEED = "datafeed", gettext_lazy("schema.org DataFeed")
        HTML = "html", gettext_lazy("HTML page (its application/ld+json scripts)")

    class Status(models.TextChoices):
        IMPORTED = "imported", gettext_lazy("Imported (something created or updated)")
        UNCHANGED = "unchanged", gettext_lazy("Nothing new (every review already held as given)")

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy("Empty when run by the system (the import_claimreview command without --user)."),
        verbose_name=gettext_lazy("imported by"),
    )
    started_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("started at"))
    source = models.CharField(
        max_length=2000, help_text=gettext_lazy("The file name or the URL read."), verbose_name=gettext_lazy("source")
    )
    format = models.CharField(max_length=10, choices=Format.choices, verbose_name=gettext_lazy("format"))
    created = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("created"))
    updated = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("updated"))
    unchanged = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("unchanged"))
    status = models.CharField(max_length=10, choices=Status.choices, verbose_name=gettext_lazy("status"))

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = gettext_lazy("external review import")
        constraints = [
            models.CheckConstraint(condition=Q(format__in=["jsonld", "datafeed", "html"]), name="extimport_format"),
            models.CheckConstraint(condition=Q(status__in=["imported", "unchanged"]), name="extimport_status"),
        ]
        verbose_name_plural = gettext_lazy("external review imports")

    def __str__(self):
        return f"Import {self.pk} of {self.source} ({self.created} new, {self.updated} updated)"


class ExternalReviewQuerySet(models.QuerySet):
    """Keeps ``search_text`` in step on the bulk paths ``save`` does not see."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for review in objs:
            review.search_text = search_form(review.claim_reviewed, review.language)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if {"claim_reviewed", "language"} & set(fields):
            objs = list(objs)
            for review in objs:
                review.search_text = search_form(review.claim_reviewed, review.language)
            fields = [*fields, "search_text"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        # Imports write through save() and bulk_update; no caller updates these in bulk, so
        # rather than re-read every row, ask for both values (search_text needs them both).
        if "claim_reviewed" in kwargs or "language" in kwargs:
            if not all(isinstance(kwargs.get(name), str) for name in ("claim_reviewed", "language")):
                raise ValueError("Update claim_reviewed and language together, as text, to re-analyse search_text.")
            kwargs["search_text"] = search_form(kwargs["claim_reviewed"], kwargs["language"])
        return super().update(**kwargs)


class ExternalReview(models.Model):
    """One ClaimReview by another organisation, as its publisher gave it.

    ``raw`` is the record exactly as read; the other fields are mapped from it
    (docs/external_reviews.md). ``imported_at``, ``imported_by`` and
    ``import_run`` describe the import that wrote the current version."""

    claim_reviewed = models.TextField(
        help_text=gettext_lazy("schema.org claimReviewed: the claim as the reviewer stated it."),
        verbose_name=gettext_lazy("claim reviewed"),
    )
    # ``claim_reviewed`` in the matcher's index form (verification.matching.search_form),
    # kept in step by ``save`` and by the bulk paths (ExternalReviewQuerySet).
    search_text = models.TextField(editable=False, default="", verbose_name=gettext_lazy("search text"))
    claimant = models.CharField(
        max_length=500,
        blank=True,
        help_text=gettext_lazy("itemReviewed.author.name."),
        verbose_name=gettext_lazy("claimant"),
    )
    claim_date = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("itemReviewed.datePublished."),
        verbose_name=gettext_lazy("claim date"),
    )
    publisher_name = models.CharField(
        max_length=300,
        blank=True,
        help_text=gettext_lazy("author.name: who reviewed it."),
        verbose_name=gettext_lazy("publisher name"),
    )
    publisher_site = models.CharField(
        max_length=253,
        blank=True,
        help_text=gettext_lazy("Host of author.url, else of url."),
        verbose_name=gettext_lazy("publisher site"),
    )
    url = models.URLField(
        max_length=2000,
        unique=True,
        help_text=gettext_lazy("The review's address: one row per URL."),
        verbose_name=gettext_lazy("url"),
    )
    title = models.TextField(
        blank=True, help_text=gettext_lazy("name, else headline."), verbose_name=gettext_lazy("title")
    )
    review_date = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("datePublished of the review."),
        verbose_name=gettext_lazy("review date"),
    )
    textual_rating = models.CharField(
        max_length=300,
        blank=True,
        help_text=gettext_lazy("reviewRating.alternateName."),
        verbose_name=gettext_lazy("textual rating"),
    )
    rating_value = models.FloatField(null=True, blank=True, verbose_name=gettext_lazy("rating value"))
    rating_best = models.FloatField(null=True, blank=True, verbose_name=gettext_lazy("rating best"))
    rating_worst = models.FloatField(null=True, blank=True, verbose_name=gettext_lazy("rating worst"))
    language = models.CharField(
        max_length=35,
        blank=True,
        help_text=gettext_lazy("inLanguage as a BCP 47 tag, e.g. en, uk, pt-BR."),
        verbose_name=gettext_lazy("language"),
    )
    licence = models.CharField(
        max_length=2000,
        blank=True,
        help_text=gettext_lazy("sdLicense, where the publisher gave one."),
        verbose_name=gettext_lazy("licence"),
    )
    raw = models.JSONField(help_text=gettext_lazy("The record as read."), verbose_name=gettext_lazy("raw"))
    imported_at = models.DateTimeField(verbose_name=gettext_lazy("imported at"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("imported by"),
    )
    import_run = models.ForeignKey(
        ExternalReviewImport, on_delete=models.PROTECT, related_name="reviews", verbose_name=gettext_lazy("import run")
    )

    objects = ExternalReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-review_date", "-id"]
        verbose_name = gettext_lazy("external review")
        indexes = [
            # Fact Check Tools search filters by site; lists show the newest reviews first.
            models.Index(fields=["publisher_site"], name="extreview_site_idx"),
            models.Index(fields=["-review_date", "-id"], name="extreview_recent_idx"),
        ]
        verbose_name_plural = gettext_lazy("external reviews")

    def __str__(self):
        rating = f" rated {self.textual_rating}" if self.textual_rating else ""
        return f"{self.publisher_name or self.publisher_site}{rating}: {self.claim_reviewed[:60]}"

    def save(self, *args, **kwargs):
        self.search_text = search_form(self.claim_reviewed, self.language)
        update_fields = kwargs.get("update_fields")
        analysed = {"claim_reviewed", "language"} & set(update_fields or ())
        if update_fields is not None and analysed and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)
