from verification.models.access import (
    ApiKey,
    BrokerFailure,
    IdempotentRequest,
    Notification,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WorkerHeartbeat,
)
from verification.models.calibration import CalibrationSnapshot
from verification.models.claims import (
    Appearance,
    Assessment,
    Attribution,
    AttributionRole,
    Claim,
    ClaimEvent,
    Tag,
    Verdict,
)
from verification.models.collaboration import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTick,
    Comment,
    CommentRevision,
)
from verification.models.corrections import Correction
from verification.models.evidence import CustodyEvent, Evidence, MediaHash, Preview, Snapshot, StoredFile
from verification.models.external import ExternalReview, ExternalReviewImport
from verification.models.intake import IntakeBatch, Proposal
from verification.models.keyframes import Keyframe, KeyframeSet
from verification.models.media_reviews import MediaReview
from verification.models.metadata import MediaMetadata
from verification.models.profile import DeskProfile
from verification.models.suggestion import SuggestionModel
from verification.models.timestamps import TrustedTimestamp
from verification.models.translations import VerdictTranslation

__all__ = [
    "ApiKey",
    "BrokerFailure",
    "IdempotentRequest",
    "Appearance",
    "Assessment",
    "Attribution",
    "AttributionRole",
    "CalibrationSnapshot",
    "ChecklistItem",
    "ChecklistTemplate",
    "ChecklistTick",
    "Claim",
    "ClaimEvent",
    "Comment",
    "CommentRevision",
    "Correction",
    "CustodyEvent",
    "DeskProfile",
    "Evidence",
    "ExternalReview",
    "ExternalReviewImport",
    "IntakeBatch",
    "Keyframe",
    "KeyframeSet",
    "MediaMetadata",
    "MediaReview",
    "Notification",
    "MediaHash",
    "Preview",
    "Proposal",
    "Snapshot",
    "StoredFile",
    "SuggestionModel",
    "Tag",
    "TrustedTimestamp",
    "Verdict",
    "VerdictTranslation",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WorkerHeartbeat",
]
