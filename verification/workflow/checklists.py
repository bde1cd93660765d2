"""Verification checklists: what must be done on a claim before its verdict
is signed off (docs/collaboration.md).

Admins define lists in the Django admin (ChecklistTemplate with ordered
ChecklistItems), for every claim or for the claims with one tag. On a claim,
reviewers and editors tick and untick items; each tick or untick is an
append-only ChecklistTick and a ClaimEvent, so the page says who ticked what
when, and the history says it for ever. ``tick`` follows the steps of
verification.workflow.transitions:
1. check the actor's right, then in ``transaction.atomic()`` lock the claim,
2. check that the item is on this claim's checklist,
3. return early when the item already is as asked (two people ticking at once
   write one row),
4. write the tick row and one ClaimEvent through ``history.record``.

Sign-off calls ``open_before_signoff`` (verification.workflow.transitions):
required items still open are recorded on the ``published`` event and the
desk warns, or, with CLAIMDESK_CHECKLIST_BLOCKS_SIGNOFF, sign-off is refused
with ChecklistIncomplete (409).
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext, ngettext

from verification.models import ChecklistItem, ChecklistTick, Claim, ClaimEvent
from verification.workflow.errors import Refused, require_permission
from verification.workflow.history import record

PERMISSION = "verification.add_checklisttick"  # fact-checkers and editors (sources/roles.py)


class ChecklistIncomplete(Refused):
    code = "checklist_incomplete"


@dataclass(frozen=True)
class ItemState:
    """One item as it stands on one claim: ticked or not, and by whom when (the latest row)."""

    item: ChecklistItem
    ticked: bool
    by: object | None = None  # the user of the latest tick or untick
    at: datetime | None = None

    @property
    def open_and_required(self) -> bool:
        return self.item.required and not self.ticked


def items_for(claim: Claim, tag_ids=None):
    """The active items of the active lists that apply to ``claim``: the lists
    for every claim and those for one of its tags. ``tag_ids`` saves the query
    when the caller has the tags already."""
    tags = claim.tags.values("pk") if tag_ids is None else list(tag_ids)
    return (
        ChecklistItem.objects.filter(active=True, template__active=True)
        .filter(Q(template__tag__isnull=True) | Q(template__tag__in=tags))
        .select_related("template")
        .order_by("template__name", "template_id", "order", "id")
    )


def claim_checklist(claim: Claim, tag_ids=None) -> list[ItemState]:
    """Every item of ``claim``'s checklist with its state: two queries, none
    for the ticks when no list applies."""
    items = list(items_for(claim, tag_ids))
    if not items:
        return []
    latest = {}
    ticks = ChecklistTick.objects.filter(claim=claim, item__in=[i.pk for i in items]).select_related("actor")
    for tick in ticks.order_by("id"):
        latest[tick.item_id] = tick
    states = []
    for item in items:
        tick = latest.get(item.pk)
        states.append(ItemState(item, tick.ticked, tick.actor, tick.created_at) if tick else ItemState(item, False))
    return states


def tick(actor, claim_id: int, item_id: int, ticked: bool = True) -> ChecklistTick | None:
    """Tick (or with ``ticked=False`` untick) one item on one claim; None when
    it already was as asked."""
    require_permission(actor, PERMISSION, "tick checklist items", ask="an editor")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
        if claim is None:
            raise Claim.DoesNotExist(gettext("Claim %(claim_id)s does not exist.") % {"claim_id": claim_id})
        item = items_for(claim).filter(pk=item_id).first()
        if item is None:
            raise ValidationError(
                {
                    "item": [
                        gettext("Item %(item_id)s is not on this claim's checklist (any more): reload.")
                        % {"item_id": item_id}
                    ]
                }
            )
        latest = ChecklistTick.objects.filter(claim=claim, item=item).order_by("-id").first()
        if (latest.ticked if latest else False) == ticked:
            return None
        row = ChecklistTick.objects.create(claim=claim, item=item, ticked=ticked, actor=actor)
        kind = ClaimEvent.Kind.CHECKLIST_TICKED if ticked else ClaimEvent.Kind.CHECKLIST_UNTICKED
        record(claim, kind, actor, note=item.text, changes={"item_id": item.pk, "ticked": ticked})
        return row


def open_before_signoff(claim: Claim) -> list[str]:
    """Called by ``transitions.sign_off`` with the claim locked: the required
    items still open, which the sign-off records; raises ChecklistIncomplete
    instead when CLAIMDESK_CHECKLIST_BLOCKS_SIGNOFF is on."""
    still_open = [state.item.text for state in claim_checklist(claim) if state.open_and_required]
    if still_open and settings.CHECKLIST_BLOCKS_SIGNOFF:
        raise ChecklistIncomplete(
            ngettext(
                "%(count)d required checklist item still open: %(items)s. This desk signs off only when every "
                "required item is ticked: tick it on the claim page (or return the claim to its reviewer).",
                "%(count)d required checklist items still open: %(items)s. This desk signs off only when every "
                "required item is ticked: tick them on the claim page (or return the claim to its reviewer).",
                len(still_open),
            )
            % {"count": len(still_open), "items": _quoted(still_open)}
        )
    return still_open


def open_at_signoff(claim_id: int) -> list[str]:
    """The required items that were open when ``claim_id`` was last signed off (for the desk's warning)."""
    event = ClaimEvent.objects.filter(claim_id=claim_id, kind=ClaimEvent.Kind.PUBLISHED).order_by("-id").first()
    return list((event.changes or {}).get("open_checklist_items", [])) if event else []


def warning(still_open: list[str]) -> str:
    return ngettext(
        "Signed off with %(count)d required checklist item open: %(items)s.",
        "Signed off with %(count)d required checklist items open: %(items)s.",
        len(still_open),
    ) % {"count": len(still_open), "items": _quoted(still_open)}


def _quoted(texts: list[str]) -> str:
    return ", ".join(f"“{text}”" for text in texts)
