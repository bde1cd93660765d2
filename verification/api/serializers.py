"""Explicit input and output serializers for claims and queue actions.

Output serializers take ``context['internal']``: True for review and admin
callers. Read keys never see unpublished assessments, rationale drafts,
internal notes, who holds a lease or who did what.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sources.models import Source, SourceKind
from verification.models import AttributionRole, Claim, ClaimEvent, Evidence, Verdict
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


class SourceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SourceKind.choices)


class AttributionSummarySerializer(serializers.Serializer):
    source = SourceRefSerializer()
    role = serializers.ChoiceField(choices=AttributionRole.choices)


class AttributionSerializer(AttributionSummarySerializer):
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


class AppearanceSerializer(serializers.Serializer):
    url = serializers.CharField()
    outlet = serializers.IntegerField(source="outlet_id", allow_null=True, help_text="Source id of the outlet.")
    published_at = serializers.DateTimeField(allow_null=True)
    title = serializers.CharField()


class EvidenceSerializer(serializers.Serializer):
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
    notes = serializers.CharField(allow_null=True, help_text="Internal notes: null for read keys.")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("internal"):
            data["notes"] = None
        return data


class PublishedVerdictSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    label = serializers.CharField(source="get_verdict_display")
    confidence = serializers.FloatField()
    credibility = serializers.IntegerField(allow_null=True)
    rationale = serializers.CharField()


class PendingAssessmentSerializer(PublishedVerdictSerializer):
    reviewer = serializers.CharField(source="reviewer.username")
    created_at = serializers.DateTimeField()


class EventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ClaimEvent.Kind.choices)
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    verdict = verdict_field(help_text="Drafts are null for read keys.")
    confidence = serializers.FloatField(allow_null=True)
    actor = serializers.CharField(allow_null=True, help_text="Username; null for read keys and the system.")
    note = serializers.CharField(allow_null=True, help_text="Null for read keys.")

    def to_representation(self, event):
        internal = self.context.get("internal")
        draft = event.kind in _DRAFT_EVENTS and not internal
        return {
            "kind": event.kind,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "version": event.version,
            "created_at": serializers.DateTimeField().to_representation(event.created_at),
            "verdict": None if draft else (event.verdict or None),
            "confidence": None if draft else event.confidence,
            "actor": event.actor.username if internal and event.actor_id else None,
            "note": event.note if internal else None,
        }


class ClaimSerializer(serializers.Serializer):
    """A claim in lists and exports."""

    id = serializers.IntegerField()
    text = serializers.CharField()
    language = serializers.CharField()
    state = serializers.ChoiceField(choices=Claim.State.choices)
    verdict = verdict_field(help_text="The published verdict; null before the first sign-off, kept while reopened.")
    confidence = serializers.FloatField(allow_null=True)
    credibility = serializers.IntegerField(allow_null=True, help_text="Admiralty information credibility 1–6.")
    priority = serializers.IntegerField()
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

    reach = serializers.IntegerField()
    due_at = serializers.DateTimeField(allow_null=True)
    attributions = AttributionSerializer(many=True)
    appearances = AppearanceSerializer(many=True)
    evidence = EvidenceSerializer(many=True)
    published_verdict = PublishedVerdictSerializer(source="published_assessment", allow_null=True)
    pending_assessment = serializers.SerializerMethodField(help_text="Reviewers only; null for read keys.")
    lease_owner = serializers.SerializerMethodField(help_text="Reviewers only; null for read keys.")
    lease_expires_at = serializers.SerializerMethodField(help_text="Reviewers only; null for read keys.")
    history = serializers.SerializerMethodField()

    @extend_schema_field(PendingAssessmentSerializer(allow_null=True))
    def get_pending_assessment(self, claim):
        if not self.context.get("internal") or claim.pending_assessment is None:
            return None
        return PendingAssessmentSerializer(claim.pending_assessment).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_lease_owner(self, claim):
        return claim.lease_owner.username if self.context.get("internal") and claim.lease_owner_id else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_lease_expires_at(self, claim):
        if not self.context.get("internal") or claim.lease_expires_at is None:
            return None
        return serializers.DateTimeField().to_representation(claim.lease_expires_at)

    @extend_schema_field(EventSerializer(many=True))
    def get_history(self, claim):
        return EventSerializer(claim.events.all(), many=True, context=self.context).data


# --- Input ------------------------------------------------------------------


def _sources():
    return Source.objects.all()


class AttributionInputSerializer(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(queryset=_sources(), help_text="Source id.")
    role = serializers.ChoiceField(choices=AttributionRole.choices)
    quote = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    appeared_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=2000)
    appeared_in = serializers.PrimaryKeyRelatedField(
        queryset=_sources(), required=False, allow_null=True, default=None, help_text="Source id of the outlet."
    )
    appeared_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    relays_source = serializers.PrimaryKeyRelatedField(
        queryset=_sources(),
        required=False,
        allow_null=True,
        default=None,
        help_text="For a relayed statement: the source id it relays.",
    )


class AppearanceInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    outlet = serializers.PrimaryKeyRelatedField(queryset=_sources(), required=False, allow_null=True, default=None)
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ClaimEditableSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000)
    language = serializers.CharField(required=False, default="en", max_length=16)
    first_made_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    priority = serializers.IntegerField(required=False, default=50, min_value=0, max_value=100)
    reach = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2_000_000_000)
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ClaimCreateSerializer(ClaimEditableSerializer):
    tags = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list, max_length=20
    )
    attributions = AttributionInputSerializer(many=True, required=False, default=list, max_length=50)
    appearances = AppearanceInputSerializer(many=True, required=False, default=list, max_length=50)

    def validate_appearances(self, items):
        seen = set()
        for index, item in enumerate(items):
            key = normalise_url(item["url"])
            if key in seen:
                raise serializers.ValidationError(f"appearances[{index}]: the same article URL is listed twice.")
            seen.add(key)
        return items


class ClaimPatchSerializer(ClaimEditableSerializer):
    """Only the fields sent are changed; fields not listed are refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [f"This field cannot be edited here; editable: {', '.join(self.fields)}."]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


class VersionSerializer(serializers.Serializer):
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
