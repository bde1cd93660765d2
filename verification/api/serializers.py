"""Explicit input and output serializers for claims and queue actions.

Output serializers show each caller the fields its scopes may see: the lists
are in verification/api/visibility.py, and the context comes from
``visibility.context_for(request)``. Read keys never see unpublished
assessments, rationale drafts, internal notes, who holds a lease or who did
what: those fields are absent from their answers, not null.
"""

from django.core.validators import RegexValidator
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sources.models import Source, SourceKind
from verification.api.inputs import StrictInput
from verification.api.visibility import ScopedSerializer, scopes_in, shown
from verification.credibility.suggestions import suggest_for_claim
from verification.language import LANGUAGE_TAG, NOT_A_TAG
from verification.models import AttributionRole, Claim, ClaimEvent, Correction, Evidence, Verdict
from verification.status import public_url
from verification.urlnorm import normalise_url

# Events whose verdict is a reviewer's draft until someone signs it off.
_DRAFT_EVENTS = {ClaimEvent.Kind.ASSESSED, ClaimEvent.Kind.RETURNED}


class BlankIsNullChoiceField(serializers.ChoiceField):
    """The model stores 'no verdict yet' as ''; clients see null."""

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


def verdict_field(**kwargs):
    return BlankIsNullChoiceField(choices=Verdict.choices, allow_null=True, **kwargs)


class SourceRefSerializer(ScopedSerializer):
    visibility = "source_ref"
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SourceKind.choices)


class AttributionSummarySerializer(ScopedSerializer):
    visibility = "attribution_summary"
    source = SourceRefSerializer()
    role = serializers.ChoiceField(choices=AttributionRole.choices)


class AttributionSerializer(AttributionSummarySerializer):
    visibility = "attribution"
    id = serializers.IntegerField()
    quote = serializers.CharField()
    appeared_url = serializers.CharField()
    appeared_in = serializers.IntegerField(
        source="appeared_in_id", allow_null=True, help_text="Source id of the outlet."
    )
    appeared_at = serializers.DateTimeField(allow_null=True)
    relays = serializers.IntegerField(
        source="relays_id", allow_null=True, help_text="Id of the attribution this one relays."
    )


class AppearanceSerializer(ScopedSerializer):
    visibility = "appearance"
    url = serializers.CharField()
    outlet = serializers.IntegerField(source="outlet_id", allow_null=True, help_text="Source id of the outlet.")
    published_at = serializers.DateTimeField(allow_null=True)
    title = serializers.CharField()


class EvidenceSerializer(ScopedSerializer):
    visibility = "evidence"
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    title = serializers.CharField()
    url = serializers.CharField()
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices)
    credibility = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()
    capture_status = serializers.ChoiceField(choices=Evidence.Capture.choices)
    provided_by = serializers.IntegerField(source="provided_by_id", allow_null=True)
    added_at = serializers.DateTimeField()
    notes = serializers.CharField(required=False, help_text="Scope review: internal notes. Absent for read keys.")
    public_note = serializers.CharField(
        required=False,
        help_text="Scope review: the note for readers, shown on the public page once published. Absent for read keys.",
    )


class AssessmentFieldsSerializer(ScopedSerializer):
    visibility = "published_verdict"
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    label = serializers.CharField(source="get_verdict_display")
    confidence = serializers.FloatField()
    credibility = serializers.IntegerField(allow_null=True)
    rationale = serializers.CharField()


class PublishedVerdictSerializer(AssessmentFieldsSerializer):
    """The signed-off verdict and the text it was signed off for."""

    visibility = "published_verdict"

    text = serializers.CharField(
        help_text=(
            "The claim text as signed off, with approved corrections: what readers see. While a "
            "reopened claim is edited, `text` of the claim changes and this stays until the next "
            "sign-off."
        )
    )
    corrected_at = serializers.DateTimeField(
        allow_null=True, help_text="When an approved correction last changed the text; null if none did."
    )


def published_verdict(claim) -> dict | None:
    assessment = claim.published_assessment
    if assessment is None:
        return None
    corrected_at = serializers.DateTimeField().to_representation(claim.corrected_at) if claim.corrected_at else None
    return {**AssessmentFieldsSerializer(assessment).data, "text": claim.public_text, "corrected_at": corrected_at}


class PendingAssessmentSerializer(AssessmentFieldsSerializer):
    """A reviewer's draft awaiting sign-off: scope review only."""

    visibility = "pending_assessment"
    reviewer = serializers.CharField(source="reviewer.username")
    created_at = serializers.DateTimeField()


class EventSerializer(ScopedSerializer):
    visibility = "event"
    kind = serializers.ChoiceField(choices=ClaimEvent.Kind.choices)
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    verdict = verdict_field(help_text="Drafts are null for read keys.")
    confidence = serializers.FloatField(allow_null=True)
    actor = serializers.CharField(
        allow_null=True,
        required=False,
        help_text="Scope review: username, null for the system. Absent for read keys.",
    )
    note = serializers.CharField(required=False, help_text="Scope review. Absent for read keys.")

    def to_representation(self, event):
        # By hand, for speed (a claim's history can be long); the fields still come from the lists.
        fields = shown(self.visibility, scopes_in(self.context))
        internal = "note" in fields
        draft = event.kind in _DRAFT_EVENTS and not internal
        data = {
            "kind": event.kind,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "version": event.version,
            "created_at": serializers.DateTimeField().to_representation(event.created_at),
            "verdict": None if draft else (event.verdict or None),
            "confidence": None if draft else event.confidence,
        }
        if internal:
            data["actor"] = event.actor.username if event.actor_id else None
            data["note"] = event.note
        return {name: value for name, value in data.items() if name in fields}


class SuggestionReasonSerializer(ScopedSerializer):
    visibility = "suggestion_reason"
    factor = serializers.CharField(help_text="What moved the probability, e.g. source_record, party_only, similar.")
    direction = serializers.ChoiceField(choices=[("raises", "raises"), ("lowers", "lowers")])
    text = serializers.CharField()


class SuggestionSerializer(ScopedSerializer):
    """The suggested credibility the claim page shows: a prior to weigh, never a verdict."""

    visibility = "suggestion"
    grade = serializers.IntegerField(min_value=1, max_value=6, help_text="Admiralty information credibility 1–6.")
    label = serializers.CharField()
    probability = serializers.FloatField(help_text="Chance this desk rates the claim true or likely true.")
    interval = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text="90 % interval of the probability.",
    )
    reasons = SuggestionReasonSerializer(many=True, help_text="The (up to) three factors that moved it most.")


class ClaimSerializer(ScopedSerializer):
    """A claim in lists."""

    visibility = "claim"

    id = serializers.IntegerField()
    text = serializers.CharField()
    language = serializers.CharField()
    state = serializers.ChoiceField(choices=Claim.State.choices)
    verdict = verdict_field(help_text="The published verdict; null before the first sign-off, kept while reopened.")
    confidence = serializers.FloatField(allow_null=True)
    credibility = serializers.IntegerField(allow_null=True, help_text="Admiralty information credibility 1–6.")
    priority = serializers.IntegerField(
        required=False, help_text="Scope review: the desk's triage. Absent for read keys."
    )
    tags = serializers.SerializerMethodField()
    attributions = AttributionSummarySerializer(many=True)
    first_made_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    first_published_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="The public verdict page.")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, claim):
        return sorted(tag.name for tag in claim.tags.all())

    @extend_schema_field(serializers.URLField())
    def get_url(self, claim):
        return public_url(claim.pk)


class ClaimDetailSerializer(ClaimSerializer):
    """One claim with everything a reader may see; more for reviewers."""

    visibility = "claim_detail"
    reach = serializers.IntegerField(required=False, help_text="Scope review. Absent for read keys.")
    due_at = serializers.DateTimeField(allow_null=True, required=False, help_text="Scope review. Absent for read keys.")
    attributions = AttributionSerializer(many=True)
    appearances = AppearanceSerializer(many=True)
    evidence = EvidenceSerializer(many=True)
    published_verdict = serializers.SerializerMethodField()
    pending_assessment = serializers.SerializerMethodField(help_text="Scope review: the draft. Absent for read keys.")
    lease_owner = serializers.SerializerMethodField(help_text="Scope review. Absent for read keys.")
    lease_expires_at = serializers.SerializerMethodField(help_text="Scope review. Absent for read keys.")
    history = serializers.SerializerMethodField()
    suggestion = serializers.SerializerMethodField(help_text="Scope review. Absent for read keys.")

    @extend_schema_field(PublishedVerdictSerializer(allow_null=True))
    def get_published_verdict(self, claim):
        return published_verdict(claim)

    @extend_schema_field(PendingAssessmentSerializer(allow_null=True))
    def get_pending_assessment(self, claim):
        # Only called for reviewers: visibility drops the field before it is computed for others.
        if claim.pending_assessment is None:
            return None
        return PendingAssessmentSerializer(claim.pending_assessment, context=self.context).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_lease_owner(self, claim):
        return claim.lease_owner.username if claim.lease_owner_id else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_lease_expires_at(self, claim):
        if claim.lease_expires_at is None:
            return None
        return serializers.DateTimeField().to_representation(claim.lease_expires_at)

    @extend_schema_field(EventSerializer(many=True))
    def get_history(self, claim):
        return EventSerializer(claim.events.all(), many=True, context=self.context).data

    @extend_schema_field(SuggestionSerializer())
    def get_suggestion(self, claim):
        # Only called for reviewers; the claim page calls the same function (one suggestion, one path).
        suggestion = suggest_for_claim(claim, tags=claim.tags.all())
        return SuggestionSerializer(suggestion.as_api(), context=self.context).data


# --- Input ------------------------------------------------------------------


def _sources():
    return Source.objects.all()


class AttributionInputSerializer(StrictInput, serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(queryset=_sources(), help_text="Source id.")
    role = serializers.ChoiceField(choices=AttributionRole.choices)
    quote = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    appeared_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=2000)
    appeared_in = serializers.PrimaryKeyRelatedField(
        queryset=_sources(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Source id of the outlet.",
    )
    appeared_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    relays_source = serializers.PrimaryKeyRelatedField(
        queryset=_sources(),
        required=False,
        allow_null=True,
        default=None,
        help_text="For a relayed statement: the source id it relays.",
    )


class AppearanceInputSerializer(StrictInput, serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    outlet = serializers.PrimaryKeyRelatedField(queryset=_sources(), required=False, allow_null=True, default=None)
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ClaimEditableSerializer(StrictInput, serializers.Serializer):
    text = serializers.CharField(max_length=10000)
    language = serializers.CharField(
        required=False,
        max_length=16,
        validators=[RegexValidator(LANGUAGE_TAG, NOT_A_TAG)],
        help_text="BCP 47 tag such as uk, ru or en.",
    )
    first_made_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    priority = serializers.IntegerField(required=False, default=50, min_value=0, max_value=100)
    reach = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2_000_000_000)
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ClaimCreateSerializer(ClaimEditableSerializer):
    language = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=16,
        validators=[RegexValidator(f"{LANGUAGE_TAG}|^$", NOT_A_TAG)],
        help_text="BCP 47 tag such as uk or en; left out or empty, it is detected from the text.",
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list, max_length=20
    )
    attributions = AttributionInputSerializer(many=True, required=False, default=list, max_length=50)
    appearances = AppearanceInputSerializer(many=True, required=False, default=list, max_length=50)
    force = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Create the claim even if existing claims have nearly the same text (without it: 409 "
            "`likely_duplicate` with the candidates)."
        ),
    )

    def validate_appearances(self, items):
        seen = set()
        for index, item in enumerate(items):
            key = normalise_url(item["url"])
            if key in seen:
                raise serializers.ValidationError(
                    gettext("appearances[%(index)s]: the same article URL is listed twice.") % {"index": index}
                )
            seen.add(key)
        return items


class ClaimPatchSerializer(ClaimEditableSerializer):
    """Only the fields sent are changed; fields not listed are refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class VersionSerializer(StrictInput, serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The claim version your change is based on.")


class NoteSerializer(VersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class AssessSerializer(VersionSerializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    confidence = serializers.FloatField(min_value=0, max_value=1)
    rationale = serializers.CharField(max_length=50000)
    credibility = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=6)


class ReturnSerializer(VersionSerializer):
    comment = serializers.CharField(max_length=5000, help_text="What the reviewer should change.")


class ReopenSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=5000)


# --- Corrections (verification/api/corrections.py) ----------------------------


class CorrectionSerializer(serializers.Serializer):
    """A proposed fix of a published claim's text and its decision (review scope)."""

    id = serializers.IntegerField()
    claim = serializers.IntegerField(source="claim_id")
    outcome = serializers.ChoiceField(choices=Correction.Outcome.choices)
    old_text = serializers.CharField(help_text="The published text the fix applies to.")
    new_text = serializers.CharField()
    reason = serializers.CharField(help_text="What it fixes; shown on the public page once approved.")
    proposed_by = serializers.CharField(source="proposed_by.username")
    proposed_at = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField(help_text="Why it was rejected or withdrawn; optional on approval.")


class CorrectionResultSerializer(CorrectionSerializer):
    """The answer to a correction write."""

    claim_version = serializers.IntegerField(help_text="The claim's version after the write: send it next.")


class CorrectionProposeSerializer(VersionSerializer):
    text = serializers.CharField(
        max_length=10000,
        help_text="The claim's text with the typo fixed; numbers and dates may not change.",
    )
    reason = serializers.CharField(max_length=2000, help_text="What the correction fixes; readers see it.")


class CorrectionDecisionSerializer(VersionSerializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="Optional on approval; required to reject or withdraw (say why).",
    )
