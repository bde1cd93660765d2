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
from verification.models.corrections import Correction
from verification.models.evidence import CustodyEvent, Evidence, Snapshot, StoredFile
from verification.models.external import ExternalReview, ExternalReviewImport
from verification.models.intake import IntakeBatch, Proposal
from verification.models.suggestion import SuggestionModel

__all__ = [
    "ApiKey",
    "BrokerFailure",
    "IdempotentRequest",
    "Appearance",
    "Assessment",
    "Attribution",
    "AttributionRole",
    "CalibrationSnapshot",
    "Claim",
    "ClaimEvent",
    "Correction",
    "CustodyEvent",
    "Evidence",
    "ExternalReview",
    "ExternalReviewImport",
    "IntakeBatch",
    "Notification",
    "Proposal",
    "Snapshot",
    "StoredFile",
    "SuggestionModel",
    "Tag",
    "Verdict",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WorkerHeartbeat",
]
