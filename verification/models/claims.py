"""Claims, who they are attributed to, where they appeared, and their history."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sources.text import search_form
from verification.urlnorm import normalise_url


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    LIKELY_TRUE = "likely_true", _("Likely true")
    UNPROVEN = "unproven", _("Unproven (cannot be confirmed)")
    DISPUTED = "disputed", _("Disputed (credible evidence both ways)")
    MISLEADING = "misleading", _("Misleading")
    FALSE = "false", _("False")
    NOT_CHECKABLE = "not_checkable", _("Not checkable (opinion)")


class Tag(models.Model):
    name = models.CharField(max_length=64, unique=True, verbose_name=_("name"))

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


# What ``search_text`` is made from: the text, analysed for the claim's language.
ANALYSED_FIELDS = ("text", "language")


class ClaimQuerySet(models.QuerySet):
    """Keeps ``search_text`` in step on the bulk paths ``save`` does not see."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for claim in objs:
            claim.search_text = search_form(claim.text, claim.language)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if set(fields) & set(ANALYSED_FIELDS):
            objs = list(objs)
            for claim in objs:
                claim.search_text = search_form(claim.text, claim.language)
            fields = [*fields, "search_text"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        """As QuerySet.update; a new text or language re-analyses ``search_text``: at
        once when both are given as values, else row by row for the rows updated
        (their ids are read first, since the update may change what the filter matches)."""
        given = {name: kwargs[name] for name in ANALYSED_FIELDS if name in kwargs}
        if not given:
            return super().update(**kwargs)
        if all(isinstance(kwargs.get(name), str) for name in ANALYSED_FIELDS):
            kwargs["search_text"] = search_form(kwargs["text"], kwargs["language"])
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            ids = list(self.values_list("pk", flat=True))
            updated = super().update(**kwargs)
            rows = list(self.model.objects.using(self.db).filter(pk__in=ids).only("pk", *ANALYSED_FIELDS))
            for claim in rows:
                claim.search_text = search_form(claim.text, claim.language)
            self.model.objects.using(self.db).bulk_update(rows, ["search_text"], batch_size=500)
        return updated


class Claim(models.Model):
    """A checkable statement and where it stands in review.

    Workflow (the allowed moves are ALLOWED_MOVES in verification/workflow/transitions.py;
    only functions there change ``state``)::

        queued ──take──▶ in_review ──assess──▶ awaiting_signoff ──sign off──▶ published
          ▲                │  │                      │                          │
          └──release/expire┘  │                      └──return──▶ in_review     │
                              │                                                 │
        reopened ◀────────────┼───────────────reopen / new evidence─────────────┘
          └──take──▶ in_review

    ``verdict`` and ``confidence`` are those of the *published* assessment: they
    stay visible while a claim is reopened, until a new one is signed off.

    Published means frozen: while ``published``, what the claim says (``text``,
    ``language``, ``first_made_at``, attributions, appearances) cannot change;
    reopen it first, or fix a typo through a Correction (docs/corrections.md).
    ``published_text`` is the text as last signed off (plus approved
    corrections): readers see it, not ``text``, while a reopened claim is
    edited and until the new sign-off.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        IN_REVIEW = "in_review", _("In review")
        AWAITING_SIGNOFF = "awaiting_signoff", _("Awaiting sign-off")
        PUBLISHED = "published", _("Published")
        REOPENED = "reopened", _("Reopened")

    text = models.TextField(verbose_name=_("text"))
    # ``text`` as the matcher's index reads it (verification.matching.search_form):
    # kept in step by ``save`` and by every ``update(text=...)``.
    search_text = models.TextField(editable=False, default="", verbose_name=_("search text"))
    first_made_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the claim was first made."), verbose_name=_("first made at")
    )
    language = models.CharField(max_length=16, default="en", verbose_name=_("language"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims", verbose_name=_("tags"))

    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED, verbose_name=_("state"))
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True, verbose_name=_("verdict"))
    confidence = models.FloatField(null=True, blank=True, verbose_name=_("confidence"))
    credibility = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Admiralty information credibility 1–6."), verbose_name=_("credibility")
    )
    published_assessment = models.ForeignKey(
        "Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published assessment"),
    )
    pending_assessment = models.ForeignKey(
        "Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pending assessment"),
    )
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    first_published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("first published at"))
    published_text = models.TextField(
        blank=True,
        help_text=_("The text as last signed off, with approved corrections: what readers see."),
        verbose_name=_("published text"),
    )
    corrected_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When an approved correction last changed the published text."),
        verbose_name=_("corrected at"),
    )

    priority = models.IntegerField(default=50, help_text=_("Higher is taken first."), verbose_name=_("priority"))
    reach = models.PositiveIntegerField(
        default=0, help_text=_("Estimated audience of the appearances."), verbose_name=_("reach")
    )
    view_count = models.PositiveIntegerField(default=0, verbose_name=_("view count"))
    due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("due at"))
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Set once per SLA breach."), verbose_name=_("escalated at")
    )

    lease_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leased_claims",
        verbose_name=_("lease owner"),
    )
    lease_expires_at = models.DateTimeField(null=True, blank=True, verbose_name=_("lease expires at"))
    last_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last reviewer"),
    )

    version = models.PositiveIntegerField(
        default=1, help_text=_("Bumped on every change; writes carry the version they read."), verbose_name=_("version")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("review_claim", "Can take, assess and release claims in the queue"),
            ("signoff_claim", "Can sign off or return another reviewer's assessment"),
            ("assign_claim", "Can reassign and bulk-release claims"),
            ("reopen_claim", "Can reopen a published claim"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=1),
                name="claim_confidence_0_1",
            ),
            models.CheckConstraint(
                condition=Q(credibility__isnull=True) | Q(credibility__gte=1, credibility__lte=6),
                name="claim_credibility_1_6",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="claim_text_not_empty"),
            models.CheckConstraint(
                condition=Q(lease_owner__isnull=True, lease_expires_at__isnull=True)
                | Q(lease_owner__isnull=False, lease_expires_at__isnull=False),
                name="claim_lease_owner_and_expiry_together",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "in_review", "awaiting_signoff", "published", "reopened"]),
                name="claim_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(verdict="") | Q(verdict__in=[v.value for v in Verdict]), name="claim_verdict_valid"
            ),
        ]
        indexes = [
            # "take next": highest priority first among unleased queued/reopened claims.
            models.Index(
                fields=["-priority", "created_at"],
                name="claim_queue_idx",
                condition=Q(state__in=["queued", "reopened"], lease_owner__isnull=True),
            ),
            # lease expiry scan
            models.Index(
                fields=["lease_expires_at"], name="claim_lease_expiry_idx", condition=Q(lease_owner__isnull=False)
            ),
            # SLA scan: due claims not yet escalated
            models.Index(
                fields=["due_at"], name="claim_due_idx", condition=Q(escalated_at__isnull=True) & ~Q(state="published")
            ),
            # list filters and cursor pagination
            models.Index(fields=["state", "-created_at"], name="claim_state_created_idx"),
            models.Index(fields=["-updated_at", "-id"], name="claim_updated_idx"),
            # API: GET /claims in its default order (-created_at, -id), cursor-paginated; without it
            # every page sorts the whole table (bench/scale.py: 60 ms at 100k claims, 0.1 ms with it)
            models.Index(fields=["-created_at", "-id"], name="claim_created_idx"),
            # desk: the "overdue" tab and the dashboard's SLA breaches (escalated or not)
            models.Index(fields=["due_at"], name="claim_open_due_idx", condition=~Q(state="published")),
            # desk: the "recently published" tab
            models.Index(fields=["-published_at", "-id"], name="claim_published_idx", condition=Q(state="published")),
        ]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        self.search_text = search_form(self.text, self.language)
        update_fields = kwargs.get("update_fields")
        if (
            update_fields is not None
            and set(update_fields) & set(ANALYSED_FIELDS)
            and "search_text" not in update_fields
        ):
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("public-claim", args=[self.pk])

    @property
    def public_text(self) -> str:
        """What readers see: the signed-off text, never a re-review's draft.
        Claims published before ``published_text`` existed fall back to ``text``."""
        return self.published_text or self.text

    @property
    def public_url(self) -> str:
        from verification.status import public_url

        return public_url(self.pk)


class AttributionRole(models.TextChoices):
    STATED = "stated", _("Stated")
    RELAYED = "relayed", _("Relayed")
    RELEASED_MATERIAL = "released_material", _("Released material")
    COULD_NOT_CONFIRM = "could_not_confirm", _("Could not confirm")
    DENIED = "denied", _("Denied")
    OPINION = "opinion", _("Opinion or commentary")


class Attribution(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attributions", verbose_name=_("claim"))
    source = models.ForeignKey(
        "sources.Source", on_delete=models.PROTECT, related_name="attributions", verbose_name=_("source")
    )
    role = models.CharField(max_length=20, choices=AttributionRole.choices, verbose_name=_("role"))
    quote = models.TextField(blank=True, verbose_name=_("quote"))
    relays = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="relayed_by",
        help_text=_("For a relayed attribution: the attribution it passes on."),
        verbose_name=_("relays"),
    )
    appeared_url = models.URLField(max_length=2000, blank=True, verbose_name=_("appeared url"))
    appeared_in = models.ForeignKey(
        "sources.Source",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The outlet where the statement appeared."),
        verbose_name=_("appeared in"),
    )
    appeared_at = models.DateTimeField(null=True, blank=True, verbose_name=_("appeared at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "source", "role"], name="attribution_unique_role"),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in AttributionRole]), name="attribution_role_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["source", "role"], name="attribution_source_role_idx"),  # track records
            # source page: a source's claims, newest first, one page at a time (sources/pages.py); read in
            # index order, so a source quoted in 100k claims costs what one quoted in ten does
            models.Index(fields=["source", "-claim", "-id"], name="attribution_source_recent_idx"),
        ]
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")

    def __str__(self):
        return f"{self.source} {self.get_role_display().lower()}"


class Appearance(models.Model):
    """Where the claim was published (an article URL), matched by the status lookup."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances", verbose_name=_("claim"))
    url = models.URLField(max_length=2000, verbose_name=_("url"))
    normalised_url = models.CharField(
        max_length=2000, editable=False, db_index=True, verbose_name=_("normalised url")
    )  # GET /api/v1/status?url=
    outlet = models.ForeignKey(
        "sources.Source",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appearances",
        verbose_name=_("outlet"),
    )
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    title = models.CharField(max_length=500, blank=True, verbose_name=_("title"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "normalised_url"], name="appearance_unique_per_claim")]
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")

    def __str__(self):
        return self.url

    def save(self, *args, **kwargs):
        self.normalised_url = normalise_url(self.url)
        super().save(*args, **kwargs)


class Assessment(models.Model):
    """Append-only: one reviewer's verdict, confidence and rationale. Never edited."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("claim"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("reviewer")
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices, verbose_name=_("verdict"))
    confidence = models.FloatField(verbose_name=_("confidence"))
    credibility = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("credibility"))
    rationale = models.TextField(verbose_name=_("rationale"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(confidence__gte=0, confidence__lte=1), name="assessment_confidence_0_1"),
            models.CheckConstraint(
                condition=Q(credibility__isnull=True) | Q(credibility__gte=1, credibility__lte=6),
                name="assessment_credibility_1_6",
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=[v.value for v in Verdict]), name="assessment_verdict_valid"
            ),
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")


class ClaimEvent(models.Model):
    """Append-only history of every change to a claim: who, when, from, to, why."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        TAKEN = "taken", _("Taken")
        RELEASED = "released", _("Released")
        EXTENDED = "extended", _("Extended")
        EXPIRED = "expired", _("Expired")
        REASSIGNED = "reassigned", _("Reassigned")
        ASSESSED = "assessed", _("Assessed")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned")
        REOPENED = "reopened", _("Reopened")
        ESCALATED = "escalated", _("Escalated")
        PRIORITY = "priority", _("Priority")
        EVIDENCE = "evidence", _("Evidence")
        CORRECTION_PROPOSED = "correction_proposed", _("Correction Proposed")
        CORRECTED = "corrected", _("Corrected")
        CORRECTION_REJECTED = "correction_rejected", _("Correction Rejected")
        CORRECTION_WITHDRAWN = "correction_withdrawn", _("Correction Withdrawn")
        # Collaboration (verification.workflow.discussion, .checklists): internal to the desk.
        COMMENTED = "commented", _("Commented")
        COMMENT_EDITED = "comment_edited", _("Edited a comment")
        CHECKLIST_TICKED = "checklist_ticked", _("Ticked a checklist item")
        CHECKLIST_UNTICKED = "checklist_unticked", _("Unticked a checklist item")
        # A translation of the published verdict for readers (verification.workflow.translations).
        TRANSLATED = "translated", _("Translated the verdict")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events", verbose_name=_("claim"))
    kind = models.CharField(max_length=24, choices=Kind.choices, verbose_name=_("kind"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    from_state = models.CharField(max_length=20, blank=True, verbose_name=_("from state"))
    to_state = models.CharField(max_length=20, blank=True, verbose_name=_("to state"))
    verdict = models.CharField(max_length=20, blank=True, verbose_name=_("verdict"))
    confidence = models.FloatField(null=True, blank=True, verbose_name=_("confidence"))
    changes = models.JSONField(default=dict, blank=True, verbose_name=_("changes"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    version = models.PositiveIntegerField(
        help_text=_("The claim's version after this change."), verbose_name=_("version")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["claim", "created_at"], name="claim_event_timeline_idx"),  # claim history
            models.Index(
                fields=["kind", "created_at"], name="claim_event_kind_time_idx"
            ),  # dashboard: verdicts per day
        ]
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")

    def __str__(self):
        return f"{self.kind} {self.from_state}→{self.to_state}"
