"""Evidence as readers see it on the public verdict page (verification/desk/public.py).

- **Which items**: those the published verdict weighed, that is added at or
  before the latest sign-off. Evidence added while a claim is reopened shows
  once a new verdict is signed off, as the verdict and text do.
- **What of them**: title, kind, stance, provider, hash, the note for readers
  (`Evidence.public_note`; the internal `notes` never), and the preview of the
  bytes when one was made (served by `public-evidence-preview`, for these items only).
- **Links**: an evidence URL is linked only if nothing says it points inside a
  network. Nothing is resolved here: the host is read as the fetcher reads it
  (IP literals in every spelling the C library accepts, classified by
  `fetching.classify_ip`; names only a local network resolves), and what the
  capture recorded decides the rest: a capture refused by the SSRF check, or
  one that connected to (or ended at) a non-public address, withholds the link.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db.models import F, QuerySet

from verification.evidence import media_review, previews

# Not exported by the fetcher, but its reading of a host: reused so the two agree.
from verification.evidence.fetching import _ip_literal, classify_ip
from verification.models import Claim, CustodyEvent, Evidence, Preview

PUBLIC_LIMIT = 100
# Names that only a local network resolves (RFC 6761, RFC 6762, RFC 8375, and common private zones).
LOCAL_SUFFIXES = (".localhost", ".local", ".localdomain", ".internal", ".intranet", ".lan", ".home", ".corp")
LOCAL_SUFFIXES += (".home.arpa", ".private")
WITHHELD_TITLE = "A web page (its address is not public)"


def published_evidence(claim_id: int) -> QuerySet:
    """The items the published verdict of `claim_id` weighed; none if it has none."""
    return Evidence.objects.filter(
        claim_id=claim_id, claim__published_assessment__isnull=False, added_at__lte=F("claim__published_at")
    )


def host_problem(url: str) -> str | None:
    """Why `url` must not be linked for readers, judged from the URL alone, or None."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return "not a valid URL"
    if not host:
        return "no host"
    if parts.username or parts.password:
        return "the URL carries credentials"
    if literal := _ip_literal(host):
        return classify_ip(literal)
    if "." not in host or host == "localhost" or host.endswith(LOCAL_SUFFIXES):
        return f"{host} is a name only a local network resolves"
    return None


def _captures(items: list[Evidence]) -> dict[int, list[dict]]:
    """What each URL item's captures recorded (final URL, address connected to): one query."""
    captured = [item.pk for item in items if item.url and item.sha256]
    if not captured:
        return {}
    found: dict[int, list[dict]] = {}
    rows = CustodyEvent.objects.filter(evidence_id__in=captured, action=CustodyEvent.Action.CAPTURED)
    for evidence_id, detail in rows.values_list("evidence_id", "detail"):
        found.setdefault(evidence_id, []).append(detail or {})
    return found


def link_withheld(evidence: Evidence, captures: list[dict]) -> bool:
    if host_problem(evidence.url):
        return True
    if evidence.capture_error.startswith("refused:"):  # the fetcher's SSRF refusals all start so
        return True
    for detail in captures:
        ip, final_url = detail.get("ip"), detail.get("final_url")
        if (ip and _bad_ip(ip)) or (final_url and host_problem(final_url)):
            return True
    return False


def _bad_ip(ip: str) -> bool:
    try:
        return classify_ip(ip) is not None
    except ValueError:
        return True


def for_readers(claim: Claim) -> list[Evidence]:
    """The published items of `claim`, each with `public_link` (None when withheld),
    `public_title`, `public_cover` (a ready Preview or None) and `media_review`
    (its current MediaReview rating or None, with `public_original_link`, the
    rating's original-media address unless it is not public): four queries."""
    shown = published_evidence(claim.pk).select_related("provided_by", "stored_file").order_by("added_at", "id")
    items = list(shown[:PUBLIC_LIMIT])
    captures = _captures(items)
    covers = previews.covers(items)
    ratings = media_review.current_reviews(items, with_reviewer=False)
    for item in items:
        withheld = bool(item.url) and link_withheld(item, captures.get(item.pk, []))
        item.public_link = None if withheld or not item.url else item.url
        item.public_title = WITHHELD_TITLE if withheld and _names_address(item) else item.title
        cover = covers.get(item.pk)
        item.public_cover = cover if cover is not None and cover.status == Preview.Status.READY else None
        item.media_review = ratings.get(item.pk)
        original = item.media_review.original_url if item.media_review else ""
        item.public_original_link = original if original and not host_problem(original) else None
    return items


def _names_address(evidence: Evidence) -> bool:
    """A title that is the URL (the default) or names its host would show what the link hides."""
    title = evidence.title.strip().lower()
    try:
        host = (urlsplit(evidence.url).hostname or "").lower()
    except ValueError:
        host = ""
    return title == evidence.url.strip().lower() or bool(host and host in title)
