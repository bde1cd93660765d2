"""Source records: who said it, whom they belong to, and how reliable they have proven.

A source's reliability grade (Admiralty A–F) is an append-only history of
SourceGrade rows; Source.reliability caches the latest one and is written only
by sources.actions in the same transaction as the grade row.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from sources.text import LANGUAGE_TAG, normalise_name, search_keys


class SourceKind(models.TextChoices):
    PERSON = "person", gettext_lazy("Person")
    GOVERNMENT_BODY = "government_body", gettext_lazy("Government body")
    MILITARY_INTELLIGENCE = "military_intelligence", gettext_lazy("Military or intelligence body")
    MINISTRY = "ministry", gettext_lazy("Ministry")
    MEDIA_OUTLET = "media_outlet", gettext_lazy("Media outlet")
    NGO = "ngo", gettext_lazy("NGO")
    SOCIAL_ACCOUNT = "social_account", gettext_lazy("Social media account")
    OTHER = "other", gettext_lazy("Other")


class Reliability(models.TextChoices):
    """The Admiralty code's source-reliability axis."""

    A = "A", gettext_lazy("A – Completely reliable")
    B = "B", gettext_lazy("B – Usually reliable")
    C = "C", gettext_lazy("C – Fairly reliable")
    D = "D", gettext_lazy("D – Not usually reliable")
    E = "E", gettext_lazy("E – Unreliable")
    F = "F", gettext_lazy("F – Reliability cannot be judged")


class Conflict(models.Model):
    name = models.CharField(max_length=200, unique=True, verbose_name=gettext_lazy("name"))
    description = models.TextField(blank=True, verbose_name=gettext_lazy("description"))

    class Meta:
        verbose_name = gettext_lazy("conflict")
        verbose_name_plural = gettext_lazy("conflicts")

    def __str__(self):
        return self.name


class SourceQuerySet(models.QuerySet):
    def named(self, typed: str) -> "SourceQuerySet":
        """Sources whose name or any alias holds what was typed, in any script:
        "Буданов", "budanov" and "Budanov" find the same record, whichever
        spelling it was entered with. The one name search of the desk, the API
        and the admin."""
        keys = search_keys(typed)
        if not keys:
            return self.none()
        name, alias = Q(), Q()
        for key in keys:
            name |= Q(normalised_name__contains=key)
            alias |= Q(normalised__contains=key)
        return self.filter(name | Q(pk__in=SourceAlias.objects.filter(alias).values("source_id")))


class Source(models.Model):
    name = models.CharField(max_length=300, verbose_name=gettext_lazy("name"))
    # The name in lowercase Latin (normalise_name), so a search typed in any script finds it: "Буданов"
    # finds "Kyrylo Budanov" and "budanov" finds "Кирило Буданов". Serves the desk's and the API's source search.
    normalised_name = models.CharField(
        max_length=300,
        editable=False,
        default="",
        db_default="",
        db_index=True,
        verbose_name=gettext_lazy("normalised name"),
    )
    kind = models.CharField(
        max_length=32, choices=SourceKind.choices, default=SourceKind.OTHER, verbose_name=gettext_lazy("kind")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=gettext_lazy(
            "The organisation this source belongs to or speaks for (Budanov → HUR → Ministry of Defence)."
        ),
        verbose_name=gettext_lazy("parent"),
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text=gettext_lazy("ISO 3166-1 alpha-2 code, e.g. UA, US."),
        verbose_name=gettext_lazy("country"),
    )
    homepage = models.URLField(blank=True, verbose_name=gettext_lazy("homepage"))
    notes = models.TextField(blank=True, verbose_name=gettext_lazy("notes"))
    reliability = models.CharField(
        max_length=1,
        choices=Reliability.choices,
        blank=True,
        help_text=gettext_lazy("Latest Admiralty grade; set only by adding a grade, which keeps the history."),
        verbose_name=gettext_lazy("reliability"),
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_sources",
        help_text=gettext_lazy(
            "Set when this record was merged into another; merged records keep their id for old links."
        ),
        verbose_name=gettext_lazy("merged into"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("grade_source", "Can grade a source's reliability"),
            ("merge_source", "Can merge duplicate sources"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="source_not_own_parent"),
            models.UniqueConstraint(
                fields=["name", "country"],
                condition=Q(merged_into__isnull=True),
                name="source_unique_live_name_country",
            ),
        ]
        verbose_name = gettext_lazy("source")
        verbose_name_plural = gettext_lazy("sources")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalised_name = normalise_name(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "normalised_name"}
        super().save(*args, **kwargs)

    def name_in(self, language: str) -> str:
        """The name readers of ``language`` know it by (its alias marked with that
        language, "Кирило Буданов" for uk), else its own name. Reads ``aliases``:
        prefetch them when naming many sources."""
        primary = (language or "").split("-")[0].lower()
        for alias in self.aliases.all():
            if alias.language and alias.language.split("-")[0].lower() == primary:
                return alias.name
        return self.name

    def ancestors(self) -> list["Source"]:
        """Parents up to the root, nearest first (cycle-safe)."""
        chain, seen, node = [], {self.pk}, self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain


class SourceAlias(models.Model):
    """Another spelling of a source's name, in any script, used for matching; with a
    ``language``, also the name readers of that language see (one per language)."""

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="aliases", verbose_name=gettext_lazy("source")
    )
    name = models.CharField(max_length=300, verbose_name=gettext_lazy("name"))
    normalised = models.CharField(
        max_length=300, editable=False, db_index=True, verbose_name=gettext_lazy("normalised")
    )  # serves alias lookup in intake
    language = models.CharField(
        max_length=16,
        blank=True,
        default="",
        help_text=gettext_lazy(
            "A BCP 47 tag (uk, ru, en) when this is the name readers of that language know the source "
            "by; blank for another spelling, used only to find the source."
        ),
        verbose_name=gettext_lazy("language"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "normalised"], name="alias_unique_per_source"),
            models.UniqueConstraint(
                fields=["source", "language"], condition=~Q(language=""), name="one_display_name_per_language"
            ),
        ]
        verbose_name_plural = gettext_lazy("source aliases")
        verbose_name = gettext_lazy("source alias")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalised = normalise_name(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        self.language = (self.language or "").strip()
        if self.language and not re.fullmatch(LANGUAGE_TAG, self.language):
            raise ValidationError(
                {
                    "language": [
                        gettext("“%(value)s” is not a language tag: use uk, ru, en …") % {"value": self.language[:20]}
                    ]
                }
            )
        self.language = self.language.lower()


class ConflictParty(models.Model):
    """A source is a party to a named conflict, on one side."""

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="conflict_parties", verbose_name=gettext_lazy("source")
    )
    conflict = models.ForeignKey(
        Conflict, on_delete=models.PROTECT, related_name="parties", verbose_name=gettext_lazy("conflict")
    )
    side = models.CharField(
        max_length=100, help_text=gettext_lazy("e.g. Ukraine, Russia."), verbose_name=gettext_lazy("side")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "conflict"], name="one_side_per_conflict")]
        verbose_name_plural = gettext_lazy("conflict parties")
        verbose_name = gettext_lazy("conflict party")

    def __str__(self):
        return f"{self.source} — {self.conflict} ({self.side})"


class SourceRelation(models.Model):
    """Edges of the source graph besides the parent organisation."""

    class Kind(models.TextChoices):
        SPEAKS_FOR = "speaks_for", gettext_lazy("speaks for")
        RELAYS = "relays", gettext_lazy("usually relays")
        AFFILIATED = "affiliated", gettext_lazy("affiliated with")

    from_source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="relations_out", verbose_name=gettext_lazy("from source")
    )
    to_source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="relations_in", verbose_name=gettext_lazy("to source")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=gettext_lazy("kind"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_source", "to_source", "kind"], name="relation_unique"),
            models.CheckConstraint(condition=~Q(from_source=models.F("to_source")), name="relation_not_self"),
        ]
        verbose_name = gettext_lazy("source relation")
        verbose_name_plural = gettext_lazy("source relations")


class SourceGrade(models.Model):
    """Append-only: one row per grading. Never edited or deleted."""

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="grades", verbose_name=gettext_lazy("source")
    )
    grade = models.CharField(max_length=1, choices=Reliability.choices, verbose_name=gettext_lazy("grade"))
    rationale = models.TextField(verbose_name=gettext_lazy("rationale"))
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=gettext_lazy("graded by"),
    )
    graded_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("graded at"))

    class Meta:
        ordering = ["-graded_at", "-id"]
        indexes = [models.Index(fields=["source", "-graded_at"], name="grade_history_idx")]  # grade history per source
        verbose_name = gettext_lazy("source grade")
        verbose_name_plural = gettext_lazy("source grades")

    def __str__(self):
        return f"{self.source}: {self.grade}"


class SourceEvent(models.Model):
    """Append-only history of changes to source records (merges, imports, edits)."""

    class Kind(models.TextChoices):
        CREATED = "created", gettext_lazy("Created")
        EDITED = "edited", gettext_lazy("Edited")
        GRADED = "graded", gettext_lazy("Graded")
        MERGED = "merged", gettext_lazy("Merged")
        IMPORTED = "imported", gettext_lazy("Imported")

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="events", verbose_name=gettext_lazy("source")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=gettext_lazy("kind"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=gettext_lazy("actor")
    )
    data = models.JSONField(default=dict, blank=True, verbose_name=gettext_lazy("data"))
    note = models.TextField(blank=True, verbose_name=gettext_lazy("note"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = gettext_lazy("source event")
        verbose_name_plural = gettext_lazy("source events")


class TrackRecord(models.Model):
    """Cached result of the track-record computation (derived data, recomputed idempotently)."""

    source = models.OneToOneField(
        Source, on_delete=models.CASCADE, related_name="track_record", verbose_name=gettext_lazy("source")
    )
    mean = models.FloatField(null=True, verbose_name=gettext_lazy("mean"))
    interval_low = models.FloatField(null=True, verbose_name=gettext_lazy("interval low"))
    interval_high = models.FloatField(null=True, verbose_name=gettext_lazy("interval high"))
    effective_n = models.FloatField(default=0, verbose_name=gettext_lazy("effective n"))
    count = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("count"))
    by_topic = models.JSONField(default=dict, blank=True, verbose_name=gettext_lazy("by topic"))
    computed_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("computed at"))

    class Meta:
        verbose_name = gettext_lazy("track record")
        verbose_name_plural = gettext_lazy("track records")
