"""The claim page's live fragment: what changes on an open claim page without
a reload (docs/live_pages.md).

The page polls ``GET /desk/claims/<pk>/live?seen=<version>`` every
LIVE_POLL_SECONDS (static/desk/live.js stops asking while the tab is hidden).
The answer holds only out-of-band swaps of small status elements, never a
panel with a form in it, so nothing the user is typing is swapped away: the
state badge, the version, the lease status, the first page of the history,
each URL's capture status, and the "someone else changed this claim" notice.

Two cheap queries (the claim row and its URL evidence's capture columns) make
an ETag; when it matches If-None-Match the answer is 304 with no body.
"""

import hashlib

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_GET

from verification.desk.base import desk_view, page_number, window
from verification.desk.claim import HISTORY_PAGE, OWN_HARMLESS, changes_since, describe, load_claim
from verification.models import Claim, Evidence, Snapshot
from verification.templatetags.evidence_tags import PANEL_LIMIT

TEMPLATE = "verification/_live_status.html"
CAPTURE_FIELDS = ("id", "claim_id", "url", "title", "capture_status", "capture_error", "capture_attempts")


def _seen(request) -> int | None:
    value = request.GET.get("seen", "")
    return int(value) if value.isdigit() else None


def url_evidence(claim: Claim) -> list[Evidence]:
    """The claim's URL evidence, as the panel lists it, with only what the capture line shows."""
    return list(claim.evidence.exclude(url="").only(*CAPTURE_FIELDS)[:PANEL_LIMIT])


def fingerprint(request, claim: Claim, items: list[Evidence], seen, history: int) -> str:
    """A strong ETag over everything the fragment shows, and whom it is shown to."""
    parts = [
        request.user.pk,
        seen,
        history,
        timezone.get_current_timezone_name(),
        claim.version,
        claim.state,
        claim.lease_owner_id,
        claim.lease_expires_at,
        claim.published_at,
        *((e.pk, e.capture_status, e.capture_error, e.capture_attempts) for e in items),
    ]
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def others_changes(request, claim: Claim, seen: int | None) -> list[str]:
    """What others changed since the user opened the page (their own lease
    extensions and evidence do not count: they conflict with nothing)."""
    if seen is None or claim.version <= seen:
        return []
    return [
        describe(e)
        for e in changes_since(claim.pk, seen)
        if not (e.actor_id == request.user.pk and e.kind in OWN_HARMLESS)
    ]


def live_context(request, claim: Claim, items: list[Evidence], seen, history: int) -> dict:
    prefetch_related_objects(
        items, Prefetch("snapshots", queryset=Snapshot.objects.select_related("stored_file", "warc"))
    )
    for item in items:
        item.snapshot_list = list(item.snapshots.all())
    user = request.user
    return {
        "claim": claim,
        "seen": seen,
        "changed": others_changes(request, claim, seen),
        "can": {"holds": claim.state == Claim.State.IN_REVIEW and claim.lease_owner_id == user.pk},
        "history": window(
            claim.events.select_related("actor").order_by("-created_at", "-id"), history, per_page=HISTORY_PAGE
        )
        if history == 1
        else None,
        "items": items,
        "panel": {"can_change": user.has_perm("verification.change_evidence")},
        # The capture line's "Capture again" form returns there without JavaScript.
        "next_url": reverse("desk-claim", args=[claim.pk]),
    }


@require_GET
@desk_view
def live_status(request, pk: int):
    """The fragment, or 304 when nothing it shows has changed."""
    claim = load_claim(pk)
    items = url_evidence(claim)
    seen, history = _seen(request), page_number(request, "history")
    etag = fingerprint(request, claim, items, seen, history)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = render(request, TEMPLATE, live_context(request, claim, items, seen, history))
    response["ETag"] = etag
    # Never from a cache without asking: the next poll sends If-None-Match itself (live.js).
    patch_cache_control(response, private=True, no_cache=True)
    return response
