"""The status fields every client sees: the API, ClaimReview, exports and
webhooks share them, so one claim reads the same everywhere."""

from functools import cache

from django.conf import settings
from django.urls import reverse


@cache
def _public_path() -> tuple[str, str]:
    """The public page path split around the id, so hot paths need no reverse()."""
    head, _, tail = reverse("public-claim", args=[987654321]).partition("987654321")
    return head, tail


def public_url(claim_id: int) -> str:
    head, tail = _public_path()
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{head}{claim_id}{tail}"


def rfc3339(value) -> str | None:
    """An aware datetime as RFC 3339 in UTC with a Z; None stays None."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def status_from_values(claim_id, state, verdict, confidence, updated_at) -> dict:
    """verdict/confidence are the *published* ones: null before the first
    sign-off, kept while the claim is reopened."""
    return {
        "id": claim_id,
        "state": state,
        "verdict": verdict or None,
        "confidence": confidence,
        "updated_at": rfc3339(updated_at),
        "url": public_url(claim_id),
    }


def status_fields(claim) -> dict:
    return status_from_values(claim.id, claim.state, claim.verdict, claim.confidence, claim.updated_at)
