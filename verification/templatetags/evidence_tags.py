"""The evidence panel's data, so the partial needs nothing but ``claim`` in
its context and can be included in any page, or swapped in by HTMX."""

from django import template
from django.conf import settings
from django.db.models import Prefetch

from verification.desk.evidence import CREDIBILITY
from verification.evidence import keyframes, media_review, timestamps
from verification.evidence.metadata import for_items as metadata_for
from verification.evidence.perceptual import hashes_of, seen_before
from verification.evidence.previews import covers
from verification.evidence.writes import related_map
from verification.models import CustodyEvent, Evidence, Snapshot

register = template.Library()
PANEL_LIMIT = 200  # a claim with more evidence than this needs a search, not a panel


@register.simple_tag(takes_context=True)
def evidence_panel(context, claim) -> dict:
    """Evidence of ``claim`` with snapshots, custody, related items, previews, what
    the files say about themselves and MediaReview ratings: eight queries; with
    pictures hashed, one more for their hashes and at most two for what they match
    (more for many hashes: perceptual.nearby); with videos, two for their keyframes;
    with any stored hash, one more for trusted timestamps."""
    request = context.get("request")
    user = getattr(request, "user", None)
    items = list(
        claim.evidence.select_related("stored_file", "provided_by", "added_by").prefetch_related(
            Prefetch("snapshots", queryset=Snapshot.objects.select_related("stored_file", "warc")),
            Prefetch("custody", queryset=CustodyEvent.objects.select_related("actor")),
        )[:PANEL_LIMIT]
    )
    related = related_map(items)
    previews = covers(items)
    metadata = metadata_for(items, claim)
    ratings = media_review.current_reviews(items)
    hashes = hashes_of(items)
    matches = seen_before(items, own=hashes)
    strips = keyframes.for_items(items)
    stamps = timestamps.for_items(items)
    alarms = []
    for item in items:
        item.is_media = media_review.is_media(item)
        item.media_review = ratings.get(item.pk)
        item.related_items = related.get(item.pk, [])
        item.cover = previews.get(item.pk)
        item.file_metadata = metadata.get(item.pk)
        item.media_hashes = hashes.get(item.sha256, [])
        item.media_matches = matches.get(item.pk, [])
        item.keyframe_set = strips.get(item.pk)
        item.trusted_timestamps = stamps.get(item.pk, [])
        item.snapshot_list = list(item.snapshots.all())
        files = [item.stored_file] if item.stored_file else []
        files += [s.stored_file for s in item.snapshot_list]
        files += [s.warc for s in item.snapshot_list if s.warc is not None]
        item.integrity_alarm = any(not f.integrity_ok for f in files)
        if item.integrity_alarm:
            alarms.append(item)
    return {
        "items": items,
        "alarms": alarms,
        "can_add": bool(user and user.has_perm("verification.add_evidence")),
        "can_change": bool(user and user.has_perm("verification.change_evidence")),
        "kinds": Evidence.Kind.choices,
        "stances": Evidence.Stance.choices,
        "credibility_choices": CREDIBILITY[1:],
        "can_rate_media": bool(user and user.has_perm(media_review.PERMISSION)),
        "media_categories": media_review.Category.choices,
        "poll_seconds": settings.LIVE_POLL_SECONDS,
    }
