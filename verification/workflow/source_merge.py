"""Merging duplicate source records, claims' side included.

``sources.actions.merge_sources`` folds the source rows (aliases, grades,
relations, conflict sides) and knows nothing of claims; this module passes it
the step that re-points what verification holds about a source (attributions,
evidence it provided, appearances in an outlet), so the whole merge is one
transaction. The admin and the API call this function, never the one in sources.
"""

from sources import actions
from sources.models import Source
from verification.models import Appearance, Attribution, Evidence


def merge_sources(actor, keep_id: int, merge_ids, note: str = "") -> tuple[Source, dict]:
    """Fold ``merge_ids`` into ``keep_id``; returns (kept record, counts of what moved)."""
    return actions.merge_sources(actor, keep_id, merge_ids, note, move_related=_move_claim_rows)


def _move_claim_rows(keep: Source, merged: Source) -> dict:
    counts = {
        "attributions": _move_attributions(keep, merged),
        "evidence": Evidence.objects.filter(provided_by=merged).update(provided_by=keep),
        "appearances": Appearance.objects.filter(outlet=merged).update(outlet=keep),
    }
    Attribution.objects.filter(appeared_in=merged).update(appeared_in=keep)
    return counts


def _move_attributions(keep: Source, merged: Source) -> int:
    moved = 0
    for attribution in Attribution.objects.filter(source=merged).order_by("pk"):
        twin = Attribution.objects.filter(claim_id=attribution.claim_id, source=keep, role=attribution.role).first()
        if twin is None:
            attribution.source = keep
            attribution.save(update_fields=["source"])
        else:
            # The kept record already has this role on this claim: keep one row,
            # fill its blanks from the duplicate, and re-point what relayed it.
            for name in ("quote", "appeared_url", "appeared_in_id", "appeared_at", "relays_id"):
                if not getattr(twin, name) and getattr(attribution, name):
                    setattr(twin, name, getattr(attribution, name))
            twin.save()
            Attribution.objects.filter(relays=attribution).update(relays=twin)
            attribution.delete()
        moved += 1
    return moved
