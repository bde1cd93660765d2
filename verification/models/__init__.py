from verification.models.access import ApiKey, Notification, WebhookDelivery, WebhookEndpoint, WebhookEvent, WorkerHeartbeat
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
from verification.models.evidence import CustodyEvent, Evidence, Snapshot, StoredFile

__all__ = [
    "ApiKey", "Appearance", "Assessment", "Attribution", "AttributionRole", "Claim", "ClaimEvent",
    "CustodyEvent", "Evidence", "Notification", "Snapshot", "StoredFile", "Tag", "Verdict",
    "WebhookDelivery", "WebhookEndpoint", "WebhookEvent", "WorkerHeartbeat",
]
