"""The evidence panel's data, so the partial needs nothing but ``claim`` in
its context and can be included in any page, or swapped in by HTMX."""

from django import template
from django.db.models import Prefetch

from verification.desk.evidence import CREDIBILITY
from verification.evidence.perceptual import hashes_of, seen_before
from verification.evidence.previews import covers
from verification.evidence.writes import related_map
from verification.models import CustodyEvent, Evidence, Snapshot

register = template.Library()
PANEL_LIMIT = 200  # a claim with more evidence than this needs a search, not a panel


@register.simple_tag(takes_context=True)
def evidence_panel(context, claim) -> dict:
    """Evidence of ``claim`` with snapshots, custody, related items and previews: six queries;
    with pictures hashed, one more for their hashes and at most two for what they match."""
    request = context.get("request")
    user = getattr(request, "user", None)
    items = list(
        claim.evidence.select_related("stored_file", "provided_by", "added_by").prefetch_related(
            Prefetch("snapshots", queryset=Snapshot.objects.select_related("stored_file")),
            Prefetch("custody", queryset=CustodyEvent.objects.select_related("actor")),
        )[:PANEL_LIMIT]
    )
    related = related_map(items)
    previews = covers(items)
    hashes = hashes_of(items)
    matches = seen_before(items, own=hashes)
    alarms = []
    for item in items:
        item.related_items = related.get(item.pk, [])
        item.cover = previews.get(item.pk)
        item.media_hashes = hashes.get(item.sha256, [])
        item.media_matches = matches.get(item.pk, [])
        item.snapshot_list = list(item.snapshots.all())
        files = [item.stored_file] if item.stored_file else []
        files += [s.stored_file for s in item.snapshot_list]
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
    }
