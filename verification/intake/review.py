"""Reviewing proposals: confirm (as proposed or edited), or drop. Nothing enters
the queue without a person's confirmation.

Confirming creates the claim through ``verification.workflow.claims.create_claim``,
attributed to the matched sources, or, when the proposal is linked to an
existing claim, adds its attributions and the article's appearance to that
claim instead (with an "edited" event), so one claim collects every article
that repeats it.

New sources. Creating a source record needs ``sources.add_source`` (admins).
A fact-checker confirming a proposal that names an unknown source gets a
clear refusal and three ways on: pick an existing source for that name, leave
the attribution out, or leave the proposal pending for an admin, who can
confirm it and create the source in one step. We refuse rather than quietly
dropping the attribution or creating a half-made source: who said it is the
point of the claim, and source records carry grades and track records that
only admins curate.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sources.models import Source, SourceEvent, SourceKind
from verification.models import AttributionRole, Claim, Proposal
from verification.workflow.claims import AttributionInput, ClaimInput, add_to_claim, create_claim
from verification.workflow.transitions import IllegalMove, NotAllowed

UNSET = object()


@dataclass
class AttributionChoice:
    """One attribution as the reviewer settles it: an existing source (``source_id``),
    a new one (``create``, from ``name`` and ``kind``), or left out (neither)."""

    name: str
    role: str
    quote: str = ""
    kind: str = "other"
    source_id: int | None = None
    create: bool = False

    @property
    def skipped(self) -> bool:
        return self.source_id is None and not self.create


def proposed_choices(proposal: Proposal) -> list[AttributionChoice]:
    """What confirming without edits does with each attribution: the matched
    source, a new source for an unmatched proper name, or (an unnamed source
    such as "officials") leave it out."""
    return [
        AttributionChoice(
            name=a["name"],
            role=a["role"],
            quote=a.get("quote", ""),
            kind=a.get("kind", "other"),
            source_id=a.get("source_id"),
            create=bool(a.get("new_source")) and not a.get("source_id"),
        )
        for a in proposal.attributions
    ]


def confirm(
    actor, proposal_id: int, *, text: str | None = None, choices: list[AttributionChoice] | None = None, link_to=UNSET
) -> Claim:
    """Turn a pending proposal into a queued claim, or add it to the claim it links to.

    1. Check the actor may add claims, and lock the proposal (pending only).
    2. Settle the text, the attributions (creating new sources, if allowed) and the link.
    3. Create the claim, or add to the linked one; record the decision."""
    if actor is None or not actor.has_perm("verification.add_claim"):
        raise NotAllowed(gettext("Your role cannot add claims. Ask an admin for the fact-checker role."))
    with transaction.atomic():
        proposal = _pending(proposal_id, "confirm")
        defaults = proposed_choices(proposal)
        final_text = proposal.text if text is None else text.strip()
        final_choices = defaults if choices is None else choices
        link_id = proposal.linked_claim_id if link_to is UNSET else link_to
        if not final_text:
            raise ValidationError({"text": [gettext("A claim needs its statement: the text may not be empty.")]})
        attributions = _settle(actor, proposal, final_choices)
        if link_id is not None:
            claim = _add_to_claim(actor, proposal, int(link_id), attributions)
        else:
            claim = create_claim(
                actor,
                ClaimInput(
                    text=final_text,
                    attributions=attributions,
                    appearances=_appearances(proposal),
                    tags=["opinion"] if proposal.is_opinion else [],
                ),
            )
        edited = final_text != proposal.text or final_choices != defaults or link_id != proposal.linked_claim_id
        _decide(proposal, actor, Proposal.Decision.EDITED if edited else Proposal.Decision.CONFIRMED, claim)
    return claim


def drop(actor, proposal_id: int) -> Proposal:
    """Mark a pending proposal dropped: no claim, no source, no attribution is written."""
    if actor is None or not actor.has_perm("verification.add_claim"):
        raise NotAllowed(gettext("Your role cannot review proposed claims. Ask an admin for the fact-checker role."))
    with transaction.atomic():
        proposal = _pending(proposal_id, "drop")
        _decide(proposal, actor, Proposal.Decision.DROPPED, None)
    return proposal


def _pending(proposal_id: int, verb: str) -> Proposal:
    proposal = Proposal.objects.select_for_update().filter(pk=proposal_id).first()
    if proposal is None:
        raise Proposal.DoesNotExist(gettext("Proposal %(proposal_id)s does not exist.") % {"proposal_id": proposal_id})
    if not proposal.is_pending:
        who = proposal.decided_by.get_username() if proposal.decided_by else "someone"
        raise IllegalMove(
            gettext("Proposal %(proposal_id)s was already %(lower)s by %(who)s; there is nothing left to %(verb)s.")
            % {"proposal_id": proposal_id, "lower": proposal.get_decision_display().lower(), "who": who, "verb": verb}
        )
    return proposal


def _decide(proposal: Proposal, actor, decision: str, claim: Claim | None) -> None:
    proposal.decision, proposal.claim, proposal.decided_by, proposal.decided_at = decision, claim, actor, timezone.now()
    proposal.save(update_fields=["decision", "claim", "decided_by", "decided_at"])


def _settle(actor, proposal: Proposal, choices: list[AttributionChoice]) -> list[AttributionInput]:
    """AttributionInputs for the choices kept; a relayed source relays the one stating it."""
    errors, inputs, seen = [], [], set()
    kept = [c for c in choices if not c.skipped]
    existing = Source.objects.in_bulk([c.source_id for c in kept if c.source_id is not None])
    for choice in kept:
        if choice.role not in AttributionRole.values:
            errors.append(f"'{choice.role}' is not a role; use one of {', '.join(AttributionRole.values)}.")
            continue
        source = existing.get(choice.source_id) if choice.source_id is not None else None
        if choice.source_id is not None and source is None:
            errors.append(f"Source {choice.source_id} (for '{choice.name}') does not exist; pick another.")
            continue
        if source is None:
            source = _new_source(actor, proposal, choice)
        live = source.merged_into or source  # a merged record points at the one to use
        if (live.pk, choice.role) not in seen:
            seen.add((live.pk, choice.role))
            inputs.append(
                AttributionInput(
                    source=live,
                    role=choice.role,
                    quote=choice.quote,
                    appeared_url=proposal.batch.final_url or proposal.batch.url,
                )
            )
    if errors:
        raise ValidationError({"attributions": errors})
    stating = [i.source for i in inputs if i.role == AttributionRole.STATED]
    for item in inputs:
        if item.role == AttributionRole.RELAYED and len(stating) == 1:
            item.relays_source = stating[0]
    # create_claim links a relayed row to the row it relays, which must exist first.
    return sorted(inputs, key=lambda i: i.relays_source is not None)


def _new_source(actor, proposal: Proposal, choice: AttributionChoice) -> Source:
    name = " ".join(choice.name.split())[:300]
    if not actor.has_perm("sources.add_source"):
        raise NotAllowed(
            gettext(
                "'%(name)s' matches no source, and creating sources needs an admin. Pick an existing "
                "source for it, leave that attribution out, or leave this proposal pending for an admin to "
                "confirm."
            )
            % {"name": name}
        )
    if not name:
        raise ValidationError({"attributions": [gettext("A new source needs a name.")]})
    kind = choice.kind if choice.kind in SourceKind.values else SourceKind.OTHER
    source, made = Source.objects.get_or_create(
        name=name, country="", merged_into__isnull=True, defaults={"kind": kind}
    )
    if made:
        SourceEvent.objects.create(
            source=source,
            kind=SourceEvent.Kind.CREATED,
            actor=actor,
            data={"name": name},
            note=f"Created while confirming proposal {proposal.pk} of intake batch {proposal.batch_id}.",
        )
    return source


def _appearances(proposal: Proposal) -> list[dict]:
    batch = proposal.batch
    url = batch.final_url or batch.url
    return [{"url": url, "title": batch.title}] if url else []


def _add_to_claim(actor, proposal: Proposal, claim_id: int, inputs: list[AttributionInput]) -> Claim:
    """Add the proposal's attributions and appearance to an existing claim, with one event."""
    return add_to_claim(
        actor,
        claim_id,
        inputs,
        _appearances(proposal),
        note=f"Linked from intake batch {proposal.batch_id}.",
        changes={"intake_proposal": proposal.pk, "text_seen": proposal.text},
    )
